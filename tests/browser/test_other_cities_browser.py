"""Cities other than the first, in a real browser at desktop (1440×900) and phone (390×844) sizes: every page of a
minimal city (tracts and ACS measures only) opens without an exception and says what it cannot show, a city without
evictions and policing says why, and an unknown city in a link falls back with a message.

Each page waits for Streamlit to finish its run (the app's own script state), never for a fixed time. Screenshots
of every page of the minimal city go to ``screenshots/`` for a person to look at.
"""

from __future__ import annotations

import pytest

from indicators.snapshot.read import open_snapshot
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, assert_no_exception, require_chromium, running_app, screenshot
from tests.pages.fixture_cities import DEGRADED, MINIMAL, other_cities

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
PAGES = ["", "profile", "compare", "growth", "methods", "present", "recommendations", "progress", "priorities", "edit"]
#: what each page of the minimal city must say it cannot show
NOT_AVAILABLE = {"compare": "Arrests by race is not available for Testville",
                 "growth": "Change in home values and rents is not available for Testville",
                 "profile": "Not available by Census tracts for Testville",
                 "methods": "Not available for Testville:"}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    return other_cities(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture(scope="module")
def browser(snapshots, tmp_path_factory):
    """Chromium, with ``base_url`` set to an app over the two fixture cities, each on its own tracker store."""
    require_chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    stores = tmp_path_factory.mktemp("stores")
    env = {"HRC_SNAPSHOTS_DIR": str(snapshots), "HRC_TRACKER_URL": f"sqlite:///{stores / '{city}.sqlite'}"}
    with running_app(env) as url, playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        chromium.base_url = url
        yield chromium
        chromium.close()


def settled(page) -> None:
    """Wait until the app has run the page's script to its end and drawn its heading (no fixed sleep)."""
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"] h1, [data-testid=\"stException\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=90_000)
    page.wait_for_selector(IDLE, timeout=90_000)


def open_page(browser, path: str, size: str):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{browser.base_url}/{path}")
    settled(page)
    assert_no_exception(page)
    return page


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def first_tract(snapshots) -> str:
    tracts = open_snapshot(snapshots / MINIMAL[0]).table("areas_tracts")
    return tracts[tracts["in_city"] > 0]["area_id"].iloc[0]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", PAGES)
def test_every_page_of_the_minimal_city_opens_and_says_what_it_lacks(browser, snapshots, path, size):
    query = f"city={MINIMAL[0]}" + (f"&area={first_tract(snapshots)}" if path == "profile" else "")
    page = open_page(browser, f"{path}?{query}", size)
    text = main_text(page)
    assert page.locator('[data-testid="stMain"] h1').count() >= 1
    assert "Pittsburgh" not in text and "Allegheny" not in text
    if path in NOT_AVAILABLE:
        assert NOT_AVAILABLE[path] in text
    if path in ("", "present"):
        page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas' if path == "" else "h1", timeout=60_000)
    # nothing wider than a phone's screen: the page itself never scrolls sideways
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the screen"
    screenshot(page, f"testville_{path or 'map'}_{size}")
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_city_without_evictions_and_policing_says_why(browser, size):
    page = open_page(browser, f"compare?city={DEGRADED[0]}&areas=Bloomfield|Hazelwood", size)
    text = main_text(page)
    assert "Arrests by race is not available for Lessburg: arrests and other police records: not configured" in text
    assert "Eviction filings by the racial majority of the ZIP code is not available for Lessburg" in text
    assert "no rent burden by race or ethnicity" in text
    screenshot(page, f"lessburg_compare_{size}")
    page.close()


def test_an_unknown_city_in_a_link_falls_back_with_a_message(browser):
    page = open_page(browser, "?city=nowhere", "desktop")
    assert "There is no data for a city “nowhere” here; showing Lessburg instead." in main_text(page)
    assert page.locator("h1").first.inner_text().startswith("Lessburg: ")
    page.close()


def test_a_city_chosen_in_the_sidebar_is_kept_in_the_url(browser):
    page = open_page(browser, "", "desktop")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Testville").click()
    page.wait_for_url("**city=testville**", timeout=30_000)
    page.wait_for_function("() => document.querySelector('h1')?.innerText.startsWith('Testville: ')",
                           timeout=60_000)
    settled(page)
    assert_no_exception(page)
    assert "Census tracts" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.close()
