"""The radiologists' worklist: flagged cases by severity, filtered, with counts beside each option."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from studies.forms.worklist import filter_options, parse_filters
from studies.selectors.worklist_page import option_counts, reviewers, worklist_row, worklist_rows
from studies.services.reviews import REVIEW_PERMISSION
from studies.views.access import review_viewer

REVIEWS_PER_PAGE = 25


@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    user = review_viewer(request)
    readers = reviewers()
    parsed = parse_filters(request.GET, me=user, readers=readers)
    for problem in parsed.problems:
        messages.warning(request, problem)
    page = Paginator(worklist_rows(parsed.filters), REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [worklist_row(review, today=today) for review in page.object_list]
    counts = option_counts(parsed.filters, me=user)
    return render(
        request,
        "studies/worklist.html",
        {
            "page": page,
            "rows": rows,
            "parsed": parsed,
            "options": filter_options(
                parsed,
                readers=readers,
                counts=counts.counts,
                by_kind=counts.by_kind,
                by_reader=counts.by_reader,
            ),
            "can_review": user.has_perm(REVIEW_PERMISSION),
        },
    )
