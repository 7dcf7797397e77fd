"""Shared fixtures: a service on a fresh database with a frozen, movable clock.

The store runs on SQLite always and on PostgreSQL when TVA_FLOW_TEST_DATABASE_URL is set (CI sets it);
otherwise the PostgreSQL variants skip and say why.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from tva_flow.engine.clock import FrozenClock
from tva_flow.service import TvaFlow
from tva_flow.store.db import Database, make_engine
from tests.identities import SYSTEM

ROOT = Path(__file__).resolve().parent.parent
DEFINITION_DIRS = [ROOT / "bpmn", ROOT / "dmn", ROOT / "forms"]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "defs"
PG_URL = os.environ.get("TVA_FLOW_TEST_DATABASE_URL")
PG_SKIP = "PostgreSQL store tests need TVA_FLOW_TEST_DATABASE_URL (CI sets it to the local PostgreSQL 15)"


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request, tmp_path):
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tva_flow.sqlite3'}"
    if not PG_URL:
        pytest.skip(PG_SKIP)
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'tva_flow.sqlite3'}"


@pytest.fixture
def frozen():
    """Time stands still at Mon 5.1.2026 09:00 Finnish time until a test or the service moves it."""
    with freeze_time("2026-01-05T09:00:00+02:00") as handle:
        yield handle


@pytest.fixture
def make_service(frozen):
    services = []

    def make(url: str, dirs=None) -> TvaFlow:
        service = TvaFlow(Database(url), FrozenClock(frozen))
        services.append(service)
        if dirs:
            service.deploy_paths(SYSTEM, dirs)
        return service

    yield make
    for service in services:
        service.db.engine.dispose()


@pytest.fixture
def service(make_service, sqlite_url):
    """The real definitions (bpmn/, dmn/, forms/) deployed on a fresh SQLite database."""
    return make_service(sqlite_url, DEFINITION_DIRS)


@pytest.fixture
def api(tmp_path):
    """An HTTP client of the API and its service on a fresh database with the fixture process deployed,
    on Monday 5.1.2026 at 9:00 Finnish time. The client is signed in as anna, a member of staff (caseworker
    in group asiantuntija of area A, process owner, tester and integration): cases she starts without an
    area are area A's."""
    from tests.identities import STAFF_ROLES, sign_in
    from tests.test_api import fixture_files, upload
    from tva_flow.api import create_app

    with freeze_time("2026-01-05T09:00:00+02:00") as frozen:
        service = TvaFlow(Database("sqlite:///" + str(tmp_path / "t.sqlite3")), FrozenClock(frozen))
        client = sign_in(create_app(service), "anna", roles=STAFF_ROLES)
        response = upload(client, fixture_files())
        assert response.status_code == 201, response.json
        yield client, service
        service.db.engine.dispose()


@pytest.fixture
def client(api):
    return api[0]
