"""A new snapshot replaces the old so that a reader always finds one whole snapshot, whatever stops the build;
what killed builds leave behind is cleaned at the next build; replaced snapshots are kept, the oldest pruned; and
the tracker is seeded from a snapshot only once its file matches its checksum."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from indicators.build import run as build_run
from indicators.build.run import build_snapshot, clean_leftovers, swap_in
from indicators.core.config import load_city
from indicators.snapshot.read import open_snapshot, pending_swap, swap_note, versions_dir
from indicators.snapshot.schema import SCHEMA_VERSION
from indicators.tracker.importer import SeedError, ensure_seeded
from indicators.tracker.store import Store

from .conftest import COMMITTED_SNAPSHOT

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal_city"


def tiny_snapshot(folder: Path, built_at: str) -> Path:
    """A snapshot of no table (what ``open_snapshot`` needs to open it), told apart by ``built_at``."""
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "schema_version": SCHEMA_VERSION, "city": {"id": "testville", "name": "Testville"}, "built_at": built_at,
        "tables": {}, "sources": []}), encoding="utf-8")
    return folder


def built_at(path) -> str:
    return open_snapshot(path).manifest["built_at"]


def test_a_build_killed_between_the_two_renames_leaves_a_snapshot_that_readers_open_and_the_next_build_finishes(
        tmp_path, monkeypatch):
    target = tiny_snapshot(tmp_path / "testville", "old")
    new = tiny_snapshot(versions_dir(target) / "20250101T000000Z-abc.building", "new")
    monkeypatch.setattr(build_run, "_exchange", lambda a, b: False)   # a system that cannot exchange folders
    real_rename = Path.rename

    def killed_after_the_first_rename(self, to):
        result = real_rename(self, to)
        if Path(to).parent == versions_dir(target) and self == target:
            raise SystemExit("killed")
        return result

    monkeypatch.setattr(Path, "rename", killed_after_the_first_rename)
    with pytest.raises(SystemExit):
        swap_in(new, target)
    monkeypatch.setattr(Path, "rename", real_rename)
    assert not target.exists() and swap_note(target).exists()
    # a reader still opens a whole snapshot: the new one the note names
    assert built_at(target) == "new" and pending_swap(target) == new
    # the next build finishes the swap before it starts
    clean_leftovers(target)
    assert target.is_dir() and built_at(target) == "new" and not swap_note(target).exists()
    assert [built_at(p) for p in versions_dir(target).iterdir()] == ["old"]


def test_the_swap_exchanges_the_folders_in_one_rename_so_readers_never_miss_a_snapshot(tmp_path):
    target = tiny_snapshot(tmp_path / "testville", "0")
    if not build_run._exchange(tiny_snapshot(tmp_path / "probe", "x"), target):
        pytest.skip("this file system cannot exchange two folders in one rename")
    build_run._exchange(tmp_path / "probe", target)   # put them back
    misses, stop = [], threading.Event()

    def read_all_the_time():
        while not stop.is_set():
            if not (target / "manifest.json").is_file():
                misses.append(1)

    reader = threading.Thread(target=read_all_the_time)
    reader.start()
    try:
        for n in range(1, 31):
            swap_in(tiny_snapshot(versions_dir(target) / f"{n:04d}.building", str(n)), target)
    finally:
        stop.set()
        reader.join()
    assert misses == [] and built_at(target) == "30"
    assert not swap_note(target).exists()


def test_a_build_cleans_what_killed_builds_left_and_keeps_the_two_newest_replaced_snapshots(tmp_path):
    out = tmp_path / "snapshots" / "testville"
    out.parent.mkdir()
    killed = [versions_dir(out) / "20240101T000000Z-aaa.building", out.parent / ".testville.building-x1y2",
              out.parent / ".testville.previous-1700000000"]
    for folder in killed:
        (folder / "half").mkdir(parents=True)
    city = load_city(MINIMAL / "testville.toml")
    said: list[str] = []
    for _ in range(4):
        build_snapshot(city, from_dir=MINIMAL, out=out, progress=said.append)
    assert not any(folder.exists() for folder in killed)
    assert sum("left by a build that did not finish" in line for line in said) == 3
    assert sorted(p.name for p in out.parent.iterdir()) == [".testville.versions", "testville"]
    kept = sorted(versions_dir(out).iterdir())
    assert len(kept) == 2 and all(open_snapshot(p).city == "testville" for p in kept)
    assert open_snapshot(out).manifest["built_at"] >= max(open_snapshot(p).manifest["built_at"] for p in kept)


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(tmp_path):
    out = tmp_path / "snapshots" / "testville"
    out.parent.mkdir()
    with build_run._build_lock(out), pytest.raises(build_run.SnapshotError, match="another build is writing"):
        build_snapshot(load_city(MINIMAL / "testville.toml"), from_dir=MINIMAL, out=out, progress=lambda _m: None)


@pytest.fixture
def damaged_snapshot(tmp_path) -> Path:
    folder = tmp_path / "pittsburgh"
    shutil.copytree(COMMITTED_SNAPSHOT, folder)
    data = bytearray((folder / "upr_recommendations.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "upr_recommendations.parquet").write_bytes(bytes(data))
    return folder


def test_the_tracker_is_seeded_only_from_a_recommendations_file_that_matches_its_checksum(tmp_path,
                                                                                           damaged_snapshot):
    store = Store.open(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    try:
        with pytest.raises(SeedError) as refused:
            ensure_seeded(store, damaged_snapshot / "upr_recommendations.parquet")
        assert str(refused.value) == ("upr_recommendations.parquet of the snapshot in pittsburgh does not match its "
                                      "checksum: the snapshot is damaged; rebuild it or restore it")
        assert store.count_recommendations() == 0 and len(store.import_runs()) == 0
        assert ensure_seeded(store, COMMITTED_SNAPSHOT / "upr_recommendations.parquet").added == 347
    finally:
        store.close()


def test_a_damaged_snapshot_is_blamed_on_the_tracker_pages_not_the_store(tmp_path, damaged_snapshot, monkeypatch):
    from streamlit.testing.v1 import AppTest

    import streamlit as st

    snapshots = damaged_snapshot.parent
    monkeypatch.setenv("HRC_SNAPSHOTS_DIR", str(snapshots))
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/upr_recommendations.py").run()
    errors = [e.value for e in at.error]
    assert any("the city snapshot's list cannot be read" in e and "does not match its checksum" in e.replace("\\", "")
               for e in errors), errors
    assert not any("[tracker] url" in e for e in errors)
