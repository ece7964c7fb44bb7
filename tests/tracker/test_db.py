"""Where the store lives: explicit URL, then the environment, then the secrets, then the city's SQLite file under
the project; one store per city."""

from __future__ import annotations

import subprocess
import sys

import pytest

from indicators.core.config import DEFAULT_CITY, PROJECT_ROOT
from indicators.tracker import db
from indicators.tracker.errors import in_language, message_of
from indicators.tracker.store import Store


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    """The project's store folder moved to a temporary one, with no URL in the environment."""
    monkeypatch.delenv(db.URL_ENV, raising=False)
    monkeypatch.setattr(db, "DEFAULT_STORE_DIR", tmp_path / "store")
    monkeypatch.setattr(db, "LEGACY_STORE_PATH", tmp_path / "store" / "tracker.sqlite")
    return tmp_path / "store"


def test_store_url_precedence(monkeypatch, store_dir):
    assert db.resolve_url() == f"sqlite:///{store_dir / f'{DEFAULT_CITY}.sqlite'}"
    assert db.resolve_url(configured="postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv(db.URL_ENV, "sqlite:////tmp/elsewhere.sqlite")
    assert db.resolve_url(configured="postgresql+psycopg://u@h/db") == "sqlite:////tmp/elsewhere.sqlite"
    assert db.resolve_url("sqlite:////tmp/given.sqlite") == "sqlite:////tmp/given.sqlite"


def test_each_city_has_its_own_sqlite_file_by_default(store_dir):
    assert db.resolve_url(city="dc") == f"sqlite:///{store_dir / 'dc.sqlite'}"
    assert db.resolve_url(city="testville", default_city="testville") == f"sqlite:///{store_dir / 'testville.sqlite'}"
    assert db.resolve_url(city="dc") != db.resolve_url(city=DEFAULT_CITY)


def test_a_url_with_the_city_placeholder_names_each_citys_database(monkeypatch, store_dir):
    template = "postgresql+psycopg://tracker:pw@db.example.org/tracker_{city}"
    assert db.resolve_url(configured=template, city="dc") == "postgresql+psycopg://tracker:pw@db.example.org/tracker_dc"
    assert db.resolve_url(configured=template) == f"postgresql+psycopg://tracker:pw@db.example.org/tracker_{DEFAULT_CITY}"
    monkeypatch.setenv(db.URL_ENV, "sqlite:////tmp/stores/{city}.sqlite")
    assert db.resolve_url(configured=template, city="dc") == "sqlite:////tmp/stores/dc.sqlite"
    assert not db.serves_one_city(configured=template)


def test_a_url_without_the_placeholder_serves_the_default_city_only(store_dir):
    single = "postgresql+psycopg://u@h/tracker"
    assert db.serves_one_city(configured=single)
    assert db.resolve_url(configured=single, city=DEFAULT_CITY) == single
    assert db.resolve_url(configured=single, city="dc", default_city="dc") == single
    with pytest.raises(db.SharedStoreError) as refused:
        db.resolve_url(configured=single, city="dc")
    assert (refused.value.city, refused.value.home) == ("dc", DEFAULT_CITY)
    assert "{city}" in str(refused.value) and "own database" in str(refused.value)
    spanish = in_language(message_of(refused.value), "es")
    assert "{city}" in spanish and "base de datos propia" in spanish
    with pytest.raises(ValueError):
        Store.open(single, city="dc")


def test_the_store_of_the_time_before_per_city_stores_keeps_serving_the_default_city(store_dir):
    store_dir.mkdir()
    (store_dir / "tracker.sqlite").touch()
    assert db.resolve_url() == f"sqlite:///{store_dir / 'tracker.sqlite'}"
    assert db.resolve_url(city="dc") == f"sqlite:///{store_dir / 'dc.sqlite'}"
    (store_dir / f"{DEFAULT_CITY}.sqlite").touch()
    assert db.resolve_url() == f"sqlite:///{store_dir / f'{DEFAULT_CITY}.sqlite'}"


@pytest.mark.parametrize("city", ["../elsewhere", "Pittsburgh", "a b", "x" * 61, "dc;drop"])
def test_a_city_that_is_not_an_id_never_names_a_store(store_dir, city):
    with pytest.raises(ValueError, match="not a city id"):
        db.resolve_url(configured="sqlite:////tmp/{city}.sqlite", city=city, default_city="dc")


def test_passwords_never_appear_in_descriptions():
    assert db.describe_url("postgresql+psycopg://tracker:s3cret@db.example.org/hrc") == (
        "postgresql+psycopg://tracker:***@db.example.org/hrc")


@pytest.mark.parametrize("url, message", [
    ("mysql://u@h/db", "use sqlite:/// or postgresql"),
    ("sqlite://", "needs a SQLite file"),
])
def test_unsupported_stores_are_refused(url, message):
    with pytest.raises(ValueError, match=message):
        db.create_store_engine(url)


def test_the_default_store_folder_is_git_ignored():
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "data/store/" in ignored


def test_a_store_created_by_an_older_run_is_migrated_in_place(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    engine = db.create_store_engine(url)
    assert db.current_revision(engine) is None
    db.migrate(engine)
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision() == "0003_testimony_campaign"
    engine.dispose()
    assert Store.open(url).count_recommendations() == 0


def test_the_head_revision_the_store_checks_is_alembics_newest_migration():
    assert db.HEAD_REVISION == db.head_revision()


def test_a_store_already_at_the_newest_migration_opens_without_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    Store.open(url).close()
    engine = db.create_store_engine(url)
    assert db.recorded_revision(engine) == db.HEAD_REVISION
    engine.dispose()
    script = ("import sys; from indicators.tracker.store import Store; "
              f"store = Store.open({url!r}); print(store.count_recommendations(), 'alembic' in sys.modules)")
    opened = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=PROJECT_ROOT)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split() == ["0", "False"]


def test_only_a_version_table_of_one_row_is_read_as_the_stores_revision(tmp_path):
    """Any other state of the table is left to alembic (a store at an older revision is migrated: test_integrity)."""
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    engine = db.create_store_engine(url)
    db.migrate(engine)
    with engine.begin() as connection:   # a second row: not a state the plain query decides
        connection.exec_driver_sql(f"INSERT INTO {db.VERSION_TABLE} VALUES ('0002_integrity')")
    assert db.recorded_revision(engine) is None
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DELETE FROM {db.VERSION_TABLE}")
        connection.exec_driver_sql(f"INSERT INTO {db.VERSION_TABLE} VALUES ('0002_integrity')")
    assert db.recorded_revision(engine) == "0002_integrity"
    engine.dispose()
