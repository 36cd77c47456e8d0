"""HTML pages and CSV exports with hostile query parameters and path parts: an answer (the page with
its form errors, a 4xx), never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.roles import Role

URLS = [
    "/studies/?page=abc",
    "/studies/?page=99999999999999999999",
    "/studies/?page=" + "9" * 5000,
    "/studies/?q=%00%0D%0A<script>",
    "/studies/..%2F..%2Fetc/",
    "/radiology/worklist/?page=abc&date_from=2025-13-45&grade=%00&status=x",
    "/department/statistics/?date_from=2025-13-45&date_to=x",
    "/department/statistics/?date_from=2025-02-01&date_to=2025-01-01",
    "/audit/?page=abc&date_from=2025-13-45",
    "/audit/?page=-1",
    "/ir/referrals/?page=abc&status=%00",
    "/api/v1/referrals/?page=abc&status=%00",
    "/api/v1/referrals/export.csv?date_from=2025-13-45",
]


ROLES = [Role.RADIOLOGIST, Role.DEPARTMENT_LEAD, Role.INTERVENTIONAL_RADIOLOGIST, Role.ADMIN]


def _client(make_user, role: Role) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(make_user(role))
    return client


def test_a_nul_in_a_study_path_is_404(make_user, make_study) -> None:
    make_study()
    assert _client(make_user, Role.RADIOLOGIST).get("/studies/%00/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_parameter_is_a_server_error(make_user, make_study, role) -> None:
    make_study()
    client = _client(make_user, role)
    for url in URLS:
        response = client.get(url)
        assert response.status_code in (200, 302, 400, 403, 404), (role, url[:80], response.status_code)
        assert "\r\n<script>" not in response.content.decode(errors="replace"), url[:80]  # echoed escaped
