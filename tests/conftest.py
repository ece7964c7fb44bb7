"""Fixtures shared by the library tests: where the real publishers' files are, the committed snapshot, and
HTTP sessions for the loaders (which only ever meet recorded answers).

The real data sit in a folder ``shared/data`` beside the repository (see its README and PROVENANCE files);
tests that read it skip when it is absent. The committed Pittsburgh snapshot is opened once per session.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import requests

# the library's own cache (remembered table checks, the HTTP cache's default folder) in a folder of this run's,
# for the tests and the servers they start: never the user's
os.environ["HRC_CACHE_DIR"] = tempfile.mkdtemp(prefix="hrc-cache-")

from indicators.sources import http  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO / ".." / "shared" / "data"
PITTSBURGH_RAW = SHARED_DATA / "pittsburgh"
COMMITTED_SNAPSHOT = REPO / "data" / "snapshots" / "pittsburgh"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real publishers' files (``shared/data`` beside the repository); skip when absent."""
    if not PITTSBURGH_RAW.is_dir():
        pytest.skip("the real data folder shared/data/pittsburgh beside the repository is not here")
    return SHARED_DATA.resolve()


@pytest.fixture(scope="session")
def pittsburgh_raw(shared_data) -> Path:
    """The Pittsburgh folder of publishers' files, laid out as ``build --from-dir`` expects."""
    return shared_data / "pittsburgh"


@pytest.fixture(scope="session")
def snapshot():
    """The committed Pittsburgh snapshot, opened (and verified) once per session."""
    from indicators.snapshot.read import open_snapshot

    return open_snapshot(COMMITTED_SNAPSHOT)


# HTTP sessions for the loader tests (recorded answers, never the network)
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
