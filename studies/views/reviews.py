"""The review page: the images beside the reader's form, blind reads, consensus, outcome and trail.

Thin: every change goes through studies.services.reviews / review_outcomes. A refused change
re-renders the page with the reader's posted values and the reason, never dropping their input.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studies.forms.review_read import GRADES, ReadForm, initial_form, posted_form, problems
from studies.models import Analysis, AnalysisStatus, CaseReview, FalsePositiveReason, User
from studies.reports.levels import LEVEL_ORDER
from studies.reports.mentions import find_mentions
from studies.selectors.review_page import ReviewPage, review_page
from studies.selectors.reviews import review_detail
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import (
    REVIEW_PERMISSION,
    SENIOR_PERMISSION,
    ReviewConflict,
    ReviewError,
    save_read,
    start_read,
)
from studies.views.access import review_viewer
from studies.views.report_html import report_html
from studies.views.viewer import viewer_context

CONFLICT_MESSAGE = (
    "Not saved: this read was changed elsewhere (another tab or device) since you opened it. "
    "Your entries are still in the form below; reload the page to see the saved version."
)


def _load(request: HttpRequest, review_id: int) -> tuple[CaseReview, User]:
    user = review_viewer(request)
    review = review_detail(review_id=review_id)
    if review is None:
        raise Http404("No such review.")
    return review, user


def _render(
    request: HttpRequest, page: ReviewPage, *, form: ReadForm | None = None, status: int = 200
) -> HttpResponse:
    review = page.review
    study = review.analysis.series.study
    mentions = find_mentions(study.report_text) if study.report_text.strip() else None
    if form is None and page.editable_read is not None:
        suggest = mentions.mentions_level if mentions is not None else None
        form = initial_form(page.editable_read, page.flagged, suggest_reported=suggest)
    context: dict[str, Any] = {
        **viewer_context(request, review.analysis),
        "page": page,
        "review": review,
        "form": form,
        "report_html": report_html(study.report_text, mentions) if mentions is not None else None,
        "report_fracture_levels": sorted(mentions.fracture_levels, key=LEVEL_ORDER.index) if mentions else [],
        "fp_reasons": FalsePositiveReason.choices,
        "grades": GRADES,
    }
    return render(request, "studies/review.html", context, status=status)


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    found, user = _load(request, review_id)
    page = review_page(review=found, user=user)
    if request.method == "GET":
        return _render(request, page)
    if not user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    form = posted_form(request.POST, page.flagged)
    wrong = problems(form)
    if form.read_id not in {r.pk for r in found.reads.all() if r.reader_id == user.pk}:
        wrong.append("This form does not belong to a read of yours on this case; reload the page.")
    if wrong:
        for line in wrong:
            messages.error(request, line)
        return _render(request, page, form=form)
    try:
        read = save_read(
            read_id=form.read_id,
            reader=user,
            version=form.version,
            decisions=form.decision_inputs(),
            comment=form.comment,
            submit=form.submit,
        )
    except ReviewConflict:
        messages.error(request, CONFLICT_MESSAGE)
        return _render(request, page, form=form, status=409)
    except ReviewError as error:
        messages.error(request, f"Not saved: {error}.")
        return _render(request, page, form=form)
    if form.submit:
        messages.success(request, f"Read submitted: {read.get_decision_display()}.")
    else:
        messages.success(
            request, f"Draft saved. The case decision from these vertebrae: {read.get_decision_display()}."
        )
    return redirect("review", review_id=found.pk)


@require_POST
def start(request: HttpRequest, review_id: int) -> HttpResponse:
    found, user = _load(request, review_id)
    if not user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    try:
        start_read(review_id=found.pk, reader=user)
    except (ReviewError, ReviewConflict) as error:
        messages.error(request, f"Could not start your read: {error}.")
    return redirect("review", review_id=found.pk)


@require_POST
def consensus(request: HttpRequest, review_id: int) -> HttpResponse:
    found, user = _load(request, review_id)
    if not user.has_perm(SENIOR_PERMISSION):
        raise PermissionDenied
    try:
        start_consensus(review_id=found.pk, senior=user)
    except (ReviewError, ReviewConflict) as error:
        messages.error(request, f"Could not start the consensus: {error}.")
    return redirect("review", review_id=found.pk)


@require_GET
def compare(request: HttpRequest, review_id: int, analysis_id: int) -> HttpResponse:
    """The current analysis and one of the patient's earlier ones, side by side."""
    found, _ = _load(request, review_id)
    current = found.analysis
    prior = get_object_or_404(
        Analysis.objects.select_related("series__study__patient"),
        pk=analysis_id,
        status=AnalysisStatus.DONE,
        series__study__patient_id=current.series.study.patient_id,
    )
    if prior.pk == current.pk:
        raise Http404("Pick an earlier analysis to compare with.")
    return render(
        request, "studies/review_compare.html", {"review": found, "current": current, "prior": prior}
    )
