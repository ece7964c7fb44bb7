"""Fixtures of the tracker tests: a store on every back-end, actors of every role, the real list.

The ``store`` fixture runs each test on a fresh SQLite file and, when ``HRC_TEST_POSTGRES_URL``
points at a PostgreSQL server (``scripts/test.sh`` starts one), on a fresh PostgreSQL database.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from indicators.tracker.auth import Actor
from indicators.tracker.importer import read_official_csv
from indicators.tracker.store import Store

REPO = Path(__file__).resolve().parents[2]
SHARED_UPR_CSV = REPO / ".." / "shared" / "data" / "upr" / "us_upr_cycle3_recommendations.csv"
POSTGRES_ENV = "HRC_TEST_POSTGRES_URL"

EDITOR = Actor("alice", "editor", "Alice Organizer")
CITY = Actor("carl", "city", "Carl City Liaison")
COMMUNITY = Actor("dana", "community", "Dana Assessor")
VIEWER = Actor("vic", "viewer", "Vic Viewer")


@pytest.fixture
def official_csv() -> Path:
    if not SHARED_UPR_CSV.exists():
        pytest.skip("the shared UPR data folder is not beside the repository")
    return SHARED_UPR_CSV.resolve()


@pytest.fixture(scope="session")
def official_frame():
    if not SHARED_UPR_CSV.exists():
        pytest.skip("the shared UPR data folder is not beside the repository")
    return read_official_csv(SHARED_UPR_CSV)


def _fresh_postgres_database() -> tuple[str, callable]:
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    name = f"hrc_tracker_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path) -> str:
    """A URL of an empty store: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'tracker.sqlite'}"
        return
    url, drop = _fresh_postgres_database()
    yield url
    drop()


@pytest.fixture
def store(store_url) -> Store:
    opened = Store.open(store_url)
    yield opened
    opened.close()


@pytest.fixture
def seeded_store(store, official_frame) -> Store:
    """A store holding the 347 recommendations of the 3rd cycle."""
    store.import_recommendations(official_frame, EDITOR, source="us_upr_cycle3_recommendations.csv")
    return store
