"""``bench/budget.py`` measures what the landing page's elements cost by drawing them from values computed
beforehand (``bench/apps/landing_from_memory.py``): that page must show what the landing page shows."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def shown(at: AppTest) -> dict:
    """What a reader of a finished run sees, element kind by element kind, in the page's order."""
    (chart,) = at.get("deck_gl_json_chart")
    return {
        "title": [t.value for t in at.title],
        "captions": [c.value for c in at.caption],
        "markdown": [m.value for m in at.markdown],
        "html": [h.value for h in at.get("html")],
        "map": json.loads(chart.proto.json), "tooltip": chart.proto.tooltip,
        "selectboxes": [(s.label, s.options, s.value) for s in at.selectbox],
        "radios": [(r.label, r.options, r.value) for r in at.radio],
        "text_inputs": [(t.label, t.placeholder) for t in at.text_input],
        "expanders": [e.label for e in at.expander],
        "downloads": [d.proto.label for d in at.get("download_button")],
    }


@pytest.fixture
def landing_values():
    sys.path.insert(0, str(BENCH))
    try:
        import budget
    finally:
        sys.path.remove(str(BENCH))
    return budget.landing_values()


def test_the_page_from_memory_shows_what_the_landing_page_shows(deep_link, landing_values, tmp_path, monkeypatch):
    dashboard = shown(deep_link("app_pages/map.py"))
    values = tmp_path / "values.json"
    values.write_text(json.dumps(landing_values))
    monkeypatch.setenv("BUDGET_VALUES", str(values))
    monkeypatch.delenv("BUDGET_LEAVE_OUT", raising=False)
    at = AppTest.from_file(str(BENCH / "apps" / "landing_from_memory.py"), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    from_memory = shown(at)
    assert from_memory == dashboard
    assert dashboard["title"] and dashboard["map"]["layers"] and len(dashboard["selectboxes"]) >= 2


def test_a_part_left_out_is_left_out(landing_values, tmp_path, monkeypatch):
    values = tmp_path / "values.json"
    values.write_text(json.dumps(landing_values))
    monkeypatch.setenv("BUDGET_VALUES", str(values))
    monkeypatch.setenv("BUDGET_LEAVE_OUT", "names,choices")
    at = AppTest.from_file(str(BENCH / "apps" / "landing_from_memory.py"), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    (chart,) = at.get("deck_gl_json_chart")
    assert [layer["@@type"] for layer in json.loads(chart.proto.json)["layers"]] == ["GeoJsonLayer"]
    assert not at.selectbox and not at.radio
    assert at.title and at.text_input
