from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from studies.navigation import navigation_for
from studies.roles import roles_of
from studies.selectors.referrals import ASSESS_PERMISSION, unassessed_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "user_roles": []}
    badges = {}
    if user.has_perm(ASSESS_PERMISSION):  # one query: open referrals waiting for this IR doctor
        badges["referral-queue"] = unassessed_count(user)
    return {
        "nav_links": navigation_for(user, current_path=request.path, badges=badges),
        "user_roles": sorted(role.title for role in roles_of(user)),
    }
