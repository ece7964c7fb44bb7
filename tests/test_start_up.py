"""The server's start-up steps (``serve.py``): each runs outside any reader's session without an error. In the
server their failures are silent (the page reports its own), so a step that broke would only make a page slow."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture
def serve(monkeypatch, tmp_path):
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path}/tracker_{{city}}.sqlite")
    monkeypatch.setenv("HRC_OFFLINE", "1")
    return importlib.import_module("serve")


def test_every_start_up_step_runs_outside_a_session(serve):
    city = serve.landing()
    steps = serve.later_steps(city)
    assert len(steps) > 10
    for step in steps:
        step()   # raises where a step is broken



def test_the_map_pages_modules_leave_the_http_cache_library_unloaded():
    """The map page's search box asks the geocoder only for an address; the HTTP session's cache library (0.15 s
    of imports) loads then, not on the first page a restarted server shows."""
    import subprocess
    import sys

    from tests.conftest import REPO

    code = ("import sys; from ui import data, evidence, mapview, search, state, tables; "
            "print(sorted(m for m in ('requests_cache', 'indicators.sources.http') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
