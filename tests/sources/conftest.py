"""Fixtures for the source loader tests. Each fixture is named after the loader it serves."""

from __future__ import annotations

import pytest
import requests

from indicators import http


@pytest.fixture
def census_session(tmp_path, monkeypatch):
    """A fresh cached HTTP session in a temporary folder, online, with no Census key in the environment."""
    monkeypatch.delenv("CENSUS_API_KEY", raising=False)
    http.set_offline(False)
    session = http.new_session(tmp_path / "census-http-cache.sqlite")
    yield session
    session.close()
    http.set_offline(None)


@pytest.fixture
def tiger_session(tmp_path):
    """A fresh cached HTTP session in a temporary folder, online."""
    http.set_offline(False)
    session = http.new_session(tmp_path / "tiger-http-cache.sqlite")
    yield session
    session.close()
    http.set_offline(None)


@pytest.fixture
def plain_session():
    """A plain requests session, online: no cache shared between tests and no retry back-off on 5xx answers."""
    http.set_offline(False)
    with requests.Session() as sess:
        yield sess
    http.set_offline(None)
