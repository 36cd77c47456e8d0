"""The viewer page hands the front end its data addresses, or says why it cannot show images."""

from __future__ import annotations

import pytest

from studies.roles import Role
from studies.views import viewer as viewer_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    monkeypatch.setattr(viewer_view.finders, "find", lambda path: f"/built/{path}")


def test_page_carries_the_addresses_the_viewer_needs(make_column, client_for, built) -> None:
    column = make_column()
    response = client_for(Role.RADIOLOGIST).get(f"/analyses/{column.analysis.pk}/viewer/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-analysis-url="/api/v1/analyses/{column.analysis.pk}/viewer/"' in html
    assert 'data-corrections-url="/api/v1/findings/{finding_id}/corrections/"' in html
    assert 'data-dicomweb-root="/dicomweb"' in html
    assert 'data-can-correct="true"' in html
    assert "/static/viewer/viewer.js" in html and "/static/viewer/viewer.css" in html


def test_readers_who_may_not_correct_get_a_read_only_viewer(make_column, client_for, built) -> None:
    column = make_column()
    html = client_for(Role.INTERVENTIONAL_RADIOLOGIST).get(f"/analyses/{column.analysis.pk}/viewer/")
    assert 'data-can-correct="false"' in html.content.decode()


def test_an_unbuilt_viewer_is_explained(make_column, client_for, monkeypatch) -> None:
    monkeypatch.setattr(viewer_view.finders, "find", lambda path: None)
    column = make_column()
    html = client_for(Role.RADIOLOGIST).get(f"/analyses/{column.analysis.pk}/viewer/").content.decode()
    assert "scripts/frontend.sh" in html and "vcf-viewer" not in html.replace('id="viewer-error"', "")


def test_study_page_links_finished_analyses_to_the_viewer(make_column, client_for) -> None:
    column = make_column()
    study_uid = column.analysis.series.study.study_instance_uid
    html = client_for(Role.RADIOLOGIST).get(f"/studies/{study_uid}/").content.decode()
    assert f'href="/analyses/{column.analysis.pk}/viewer/"' in html


def test_unknown_analysis_is_404_and_no_role_is_403(client_for, make_column) -> None:
    column = make_column()
    assert client_for(Role.RADIOLOGIST).get("/analyses/999999/viewer/").status_code == 404
    assert client_for(None).get(f"/analyses/{column.analysis.pk}/viewer/").status_code == 403
