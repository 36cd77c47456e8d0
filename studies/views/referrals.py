"""IR referral pages: the queue, one referral (assessments, decision, next steps), manual referral.

Thin: every change goes through studies.services.referrals; refused changes come back as messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from studies.models import (
    Contraindication,
    Eligibility,
    ReferralStatus,
    ReviewOutcome,
    User,
)
from studies.selectors.referrals import (
    ASSESS_PERMISSION,
    OVERSIGHT_PERMISSION,
    REFER_PERMISSION,
    STATUS_FILTERS,
    can_view_referral,
    parse_queue_filters,
    queue_rows,
    referral_page,
)
from studies.services.referrals import (
    ReferralConflict,
    ReferralError,
    assess,
    decide,
    refer_by_radiologist,
    transition,
)
from studies.views.access import current_user

CONFLICT_MESSAGE = (
    "Not saved: this referral was changed by someone else since you opened it. Reload and try again."
)


def _ir(request: HttpRequest) -> User:
    user = current_user(request)
    if not user.has_perm(ASSESS_PERMISSION):
        raise PermissionDenied
    return user


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not (user.has_perm(ASSESS_PERMISSION) or user.has_perm(OVERSIGHT_PERMISSION)):
        raise PermissionDenied
    filters = parse_queue_filters(request.GET)
    status_options = [("open", "Open (new, in assessment)"), ("all", "All")] + [
        (value, label) for value, label in ReferralStatus.choices
    ]
    return render(
        request,
        "studies/referral_queue.html",
        {
            "rows": queue_rows(filters, user=user),
            "filters": filters,
            "status_options": [(v, label) for v, label in status_options if v in STATUS_FILTERS],
            "sort_options": [("waiting", "Days waiting"), ("grade", "Grade"), ("level", "Level")],
            "can_assess": user.has_perm(ASSESS_PERMISSION),
        },
    )


def _render_referral(
    request: HttpRequest, referral_id: int, *, posted: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    if not can_view_referral(user):
        raise PermissionDenied
    page = referral_page(referral_id=referral_id, user=user)
    if page is None:
        raise Http404("No such referral.")
    return render(
        request,
        "studies/referral.html",
        {
            "page": page,
            "referral": page.referral,
            "eligibility_choices": Eligibility.choices,
            "contraindication_choices": Contraindication.choices,
            "posted": posted or {"contraindications": []},
            "experience_years": user.ir_experience_years,
        },
        status=status,
    )


@require_GET
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _render_referral(request, referral_id)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
def assess_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _ir(request)
    eligibility = request.POST.get("eligibility", "")
    chosen = request.POST.getlist("contraindications")
    reasons = request.POST.get("reasons", "")
    comment = request.POST.get("comment", "")
    posted = {"eligibility": eligibility, "contraindications": chosen, "reasons": reasons, "comment": comment}
    try:
        assess(
            referral_id=referral_id,
            assessor=user,
            eligibility=eligibility,
            contraindications=chosen,
            reasons=reasons,
            comment=comment,
        )
    except ReferralError as error:
        messages.error(request, f"Assessment not saved: {error}.")
        return _render_referral(request, referral_id, posted=posted, status=400)
    messages.success(request, "Your assessment is saved.")
    return redirect("referral", referral_id=referral_id)


@require_POST
def decide_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _ir(request)
    choice = request.POST.get("eligible", "")
    if choice not in ("yes", "no"):
        messages.error(request, "Choose eligible or not eligible.")
        return redirect("referral", referral_id=referral_id)
    try:
        moved = decide(
            referral_id=referral_id,
            actor=user,
            eligible=choice == "yes",
            version=_version(request),
            note=request.POST.get("note", ""),
        )
    except ReferralConflict:
        messages.error(request, CONFLICT_MESSAGE)
    except ReferralError as error:
        messages.error(request, f"Not saved: {error}.")
    else:
        messages.success(request, f"Decision recorded: {moved.get_status_display()}.")
    return redirect("referral", referral_id=referral_id)


@require_POST
def move_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _ir(request)
    try:
        moved = transition(
            referral_id=referral_id,
            actor=user,
            to=request.POST.get("to", ""),
            version=_version(request),
            note=request.POST.get("note", ""),
        )
    except ReferralConflict:
        messages.error(request, CONFLICT_MESSAGE)
    except ReferralError as error:
        messages.error(request, f"Not saved: {error}.")
    else:
        messages.success(request, f"Referral is now {moved.get_status_display().lower()}.")
    return redirect("referral", referral_id=referral_id)


@require_POST
def refer_outcome(request: HttpRequest, review_id: int, outcome_id: int) -> HttpResponse:
    user = current_user(request)
    if not user.has_perm(REFER_PERMISSION):
        raise PermissionDenied
    outcome = get_object_or_404(ReviewOutcome, pk=outcome_id, review_id=review_id)
    try:
        made = refer_by_radiologist(
            outcome_id=outcome.pk, radiologist=user, note=request.POST.get("note", "")
        )
    except ReferralError as error:
        messages.error(request, f"Not referred: {error}.")
    else:
        messages.success(request, f"{made.label} referred to interventional radiology.")
    return redirect("review", review_id=review_id)
