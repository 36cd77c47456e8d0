from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from studies.navigation import visible_items
from studies.selectors.overview import analysis_overview
from studies.selectors.referrals import referrals_of_radiologist, unassessed_count
from studies.views.access import current_user

MY_REFERRALS_SHOWN = 20


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their first workspace; users without a role get an explanation."""
    items = visible_items(request.user)
    if items:
        return redirect(reverse(items[0].url_name))
    return render(request, "home/no_role.html")


@permission_required("studies.use_radiology_workspace", raise_exception=True)
def radiology_home(request: HttpRequest) -> HttpResponse:
    mine = list(referrals_of_radiologist(current_user(request))[:MY_REFERRALS_SHOWN])
    return render(request, "home/radiology.html", {"overview": analysis_overview(), "my_referrals": mine})


@permission_required("studies.use_ir_workspace", raise_exception=True)
def ir_home(request: HttpRequest) -> HttpResponse:
    waiting = unassessed_count(current_user(request))
    return render(request, "home/ir.html", {"overview": analysis_overview(), "waiting_for_me": waiting})


@permission_required("studies.use_department_workspace", raise_exception=True)
def department_home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/department.html", {"overview": analysis_overview()})
