"""Where the store lives: explicit URL, then the environment, then the secrets, then the project's SQLite file."""

from __future__ import annotations

import pytest

from indicators.core.config import PROJECT_ROOT
from indicators.tracker import db
from indicators.tracker.store import Store


def test_store_url_precedence(monkeypatch):
    monkeypatch.delenv(db.URL_ENV, raising=False)
    assert db.resolve_url() == f"sqlite:///{PROJECT_ROOT / 'data' / 'store' / 'tracker.sqlite'}"
    assert db.resolve_url(configured="postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv(db.URL_ENV, "sqlite:////tmp/elsewhere.sqlite")
    assert db.resolve_url(configured="postgresql+psycopg://u@h/db") == "sqlite:////tmp/elsewhere.sqlite"
    assert db.resolve_url("sqlite:////tmp/given.sqlite") == "sqlite:////tmp/given.sqlite"


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
    assert db.current_revision(engine) == db.head_revision() == "0001_initial"
    engine.dispose()
    assert Store.open(url).count_recommendations() == 0
