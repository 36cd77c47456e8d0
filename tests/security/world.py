"""One real object of every kind the URL kwargs name, and one user per role, for the role matrix.

The radiologist and the senior are the two readers of the (closed) review; its grade-3 L1 fracture
made a referral, which a second IR doctor (not a caller) has assessed. The IR caller has not.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Task
from rest_framework.authtoken.models import Token

from inference.phantom import generate_phantom, write_phantom
from studies.models import (
    AuditAction,
    AuditEvent,
    CaseReview,
    FindingCorrection,
    Instance,
    PacsConnection,
    Patient,
    Read,
    Referral,
    ReviewOutcome,
    Series,
    StudySource,
    User,
    VertebraLevel,
)
from studies.roles import STAFF_ROLES, Role
from studies.services.ingest import Outcome, ingest_files
from studies.services.reviews import open_review
from studies.services.roles import ensure_role_groups
from tests.referrals.cases import assess_yes, confirm, referral_of
from tests.review.cases import add_study
from tests.services.conftest import dicom_files, small_spec

# The callers, in the column order of the matrix; None is the anonymous visitor.
CALLERS: tuple[Role | None, ...] = (
    None,
    Role.RADIOLOGIST,
    Role.SENIOR_RADIOLOGIST,
    Role.INTERVENTIONAL_RADIOLOGIST,
    Role.DEPARTMENT_LEAD,
    Role.ADMIN,
)


@dataclass(frozen=True)
class World:
    users: dict[Role, User]
    review: CaseReview
    read: Read  # the radiologist's submitted read
    outcome: ReviewOutcome  # L1, a confirmed grade-3 fracture, referred
    prior_analysis_id: int  # an earlier finished analysis of the same patient
    referral: Referral
    finding_id: int
    instance: Instance  # a stored CT slice (DICOMweb)


def _user(role: Role, name: str, groups: dict[Role, Group]) -> User:
    user = User.objects.create_user(username=name, password="x", is_staff=role in STAFF_ROLES)
    user.groups.add(groups[role])
    return user


def _stored_instance() -> Instance:
    """One slice of a small phantom, ingested (the store keeps its own copy)."""
    with tempfile.TemporaryDirectory(prefix="vcf-role-matrix-") as name:
        folder = Path(name)
        write_phantom(generate_phantom(small_spec(levels=("L1", "L2"), slice_mm=10.0)), folder)
        files = dicom_files(folder)[:1]
        report = ingest_files(paths=[(p, p.name) for p in files], source=StudySource.UPLOAD)
    assert report.count(Outcome.STORED) == 1, report.outcomes
    series = Series.objects.get(pk=report.touched_series_ids[0])
    return series.instances.select_related("series__study").get()


def _admin_objects(users: dict[Role, User], finding_id: int) -> None:
    """One row of each admin-registered model that nothing above made (object pages need one)."""
    Token.objects.create(user=users[Role.ADMIN])
    FindingCorrection.objects.create(finding_id=finding_id, author=users[Role.RADIOLOGIST], note="matrix")
    PacsConnection.objects.create(name="matrix", base_url="http://127.0.0.1:9/dicom-web")
    Schedule.objects.create(name="matrix", func="math.floor", args="1")
    now = timezone.now()
    for success in (True, False):
        Task.objects.create(
            id=f"matrix{success}",
            name=f"matrix-{success}",
            func="math.floor",
            started=now,
            stopped=now,
            success=success,
        )
    OrmQ.objects.create(key="matrix", payload="x", lock=now)
    AuditEvent.objects.create(action=AuditAction.VIEW, target_kind="study", target_id="matrix")


def build_world() -> World:
    groups = ensure_role_groups()
    users = {role: _user(role, f"matrix-{role.value}", groups) for role in Role}
    ir2 = _user(Role.INTERVENTIONAL_RADIOLOGIST, "matrix-ir2", groups)
    patient = Patient.objects.create(pseudo_id="P-MATRIX", birth_date=date(1950, 1, 1))
    prior = add_study(patient, study_date=date(2023, 5, 1), vhl={})
    current = add_study(patient, study_date=date(2025, 2, 3), vhl={"L1": 52.0})
    review = open_review(analysis_id=current.analysis.pk)
    assert review is not None
    confirm(review, {"junior": users[Role.RADIOLOGIST], "senior": users[Role.SENIOR_RADIOLOGIST]})
    referral = referral_of(review)
    assess_yes(referral, ir2)
    referral.refresh_from_db()
    finding_id = current.findings["L1"].pk
    _admin_objects(users, finding_id)
    return World(
        users=users,
        review=review,
        read=review.reads.get(reader=users[Role.RADIOLOGIST]),
        outcome=review.outcomes.get(level=VertebraLevel.L1),
        prior_analysis_id=prior.analysis.pk,
        referral=referral,
        finding_id=finding_id,
        instance=_stored_instance(),
    )
