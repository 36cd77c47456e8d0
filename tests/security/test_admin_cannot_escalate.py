"""The administrator role runs the site but cannot grant itself more: no superuser flag, no direct
permissions, no role of its own choosing, no redefinition of a role."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.models import User
from studies.roles import Role


@pytest.fixture
def admin_client(make_user) -> tuple[Client, User]:
    admin = make_user(Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return client, admin


def _form(user: User, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [group.pk for group in user.groups.all()],
    }
    data.update(changes)
    return data


def test_admin_form_has_no_superuser_or_permission_fields(admin_client, make_user) -> None:
    client, _ = admin_client
    other = make_user(Role.RADIOLOGIST)
    page = client.get(f"/admin/studies/user/{other.pk}/change/").content.decode()
    assert 'name="groups"' in page  # assigning roles is the administrator's job
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page


def test_posting_superuser_and_permissions_changes_nothing(admin_client, role_groups) -> None:
    client, admin = admin_client
    from django.contrib.auth.models import Permission

    review = Permission.objects.get(codename="review_analysis")
    radiologists = role_groups[Role.RADIOLOGIST]
    response = client.post(
        f"/admin/studies/user/{admin.pk}/change/",
        _form(admin, is_superuser="on", user_permissions=[review.pk], groups=[radiologists.pk]),
    )
    assert response.status_code in (200, 302)
    admin.refresh_from_db()
    assert not admin.is_superuser
    assert not admin.user_permissions.exists()
    assert list(admin.groups.values_list("name", flat=True)) == [Role.ADMIN.value]
    assert not User.objects.get(pk=admin.pk).has_perm("studies.review_analysis")


def test_admin_cannot_redefine_a_role(admin_client, role_groups) -> None:
    client, _ = admin_client
    radiologists = role_groups[Role.RADIOLOGIST]
    response = client.post(f"/admin/auth/group/{radiologists.pk}/change/", {"name": "radiologist"})
    assert response.status_code == 403
