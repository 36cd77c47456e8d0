"""QIDO-RS: malformed parameters are 400 with a message; an empty result is 200 []."""

from __future__ import annotations

import pytest

from studies.roles import Role


@pytest.fixture
def client(client_for):
    return client_for(Role.RADIOLOGIST)


@pytest.mark.parametrize(
    "query",
    [
        "StudyDate=2024-03-01",
        "StudyDate=20241301",
        "StudyDate=20240310-20240301",
        "StudyDate=-",
        "limit=-1",
        "limit=0",
        "limit=ten",
        "offset=1.5",
        "offset=-2",
        "NoSuchAttribute=1",
        "99999999=1",
        "PatientAge=050Y",
        "StudyInstanceUID=1.02.3",
        "SeriesNumber=three",
        "includefield=NotAKeyword",
        "fuzzymatching=maybe",
    ],
)
def test_malformed_parameters_are_400(client, query) -> None:
    response = client.get(f"/dicomweb/studies?{query}")
    assert response.status_code == 400, query
    assert response.json()["detail"]


def test_instance_attribute_cannot_match_studies(client) -> None:
    response = client.get("/dicomweb/studies?SOPInstanceUID=1.2.3")
    assert response.status_code == 400
    assert "SOPInstanceUID" in response.json()["detail"]


def test_empty_result_is_an_empty_array(client, db) -> None:
    for url in (
        "/dicomweb/studies",
        "/dicomweb/series",
        "/dicomweb/instances",
        "/dicomweb/studies/1.2.3/series",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/dicom+json"
        assert response.json() == []


def test_tags_and_keywords_match_alike(client, make_study) -> None:
    study = make_study()
    by_keyword = client.get(f"/dicomweb/studies?StudyInstanceUID={study.study_instance_uid}").json()
    by_tag = client.get(f"/dicomweb/studies?0020000D={study.study_instance_uid}").json()
    assert by_keyword == by_tag and len(by_tag) == 1
    listed = client.get(f"/dicomweb/studies?StudyInstanceUID={study.study_instance_uid},1.2.3").json()
    assert len(listed) == 1
