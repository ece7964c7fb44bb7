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
    # the landing map's table first, as the page calls it, where the reader may unfold it
    from ui import data, state

    first = steps[0]
    assert first.func is data.indicator_table
    assert first.args == (city, state.default_indicator(city, "neighborhood"), "neighborhood", None)
    assert first.keywords == {"lang": "en"}
    for step in steps:
        step()   # raises where a step is broken


def test_the_landing_step_stops_when_the_first_page_starts(serve, monkeypatch):
    """The landing step computes the default view in the page's own order and leaves the rest to the first
    reader's page once it runs: the page then sends its title and figures without this thread in turns with it."""
    from ui import data

    called = []
    for name in ("vintages", "indicator", "areas", "city_value", "map_view", "city_config", "area_shapes",
                 "label_points", "map_deck", "indicator_table"):
        monkeypatch.setattr(data, name, lambda *a, _name=name, **k: called.append(_name))
    monkeypatch.setattr(serve, "_pages_running", lambda: False)
    serve.landing()
    # the table is in a folded panel: not the landing step's
    assert called == ["vintages", "indicator", "city_value", "areas", "map_view", "city_config", "area_shapes",
                      "label_points", "city_config", "map_deck"]

    called.clear()
    monkeypatch.setattr(serve, "_pages_running", lambda: len(called) >= 2)   # a page starts after the title's figures
    assert serve.landing() == data.cities()[0]
    assert called == ["vintages", "indicator"]


def test_what_the_start_up_loaded_is_set_aside_from_the_cyclic_collector(serve):
    import gc
    import weakref

    class Node:
        pass

    garbage = Node()
    garbage.me = garbage       # a cycle no one refers to: collected first, never set aside
    gone = weakref.ref(garbage)
    del garbage
    kept = [Node() for _ in range(100)]
    before = gc.get_freeze_count()
    try:
        serve.freeze_long_lived()
        assert gone() is None
        assert gc.get_freeze_count() >= before + len(kept)
        ids = {id(k) for k in kept}
        assert not any(id(o) in ids for o in gc.get_objects())   # the live ones are set aside
    finally:
        gc.unfreeze()


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


def test_the_landing_step_loads_without_collections_and_sets_what_it_loaded_aside(serve, monkeypatch):
    """No cyclic collection runs while the landing page's libraries load (they looked through every object loaded
    so far, again and again); what was loaded is set aside at once after, and the collector is on again."""
    import gc

    seen = []
    monkeypatch.setattr(serve, "landing", lambda: seen.append(gc.isenabled()) or "pittsburgh")
    monkeypatch.setattr(serve, "use_system_allocator_for_arrow", lambda: None)
    monkeypatch.setattr(serve, "_pages_running", lambda: True)   # a reader's page runs: the step ends there
    monkeypatch.setattr(serve, "wait_for_first_visit", lambda: (_ for _ in ()).throw(RuntimeError("stop here")))
    before = gc.get_freeze_count()
    try:
        with pytest.raises(RuntimeError, match="stop here"):
            serve.warm_up()
        assert seen == [False] and gc.isenabled()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_later_steps_wait_for_the_first_page_to_end_not_for_a_session_to_connect(serve, monkeypatch):
    """A browser's session connects a moment before its first run starts: the steps for the next clicks begin
    once a page has run to its end (or after the wait for a first visitor), not while that first page runs."""
    import threading
    import time

    from ui import state

    monkeypatch.setattr(state, "FIRST_PAGE_SERVED", threading.Event())
    monkeypatch.setattr(serve, "_pages_running", lambda: False)   # a session connected, its page not begun
    monkeypatch.setattr(serve, "FIRST_VISIT_WAIT_S", 0.05)
    began = time.monotonic()
    serve.wait_for_first_visit()
    assert time.monotonic() - began >= 0.05    # no page had been served: it waited for a visitor in vain

    state.FIRST_PAGE_SERVED.set()
    monkeypatch.setattr(serve, "FIRST_VISIT_WAIT_S", 600)
    began = time.monotonic()
    serve.wait_for_first_visit()
    assert time.monotonic() - began < 60       # a page had been served: it went on at once


def test_a_page_that_has_run_marks_the_first_page_served(monkeypatch):
    import threading

    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO
    from ui import state

    monkeypatch.setattr(state, "FIRST_PAGE_SERVED", threading.Event())
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120).run()
    assert not at.exception
    assert state.FIRST_PAGE_SERVED.is_set()
