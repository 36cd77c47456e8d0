"""The study page's de-identified download: who may have it, and that nothing identifying is in it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from studies.models import Study
from studies.roles import Role
from tests.production.export_checks import assert_deidentified_export
from tests.production.identified import IDENTIFYING


def _url(study: Study) -> str:
    return reverse("study-export-deidentified", args=[study.study_instance_uid])


def test_a_radiologist_downloads_the_study_deidentified(
    client_for, stored_study: Study, identified_folder: Path
) -> None:
    response = client_for(Role.RADIOLOGIST).get(_url(stored_study))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="deidentified-') and disposition.endswith('.zip"')
    assert stored_study.study_instance_uid not in disposition
    assert not any(needle in disposition for needle in IDENTIFYING)
    assert response["Cache-Control"] == "no-store"
    archive = b"".join(response.streaming_content)
    assert_deidentified_export(archive, study=stored_study, originals=identified_folder)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_that_sees_studies_may_download(client_for, stored_study: Study, role: Role) -> None:
    response = client_for(role).get(_url(stored_study))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_users_without_a_role_are_refused(client_for, stored_study: Study) -> None:
    assert client_for(None).get(_url(stored_study)).status_code == 403


def test_anonymous_users_are_sent_to_log_in(stored_study: Study) -> None:
    response = Client().get(_url(stored_study))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_study_is_404(client_for, db) -> None:
    response = client_for(Role.ADMIN).get(reverse("study-export-deidentified", args=["1.2.3.4"]))
    assert response.status_code == 404


def test_only_get_is_answered(client_for, stored_study: Study) -> None:
    assert client_for(Role.RADIOLOGIST).post(_url(stored_study)).status_code == 405


def test_the_study_page_links_the_download(client_for, stored_study: Study) -> None:
    page = client_for(Role.RADIOLOGIST).get(reverse("study", args=[stored_study.study_instance_uid]))
    assert _url(stored_study) in page.content.decode()
