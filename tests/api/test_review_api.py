"""The review API: who may do what, blind reads, reading, consensus, conflicts and the trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from studies.models import CaseReview, Read, ReviewStatus, User
from studies.roles import Role
from studies.services.reviews import start_read
from tests.review.cases import FALSE_L1, TRUE_L1, double_read, submit

pytestmark = pytest.mark.django_db

TRUE_L1_JSON = [{"level": "L1", "is_fracture": True, "grade": 3, "reported": False}]
FALSE_L1_JSON = [{"level": "L1", "is_fracture": False, "false_positive_reason": "sclerotic_metastasis"}]


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def put_read(client: Client, read_id: int, **body: Any):
    return client.put(f"/api/v1/reads/{read_id}/", body, content_type="application/json")


# ---------------------------------------------------------------- roles

VIEWERS = [
    (Role.RADIOLOGIST, 200),
    (Role.SENIOR_RADIOLOGIST, 200),
    (Role.DEPARTMENT_LEAD, 200),
    (Role.INTERVENTIONAL_RADIOLOGIST, 403),
    (Role.ADMIN, 403),
    (None, 403),
]


@pytest.mark.parametrize(
    "path", ["/api/v1/reviews/", "/api/v1/reviews/{id}/", "/api/v1/reviews/{id}/events/"]
)
@pytest.mark.parametrize(("role", "status"), VIEWERS)
def test_who_may_look_at_reviews(client_for, flagged_review, path: str, role, status: int) -> None:
    _, review = flagged_review()
    assert client_for(role).get(path.format(id=review.pk)).status_code == status


@pytest.mark.parametrize(
    "request_of",
    [
        lambda c, r: c.get("/api/v1/reviews/"),
        lambda c, r: c.get(f"/api/v1/reviews/{r.pk}/"),
        lambda c, r: c.get(f"/api/v1/reviews/{r.pk}/events/"),
        lambda c, r: c.post(f"/api/v1/reviews/{r.pk}/reads/"),
        lambda c, r: c.post(f"/api/v1/reviews/{r.pk}/consensus/"),
        lambda c, r: put_read(c, 1, version=0, decisions=[]),
    ],
)
def test_anonymous_calls_are_unauthenticated(flagged_review, request_of: Callable[..., Any]) -> None:
    _, review = flagged_review()
    response = request_of(Client(), review)
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.RADIOLOGIST, 201),
        (Role.SENIOR_RADIOLOGIST, 201),
        (Role.DEPARTMENT_LEAD, 403),
        (Role.INTERVENTIONAL_RADIOLOGIST, 403),
        (Role.ADMIN, 403),
        (None, 403),
    ],
)
def test_only_radiologists_start_reads(client_for, flagged_review, role, status: int) -> None:
    _, review = flagged_review()
    assert client_for(role).post(f"/api/v1/reviews/{review.pk}/reads/").status_code == status
    assert Read.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    "role", [Role.DEPARTMENT_LEAD, Role.INTERVENTIONAL_RADIOLOGIST, Role.ADMIN, None, Role.RADIOLOGIST]
)
def test_only_the_reader_saves_a_read(client_for, flagged_review, readers, role) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    response = put_read(client_for(role), read.pk, version=read.version, decisions=TRUE_L1_JSON)
    assert response.status_code == 403
    if role == Role.RADIOLOGIST:  # allowed to read, but this read is someone else's
        assert response.json() == {"detail": "this read belongs to another reader; only they can change it"}
    read.refresh_from_db()
    assert read.version == 0 and not read.vertebrae.exists()


@pytest.mark.parametrize(
    "role", [Role.RADIOLOGIST, Role.DEPARTMENT_LEAD, Role.INTERVENTIONAL_RADIOLOGIST, Role.ADMIN, None]
)
def test_only_seniors_start_a_consensus(client_for, flagged_review, readers, role) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    assert client_for(role).post(f"/api/v1/reviews/{review.pk}/consensus/").status_code == 403
    response = client_for(Role.SENIOR_RADIOLOGIST).post(f"/api/v1/reviews/{review.pk}/consensus/")
    assert response.status_code == 201 and response.json()["kind"] == "consensus"


def test_unknown_review_or_read_is_404(flagged_review, readers) -> None:
    client = client_of(readers["senior"])
    assert client.get("/api/v1/reviews/999999/").status_code == 404
    assert client.get("/api/v1/reviews/999999/events/").status_code == 404
    assert client.post("/api/v1/reviews/999999/reads/").status_code == 404
    assert client.post("/api/v1/reviews/999999/consensus/").status_code == 404
    assert put_read(client, 999999, version=0, decisions=[]).status_code == 404
    assert client.get("/api/v1/reads/999999/").status_code == 404


# ---------------------------------------------------------------- reading through the API


def test_read_lifecycle_through_the_api(flagged_review, readers) -> None:
    _, review = flagged_review()
    junior, senior = client_of(readers["junior"]), client_of(readers["senior"])

    started = junior.post(f"/api/v1/reviews/{review.pk}/reads/")
    assert started.status_code == 201
    read = started.json()
    assert read["reader"]["username"] == "junior" and read["version"] == 0 and read["decisions"] == []
    assert junior.post(f"/api/v1/reviews/{review.pk}/reads/").json()["id"] == read["id"]  # same read

    draft = put_read(junior, read["id"], version=0, comment="looks wedged", decisions=TRUE_L1_JSON)
    assert draft.status_code == 200
    body = draft.json()
    assert body["version"] == 1 and not body["submitted"] and body["decision"] == "tp"
    assert body["decisions"] == [
        {
            "level": "L1",
            "finding_id": review.analysis.findings.get(level=20).pk,
            "missed_by_tool": False,
            "is_fracture": True,
            "grade": 3,
            "false_positive_reason": "",
            "false_positive_note": "",
            "reported": False,
        }
    ]
    assert body["review_status"] == "open"

    submitted = put_read(junior, read["id"], version=1, decisions=TRUE_L1_JSON, submit=True).json()
    assert submitted["submitted"] and submitted["submitted_at"] and submitted["comment"] == ""

    second = senior.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    closed = put_read(senior, second["id"], version=0, decisions=TRUE_L1_JSON, submit=True).json()
    assert closed["review_status"] == "closed" and closed["review_decision"] == "tp"

    detail = junior.get(f"/api/v1/reviews/{review.pk}/").json()
    assert detail["status"] == "closed" and detail["state"] == "closed" and detail["reads_agreed"] is True
    assert {r["reader"]["username"] for r in detail["reads"]} == {"junior", "senior"}
    [outcome] = detail["outcomes"]
    assert outcome["level"] == "L1" and outcome["is_fracture"] and outcome["prior_status"] == "no_prior"


def test_stale_save_is_409_and_the_first_save_is_kept(flagged_review, readers) -> None:
    _, review = flagged_review()
    client = client_of(readers["junior"])
    read = client.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    first = put_read(client, read["id"], version=0, comment="first tab", decisions=TRUE_L1_JSON)
    second = put_read(client, read["id"], version=0, comment="second tab", decisions=FALSE_L1_JSON)
    assert first.status_code == 200 and second.status_code == 409
    assert "reload" in second.json()["detail"]
    kept = client.get(f"/api/v1/reads/{read['id']}/").json()
    assert kept["comment"] == "first tab" and kept["version"] == 1 and kept["decisions"][0]["is_fracture"]


def test_review_rule_breaks_are_400_with_the_reason(flagged_review, readers) -> None:
    _, review = flagged_review()
    client = client_of(readers["junior"])
    read = client.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    missing = put_read(client, read["id"], version=0, decisions=[], submit=True)
    assert missing.status_code == 400
    assert missing.json() == {"detail": "decide every flagged vertebra before submitting (missing: L1)"}
    other = [{"level": "L1", "is_fracture": False, "false_positive_reason": "other"}]
    assert (
        "describe the 'other' reason"
        in put_read(client, read["id"], version=0, decisions=other).json()["detail"]
    )
    # A second junior may not take the second read.
    refused = client_of(readers["junior2"]).post(f"/api/v1/reviews/{review.pk}/reads/")
    assert refused.status_code == 400 and "senior" in refused.json()["detail"]
    # Consensus on a case that does not need one.
    assert client_of(readers["senior"]).post(f"/api/v1/reviews/{review.pk}/consensus/").status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decisions": []}, "version"),
        ({"version": -1, "decisions": []}, "version"),
        ({"version": 0}, "decisions"),
        ({"version": 0, "decisions": [{"level": "X9", "is_fracture": True, "grade": 1}]}, "decisions"),
        ({"version": 0, "decisions": [{"level": "L1", "is_fracture": True, "grade": 5}]}, "decisions"),
        ({"version": 0, "decisions": [{"level": "L1"}]}, "decisions"),
        (
            {
                "version": 0,
                "decisions": [{"level": "L1", "is_fracture": False, "false_positive_reason": "x"}],
            },
            "decisions",
        ),
        ({"version": 0, "decisions": [], "submit": "perhaps"}, "submit"),
    ],
)
def test_malformed_read_bodies_are_400_by_field(flagged_review, readers, body, field: str) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    response = put_read(client_of(readers["junior"]), read.pk, **body)
    assert response.status_code == 400 and field in response.json()


def test_missed_fracture_added_through_the_api(flagged_review, readers) -> None:
    _, review = flagged_review()
    client = client_of(readers["junior"])
    read = client.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    decisions = [*TRUE_L1_JSON, {"level": "l3", "is_fracture": True, "grade": 2, "reported": True}]
    saved = put_read(client, read["id"], version=0, decisions=decisions).json()
    missed = saved["decisions"][1]
    assert missed["level"] == "L3" and missed["missed_by_tool"] and missed["finding_id"] is None


def test_consensus_through_the_api_closes_the_case(flagged_review, readers) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    senior = client_of(readers["senior2"])
    consensus = senior.post(f"/api/v1/reviews/{review.pk}/consensus/").json()
    assert consensus["decisions"][0]["false_positive_reason"] == "sclerotic_metastasis"  # prefilled
    assert senior.post(f"/api/v1/reviews/{review.pk}/consensus/").json()["id"] == consensus["id"]
    taken = client_of(readers["senior"]).post(f"/api/v1/reviews/{review.pk}/consensus/")
    assert taken.status_code == 400 and "senior2 is already resolving" in taken.json()["detail"]
    done = put_read(
        senior, consensus["id"], version=consensus["version"], decisions=TRUE_L1_JSON, submit=True
    )
    assert done.status_code == 200 and done.json()["review_status"] == ReviewStatus.CLOSED
    detail = senior.get(f"/api/v1/reviews/{review.pk}/").json()
    assert detail["decision"] == "tp" and detail["reads_agreed"] is False
    assert [r["kind"] for r in detail["reads"]] == ["independent", "independent", "consensus"]


# ---------------------------------------------------------------- blindness


def test_reads_are_blind_through_the_api(flagged_review, readers, make_user) -> None:
    _, review = flagged_review()
    junior, senior = client_of(readers["junior"]), client_of(readers["senior"])
    lead = client_of(make_user(Role.DEPARTMENT_LEAD))
    first = junior.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    second = senior.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    put_read(junior, first["id"], version=0, decisions=TRUE_L1_JSON, comment="junior says tp", submit=True)

    def reads_seen(client: Client) -> list[int]:
        return [r["id"] for r in client.get(f"/api/v1/reviews/{review.pk}/").json()["reads"]]

    assert reads_seen(senior) == [second["id"]]  # own draft only, not the junior's submitted read
    assert reads_seen(junior) == [first["id"]]
    assert reads_seen(lead) == []
    assert senior.get(f"/api/v1/reads/{first['id']}/").status_code == 403
    # The trail does not give the decision away either.
    for client in (senior, lead):
        for body in (
            client.get(f"/api/v1/reviews/{review.pk}/events/").json(),
            client.get(f"/api/v1/reviews/{review.pk}/").json()["events"],
        ):
            submitted = [e for e in body if e["action"] == "read_submitted"]
            assert submitted and all("decision" not in e["detail"] for e in submitted)
    own = junior.get(f"/api/v1/reviews/{review.pk}/events/").json()
    assert [e["detail"]["decision"] for e in own if e["action"] == "read_submitted"] == ["tp"]

    put_read(senior, second["id"], version=0, decisions=FALSE_L1_JSON, submit=True)
    assert reads_seen(senior) == reads_seen(junior) == reads_seen(lead) == [first["id"], second["id"]]
    assert senior.get(f"/api/v1/reads/{first['id']}/").json()["comment"] == "junior says tp"
    trail = lead.get(f"/api/v1/reviews/{review.pk}/events/").json()
    assert [e["detail"].get("decision") for e in trail if e["action"] == "read_submitted"] == ["tp", "fp"]


def test_a_draft_stays_private_after_both_reads_are_in(flagged_review, readers) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    client_of(readers["senior2"]).post(f"/api/v1/reviews/{review.pk}/consensus/")
    body = client_of(readers["junior"]).get(f"/api/v1/reviews/{review.pk}/").json()
    assert [r["kind"] for r in body["reads"]] == ["independent", "independent"]


# ---------------------------------------------------------------- detail and trail


def test_detail_summarises_the_case(flagged_review, readers) -> None:
    column, review = flagged_review()
    finding = column.findings["L1"]
    finding.uncertain, finding.uncertainty_reasons = True, ["landmark_spread"]
    finding.save()
    study = column.analysis.series.study
    study.report_text = "Bones: no fracture."
    study.save()
    start_read(review_id=review.pk, reader=readers["junior"])
    body = client_of(readers["senior"]).get(f"/api/v1/reviews/{review.pk}/").json()
    assert body["status"] == "open" and body["state"] == "reading" and body["reason"] == "flagged"
    assert body["analysis"]["id"] == column.analysis.pk and body["analysis"]["max_grade"] == 3
    assert body["study"]["study_instance_uid"] == study.study_instance_uid
    assert body["study"]["patient_pseudonym"] == study.patient.pseudo_id
    assert body["study"]["report_text"] == "Bones: no fracture."
    assert body["flagged_vertebrae"] == [
        {
            "finding_id": finding.pk,
            "level": "L1",
            "grade": 3,
            "height_loss_pct": pytest.approx(52.0),
            "corrected": False,
            "uncertain": True,
            "uncertainty_reasons": ["landmark_spread"],
        }
    ]
    assert body["first_reader"]["username"] == "junior" and body["second_reader"] is None
    assert body["decision"] == "" and body["reads_agreed"] is None and body["outcomes"] == []
    assert body["reads"] == []  # the junior's draft is not the senior's to see
    assert [(e["actor"], e["action"]) for e in body["events"]] == [
        (None, "opened"),
        ("junior", "read_started"),
    ]


def test_events_endpoint_lists_the_whole_trail(flagged_review, readers) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], TRUE_L1))
    trail = client_of(readers["junior2"]).get(f"/api/v1/reviews/{review.pk}/events/").json()
    assert [(e["actor"], e["action"]) for e in trail] == [
        (None, "opened"),
        ("junior", "read_started"),
        ("senior", "read_started"),
        ("junior", "read_submitted"),
        ("senior", "read_submitted"),
        ("senior", "closed"),
    ]
    assert all(e["at"] and isinstance(e["id"], int) for e in trail)
    assert CaseReview.objects.get(pk=review.pk).status == ReviewStatus.CLOSED


def test_a_reader_reloads_their_own_read(flagged_review, readers) -> None:
    _, review = flagged_review()
    read = submit(start_read(review_id=review.pk, reader=readers["junior"]), readers["junior"], TRUE_L1)
    body = client_of(readers["junior"]).get(f"/api/v1/reads/{read.pk}/").json()
    assert body["submitted"] and body["decision"] == "tp"


def test_a_department_lead_reads_a_read_once_both_are_in(flagged_review, readers, make_user) -> None:
    _, review = flagged_review()
    first = start_read(review_id=review.pk, reader=readers["junior"])
    lead = client_of(make_user(Role.DEPARTMENT_LEAD))
    assert lead.get(f"/api/v1/reads/{first.pk}/").status_code == 403  # a draft, and blind
    assert (
        client_of(make_user(Role.INTERVENTIONAL_RADIOLOGIST)).get(f"/api/v1/reads/{first.pk}/").status_code
        == 403
    )
    second = start_read(review_id=review.pk, reader=readers["senior"])
    submit(first, readers["junior"], TRUE_L1)
    submit(second, readers["senior"], TRUE_L1)
    assert lead.get(f"/api/v1/reads/{first.pk}/").json()["decision"] == "tp"
    assert put_read(lead, first.pk, version=1, decisions=[]).status_code == 403
