from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from studies.navigation import visible_items
from studies.selectors.overview import analysis_overview


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their first workspace; users without a role get an explanation."""
    items = visible_items(request.user)
    if items:
        return redirect(reverse(items[0].url_name))
    return render(request, "home/no_role.html")


@permission_required("studies.use_radiology_workspace", raise_exception=True)
def radiology_home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/radiology.html", {"overview": analysis_overview()})


@permission_required("studies.use_ir_workspace", raise_exception=True)
def ir_home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/ir.html", {"overview": analysis_overview()})


@permission_required("studies.use_department_workspace", raise_exception=True)
def department_home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/department.html", {"overview": analysis_overview()})
