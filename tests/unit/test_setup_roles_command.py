from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from studies.models import User
from studies.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def permission_names(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_groups_get_exactly_their_permissions_and_rerunning_is_harmless() -> None:
    call_command("setup_roles", stdout=StringIO())
    extra = Group.objects.get(name="radiologist")
    extra.permissions.add(*Group.objects.get(name="admin").permissions.all())  # drift
    call_command("setup_roles", stdout=StringIO())
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)
    for role in Role:
        assert permission_names(Group.objects.get(name=role.value)) == ROLE_PERMISSIONS[role]


def test_clinical_and_administrative_permissions_are_apart() -> None:
    assert "studies.review_analysis" not in ROLE_PERMISSIONS[Role.ADMIN]
    assert "studies.resolve_consensus" not in ROLE_PERMISSIONS[Role.RADIOLOGIST]
    assert "studies.resolve_consensus" in ROLE_PERMISSIONS[Role.SENIOR_RADIOLOGIST]
    assert "studies.assess_referral" in ROLE_PERMISSIONS[Role.INTERVENTIONAL_RADIOLOGIST]
    assert "studies.view_statistics" in ROLE_PERMISSIONS[Role.DEPARTMENT_LEAD]


def test_demo_is_refused_without_debug() -> None:
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("setup_roles", demo=True, stdout=StringIO())
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_users_can_log_in_with_the_printed_credentials() -> None:
    out = StringIO()
    call_command("setup_roles", demo=True, stdout=out)
    logins = re.findall(r"^\s+.+?\s(\S+) / (\S+)$", out.getvalue(), re.M)
    assert {username for username, _ in logins} == {role.value for role in Role}
    for username, password in logins:
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 302
    assert User.objects.get(username="admin").is_staff
    assert not User.objects.get(username="radiologist").is_staff


def test_demo_passwords_are_random_unless_given() -> None:
    first, second = StringIO(), StringIO()
    call_command("setup_roles", demo=True, allow_without_debug=True, stdout=first)
    call_command("setup_roles", demo=True, allow_without_debug=True, stdout=second)
    assert first.getvalue() != second.getvalue()
    assert User.objects.count() == len(Role)
