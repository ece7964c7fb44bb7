"""Shared fixture of the page tests: open a page as a shared link would, on a fresh tracker store."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


@pytest.fixture
def deep_link(tmp_path, monkeypatch):
    """``deep_link(page, **query)`` runs the dashboard once, as the first visit of a link to ``page`` with those
    query parameters, and returns the finished AppTest (a fresh tracker store and empty caches per test)."""
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    st.cache_resource.clear()
    st.cache_data.clear()

    def run(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    yield run
    st.cache_resource.clear()
    st.cache_data.clear()
