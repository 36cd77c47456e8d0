"""QIDO-RS reads a fixed number of queries whatever the number of results."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from studies.models import Instance
from studies.roles import Role


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_instances(series, count: int) -> None:
    Instance.objects.bulk_create(
        Instance(
            sop_instance_uid=f"{series.series_instance_uid}.{n}",
            series=series,
            sop_class_uid="1.2.840.10008.5.1.4.1.1.2",
            instance_number=n,
            relative_path=f"dicom/x/{n}.dcm",
            file_size=1,
        )
        for n in range(1, count + 1)
    )


def test_query_count_does_not_grow_with_results(client_for, make_study, django_assert_num_queries) -> None:
    client = client_for(Role.RADIOLOGIST)
    first = make_study(series_count=2)
    _add_instances(first.series.first(), 3)
    small = {
        url: _count(client, url) for url in ("/dicomweb/studies", "/dicomweb/series", "/dicomweb/instances")
    }
    for _ in range(4):
        study = make_study(series_count=3)
        for series in study.series.all():
            _add_instances(series, 4)
    for url, expected in small.items():
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert len(response.json()) > 1, url
