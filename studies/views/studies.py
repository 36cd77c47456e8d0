from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from studies.selectors.studies import study_list, study_page

STUDIES_PER_PAGE = 50


@permission_required("studies.view_study", raise_exception=True)
def studies(request: HttpRequest) -> HttpResponse:
    page = Paginator(study_list(), STUDIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "studies/study_list.html", {"page": page})


@permission_required("studies.view_study", raise_exception=True)
def study(request: HttpRequest, study_instance_uid: str) -> HttpResponse:
    found = study_page(study_instance_uid=study_instance_uid)
    if found is None:
        raise Http404("No study with this StudyInstanceUID.")
    return render(request, "studies/study_detail.html", {"study": found})
