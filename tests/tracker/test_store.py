"""The store on SQLite and PostgreSQL: imports, priorities, statuses by role, history, restore."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from indicators.snapshot.read import sha256_file
from indicators.tracker import db
from indicators.tracker.errors import NotFound, PermissionDenied
from indicators.tracker.importer import ensure_seeded, parse_recommendations
from indicators.tracker.priorities import with_item_added, with_item_changed, with_item_moved, without_item
from indicators.tracker.records import PriorityItem
from indicators.tracker.store import Store

from .conftest import CITY, COMMUNITY, EDITOR, VIEWER

PGH = "pittsburgh"


def test_opening_creates_the_schema_and_a_second_open_changes_nothing(store_url):
    first = Store.open(store_url)
    assert db.current_revision(first.engine) == db.head_revision()
    tables = set(inspect(first.engine).get_table_names())
    assert {"recommendations", "status_versions", "priority_list_versions", "import_runs"} <= tables
    first.close()
    again = Store.open(store_url)
    assert db.current_revision(again.engine) == db.head_revision()
    again.close()


def test_sqlite_store_uses_write_ahead_logging(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'new' / 'tracker.sqlite'}")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "new" / "tracker.sqlite").exists()
    store.close()


def test_migrations_match_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from indicators.tracker.models import Base

    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": db.VERSION_TABLE,
                                                               "compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_import_of_the_official_list_then_reimport_changes_nothing(store, official_frame):
    first = store.import_recommendations(official_frame, EDITOR, source="us_upr_cycle3_recommendations.csv")
    assert (first.added, first.updated, first.unchanged) == (347, 0, 0)
    again = store.import_recommendations(official_frame, EDITOR, source="us_upr_cycle3_recommendations.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 347)
    assert store.count_recommendations() == 347
    rec = store.get_recommendation("26.214")
    assert (rec.cycle, rec.recommending_state, rec.response, rec.revision) == (3, "Croatia", "supported", 1)
    runs = store.import_runs()
    assert runs["added"].tolist() == [347, 0] and runs["recorded_by"].tolist() == ["alice", "alice"]
    numbers = [r.number for r in store.recommendations(cycle=3)]
    assert numbers[:3] == ["26.1", "26.2", "26.3"] and numbers[-1] == "26.347"


def test_a_corrected_official_text_becomes_the_next_revision(seeded_store, official_frame):
    corrected = official_frame.copy()
    row = corrected["number"] == "26.214"
    corrected.loc[row, "text"] = corrected.loc[row, "text"] + " (corrected)"
    result = seeded_store.import_recommendations(corrected, EDITOR, source="corrected.csv")
    assert (result.added, result.updated, result.unchanged) == (0, 1, 346)
    assert result.numbers_updated == ("26.214",)
    assert seeded_store.get_recommendation("26.214").revision == 2
    revisions = seeded_store.recommendation_revisions("26.214")
    assert [r["revision"] for r in revisions] == [1, 2]
    assert revisions[1]["text"].endswith("(corrected)") and not revisions[0]["text"].endswith("(corrected)")


def test_plain_list_reimport_keeps_document_columns_of_the_official_import(seeded_store):
    plain = ("number,recommending state,text,response,theme\n"
             "26.1,Somalia,Consider ratifying all remaining human rights conventions,supported,"
             "Ratification of & accession to international instruments\n").encode()
    result = seeded_store.import_recommendations(parse_recommendations(plain, "plain.csv", 3), EDITOR,
                                                 source="plain.csv")
    assert (result.updated, result.unchanged) == (0, 1)
    assert seeded_store.get_recommendation("26.1").wg_report == "A/HRC/46/15"


def test_seeding_fills_an_empty_store_from_the_snapshot_parquet_once(store, official_frame, tmp_path):
    parquet = tmp_path / "upr_recommendations.parquet"
    official_frame.to_parquet(parquet)
    (tmp_path / "manifest.json").write_text(json.dumps({"tables": {"upr_recommendations": {
        "sha256": sha256_file(parquet)}}}), encoding="utf-8")
    assert ensure_seeded(store, tmp_path / "missing.parquet") is None
    result = ensure_seeded(store, parquet)
    assert result.added == 347
    assert ensure_seeded(store, parquet) is None
    assert store.import_runs()["recorded_by"].tolist() == ["system:snapshot-seed"]


def test_only_editors_import(store, official_frame):
    for actor in (CITY, COMMUNITY, VIEWER, None):
        with pytest.raises(PermissionDenied):
            store.import_recommendations(official_frame, actor, source="x.csv")
    assert store.count_recommendations() == 0


def test_city_and_community_roles_each_set_their_own_track(seeded_store):
    city_claim = seeded_store.set_status(
        CITY, "26.214", city=PGH, track="city", status="implemented", as_of=dt.date(2022, 6, 30),
        author="Office of the Mayor", note="Ordinance passed.",
        evidence=[{"url": "https://pittsburgh.legistar.com/", "label": "Council record"}],
        indicator_ids=["firearm_seizures"], expected_version=0)
    community = seeded_store.set_status(
        COMMUNITY, "26.214", city=PGH, track="community", status="partially_implemented",
        as_of="2022-09-01", author="Coalition", note="Not enforced yet.", expected_version=0)
    assert (city_claim.version, city_claim.recorded_by, city_claim.recorded_role) == (1, "carl", "city")
    assert city_claim.evidence[0].label == "Council record"
    assert community.recorded_by == "dana" and community.as_of == dt.date(2022, 9, 1)
    with pytest.raises(PermissionDenied, match="may not edit community assessments"):
        seeded_store.set_status(CITY, "26.214", city=PGH, track="community", status="implemented",
                                as_of="2022-10-01", author="Mayor", expected_version=1)
    with pytest.raises(PermissionDenied, match="may not edit city-government claims"):
        seeded_store.set_status(COMMUNITY, "26.214", city=PGH, track="city", status="regressed",
                                as_of="2022-10-01", author="Coalition", expected_version=1)
    with pytest.raises(PermissionDenied):
        seeded_store.set_status(VIEWER, "26.214", city=PGH, track="city", status="regressed",
                                as_of="2022-10-01", author="x", expected_version=1)
    current = seeded_store.current_statuses_frame(PGH)
    assert sorted(zip(current["track"], current["status"])) == [("city", "implemented"),
                                                                ("community", "partially_implemented")]


def test_editor_sets_both_tracks_and_statuses_are_per_city(seeded_store):
    for track in ("city", "community"):
        seeded_store.set_status(EDITOR, "26.1", city=PGH, track=track, status="not_started", as_of="2021-03-01",
                                author="Coalition", expected_version=0)
    assert seeded_store.current_status("26.1", city="erie", track="city") is None
    assert seeded_store.current_status("26.1", city=PGH, track="city").status == "not_started"


def test_every_change_is_a_new_version_and_restore_appends_one_more(seeded_store):
    common = dict(city=PGH, track="community", author="Coalition")
    seeded_store.set_status(EDITOR, "26.214", status="not_started", as_of="2021-03-01", note="first",
                            expected_version=0, **common)
    seeded_store.set_status(EDITOR, "26.214", status="in_progress", as_of="2022-03-01", note="second",
                            evidence=["https://example.org/report"], expected_version=1, **common)
    seeded_store.set_status(EDITOR, "26.214", status="regressed", as_of="2023-03-01", note="third",
                            expected_version=2, **common)
    restored = seeded_store.restore_status(COMMUNITY, "26.214", city=PGH, track="community", version=2,
                                           expected_version=3)
    assert (restored.version, restored.status, restored.restored_from) == (4, "in_progress", 2)
    assert restored.note == "second" and restored.evidence[0].url == "https://example.org/report"
    assert restored.recorded_by == "dana"
    history = seeded_store.status_history("26.214", city=PGH)
    assert [v.version for v in history] == [1, 2, 3, 4]
    assert [v.status for v in history] == ["not_started", "in_progress", "regressed", "in_progress"]
    with pytest.raises(PermissionDenied):
        seeded_store.restore_status(CITY, "26.214", city=PGH, track="community", version=1, expected_version=4)
    with pytest.raises(NotFound):
        seeded_store.restore_status(EDITOR, "26.214", city=PGH, track="community", version=9, expected_version=4)


def test_nothing_is_ever_deleted_or_overwritten_in_the_version_table(seeded_store):
    for version in range(3):
        seeded_store.set_status(EDITOR, "26.2", city=PGH, track="city", status="in_progress",
                                as_of="2021-03-01", author="Mayor", note=f"v{version + 1}",
                                expected_version=version)
    with seeded_store.engine.connect() as connection:
        notes = connection.execute(text("SELECT version, note FROM status_versions ORDER BY version")).all()
    assert [tuple(n) for n in notes] == [(1, "v1"), (2, "v2"), (3, "v3")]


def test_unknown_recommendation_is_not_found(seeded_store):
    with pytest.raises(NotFound):
        seeded_store.get_recommendation("26.999")
    with pytest.raises(NotFound):
        seeded_store.set_status(EDITOR, "99.1", city=PGH, track="city", status="implemented",
                                as_of="2021-01-01", author="x", expected_version=0)


def test_priority_lists_are_built_reordered_and_kept_per_campaign(seeded_store):
    housing = seeded_store.create_priority_list(
        EDITOR, city=PGH, name="Housing campaign 2024", description="Tenants' coalition",
        items=[PriorityItem("26.214", 3, "Gun violence hits our neighborhoods", "City Council",
                            dt.date(2026, 12, 31))])
    second = seeded_store.create_priority_list(EDITOR, city=PGH, name="20 for 2020")
    assert (housing.version, len(housing.items), housing.items[0].target_date) == (1, 1, dt.date(2026, 12, 31))

    items = with_item_added(housing.items, PriorityItem("26.1", 3, "Ratify CESCR", "Mayor's Office"))
    items = with_item_added(items, PriorityItem("26.2", 3))
    v2 = seeded_store.update_priority_list(EDITOR, housing.list_id, items=items, expected_version=1)
    v3 = seeded_store.update_priority_list(EDITOR, housing.list_id, expected_version=2,
                                           items=with_item_moved(v2.items, "26.2", 1))
    assert [i.number for i in v3.items] == ["26.2", "26.214", "26.1"]
    v4 = seeded_store.update_priority_list(
        EDITOR, housing.list_id, expected_version=3,
        items=with_item_changed(without_item(v3.items, "26.214"), "26.1", rationale="Ratify the covenant"))
    assert [(i.number, i.rationale) for i in v4.items] == [("26.2", ""), ("26.1", "Ratify the covenant")]

    assert [pl.name for pl in seeded_store.priority_lists(PGH)] == ["Housing campaign 2024", "20 for 2020"]
    seeded_store.update_priority_list(EDITOR, second.list_id, archived=True, expected_version=1)
    assert [pl.name for pl in seeded_store.priority_lists(PGH)] == ["Housing campaign 2024"]
    assert len(seeded_store.priority_lists(PGH, include_archived=True)) == 2

    restored = seeded_store.restore_priority_list(EDITOR, housing.list_id, version=3, expected_version=4)
    assert [i.number for i in restored.items] == ["26.2", "26.214", "26.1"]
    assert (restored.version, restored.restored_from) == (5, 3)
    assert [v.version for v in seeded_store.priority_list_history(housing.list_id)] == [1, 2, 3, 4, 5]


def test_priority_lists_need_the_editor_role(seeded_store):
    for actor in (CITY, COMMUNITY, VIEWER):
        with pytest.raises(PermissionDenied):
            seeded_store.create_priority_list(actor, city=PGH, name="Mine")
    housing = seeded_store.create_priority_list(EDITOR, city=PGH, name="Housing")
    with pytest.raises(PermissionDenied):
        seeded_store.update_priority_list(COMMUNITY, housing.list_id, name="Renamed", expected_version=1)
    assert seeded_store.priority_list(housing.list_id).name == "Housing"


def test_status_frames_for_the_views(seeded_store):
    seeded_store.set_status(EDITOR, "26.1", city=PGH, track="city", status="in_progress", as_of="2021-05-01",
                            author="Mayor", expected_version=0)
    seeded_store.set_status(EDITOR, "26.1", city=PGH, track="city", status="implemented", as_of="2022-05-01",
                            author="Mayor", expected_version=1)
    versions = seeded_store.status_versions_frame(PGH)
    current = seeded_store.current_statuses_frame(PGH)
    assert len(versions) == 2 and len(current) == 1
    assert current.iloc[0]["status"] == "implemented"
    assert isinstance(seeded_store.recommendation_frame(), pd.DataFrame)
    assert len(seeded_store.recommendation_frame()) == 347
