"""The language switch: the sidebar's widgets keep working across reruns in Spanish, and switching language
changes the page and the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.metrics import catalog, compute, summary
from indicators.snapshot.read import open_snapshot
from tests.conftest import COMMITTED_SNAPSHOT

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    st.cache_data.clear()
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["lang"] = "es"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    yield at
    st.cache_data.clear()


def test_spanish_sidebar_widgets_survive_reruns(app):
    level = app.sidebar.radio(key="sb_level")
    assert level.options == ["Barrios", "Sectores censales"]
    level.set_value("tract").run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.query_params["level"] == "tract"
    snapshot = open_snapshot(COMMITTED_SNAPSHOT, verify=False)
    served = compute.available(snapshot, "tract")
    other = next(i.id for i in served if i.id != summary.headline_indicator(snapshot, "tract"))
    app.sidebar.selectbox(key="sb_indicator").set_value(other).run()
    assert not app.exception, [e.message for e in app.exception]
    assert catalog.get(other, "es").title in app.title[0].value


def test_switching_to_english_changes_the_page_and_drops_the_parameter(app):
    spanish_title = app.title[0].value
    app.sidebar.radio(key="sb_lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value != spanish_title
    # the landing map leads with the city's stability headline, its period in the title
    headline = summary.headline_indicator(open_snapshot(COMMITTED_SNAPSHOT, verify=False))
    assert app.title[0].value == f"Pittsburgh: {catalog.get(headline).title} (2010)"
    assert "lang" not in app.query_params
