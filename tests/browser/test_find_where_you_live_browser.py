"""A resident in a real browser, on a desktop (1440×900) and on a phone (390×844), in English and Spanish: typing
a street address (the Census geocoder's recorded answer, served from a loopback server in the service's place)
opens the profile of the neighborhood it is in; typing a neighborhood's name does the same without asking any
service; the map carries the neighborhoods' names; and a phone's first view is the map, not the sidebar.

Screenshots go to ``screenshots/`` (not committed) for a person to look at.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import (CHROMIUM, CHROMIUM_ARGS, assert_no_exception, require_chromium, running_app,
                                   screenshot, wait_rendered)

pytestmark = pytest.mark.browser

RECORDED = Path(__file__).resolve().parents[1] / "sources" / "recorded" / "geocoder"
ANSWERS = {"414 Grant St, Pittsburgh, PA 15219": "pittsburgh_414_grant_st.json",
           "901 G St NW, Washington, DC 20001": "dc_901_g_st_nw.json"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                       "Gecko) Version/17.0 Mobile/15E148 Safari/604.1"}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
WORDS = {"en": {"find": "Find where you live", "title": "Neighborhood profile", "options": "Map options",
                "names": "Names on the map"},
         "es": {"find": "Busque dónde vive", "title": "Perfil del barrio", "options": "Opciones del mapa",
                "names": "Nombres en el mapa"}}


class RecordedGeocoder(BaseHTTPRequestHandler):
    """Answers ``/geocoder/locations/onelineaddress`` as the Census geocoder answered these addresses."""

    asked: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        query = parse_qs(urlsplit(self.path).query)
        address = query.get("address", [""])[0]
        RecordedGeocoder.asked.append(address)
        name = ANSWERS.get(address, "no_match.json")
        body = (RECORDED / name).read_bytes()
        assert query.get("benchmark") == ["Public_AR_Current"] and query.get("format") == ["json"]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # the test keeps no log of addresses either
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    require_chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordedGeocoder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    geocoder = f"http://127.0.0.1:{server.server_port}/geocoder/locations/onelineaddress"
    store = tmp_path_factory.mktemp("store") / "tracker-{city}.sqlite"
    try:
        with running_app({"HRC_TRACKER_URL": f"sqlite:///{store}", "HRC_GEOCODER_URL": geocoder}) as url:
            with playwright.sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                chromium.base_url = url
                yield chromium
                chromium.close()
    finally:
        server.shutdown()


def open_page(browser, path: str, screen: str):
    page = browser.new_context(**SCREENS[screen]).new_page()
    page.goto(f"{browser.base_url}/{path}")
    wait_rendered(page)
    assert_no_exception(page)
    return page


def search(page, lang: str, text: str) -> None:
    box = page.get_by_role("textbox", name=WORDS[lang]["find"])
    box.fill(text)
    box.press("Enter")


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def search_until_profile(browser, lang: str, screen, query: str):
    """The landing page in ``lang`` on ``screen``, ``query`` typed into its search, waited for until the profile
    it leads to has rendered; the geocoder's record of questions starts empty."""
    page = open_page(browser, "?lang=es" if lang == "es" else "", screen)
    RecordedGeocoder.asked.clear()
    search(page, lang, query)
    page.wait_for_function("() => location.pathname.endsWith('/profile')", timeout=60_000)
    wait_rendered(page)
    assert_no_exception(page)
    return page


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_address_lands_on_its_neighborhoods_profile(browser, lang, screen):
    page = search_until_profile(browser, lang, screen, "414 Grant St, Pittsburgh, PA 15219")
    assert RecordedGeocoder.asked == ["414 Grant St, Pittsburgh, PA 15219"]
    assert page.locator("h1").first.inner_text() == WORDS[lang]["title"]
    assert "area=Central+Business+District" in page.url and "Grant" not in page.url
    assert "Central Business District" in main_text(page)
    screenshot(page, f"find_address_{lang}_{screen}")
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_neighborhood_name_lands_on_its_profile_without_asking_any_service(browser, lang, screen):
    page = search_until_profile(browser, lang, screen, "squirrel hill south")
    assert RecordedGeocoder.asked == []
    assert "area=Squirrel+Hill+South" in page.url
    assert page.locator("h1").first.inner_text() == WORDS[lang]["title"]
    screenshot(page, f"find_name_{lang}_{screen}")
    page.context.close()


def test_a_washington_address_lands_on_its_cluster(browser):
    page = open_page(browser, "?city=dc", "phone")
    search(page, "en", "901 G St NW, Washington, DC 20001")
    page.wait_for_function("() => location.pathname.endsWith('/profile')", timeout=60_000)
    wait_rendered(page)
    assert "Cluster 8: Downtown" in main_text(page)
    screenshot(page, "find_address_dc_phone")
    page.context.close()


def map_pixels(page) -> bytes:
    canvas = page.locator('[data-testid="stDeckGlJsonChart"]').first
    return canvas.screenshot()


def drawn_map(page, *, unlike: bytes | None = None) -> bytes:
    """The map's picture once deck.gl has drawn it (more than a few colours) and it has stopped changing (two
    pictures half a second apart are the same); with ``unlike``, only once it differs from that picture (the
    page has drawn the result of a change). Conditions only; fails after a minute."""
    from io import BytesIO

    from PIL import Image

    previous = None
    for _attempt in range(120):
        shot = map_pixels(page)
        colours = Image.open(BytesIO(shot)).convert("RGB").getcolors(maxcolors=1 << 20) or []
        if len(colours) > 20 and shot != unlike and shot == previous:
            return shot
        previous = shot if len(colours) > 20 and shot != unlike else None
        page.wait_for_timeout(500)
    raise AssertionError("the map was not drawn, or did not change, within a minute")


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_map_carries_the_neighborhoods_names(browser, lang, screen):
    from io import BytesIO

    from PIL import Image, ImageChops

    page = open_page(browser, "?lang=es" if lang == "es" else "", screen)
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60_000)
    labelled = page.locator('[data-testid="stDeckGlJsonChart"]').first
    before = drawn_map(page)
    screenshot(page, f"map_names_{lang}_{screen}")
    page.get_by_text(WORDS[lang]["options"]).click()
    page.get_by_text(WORDS[lang]["names"]).click()
    wait_rendered(page)
    # the rerun that drops the names may start after the click returns: wait for the map that differs
    after = drawn_map(page, unlike=before)
    with_names, without = Image.open(BytesIO(before)).convert("RGB"), Image.open(BytesIO(after)).convert("RGB")
    assert labelled.bounding_box()["height"] > 200
    changed = ImageChops.difference(with_names, without).convert("L").point(lambda v: 255 if v > 40 else 0)
    share = changed.histogram()[255] / (changed.width * changed.height)
    # the names (dark letters on white boxes) cover a few percent of the map; nothing else changed
    assert share > 0.01, share
    page.context.close()


@pytest.mark.parametrize("path", ["", "?lang=es", "profile?area=Bloomfield", "?city=dc&lang=es"])
def test_a_phones_first_view_is_the_map_not_the_sidebar(browser, path):
    page = open_page(browser, path, "phone")
    sidebar = page.locator('[data-testid="stSidebar"]')
    box = sidebar.bounding_box()
    # folded away: off the screen to the left, or not drawn at all
    assert box is None or box["x"] + box["width"] <= 1, box
    if not path.startswith("profile"):
        page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60_000)
        top = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()["y"]
        assert top < 844 * 0.5, top  # the map starts in the upper half of the first screen
    screenshot(page, "phone_first_view_" + (path.replace("?", "").replace("&", "_").replace("=", "-") or "map"))
    page.context.close()


@pytest.mark.parametrize(("path", "city"), [("", "pittsburgh"), ("?city=dc&lang=es", "dc")])
def test_the_map_asks_no_other_site_than_the_street_map_the_city_names(browser, path, city):
    """A map with no street map underneath (offline here) loads nothing from elsewhere: no base map of the
    framework's own choosing (Streamlit fetches a Carto style for a deck that names none), and where the tiles the
    city's config names are reachable, those tiles only."""
    from urllib.parse import urlsplit

    from indicators.core.config import load_city
    from indicators.core.places import basemap

    tiles = basemap(load_city(city))
    allowed = {urlsplit(browser.base_url).netloc} | ({tiles.host} if tiles else set())
    page = browser.new_context(**DESKTOP).new_page()
    elsewhere = []
    page.on("request", lambda r: elsewhere.append(r.url) if (
        urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc not in allowed) else None)
    page.goto(f"{browser.base_url}/{path}")
    wait_rendered(page)
    assert_no_exception(page)
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60_000)
    # deck.gl has drawn the map (its canvas has a size) before anything is counted
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stDeckGlJsonChart\"] canvas')]"
                           ".some(c => c.width > 0 && c.height > 0)", timeout=60_000)
    # the effects React runs after drawing (where a base map would start loading its style) have run: two frames
    # and a task later; then one more round trip, so that every request the page made has been reported here
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => 1")
    assert elsewhere == [], elsewhere
    page.context.close()
