"""A hostile neighborhood name shows as text everywhere: no page turns it into HTML or runs it.

The test copies the committed snapshot, renames one neighborhood in every table to an HTML payload, points
the app at the copy, and visits the pages in Chromium: no element from the payload may appear in the page and
no script may run (an ``alert`` would open a dialog).
"""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import geopandas as gpd
import pandas as pd
import pytest

from indicators.snapshot.read import default_snapshot_dir, sha256_file
from indicators.snapshot.schema import TABLES
from tests.browser.helpers import (CHROMIUM, CHROMIUM_ARGS, assert_no_exception, require_chromium, running_app,
                                   screenshot, wait_rendered)

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="document.title=\'pwned\'">Bloomfield'
ORIGINAL = "Bloomfield"


def hostile_snapshot(folder):
    shutil.copytree(default_snapshot_dir("pittsburgh"), folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["tables"]:
        file = folder / f"{name}.parquet"
        frame = gpd.read_parquet(file) if TABLES[name].get("geo") else pd.read_parquet(file)
        for col in ("area_id", "name", "neighborhood"):
            if col in frame and pd.api.types.is_string_dtype(frame[col]):
                frame[col] = frame[col].where(frame[col] != ORIGINAL, PAYLOAD)
        frame.to_parquet(file, index=False)
        manifest["tables"][name]["sha256"] = sha256_file(file)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert PAYLOAD in gpd.read_parquet(folder / "areas_neighborhoods.parquet")["area_id"].tolist()
    return folder


def test_a_hostile_neighborhood_name_is_shown_as_text_on_every_page(tmp_path):
    require_chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    hostile_snapshot(tmp_path / "snapshots" / "pittsburgh")
    env = {"HRC_SNAPSHOTS_DIR": str(tmp_path / "snapshots"), "HRC_TRACKER_URL": f"sqlite:///{tmp_path / 'tracker.sqlite'}"}
    quoted = quote(PAYLOAD, safe="")
    with running_app(env) as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ["", "?level=neighborhood&indicator=renter_share", f"profile?hood={quoted}",
                     f"compare?hoods={quoted}", "growth", "tell-us", "campaign", "methods"]:
            page.goto(f"{url}/{path}")
            wait_rendered(page)
            assert_no_exception(page)
            assert page.locator('img[src="x"]').count() == 0, path
            assert page.title() != "pwned", path
        screenshot(page, "hostile_name_methods")
        page.goto(f"{url}/profile?hood={quoted}")
        wait_rendered(page)
        assert PAYLOAD in page.locator('[data-testid="stMain"]').inner_text()
        screenshot(page, "hostile_name_profile")
        browser.close()
    assert dialogs == []
