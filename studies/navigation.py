"""The navigation bar: which links each user sees, decided by permissions (so by role)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from studies.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    staff_only: bool = False


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool
    badge: int = 0


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Radiology", "radiology-home", permission="studies.use_radiology_workspace"),
    NavItem("Worklist", "worklist", permission="studies.review_analysis"),
    NavItem("Interventional radiology", "ir-home", permission="studies.use_ir_workspace"),
    NavItem("Referrals", "referral-queue", permission="studies.use_ir_workspace"),
    NavItem("Department", "department-home", permission="studies.use_department_workspace"),
    NavItem("Administration", "admin:index", staff_only=True),
    NavItem("Statistics", "statistics", permission="studies.view_statistics"),
    NavItem("Audit trail", "audit-log", permission="studies.view_audit_log"),
    NavItem("Studies", "study-list", permission="studies.view_study"),
    # Last, so that no role's first workspace (where home sends it) is the upload page.
    NavItem("Upload", "upload", permission="studies.upload_studies"),
)


def visible_items(user: User | AnonymousUser) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [
        item
        for item in NAV_ITEMS
        if (not item.staff_only or user.is_staff)
        and (item.permission is None or user.has_perm(item.permission))
    ]


def navigation_for(
    user: User | AnonymousUser, *, current_path: str, badges: dict[str, int] | None = None
) -> list[NavLink]:
    """The user's links; the one whose address is the longest prefix of the current path is active.

    ``badges`` maps a URL name to an in-app count shown beside its link (0: none shown).
    """
    badges = badges or {}
    items = [(item, reverse(item.url_name)) for item in visible_items(user)]
    matching = [url for _, url in items if current_path.startswith(url)]
    active = max(matching, key=len) if matching else None
    return [
        NavLink(label=item.label, url=url, active=url == active, badge=badges.get(item.url_name, 0))
        for item, url in items
    ]
