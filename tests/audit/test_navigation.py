"""Administrators find the audit trail in their navigation; clinical roles do not see it."""

from __future__ import annotations

import pytest

from studies.navigation import visible_items
from studies.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.ADMIN, True),
        (Role.RADIOLOGIST, False),
        (Role.SENIOR_RADIOLOGIST, False),
        (Role.INTERVENTIONAL_RADIOLOGIST, False),
        (Role.DEPARTMENT_LEAD, False),
    ],
)
def test_the_audit_link_follows_the_permission(make_user, role: Role, shown: bool) -> None:
    names = [item.url_name for item in visible_items(make_user(role))]
    assert ("audit-log" in names) is shown
