"""One tracker store per city: what is recorded under one city is never seen under another, each city's store is
seeded with the same official list from its own snapshot, and a one-city store says so instead of mixing cities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.briefs import content
from indicators.snapshot.read import Snapshot, sha256_file
from indicators.tracker.importer import ensure_seeded
from indicators.tracker.records import PriorityItem
from indicators.tracker.store import Store

from .conftest import CITY, EDITOR
from .test_pages import ENTRY, PAGES, REPO

PGH, OTHER = "pittsburgh", "testville"


@pytest.fixture
def snapshots(tmp_path, monkeypatch, official_frame) -> Path:
    """A snapshots folder with two cities, each with a manifest naming it and the official UPR list."""
    root = tmp_path / "snapshots"
    for city, name in ((PGH, "Pittsburgh"), (OTHER, "Testville")):
        folder = root / city
        folder.mkdir(parents=True)
        official_frame.to_parquet(folder / "upr_recommendations.parquet")
        listed = {"upr_recommendations": {"sha256": sha256_file(folder / "upr_recommendations.parquet")}}
        (folder / "manifest.json").write_text(json.dumps({"city": {"id": city, "name": name}, "tables": listed}),
                                              encoding="utf-8")
    monkeypatch.setenv("HRC_SNAPSHOTS_DIR", str(root))
    return root


@pytest.fixture
def per_city_url(tmp_path, monkeypatch) -> str:
    """``HRC_TRACKER_URL`` with ``{city}``: one SQLite file per city."""
    template = f"sqlite:///{tmp_path / 'stores' / '{city}.sqlite'}"
    monkeypatch.setenv("HRC_TRACKER_URL", template)
    st.cache_resource.clear()
    return template


def opened(template: str, city: str, snapshots: Path) -> Store:
    store = Store.open(template, city=city)
    ensure_seeded(store, snapshots / city / "upr_recommendations.parquet")
    return store


def test_a_status_and_a_list_recorded_under_one_city_are_not_seen_under_another(snapshots, per_city_url):
    pittsburgh, testville = opened(per_city_url, PGH, snapshots), opened(per_city_url, OTHER, snapshots)
    assert pittsburgh.describe() != testville.describe()
    pittsburgh.set_status(CITY, "26.214", city=PGH, track="city", status="implemented", as_of="2024-06-30",
                          author="Office of the Mayor", expected_version=0)
    pittsburgh.create_priority_list(EDITOR, city=PGH, name="Housing first", items=[PriorityItem("26.286", 3)])
    # the official list is the same in both stores; the city's own records are not
    assert len(testville.recommendation_frame()) == len(pittsburgh.recommendation_frame()) == 347
    assert testville.current_status("26.214", city=OTHER, track="city") is None
    assert testville.current_status("26.214", city=PGH, track="city") is None  # not even under the other's name
    assert testville.priority_lists(OTHER) == [] and testville.priority_lists(PGH) == []
    assert testville.status_versions_frame(PGH).empty
    assert pittsburgh.current_status("26.214", city=PGH, track="city").status == "implemented"
    pittsburgh.close()
    testville.close()


def test_the_brief_opens_the_store_of_the_snapshots_city(snapshots, per_city_url):
    pittsburgh = opened(per_city_url, PGH, snapshots)
    pittsburgh.set_status(CITY, "26.214", city=PGH, track="city", status="implemented", as_of="2024-06-30",
                          author="Office of the Mayor", expected_version=0)
    pittsburgh.close()
    other = Snapshot(path=snapshots / OTHER, manifest={"city": {"id": OTHER}, "tables": {}})
    store = content.open_store(snapshot=other)
    assert store.describe().endswith(f"{OTHER}.sqlite")
    assert store.count_recommendations() == 347  # seeded from its own snapshot
    assert store.current_status("26.214", city=PGH, track="city") is None
    store.close()


@pytest.fixture
def tracker_page(tmp_path):
    entry = tmp_path / "entry.py"
    entry.write_text(ENTRY.format(root=str(REPO), pages=str(PAGES)), encoding="utf-8")

    def run(page: str, **query) -> AppTest:
        at = AppTest.from_file(str(entry), default_timeout=60)
        at.run()
        at.switch_page(str(PAGES / page))
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def page_text(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.caption, at.subheader, at.error, at.info) for e in kind)


def test_the_tracker_pages_show_each_city_its_own_statuses(snapshots, per_city_url, tracker_page):
    pittsburgh = opened(per_city_url, PGH, snapshots)
    pittsburgh.set_status(CITY, "26.214", city=PGH, track="city", status="implemented", as_of="2024-06-30",
                          author="Office of the Mayor", expected_version=0)
    pittsburgh.close()
    at = tracker_page("upr_recommendations.py", city=PGH, rec="26.214")
    assert "Status in Pittsburgh" in page_text(at) and "Office of the Mayor" in page_text(at)
    at = tracker_page("upr_recommendations.py", city=OTHER, rec="26.214")
    assert "Status in Testville" in page_text(at)
    assert "Office of the Mayor" not in page_text(at) and "Nobody has recorded this yet." in page_text(at)
    # the other city's store was made and seeded on first use, in its own file
    assert (Path(per_city_url.removeprefix("sqlite:///").replace("{city}", OTHER))).exists()


def test_an_unknown_city_in_the_url_never_names_a_store(snapshots, per_city_url, tracker_page, tmp_path):
    at = tracker_page("upr_recommendations.py", city="nowhere")
    assert "Statuses for Pittsburgh" in page_text(at)
    assert sorted(p.name for p in (tmp_path / "stores").iterdir() if p.suffix == ".sqlite") == [f"{PGH}.sqlite"]


def test_a_one_city_store_asked_for_another_city_says_the_url_needs_the_placeholder(
        snapshots, tmp_path, monkeypatch, tracker_page):
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path / 'single.sqlite'}")
    st.cache_resource.clear()
    assert "347" in page_text(tracker_page("upr_recommendations.py", city=PGH))
    for page in ("upr_recommendations.py", "upr_progress.py", "upr_priorities.py", "upr_edit.py"):
        at = tracker_page(page, city=OTHER)
        message = " ".join(e.value for e in at.error)
        assert "set up for one city only (Pittsburgh)" in message and "Testville" in message, page
        assert "{city}" in message
        assert not at.dataframe
