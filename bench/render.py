"""Cold render of the landing map page in headless Chromium, against Streamlit's own floor.

For each app — the dashboard, a floor app holding one pydeck map of a single polygon, and a text-only
Streamlit page — the script launches ``streamlit run``, opens the page in Debian's Chromium, and times:

- *first content*: launch → the page title (h1) is visible;
- *rendered*: launch → the script has finished and, for map pages, the deck.gl canvas exists.

Median of ``--runs`` launches each; ratios are against the floor measured in the same run. The floor apps
hold no real data (one square polygon, a line of text).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

FLOOR_MAP = '''
import pydeck as pdk
import streamlit as st
st.title("Floor: one polygon")
square = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
          "geometry": {"type": "Polygon", "coordinates": [[[-80, 40.4], [-79.9, 40.4], [-79.9, 40.5], [-80, 40.5], [-80, 40.4]]]}}]}
st.pydeck_chart(pdk.Deck(layers=[pdk.Layer("GeoJsonLayer", square, get_fill_color=[200, 30, 30])],
                         initial_view_state=pdk.ViewState(longitude=-79.95, latitude=40.45, zoom=10), map_style=None))
'''
FLOOR_TEXT = '''
import streamlit as st
st.title("Floor: text only")
st.write("A line of text.")
'''


def time_launch(script: str, path: str, wait_map: bool) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with running_app(script=script) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + path)
        page.wait_for_selector("h1", timeout=120000)
        first = time.perf_counter() - started
        condition = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        if wait_map:
            condition += " && document.querySelector('[data-testid=\"stDeckGlJsonChart\"] canvas')"
        page.wait_for_function(condition, timeout=120000)
        rendered = time.perf_counter() - started
        browser.close()
    return first, rendered


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        floor_map = Path(tmp) / "floor_map.py"
        floor_map.write_text(FLOOR_MAP)
        floor_text = Path(tmp) / "floor_text.py"
        floor_text.write_text(FLOOR_TEXT)
        apps = {"dashboard map page": ("dashboard.py", "/", True), "floor: one pydeck polygon": (str(floor_map), "/", True),
                "floor: text only": (str(floor_text), "/", False)}
        results = {name: [] for name in apps}
        for _ in range(args.runs):
            for name, (script, path, wait_map) in apps.items():
                results[name].append(time_launch(script, path, wait_map))
    med = {name: (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
           for name, runs in results.items()}
    print(f"cold launch to page, median of {args.runs} runs (seconds)")
    for name, (first, rendered) in med.items():
        print(f"  {name:28s} first content {first:6.2f}   rendered {rendered:6.2f}")
    dash, floor, text = med["dashboard map page"], med["floor: one pydeck polygon"], med["floor: text only"]
    print(f"  rendered ÷ pydeck floor        {dash[1] / floor[1]:.2f}x  (target ≤ 1.15x)")
    print(f"  first content ÷ text-only page {dash[0] / text[0]:.2f}x  (target ≤ 1.2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
