"""After searching, opening and exporting a patient with a distinctive name and id, no audit row
holds the name, the id or the pseudonym: only our object ids and DICOM UIDs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from inference.phantom import generate_phantom, write_phantom
from inference.phantom.identity import default_identity, phantom_uid
from studies.models import AuditEvent
from studies.roles import Role
from tests.audit.conftest import client_of
from tests.dicomweb.conftest import ingest
from tests.services.conftest import small_spec

NAME = "ZEBULON^QUIXOTE-AUDIT"
PATIENT_ID = "PID-AUDIT-77413"


@pytest.fixture(scope="module")
def distinctive_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = small_spec(levels=("L1", "L2"), slice_mm=5.0)
    identity = dataclasses.replace(
        default_identity(spec),
        patient_id=PATIENT_ID,
        patient_name=NAME,
        study_instance_uid=str(phantom_uid("audit-test", "study")),
        series_instance_uid=str(phantom_uid("audit-test", "series")),
    )
    folder = tmp_path_factory.mktemp("audit-distinctive")
    write_phantom(generate_phantom(spec), folder, identity=identity)  # type: ignore[arg-type]
    return folder


@pytest.mark.django_db
def test_no_patient_name_or_id_is_written(make_user, client, distinctive_folder: Path) -> None:
    series = ingest(distinctive_folder)
    study = series.study
    reader = make_user(Role.RADIOLOGIST)
    browser = client_of(reader)
    key = Token.objects.create(user=reader).key
    token = {"HTTP_AUTHORIZATION": f"Token {key}"}
    for query in (f"PatientName={NAME}", f"PatientID={PATIENT_ID}", "PatientName=ZEBULON*"):
        assert client.get(f"/dicomweb/studies?{query}", **token).status_code == 200
    assert client.get(f"/dicomweb/series?PatientID={PATIENT_ID}", **token).status_code == 200
    uid = study.study_instance_uid
    metadata = client.get(f"/dicomweb/studies/{uid}/metadata", **token)
    assert metadata.status_code == 200 and "ZEBULON" in metadata.content.decode()  # the data had it
    assert browser.get(f"/studies/{uid}/?patient={PATIENT_ID}").status_code == 200
    assert browser.get("/studies/").status_code == 200
    assert browser.get(f"/api/v1/studies/{uid}/").status_code == 200

    rows = list(AuditEvent.objects.values())
    assert len(rows) >= 8
    text = repr(rows).upper()
    for secret in ("ZEBULON", "QUIXOTE", PATIENT_ID, study.patient.pseudo_id.upper()):
        assert secret not in text, secret
