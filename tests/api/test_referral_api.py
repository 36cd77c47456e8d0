"""The referral API: who sees which referral, blind assessments, decision, moves, conflicts, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from studies.models import Referral, ReferralStatus, ReviewOutcome, User
from studies.roles import Role
from tests.referrals.cases import GRADE_2_L1, bring_to, confirm

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, **body: object):
    return client.post(path, body, content_type="application/json")


# ---------------------------------------------------------------- roles

READ_PATHS = ["/api/v1/referrals/", "/api/v1/referrals/{id}/"]
LOOKERS = [
    (Role.INTERVENTIONAL_RADIOLOGIST, 200),
    (Role.DEPARTMENT_LEAD, 200),
    (Role.RADIOLOGIST, 200),
    (Role.SENIOR_RADIOLOGIST, 200),
    (Role.ADMIN, 403),
    (None, 403),
]


@pytest.mark.parametrize("path", READ_PATHS)
@pytest.mark.parametrize(("role", "status"), LOOKERS)
def test_who_may_look_at_referrals(client_for, grade3_referral, path: str, role, status: int) -> None:
    referral = grade3_referral()
    response = client_for(role).get(path.format(id=referral.pk))
    # A radiologist who neither raised nor read it does not see this referral.
    if role in (Role.RADIOLOGIST, Role.SENIOR_RADIOLOGIST) and "{id}" in path:
        status = 404
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.INTERVENTIONAL_RADIOLOGIST, 200),
        (Role.DEPARTMENT_LEAD, 200),
        (Role.RADIOLOGIST, 403),
        (Role.SENIOR_RADIOLOGIST, 403),
        (Role.ADMIN, 403),
        (None, 403),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/referrals/export.csv", "/api/v1/referrals.csv"])
def test_who_may_export(client_for, grade3_referral, role, status: int, path: str) -> None:
    grade3_referral()
    assert client_for(role).get(path).status_code == status


WRITES: list[tuple[str, dict[str, object]]] = [
    ("/api/v1/referrals/{id}/assessments/", {"eligibility": "yes"}),
    ("/api/v1/referrals/{id}/decision/", {"eligible": True, "version": 0}),
    ("/api/v1/referrals/{id}/transitions/", {"to": "in_assessment", "version": 0}),
]


@pytest.mark.parametrize(("path", "body"), WRITES)
@pytest.mark.parametrize(
    "role", [Role.RADIOLOGIST, Role.SENIOR_RADIOLOGIST, Role.DEPARTMENT_LEAD, Role.ADMIN, None]
)
def test_only_ir_doctors_write(client_for, grade3_referral, path: str, body, role) -> None:
    referral = grade3_referral()
    assert post(client_for(role), path.format(id=referral.pk), **body).status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW and not referral.assessments.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.RADIOLOGIST, 201),
        (Role.SENIOR_RADIOLOGIST, 201),
        (Role.INTERVENTIONAL_RADIOLOGIST, 403),
        (Role.DEPARTMENT_LEAD, 403),
        (Role.ADMIN, 403),
        (None, 403),
    ],
)
def test_who_may_refer_by_hand(client_for, flagged_review, readers, role, status: int) -> None:
    _, review = flagged_review(l1_anterior=17.0)
    confirm(review, readers, GRADE_2_L1)
    outcome = ReviewOutcome.objects.get(review=review)
    assert post(client_for(role), f"/api/v1/outcomes/{outcome.pk}/referral/", note="x").status_code == status


@pytest.mark.parametrize(
    "request_of",
    [
        lambda c, r: c.get("/api/v1/referrals/"),
        lambda c, r: c.get(f"/api/v1/referrals/{r.pk}/"),
        lambda c, r: c.get("/api/v1/referrals/export.csv"),
        lambda c, r: post(c, f"/api/v1/referrals/{r.pk}/assessments/", eligibility="yes"),
        lambda c, r: post(c, f"/api/v1/referrals/{r.pk}/decision/", eligible=True, version=0),
        lambda c, r: post(c, f"/api/v1/referrals/{r.pk}/transitions/", to="scheduled", version=0),
        lambda c, r: post(c, "/api/v1/outcomes/1/referral/", note=""),
    ],
)
def test_anonymous_callers_get_401(grade3_referral, request_of) -> None:
    response = request_of(Client(), grade3_referral())
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


# ---------------------------------------------------------------- list and detail


def test_list_shows_the_fracture_and_filters(grade3_referral, ir_doctors, flagged_review, readers) -> None:
    first = grade3_referral()
    second = bring_to(grade3_referral(), ReferralStatus.IN_ASSESSMENT, ir_doctors["ir1"], ir_doctors["ir2"])
    client = client_of(ir_doctors["ir3"])
    body = client.get("/api/v1/referrals/").json()
    assert body["count"] == 2 and [r["id"] for r in body["results"]] == [first.pk, second.pk]
    item = body["results"][0]
    assert item["level"] == "L1" and item["status"] == "new" and item["source"] == "auto"
    assert item["grade"] == 3 and item["height_loss_pct"] == 52.0 and item["reported"] is False
    assert item["patient_pseudonym"] == first.patient.pseudo_id and item["days_waiting"] == 0
    assert body["results"][1]["assessment_count"] == 1
    assert [r["id"] for r in client.get("/api/v1/referrals/?status=in_assessment").json()["results"]] == [
        second.pk
    ]
    assert client.get("/api/v1/referrals/?grade=2").json()["count"] == 0
    assert client.get("/api/v1/referrals/?grade=3&reported=false").json()["count"] == 2
    assert client.get("/api/v1/referrals/?reported=true").json()["count"] == 0
    assert client.get("/api/v1/referrals/?status=done").status_code == 400


def test_radiologists_see_what_they_raised_or_read(
    grade3_referral, flagged_review, readers, make_user, client_for
) -> None:
    read = grade3_referral()  # read by junior and senior
    _, review = flagged_review(l1_anterior=17.0)
    other_juniors = {**readers, "junior": readers["junior2"]}
    confirm(review, other_juniors, GRADE_2_L1)
    outsider = make_user(Role.RADIOLOGIST)
    raised = post(
        client_of(outsider), f"/api/v1/outcomes/{ReviewOutcome.objects.get(review=review).pk}/referral/"
    ).json()
    ids = {r["id"] for r in client_of(readers["junior"]).get("/api/v1/referrals/").json()["results"]}
    assert ids == {read.pk}
    ids = {r["id"] for r in client_of(outsider).get("/api/v1/referrals/").json()["results"]}
    assert ids == {raised["id"]}
    ids = {r["id"] for r in client_of(readers["senior"]).get("/api/v1/referrals/").json()["results"]}
    assert ids == {read.pk, raised["id"]}
    assert client_of(readers["junior"]).get(f"/api/v1/referrals/{raised['id']}/").status_code == 404
    assert client_for(Role.DEPARTMENT_LEAD).get("/api/v1/referrals/").json()["count"] == 2


def test_the_list_costs_the_same_queries_for_2_or_12(grade3_referral, ir_doctors) -> None:
    client = client_of(ir_doctors["ir1"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/referrals/").status_code == 200
        return len(captured)

    for _ in range(2):
        bring_to(grade3_referral(), ReferralStatus.IN_ASSESSMENT, ir_doctors["ir2"], ir_doctors["ir3"])
    few = queries()
    for _ in range(10):
        bring_to(grade3_referral(), ReferralStatus.ELIGIBLE, ir_doctors["ir2"], ir_doctors["ir3"])
    assert client.get("/api/v1/referrals/").json()["count"] == 12
    assert queries() == few


def test_assessments_are_blind_in_the_detail(grade3_referral, ir_doctors, readers, client_for) -> None:
    referral = grade3_referral()
    path = f"/api/v1/referrals/{referral.pk}/"
    made = post(client_of(ir_doctors["ir1"]), f"{path}assessments/", eligibility="yes", reasons="painful")
    assert made.status_code == 201
    mine = made.json()
    assert [a["assessor"]["username"] for a in mine["assessments"]] == ["ir1"]
    assert mine["assessments"][0]["assessor_experience_years"] == 12 and mine["status"] == "in_assessment"
    theirs = client_of(ir_doctors["ir2"]).get(path).json()
    assert theirs["assessments"] == [] and theirs["assessments_blind"] is True
    assert theirs["assessment_count"] == 1
    radiologist = client_of(readers["junior"]).get(path).json()
    assert radiologist["assessments"] is None and radiologist["status"] == "in_assessment"
    post(client_of(ir_doctors["ir2"]), f"{path}assessments/", eligibility="no", contraindications=["healed"])
    both = client_of(ir_doctors["ir3"]).get(path).json()
    assert [a["eligibility"] for a in both["assessments"]] == ["yes", "no"]
    assert both["assessments_blind"] is False
    lead = client_for(Role.DEPARTMENT_LEAD).get(path).json()
    assert len(lead["assessments"]) == 2
    radiologist = client_of(readers["junior"]).get(path).json()
    assert radiologist["assessments"] is None and radiologist["assessment_count"] == 2


def test_detail_shows_fractures_and_next_steps(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    body = client_of(ir_doctors["ir1"]).get(f"/api/v1/referrals/{referral.pk}/").json()
    assert body["allowed_next"] == ["in_assessment"] and body["version"] == 0
    [fracture] = body["fractures"]
    assert fracture["grade"] == 3 and fracture["study_date"] == "2025-02-03"
    assert client_of(ir_doctors["ir1"]).get("/api/v1/referrals/999999/").status_code == 404


# ---------------------------------------------------------------- writes


def test_the_whole_flow_through_the_api(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    path = f"/api/v1/referrals/{referral.pk}/"
    first, second = client_of(ir_doctors["ir1"]), client_of(ir_doctors["ir2"])
    assert post(first, f"{path}assessments/", eligibility="yes").status_code == 201
    early = post(first, f"{path}decision/", eligible=True, version=1)
    assert early.status_code == 400 and early.json() == {
        "detail": "both assessments must be in before the final decision"
    }
    assert post(second, f"{path}assessments/", eligibility="yes").status_code == 201
    decided = post(second, f"{path}decision/", eligible=True, version=1, note="both agree")
    assert decided.status_code == 200
    assert decided.json()["status"] == "eligible" and decided.json()["final_note"] == "both agree"
    assert decided.json()["decided_by"]["username"] == "ir2"
    scheduled = post(first, f"{path}transitions/", to="scheduled", version=2, note="on the 14th")
    assert scheduled.status_code == 200 and scheduled.json()["allowed_next"] == [
        "treated",
        "declined",
        "lost",
    ]
    treated = post(first, f"{path}transitions/", to="treated", version=3)
    assert treated.json()["status"] == "treated" and treated.json()["allowed_next"] == []


def test_errors_are_400_and_conflicts_409(grade3_referral, ir_doctors) -> None:
    referral = bring_to(grade3_referral(), ReferralStatus.ELIGIBLE, ir_doctors["ir1"], ir_doctors["ir2"])
    path = f"/api/v1/referrals/{referral.pk}/transitions/"
    client = client_of(ir_doctors["ir1"])
    illegal = post(client, path, to="treated", version=referral.version)
    assert illegal.status_code == 400
    assert illegal.json()["detail"] == (
        "a referral that is eligible cannot become treated; "
        "allowed next: Scheduled, Declined, Lost to follow-up"
    )
    assert post(client, path, to="scheduled", version=referral.version).status_code == 200
    stale = post(client_of(ir_doctors["ir2"]), path, to="lost", version=referral.version)
    assert stale.status_code == 409 and "reload" in stale.json()["detail"]
    assert post(client, path, to="lost").status_code == 400  # version missing
    again = post(client, f"/api/v1/referrals/{referral.pk}/assessments/", eligibility="yes")
    assert again.status_code == 400 and again.json() == {
        "detail": "this referral is no longer being assessed"
    }
    unknown = post(client, f"/api/v1/referrals/{referral.pk}/assessments/", eligibility="maybe")
    assert unknown.status_code == 400 and "eligibility" in unknown.json()
    assert post(client, "/api/v1/referrals/999999/transitions/", to="lost", version=0).status_code == 404


def test_manual_referral_through_the_api(flagged_review, readers, ir_doctors) -> None:
    _, review = flagged_review(l1_anterior=17.0)
    confirm(review, readers, GRADE_2_L1)
    outcome = ReviewOutcome.objects.get(review=review)
    client = client_of(readers["junior"])
    made = post(client, f"/api/v1/outcomes/{outcome.pk}/referral/", note="severe pain")
    assert made.status_code == 201
    body = made.json()
    assert body["source"] == "manual" and body["referred_by"]["username"] == "junior"
    assert body["note"] == "severe pain" and body["grade"] == 2 and body["reported"] is True
    assert Referral.objects.count() == 1
    assert post(client, "/api/v1/outcomes/999999/referral/").status_code == 404


def test_a_non_fracture_cannot_be_referred_through_the_api(flagged_review, readers) -> None:
    from tests.review.cases import FALSE_L1

    _, review = flagged_review()
    confirm(review, readers, FALSE_L1)
    outcome = ReviewOutcome.objects.get(review=review)
    refused = post(client_of(readers["junior"]), f"/api/v1/outcomes/{outcome.pk}/referral/")
    assert refused.status_code == 400 and refused.json() == {
        "detail": "only a confirmed fracture can be referred"
    }


# ---------------------------------------------------------------- export


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_holds_pseudonymous_ids_and_blind_assessments(
    grade3_referral: Callable[[], Referral], ir_doctors
) -> None:
    decided = bring_to(grade3_referral(), ReferralStatus.NOT_ELIGIBLE, ir_doctors["ir1"], ir_doctors["ir2"])
    decided.patient.bone_metastases = True
    decided.patient.save()
    half = bring_to(grade3_referral(), ReferralStatus.IN_ASSESSMENT, ir_doctors["ir1"], ir_doctors["ir2"])
    response = client_of(ir_doctors["ir3"]).get("/api/v1/referrals/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    first, second = rows_of(response)
    assert first["patient_pseudonym"] == decided.patient.pseudo_id and first["level"] == "L1"
    assert (first["status"], first["source"], first["grade"], first["vhl_pct"]) == (
        "not_eligible",
        "auto",
        "3",
        "52.0",
    )
    assert (first["reported"], first["bone_metastases"], first["final_eligibility"]) == ("no", "yes", "no")
    assert (first["assessment_1_eligibility"], first["assessment_1_experience_years"]) == ("yes", "12")
    assert (first["assessment_2_eligibility"], first["assessment_2_experience_years"]) == ("no", "4")
    assert first["decided"] and first["days_waiting"] == "0"
    assert second["patient_pseudonym"] == half.patient.pseudo_id
    assert second["assessment_1_eligibility"] == "" and second["final_eligibility"] == ""  # still blind
    text = response.content.decode()
    for user in ir_doctors.values():
        assert user.username not in text
