"""Every route of the site is either patient data (audited) or listed as not, so none is forgotten."""

from __future__ import annotations

import pytest

from studies.audit_routes import OTHER_ROUTES, PATIENT_DATA_ROUTES, UnclassifiedRoute, audited_route
from tests.web.url_walk import all_routes

ROUTE_NAMES = sorted({route.name for route in all_routes()})


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_the_route_is_classified(name: str) -> None:
    try:
        audited_route(name)
    except UnclassifiedRoute:
        pytest.fail(f"{name}: add it to PATIENT_DATA_ROUTES or OTHER_ROUTES in studies/audit_routes.py")


def test_the_lists_name_only_existing_routes() -> None:
    stale = (set(PATIENT_DATA_ROUTES) | OTHER_ROUTES) - set(ROUTE_NAMES)
    assert not stale, f"no such route: {sorted(stale)}"


def test_no_route_is_in_both_lists() -> None:
    assert not set(PATIENT_DATA_ROUTES) & OTHER_ROUTES


def test_each_id_argument_is_one_of_its_routes_arguments() -> None:
    paths = {route.name: route.path for route in all_routes()}
    from django.urls import get_resolver

    for name, audited in PATIENT_DATA_ROUTES.items():
        if audited.id_kwarg is None:
            continue
        match = get_resolver().resolve(paths[name])
        assert audited.id_kwarg in match.kwargs, name


def test_admin_pages_of_patient_models_are_audited_and_the_rest_are_not() -> None:
    patient = audited_route("admin:studies_patient_change")
    assert patient is not None and (patient.target_kind, patient.id_kwarg) == ("patient", "object_id")
    assert audited_route("admin:studies_pacsconnection_changelist") is None
    assert audited_route("admin:index") is None
    with pytest.raises(UnclassifiedRoute):
        audited_route("admin:studies_somethingnew_changelist")
    with pytest.raises(UnclassifiedRoute):
        audited_route("a-new-page")
