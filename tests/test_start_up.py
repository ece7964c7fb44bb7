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

