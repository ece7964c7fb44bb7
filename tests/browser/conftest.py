"""The browser tests' shared fixture: the app on a fresh tracker store and Debian's Chromium, per test module."""

from __future__ import annotations

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, require_chromium, running_app


@pytest.fixture(scope="module")
def app_browser(tmp_path_factory):
    """A headless Chromium with ``base_url`` set to a running app of this module (its own empty tracker store)."""
    require_chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    store = tmp_path_factory.mktemp("store") / "tracker.sqlite"
    with running_app({"HRC_TRACKER_URL": f"sqlite:///{store}"}) as url:
        with playwright.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            chromium.base_url = url
            yield chromium
            chromium.close()
