"""The viewer's JSON: findings as measured and as corrected; corrections through the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from studies.models import FindingCorrection
from studies.roles import Role
from tests.columns import box_landmarks

pytestmark = pytest.mark.django_db


def viewer_url(analysis_id: int) -> str:
    return f"/api/v1/analyses/{analysis_id}/viewer/"


def corrections_url(finding_id: int) -> str:
    return f"/api/v1/findings/{finding_id}/corrections/"


def post_correction(client: Client, finding, *, anterior: float, based_on: int | None = None):
    centre = (finding.centroid_x_mm, finding.centroid_y_mm, finding.centroid_z_mm)
    body = {
        "landmarks_lps_mm": box_landmarks(centre, anterior=anterior, middle=25.0, posterior=25.0),
        "note": "anterior endplate misplaced",
        "based_on_correction_id": based_on,
    }
    return client.post(corrections_url(finding.pk), body, content_type="application/json")


def test_viewer_data_lists_the_column_with_what_the_viewer_draws(make_column, client_for) -> None:
    column = make_column(l1_anterior=12.0, cement_t11=True)
    response = client_for(Role.RADIOLOGIST).get(viewer_url(column.analysis.pk))
    assert response.status_code == 200
    data = response.json()
    assert data["dicomweb_root"] == "/dicomweb"
    assert data["can_correct"] is True
    assert data["analysis"]["series_instance_uid"] == column.analysis.series.series_instance_uid
    assert [v["label"] for v in data["vertebrae"]] == ["T11", "T12", "L1", "L2"]
    t11, _, l1, _ = data["vertebrae"]
    assert t11["status"] == "excluded_cement" and t11["current"]["grade"] is None
    assert l1["measured"]["grade"] == 3 and l1["measured"]["height_loss_pct"] == pytest.approx(52.0)
    assert l1["current"] == {**l1["measured"], "source": "pipeline"}
    assert l1["correction"] is None
    assert set(l1["measured"]["landmarks_lps_mm"]) == {
        "anterior_superior", "anterior_inferior", "middle_superior",
        "middle_inferior", "posterior_superior", "posterior_inferior",
    }  # fmt: skip
    assert l1["hu_roi"]["semi_axes_mm"] == [8.0, 5.0]


def test_viewer_data_takes_the_same_queries_for_a_long_column(make_column, client_for) -> None:
    client = client_for(Role.RADIOLOGIST)
    short, long = make_column(n_levels=3), make_column(n_levels=12)
    for finding in long.findings.values():
        if finding.grade is not None:
            post_correction(client_for(Role.RADIOLOGIST), finding, anterior=22.0)
    counts = []
    for column in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(viewer_url(column.analysis.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_correction_is_stored_beside_the_original_and_seen_by_others(make_column, client_for) -> None:
    column = make_column()
    l1 = column.findings["L1"]
    response = post_correction(client_for(Role.RADIOLOGIST), l1, anterior=14.0)
    assert response.status_code == 201, response.content
    vertebra = response.json()
    assert vertebra["current"]["source"] == "correction"
    assert vertebra["current"]["height_loss_pct"] == pytest.approx(44.0)
    assert vertebra["current"]["grade"] == 3
    assert vertebra["measured"]["grade"] == 0
    assert vertebra["correction"]["note"] == "anterior endplate misplaced"

    seen = client_for(Role.SENIOR_RADIOLOGIST).get(viewer_url(column.analysis.pk)).json()
    l1_seen = next(v for v in seen["vertebrae"] if v["label"] == "L1")
    assert l1_seen["correction"]["id"] == vertebra["correction"]["id"]
    assert l1_seen["current"]["grade"] == 3 and l1_seen["measured"]["height_loss_pct"] == 0.0


def test_a_stale_correction_gets_409_with_who_corrected(make_column, client_for, make_user) -> None:
    column = make_column()
    l1 = column.findings["L1"]
    first = make_user(Role.RADIOLOGIST, username="dr-first")
    client = Client()
    client.force_login(first)
    assert post_correction(client, l1, anterior=14.0).status_code == 201
    late = post_correction(client_for(Role.RADIOLOGIST), l1, anterior=18.0)
    assert late.status_code == 409
    assert "dr-first" in late.json()["detail"]
    assert FindingCorrection.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"landmarks_lps_mm": {"anterior_superior": [0, 0, 0]}, "based_on_correction_id": None},
        {"landmarks_lps_mm": "nope", "based_on_correction_id": None},
    ],
)
def test_malformed_corrections_get_400(make_column, client_for, body) -> None:
    column = make_column()
    response = client_for(Role.RADIOLOGIST).post(
        corrections_url(column.findings["L1"].pk), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not FindingCorrection.objects.exists()


def test_a_correction_of_an_excluded_vertebra_gets_400_with_the_reason(make_column, client_for) -> None:
    column = make_column(cement_t11=True)
    response = post_correction(client_for(Role.RADIOLOGIST), column.findings["T11"], anterior=20.0)
    assert response.status_code == 400
    assert "excluded" in response.json()["detail"]


def test_unknown_finding_or_analysis_is_404(client_for) -> None:
    client = client_for(Role.RADIOLOGIST)
    assert client.get(viewer_url(999999)).status_code == 404
    body = {"landmarks_lps_mm": box_landmarks((0, 0, 0), anterior=20, middle=25, posterior=25)}
    response = client.post(
        corrections_url(999999), {**body, "based_on_correction_id": None}, content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "can_read", "can_correct"),
    [
        (Role.RADIOLOGIST, True, True),
        (Role.SENIOR_RADIOLOGIST, True, True),
        (Role.INTERVENTIONAL_RADIOLOGIST, True, False),
        (Role.DEPARTMENT_LEAD, True, False),
        (Role.ADMIN, True, False),
        (None, False, False),
    ],
)
def test_who_reads_and_who_corrects(make_column, client_for, role, can_read, can_correct) -> None:
    column = make_column()
    client = client_for(role)
    read = client.get(viewer_url(column.analysis.pk))
    assert read.status_code == (200 if can_read else 403)
    if can_read:
        assert read.json()["can_correct"] is can_correct
    response = post_correction(client, column.findings["L1"], anterior=14.0)
    assert response.status_code == (201 if can_correct else 403)


def test_anonymous_callers_get_401(make_column) -> None:
    column = make_column()
    assert Client().get(viewer_url(column.analysis.pk)).status_code == 401
    assert post_correction(Client(), column.findings["L1"], anterior=14.0).status_code == 401
