from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from studies.models import User
from studies.roles import ROLE_PERMISSIONS, ROLE_TITLES, STAFF_ROLES, Role


class UnknownPermissionError(LookupError):
    pass


def _split(name: str) -> tuple[str, str]:
    app_label, _, codename = name.partition(".")
    if not app_label or not codename:
        raise UnknownPermissionError(f"permission {name!r} is not written as app_label.codename")
    return app_label, codename


def _permissions_for(names: frozenset[str]) -> list[Permission]:
    wanted: set[tuple[str, str]] = {_split(name) for name in names}
    found = list(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={codename for _, codename in wanted},
        ).select_related("content_type")
    )
    by_name = {(p.content_type.app_label, p.codename): p for p in found}
    missing = sorted(f"{app}.{codename}" for app, codename in wanted if (app, codename) not in by_name)
    if missing:
        raise UnknownPermissionError(f"permissions not found (run migrate first?): {', '.join(missing)}")
    return [by_name[key] for key in sorted(wanted)]


@transaction.atomic
def ensure_role_groups() -> dict[Role, Group]:
    """Create one group per role with exactly the permissions of studies.roles (idempotent)."""
    groups: dict[Role, Group] = {}
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions_for(ROLE_PERMISSIONS[role]))
        groups[role] = group
    return groups


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    username: str
    password: str


@transaction.atomic
def create_demo_users(*, password: str | None = None) -> list[DemoLogin]:
    """One user per role, named after the role; passwords are reset on every call."""
    groups = ensure_role_groups()
    logins: list[DemoLogin] = []
    for role in Role:
        user, _ = User.objects.get_or_create(username=role.value)
        user.first_name = "Demo"
        user.last_name = ROLE_TITLES[role]
        user.email = f"{role.value}@demo.invalid"
        user.is_staff = role in STAFF_ROLES
        user.is_active = True
        chosen = password or secrets.token_urlsafe(12)
        user.set_password(chosen)
        user.save()
        user.groups.set([groups[role]])
        logins.append(DemoLogin(role=role, username=user.username, password=chosen))
    return logins
