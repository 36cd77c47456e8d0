from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from studies.models import Patient, Series, Study, StudySource, User
from studies.roles import STAFF_ROLES, Role
from studies.services.roles import ensure_role_groups

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _live_server_safe_on_shared_sqlite() -> None:
    """See tests/live_server.py; must be in place before pytest-django starts ``live_server``."""
    from django.test.testcases import LiveServerThread

    from tests.live_server import SharedConnectionSafeServer

    LiveServerThread.server_class = SharedConnectionSafeServer


@pytest.fixture
def role_groups(db):
    return ensure_role_groups()


@pytest.fixture
def make_user(role_groups) -> Callable[..., User]:
    def make(role: Role | None = None, *, username: str | None = None) -> User:
        name = username or f"{role.value if role else 'norole'}-{next(_counter)}"
        user = User.objects.create_user(username=name, password=PASSWORD, is_staff=role in STAFF_ROLES)
        if role is not None:
            user.groups.add(role_groups[role])
        return user

    return make


@pytest.fixture
def client_for(make_user) -> Callable[[Role | None], Client]:
    """A logged-in test client for a new user with the given role (None: no role)."""

    def make(role: Role | None) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return make


def uid() -> str:
    return f"1.2.826.0.1.3680043.10.1234.{next(_counter)}"


@pytest.fixture
def make_study(db) -> Callable[..., Study]:
    def make(*, series_count: int = 1, patient: Patient | None = None) -> Study:
        patient = patient or Patient.objects.create(pseudo_id=f"P{next(_counter):06d}")
        study = Study.objects.create(
            study_instance_uid=uid(), patient=patient, study_date=date(2023, 10, 2), source=StudySource.UPLOAD
        )
        for number in range(series_count):
            Series.objects.create(
                series_instance_uid=uid(), study=study, modality="CT", series_number=number + 1
            )
        return study

    return make


def pytest_report_header(config) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}"


# A finished analysis with a column of box-shaped vertebrae (viewer, corrections, review tests).
from tests.columns import make_column  # noqa: E402, F401
