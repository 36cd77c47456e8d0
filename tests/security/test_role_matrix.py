"""Every URL of the site answers each role as tests/security/role_matrix.py says.

Parametrized from the URLconf: a new URL without an entry fails, and so does an entry for a URL
that is gone. The objects behind the URL ids are built once for the module (tests/security/world.py);
each call runs in a savepoint that is rolled back, so no call sees another's changes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.security.calls import Callers
from tests.security.role_matrix import ADMIN_PAGES, ADMIN_RIGHTS, MATRIX, Entry, admin_expectation
from tests.security.routes import real_path
from tests.security.world import CALLERS, World, build_world
from tests.web.url_walk import Route, all_routes

TEMPLATES = all_routes()
SITE = [t for t in TEMPLATES if not t.name.startswith("admin:")]
ADMIN = [t for t in TEMPLATES if t.name.startswith("admin:")]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def callers(world: World, django_db_blocker) -> Callers:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():  # inside the world's transaction: the sessions go with it
        return Callers(world.users)


def test_every_url_name_has_an_entry() -> None:
    missing = sorted({t.name for t in SITE} - set(MATRIX))
    assert not missing, f"add these URL names to tests/security/role_matrix.py: {missing}"


def test_every_entry_names_a_url() -> None:
    names = {t.name for t in TEMPLATES}
    models = {".".join(t.route.split("/")[2:4]) for t in ADMIN if t.name.endswith("_changelist")}
    gone = sorted((set(MATRIX) | set(ADMIN_PAGES)) - names) + sorted(set(ADMIN_RIGHTS) - models)
    assert not gone, f"tests/security/role_matrix.py has entries for URLs that no longer exist: {gone}"


def _check(callers: Callers, path: str, expected: Entry) -> None:
    wrong = []
    for method, row in expected.items():
        got = tuple(callers.call(caller, method, path) for caller in CALLERS)
        if got != row:
            wrong.append(f"{method} {path}\n  expected {row}\n  got      {got}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("template", SITE, ids=lambda t: t.name)
def test_site_url_answers_each_role_as_written(world: World, callers: Callers, template: Route) -> None:
    if template.name not in MATRIX:
        pytest.fail(f"{template.name} has no entry in tests/security/role_matrix.py")
    _check(callers, real_path(world, template), MATRIX[template.name])


@pytest.mark.django_db
@pytest.mark.parametrize("template", ADMIN, ids=lambda t: t.route)
def test_admin_url_answers_each_role_by_the_rule(world: World, callers: Callers, template: Route) -> None:
    path = real_path(world, template)
    _check(callers, path, admin_expectation(template.name, path))
