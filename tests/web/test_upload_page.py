"""The upload page: for those who may upload, with what its script needs."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from studies.roles import Role

pytestmark = pytest.mark.django_db


@override_settings(VCF_UPLOAD_MAX_BYTES=3 * 1024**3)
def test_page_renders_for_a_radiologist_with_the_limits_for_its_script(client_for) -> None:
    response = client_for(Role.RADIOLOGIST).get("/upload/")
    assert response.status_code == 200
    html = response.content.decode()
    form = re.search(r'<form id="upload-form"[^>]*>', html, re.S)
    assert form, "upload form missing"
    assert 'action="/api/v1/uploads/"' in form.group(0)
    assert f'data-max-request-bytes="{3 * 1024**3}"' in form.group(0)
    assert f'data-batch-max-bytes="{256 * 1024**2}"' in form.group(0)
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r'<script type="module" src="/static/js/upload\.js">', html)
    assert re.search(r'<a href="/upload/" aria-current="page">Upload</a>', html)


@override_settings(VCF_UPLOAD_MAX_BYTES=10 * 1024**2)
def test_batches_never_exceed_a_small_request_limit(client_for) -> None:
    html = client_for(Role.ADMIN).get("/upload/").content.decode()
    assert f'data-batch-max-bytes="{10 * 1024**2}"' in html


@pytest.mark.parametrize("role", [Role.DEPARTMENT_LEAD, Role.INTERVENTIONAL_RADIOLOGIST, None])
def test_page_is_forbidden_without_the_upload_permission(client_for, role) -> None:
    assert client_for(role).get("/upload/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get("/upload/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/upload/"


def test_only_get_is_answered(client_for) -> None:
    assert client_for(Role.RADIOLOGIST).post("/upload/").status_code == 405
