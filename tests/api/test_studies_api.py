from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from studies.models import Analysis, AnalysisStatus, Instance
from studies.roles import Role

pytestmark = pytest.mark.django_db


def add_content(study) -> None:
    for series in study.series.all():
        Analysis.objects.create(
            series=series,
            model_version="1",
            status=AnalysisStatus.DONE,
            eligible=True,
            positive=True,
            max_grade=2,
        )
        for number in range(3):
            Instance.objects.create(
                sop_instance_uid=f"{series.series_instance_uid}.{number}",
                series=series,
                sop_class_uid="1.2.840.10008.5.1.4.1.1.2",
                relative_path=f"s/{series.pk}/{number}.dcm",
                file_size=1000,
            )


def test_study_list_uses_a_constant_number_of_queries(
    client_for, make_study, django_assert_num_queries
) -> None:
    client = client_for(Role.RADIOLOGIST)
    add_content(make_study(series_count=2))
    # session, user, user permissions, group permissions, count, studies, series, analyses,
    # and the audit trail: the user's roles and the event's INSERT
    with django_assert_num_queries(10):
        first = client.get("/api/v1/studies/")
    assert first.status_code == 200
    for _ in range(12):
        add_content(make_study(series_count=3))
    with django_assert_num_queries(10):
        many = client.get("/api/v1/studies/")
    assert many.json()["count"] == 13


def test_study_list_content(client_for, make_study) -> None:
    study = make_study()
    add_content(study)
    body = client_for(Role.DEPARTMENT_LEAD).get("/api/v1/studies/").json()
    (item,) = body["results"]
    assert item["study_instance_uid"] == study.study_instance_uid
    assert item["patient"]["pseudo_id"] == study.patient.pseudo_id
    (series,) = item["series"]
    assert series["stored_instances"] == 3
    assert series["analyses"][0]["max_grade"] == 2


def test_study_detail_and_404(client_for, make_study) -> None:
    study = make_study()
    client = client_for(Role.INTERVENTIONAL_RADIOLOGIST)
    assert client.get(f"/api/v1/studies/{study.study_instance_uid}/").json()["source"] == "upload"
    assert client.get("/api/v1/studies/1.2.3.999/").status_code == 404


@pytest.mark.parametrize(("role", "status"), [(None, 403), (Role.RADIOLOGIST, 200), (Role.ADMIN, 200)])
def test_study_list_needs_the_view_permission(client_for, role, status: int) -> None:
    assert client_for(role).get("/api/v1/studies/").status_code == status


def test_token_authentication_for_api_clients(make_user) -> None:
    user = make_user(Role.DEPARTMENT_LEAD)
    token = Token.objects.create(user=user)
    client = Client()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").json()["roles"] == [
        "department_lead"
    ]
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_me_lists_roles_and_permissions(client_for) -> None:
    body = client_for(Role.SENIOR_RADIOLOGIST).get("/api/v1/me/").json()
    assert body["roles"] == ["senior_radiologist"]
    assert "studies.resolve_consensus" in body["permissions"]
    assert "studies.view_statistics" not in body["permissions"]
