from __future__ import annotations

from django import template

from studies.models import CaseReview
from studies.selectors.worklist_page import short_state_text

register = template.Library()


@register.filter
def review_state(review: CaseReview) -> str:
    """ "unread", "reading", "awaiting consensus" or "closed, true positive"."""
    return short_state_text(review)
