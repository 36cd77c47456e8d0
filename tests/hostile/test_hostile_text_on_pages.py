"""Markup, CRLF and path pieces in DICOM strings reach the pages as escaped text, the JSON answers as
JSON strings, and never a response header."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from studies.models import Instance, StudySource
from studies.roles import Role
from studies.services.ingest import Outcome, ingest_file
from tests.hostile import corpus

RAW_MARKUP = ("<script>alert('series')</script>", '<img src=x onerror="alert(1)">', "<b>ACC</b>")


@pytest.fixture
def hostile_instance(db, data_dir: Path, tmp_path: Path) -> Instance:
    path = tmp_path / "text.dcm"
    path.write_bytes(corpus.with_strings(**corpus.HOSTILE_TEXT))
    assert ingest_file(path=path, source=StudySource.UPLOAD).outcome is Outcome.STORED
    return Instance.objects.select_related("series__study").get()


@pytest.fixture
def client(make_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.RADIOLOGIST))
    return client


def test_study_pages_escape_dicom_text(client, hostile_instance) -> None:
    study_uid = hostile_instance.series.study.study_instance_uid
    for url in ("/studies/", f"/studies/{study_uid}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for markup in RAW_MARKUP:
            assert markup not in page, (url, markup)
        assert "&lt;script&gt;alert(&#x27;series&#x27;)&lt;/script&gt;" in page, url
        assert all("Injected" not in value for value in response.headers.values())


def test_dicomweb_answers_carry_dicom_text_as_json(client, hostile_instance) -> None:
    series = hostile_instance.series
    study_uid = series.study.study_instance_uid
    found = client.get(f"/dicomweb/studies?StudyInstanceUID={study_uid}&includefield=all")
    assert found.status_code == 200
    (study,) = found.json()
    assert study["00081030"]["Value"] == ['<img src=x onerror="alert(1)">../../etc/passwd']
    metadata = client.get(f"/dicomweb/studies/{study_uid}/series/{series.series_instance_uid}/metadata")
    assert metadata.status_code == 200
    (instance,) = metadata.json()
    assert "\r\n" in instance["00100010"]["Value"][0]["Alphabetic"]  # kept as data, inside JSON
    for response in (found, metadata):
        assert not any("Set-Cookie" in value or "Injected" in value for value in response.headers.values())
        assert "x=1" not in response.cookies
