"""DICOMweb metadata and searches leave an event; search parameters (names, ids) are not kept."""

from __future__ import annotations

from rest_framework.authtoken.models import Token

from studies.models import AuditAction, Series
from studies.roles import Role
from tests.audit.conftest import CLIENT_IP, client_of, only_event
from tests.dicomweb.conftest import phantom_folder, stored_series  # noqa: F401


def test_study_metadata_is_recorded(make_user, stored_series: Series) -> None:  # noqa: F811
    user = make_user(Role.RADIOLOGIST)
    study_uid = stored_series.study.study_instance_uid
    assert client_of(user).get(f"/dicomweb/studies/{study_uid}/metadata").status_code == 200
    event = only_event(route="dicomweb:study-metadata")
    assert (event.actor, event.action, event.ip_address) == (user, AuditAction.VIEW, CLIENT_IP)
    assert (event.target_kind, event.target_id, event.status_code) == ("study", study_uid, 200)


def test_a_search_by_token_is_recorded_without_its_query(make_user, stored_series, client) -> None:  # noqa: F811
    user = make_user(Role.RADIOLOGIST)
    key = Token.objects.create(user=user).key
    response = client.get("/dicomweb/studies?PatientID=DW-native", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    event = only_event(route="dicomweb:studies")
    assert (event.actor, event.action, event.target_kind) == (user, AuditAction.VIEW, "study")
    assert event.path == "/dicomweb/studies" and "DW-native" not in str(event.route_kwargs)
