"""The store's integrity against races and look-alikes, on SQLite and PostgreSQL: one active priority list per
name (however it is spelt to look the same), the database's own constraint behind the check, recommendation
numbers in ASCII digits only, and a store of the first schema migrated in place."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from indicators.tracker import db
from indicators.tracker.errors import ImportRejected, NotFound, ValidationError
from indicators.tracker.models import Base, PriorityListRow
from indicators.tracker.store import Store

from .conftest import EDITOR

PGH = "pittsburgh"


def active_lists_named(store: Store, name: str) -> int:
    return sum(1 for pl in store.priority_lists(PGH) if pl.name == name)


def test_eight_editors_creating_one_list_name_at_once_make_one_list(store_url):
    """Eight savers, each with its own connection pool, cross the name check together: the database's partial
    unique index lets one list through and the other seven get the name message."""
    stores = [Store.open(store_url) for _ in range(8)]
    start = threading.Barrier(len(stores))
    outcomes: list[object] = []

    def create(store: Store) -> None:
        start.wait()
        try:
            outcomes.append(store.create_priority_list(EDITOR, city=PGH, name="Housing first"))
        except ValidationError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=create, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(outcomes) == 8 and len(refused) == 7
        assert all("a list named 'Housing first' already exists" in str(o) for o in refused)
        assert active_lists_named(stores[0], "Housing first") == 1
        # and the one list is an ordinary list: it saves again
        (made,) = stores[0].priority_lists(PGH)
        assert stores[0].update_priority_list(EDITOR, made.list_id, expected_version=1,
                                              description="Campaign 2025").version == 2
    finally:
        for store in stores:
            store.close()


def test_the_database_refuses_a_second_active_list_of_one_name_even_without_the_check(store, monkeypatch):
    store.create_priority_list(EDITOR, city=PGH, name="Housing first")
    monkeypatch.setattr(Store, "_check_unique_name", lambda *args: None)
    with pytest.raises(ValidationError, match="a list named 'Housing first' already exists"):
        store.create_priority_list(EDITOR, city=PGH, name="Housing first")
    with store.engine.connect() as connection:
        assert connection.scalar(select(func.count(PriorityListRow.id))) == 1
        with pytest.raises(IntegrityError):
            connection.execute(text("INSERT INTO priority_lists (city, created_by, created_at, name_key, active) "
                                    "SELECT city, created_by, created_at, name_key, active FROM priority_lists"))


@pytest.mark.parametrize("look_alike", [
    "ＨＯＵＳＩＮＧ first",          # full-width letters
    "Hоusing first",                # Cyrillic small o
    "Нousing first",                # Cyrillic capital en
    "Housing\u00a0first",           # a no-break space
    "housing  FIRST",
])
def test_a_list_name_that_looks_like_an_active_lists_name_is_refused(store, look_alike):
    store.create_priority_list(EDITOR, city=PGH, name="Housing first")
    with pytest.raises(ValidationError) as refused:
        store.create_priority_list(EDITOR, city=PGH, name=look_alike)
    message = str(refused.value)
    assert message.startswith("Priority list not saved: name: ")
    assert "already exists" in message or "looks the same as the name of the list 'Housing first'" in message
    assert active_lists_named(store, "Housing first") == 1 and len(store.priority_lists(PGH)) == 1


@pytest.mark.parametrize(("name", "reason"), [
    ("Housing\u200b first", "contains the invisible character U+200B at position 8, which changes how the text "
                            "reads; remove it"),
    ("\u202eHousing first", "contains the invisible character U+202E at position 1"),
    ("Housing first\ufffe", "contains U+FFFE at position 14, a Unicode non-character that no document can hold"),
])
def test_invisible_and_non_characters_in_a_list_name_are_refused_naming_the_character(store, name, reason):
    with pytest.raises(ValidationError, match="name: " + reason.replace("+", r"\+")):
        store.create_priority_list(EDITOR, city=PGH, name=name)
    assert store.priority_lists(PGH, include_archived=True) == []


def test_a_full_width_list_name_is_stored_as_plain_letters(store):
    made = store.create_priority_list(EDITOR, city=PGH, name="ＨＯＵＳＩＮＧ　ｆｉｒｓｔ")
    assert made.name == "HOUSING first"


def test_an_archived_lists_name_is_free_and_unarchiving_it_then_is_refused(store):
    old = store.create_priority_list(EDITOR, city=PGH, name="Housing first")
    store.update_priority_list(EDITOR, old.list_id, expected_version=1, archived=True)
    new = store.create_priority_list(EDITOR, city=PGH, name="Housing First")
    with pytest.raises(ValidationError, match="a list named 'Housing first' already exists"):
        store.update_priority_list(EDITOR, old.list_id, expected_version=2, archived=False)
    assert [pl.list_id for pl in store.priority_lists(PGH)] == [new.list_id]
    renamed = store.update_priority_list(EDITOR, old.list_id, expected_version=2, archived=False,
                                         name="Housing first (2019)")
    assert (renamed.version, renamed.archived) == (3, False)


def test_renaming_a_list_to_its_own_name_in_other_letters_is_allowed(store):
    made = store.create_priority_list(EDITOR, city=PGH, name="Housing first")
    assert store.update_priority_list(EDITOR, made.list_id, expected_version=1, name="HOUSING FIRST").name == \
        "HOUSING FIRST"


@pytest.mark.parametrize("number", ["٢٦.٢١٤", "２６.２１４", "२६.२१४"])
def test_a_recommendation_number_in_other_digits_is_refused_with_its_ascii_form(seeded_store, number):
    frame = seeded_store.recommendation_frame().head(1).assign(number=number, rec_no=214)
    before = seeded_store.count_recommendations()
    with pytest.raises(ImportRejected) as refused:
        seeded_store.import_recommendations(frame, EDITOR, source="upload.csv")
    assert f"line 1, number: {number!r} is written with digits other than 0–9; write it as 26.214" in \
        str(refused.value)
    assert seeded_store.count_recommendations() == before
    with pytest.raises(NotFound, match="write it as 26.214"):
        seeded_store.get_recommendation(number)


def _store_of_the_first_schema(url: str):
    engine = db.create_store_engine(url)
    cfg = db.alembic_config()
    with db.writer(engine).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001_initial")
    return engine


def test_a_store_of_the_first_schema_is_migrated_keeping_every_list_and_separating_duplicate_names(store_url):
    engine = _store_of_the_first_schema(store_url)
    with db.writer(engine).begin() as c:
        for list_id, name, by in ((1, "Housing", "alice"), (2, "housing", "dana@example.org"), (3, "Schools", "alice"),
                                  (4, "Housing", "alice")):
            c.execute(text("INSERT INTO priority_lists (id, city, created_by, created_at) "
                           "VALUES (:id, 'pittsburgh', :by, CURRENT_TIMESTAMP)"), {"id": list_id, "by": by})
            c.execute(text("INSERT INTO priority_list_versions (list_id, version, name, description, archived, "
                           "recorded_by, recorded_role, recorded_at) VALUES (:id, 1, :name, '', :archived, :by, "
                           "'editor', CURRENT_TIMESTAMP)"), {"id": list_id, "name": name, "by": by,
                                                             "archived": list_id == 4})
    db.migrate(engine)
    engine.dispose()
    store = Store.open(store_url)
    try:
        names = {pl.list_id: (pl.name, pl.version, pl.recorded_by) for pl in store.priority_lists(PGH)}
        assert names == {1: ("Housing", 1, "alice"), 2: ("housing (2)", 2, "system:migration"),
                         3: ("Schools", 1, "alice")}
        assert store.priority_list(2, 1).name == "housing" and store.priority_list(4).archived
        assert [store.priority_list(i, 1).recorded_by_name for i in (1, 2)] == ["alice", ""]
        with pytest.raises(ValidationError, match="already exists"):
            store.create_priority_list(EDITOR, city=PGH, name="HOUSING (2)")
    finally:
        store.close()


def test_the_migrations_make_exactly_the_schema_the_models_describe(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if "tracker_alembic_version" not in str(d)] == []
