"""Who may open the review pages: readers review, department leads look on (read-only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from studies.models import User
from studies.services.reviews import REVIEW_PERMISSION

STATISTICS_PERMISSION = "studies.view_statistics"
# Department leads oversee the clinical workflow: they read every review and referral.
OVERSIGHT_PERMISSION = "studies.use_department_workspace"


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the authentication middleware lets no anonymous request through
    return user


def review_viewer(request: HttpRequest) -> User:
    """The request's user if they may see the worklist and review pages, else 403."""
    user = current_user(request)
    if not (user.has_perm(REVIEW_PERMISSION) or user.has_perm(OVERSIGHT_PERMISSION)):
        raise PermissionDenied
    return user
