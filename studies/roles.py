"""Roles are Django groups; this module is the single place that says what each role may do."""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser

from studies.models import User


class Role(StrEnum):
    RADIOLOGIST = "radiologist"
    SENIOR_RADIOLOGIST = "senior_radiologist"
    INTERVENTIONAL_RADIOLOGIST = "interventional_radiologist"
    DEPARTMENT_LEAD = "department_lead"
    ADMIN = "admin"

    @property
    def title(self) -> str:  # type: ignore[override]
        return ROLE_TITLES[self]


ROLE_TITLES: dict[Role, str] = {
    Role.RADIOLOGIST: "Radiologist",
    Role.SENIOR_RADIOLOGIST: "Senior radiologist",
    Role.INTERVENTIONAL_RADIOLOGIST: "Interventional radiologist",
    Role.DEPARTMENT_LEAD: "Department lead",
    Role.ADMIN: "Administrator",
}

_CLINICAL_READ = frozenset(
    {
        "studies.view_patient",
        "studies.view_study",
        "studies.view_series",
        "studies.view_instance",
        "studies.view_analysis",
        "studies.view_vertebrafinding",
        "studies.view_findingcorrection",
    }
)

_RADIOLOGIST = _CLINICAL_READ | {
    "studies.use_radiology_workspace",
    "studies.review_analysis",
    "studies.refer_fracture",
    "studies.upload_studies",
    "studies.add_findingcorrection",
}

# Clinical capabilities are given by role only. Administrators run the site (users, PACS,
# the queue, the data) but do not read or decide clinical cases.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.RADIOLOGIST: frozenset(_RADIOLOGIST),
    Role.SENIOR_RADIOLOGIST: frozenset(_RADIOLOGIST | {"studies.resolve_consensus"}),
    Role.INTERVENTIONAL_RADIOLOGIST: frozenset(
        _CLINICAL_READ | {"studies.use_ir_workspace", "studies.assess_referral"}
    ),
    Role.DEPARTMENT_LEAD: frozenset(
        _CLINICAL_READ | {"studies.use_department_workspace", "studies.view_statistics"}
    ),
    Role.ADMIN: frozenset(
        {
            "studies.upload_studies",
            "studies.manage_pacs",
            "studies.view_audit_log",
            # Department figures are aggregates over pseudonymous data; reading cases stays clinical.
            "studies.view_statistics",
            "studies.view_user",
            "studies.add_user",
            "studies.change_user",
            # Roles are defined here, in code: administrators assign them but cannot redefine them.
            "auth.view_group",
            "studies.view_patient",
            "studies.view_study",
            "studies.view_series",
            "studies.view_instance",
            "studies.view_analysis",
            "studies.change_analysis",
            "django_q.view_task",
            "django_q.view_success",
            "django_q.view_failure",
            "django_q.delete_failure",
            "django_q.view_ormq",
            "django_q.view_schedule",
            "django_q.add_schedule",
            "django_q.change_schedule",
            "django_q.delete_schedule",
            "authtoken.view_tokenproxy",
            "authtoken.add_tokenproxy",
            "authtoken.delete_tokenproxy",
        }
    ),
}

# Roles whose members need the Django admin (is_staff).
STAFF_ROLES = frozenset({Role.ADMIN})


def roles_of(user: User | AnonymousUser) -> frozenset[Role]:
    """The user's roles, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_vcf_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._vcf_roles = cached  # type: ignore[union-attr,attr-defined]
    return cached
