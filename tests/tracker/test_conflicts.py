"""Two editors saving the same record: the second is told, with both versions, and nothing is overwritten."""

from __future__ import annotations

import threading

import pytest

from indicators.tracker.errors import ConflictError
from indicators.tracker.store import Store

from .conftest import EDITOR, COMMUNITY

PGH = "pittsburgh"


def test_second_editor_saving_on_an_old_version_gets_both_versions(seeded_store):
    seeded_store.set_status(EDITOR, "26.214", city=PGH, track="community", status="not_started",
                            as_of="2021-03-01", author="Coalition", expected_version=0)
    # both open version 1; Alice saves first
    seeded_store.set_status(EDITOR, "26.214", city=PGH, track="community", status="in_progress",
                            as_of="2022-01-10", author="Coalition", note="Alice's view", expected_version=1)
    with pytest.raises(ConflictError) as info:
        seeded_store.set_status(COMMUNITY, "26.214", city=PGH, track="community", status="regressed",
                                as_of="2022-01-11", author="Dana", note="Dana's view", expected_version=1)
    conflict = info.value
    assert conflict.expected_version == 1
    assert (conflict.current.version, conflict.current.note, conflict.current.recorded_by) == (2, "Alice's view",
                                                                                              "alice")
    assert conflict.attempted["status"] == "regressed" and conflict.attempted["note"] == "Dana's view"
    assert "changed by alice (now version 2) after you opened version 1" in str(conflict)
    history = seeded_store.status_history("26.214", city=PGH, track="community")
    assert [v.note for v in history] == ["", "Alice's view"]


def test_first_save_conflicts_when_someone_created_the_status_meanwhile(seeded_store):
    seeded_store.set_status(EDITOR, "26.5", city=PGH, track="city", status="implemented", as_of="2021-06-01",
                            author="Mayor", expected_version=0)
    with pytest.raises(ConflictError):
        seeded_store.set_status(EDITOR, "26.5", city=PGH, track="city", status="not_started",
                                as_of="2021-06-01", author="Mayor", expected_version=0)


def test_restore_on_an_old_version_conflicts(seeded_store):
    for version in range(2):
        seeded_store.set_status(EDITOR, "26.5", city=PGH, track="city", status="in_progress",
                                as_of="2021-06-01", author="Mayor", note=str(version), expected_version=version)
    with pytest.raises(ConflictError):
        seeded_store.restore_status(EDITOR, "26.5", city=PGH, track="city", version=1, expected_version=1)
    assert len(seeded_store.status_history("26.5", city=PGH)) == 2


def test_concurrent_saves_of_the_same_version_let_exactly_one_through(seeded_store, store_url):
    """Eight editors press save at the same moment on version 0, each through its own store."""
    stores = [Store.open(store_url) for _ in range(8)]
    barrier = threading.Barrier(len(stores))
    outcomes: list[str] = []

    def save(store: Store, index: int) -> None:
        barrier.wait()
        try:
            store.set_status(EDITOR, "26.7", city=PGH, track="community", status="in_progress",
                             as_of="2021-06-01", author=f"editor {index}", expected_version=0)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(s, i)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for store in stores:
        store.close()
    assert sorted(outcomes) == ["conflict"] * 7 + ["saved"]
    assert [v.version for v in seeded_store.status_history("26.7", city=PGH)] == [1]


def test_priority_list_saved_by_two_editors_conflicts(seeded_store):
    plist = seeded_store.create_priority_list(EDITOR, city=PGH, name="Housing")
    seeded_store.update_priority_list(EDITOR, plist.list_id, name="Housing first", expected_version=1)
    with pytest.raises(ConflictError) as info:
        seeded_store.update_priority_list(EDITOR, plist.list_id, description="Tenants", expected_version=1)
    assert info.value.current.name == "Housing first"
    assert seeded_store.priority_list(plist.list_id).description == ""


def test_two_imports_at_once_both_succeed_and_add_each_recommendation_once(store, store_url, official_frame):
    """Two sessions seeding a new store at the same moment: the second finds the first one's rows."""
    stores = [Store.open(store_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def run(s: Store) -> None:
        barrier.wait()
        results.append(s.import_recommendations(official_frame, EDITOR, source="same file"))

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for s in stores:
        s.close()
    assert sorted((r.added, r.unchanged) for r in results) == [(0, 347), (347, 0)]
    assert store.count_recommendations() == 347
