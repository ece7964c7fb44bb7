"""The dashboard in a real browser: every page opens without an exception, the indicator can be changed, a
neighborhood clicked on the map opens its profile, and a shared URL reopens the same view.

Screenshots are saved under ``screenshots/`` (not committed) so a person can look at them.
"""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image

from indicators.snapshot.read import open_snapshot
from tests.browser.helpers import assert_no_exception, running_app, screenshot, wait_rendered
from ui.charts import TOOLBOX_ICON, TOOLBOX_PADDING

pytestmark = pytest.mark.browser

PAGES = ["", "map", "profile?hood=Bloomfield", "compare", "growth", "methods", "recommendations", "progress",
         "priorities", "edit"]


@pytest.fixture(scope="module")
def browser_page(app_browser):
    page = app_browser.new_page(viewport={"width": 1400, "height": 1000})
    page.base_url = app_browser.base_url
    # the first request runs the entry point, as a visitor's first visit would
    page.goto(page.base_url)
    wait_rendered(page)
    yield page
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_opens_without_an_exception(browser_page, path):
    page = browser_page
    page.goto(f"{page.base_url}/{path}")
    wait_rendered(page)
    assert_no_exception(page)
    assert page.locator("h1").count() >= 1
    if path == "map":  # the navigation's name for the landing page is an address of it too
        assert "Page not found" not in page.inner_text("body")
        page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60000)
    screenshot(page, "page_" + (path.split("?")[0] or "landing"))


def test_a_chart_is_saved_as_a_png_at_twice_its_size_from_its_toolbar(browser_page):
    page = browser_page
    page.goto(f"{page.base_url}/growth")
    wait_rendered(page)
    chart = page.locator('[data-testid="stEChartsChart"]').first
    chart.locator("canvas").first.wait_for()
    box = chart.bounding_box()
    middle = TOOLBOX_PADDING + TOOLBOX_ICON / 2   # the icon, drawn on the canvas at the top right corner
    with page.expect_download(timeout=60_000) as download:
        chart.click(position={"x": box["width"] - middle, "y": middle})
    saved = download.value
    assert saved.suggested_filename == "growth_med_home_value.png"   # the chart's key names the file
    picture = Image.open(io.BytesIO(saved.path().read_bytes())).convert("RGB")
    assert picture.size == (round(box["width"] * 2), round(box["height"] * 2))
    colours = {rgb for _n, rgb in picture.getcolors(1 << 20)}
    assert (255, 255, 255) in colours and len(colours) > 50   # a white ground with the lines, dots and text drawn


def test_the_tab_shows_the_scales_drawn_in_the_page_itself(browser_page):
    page = browser_page
    page.goto(page.base_url)
    wait_rendered(page)
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href")
    # the image is in the link itself: no request to another site, as with Streamlit's own emoji icons
    assert icon.startswith("data:image/svg+xml,") and "%E2%9A%96%EF%B8%8F" in icon
    drawn = page.evaluate("""async (href) => {
        const img = new Image(); img.src = href; await img.decode();
        const c = document.createElement('canvas'); c.width = c.height = 32;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0, 32, 32);
        return g.getImageData(0, 0, 32, 32).data.filter((v, i) => i % 4 === 3 && v > 0).length;
    }""", icon)
    assert drawn > 20   # the character is drawn: some of its pixels are not transparent


def test_map_shows_a_legend_and_the_city_figure(browser_page):
    page = browser_page
    page.goto(f"{page.base_url}/?indicator=rent_burden_share&level=neighborhood")
    wait_rendered(page)
    assert_no_exception(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Renters paying 30% or more of income on rent (2020–2024)" in text  # the legend title
    assert "unreliable estimate (CV over 30%)" in text
    assert "Whole city (2020–2024)" in text
    assert page.locator('[data-testid="stDeckGlJsonChart"] canvas').count() >= 1
    screenshot(page, "map_rent_burden")


def test_changing_the_indicator_redraws_the_map_and_keeps_it_in_the_url(browser_page):
    page = browser_page
    page.goto(page.base_url)
    wait_rendered(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').last.click()
    page.get_by_role("option", name="Residents below the poverty line").click()
    page.wait_for_url("**indicator=poverty_rate**", timeout=30000)
    wait_rendered(page)
    assert_no_exception(page)
    assert "Residents below the poverty line" in page.locator("h1").first.inner_text()
    assert "indicator=poverty_rate" in page.url


def test_a_shared_url_opens_the_same_view(browser_page):
    page = browser_page
    page.goto(f"{page.base_url}/?indicator=eviction_filing_rate&level=neighborhood")
    wait_rendered(page)
    assert "Eviction filings per 100 renter households" in page.locator("h1").first.inner_text()
    page.goto(f"{page.base_url}/profile?hood=Homewood%20South")
    wait_rendered(page)
    assert_no_exception(page)
    assert "Homewood South" in page.locator('[data-testid="stMain"]').inner_text()


def _pixel(lon, lat, center_lon, center_lat, zoom, width, height):
    """Web Mercator position of a point on a deck.gl canvas (512-pixel world at zoom 0)."""
    scale = 512 * 2 ** zoom

    def project(lo, la):
        x = (lo + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.radians(la)) + 1 / math.cos(math.radians(la))) / math.pi) / 2 * scale
        return x, y

    x, y = project(lon, lat)
    cx, cy = project(center_lon, center_lat)
    return width / 2 + (x - cx), height / 2 + (y - cy)


class Frames:
    """What the server sends a page over its websocket, in order: each message's kind, and for an element its
    type (a message the browser has cached, sent again by its hash, counts as the element it stands for)."""

    def __init__(self, page):
        self.kinds: list[str] = []
        self._by_hash: dict[str, str] = {}
        self.page = page
        page.on("websocket", self._watch)

    def _watch(self, ws):
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framereceived", self._received)

    def _received(self, payload):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg()
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        if msg.HasField("ref_hash"):
            kind = self._by_hash.get(msg.ref_hash, "cached message")
        else:
            kind = msg.WhichOneof("type") or ""
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                kind = msg.delta.new_element.WhichOneof("type") or ""
            if msg.hash:
                self._by_hash[msg.hash] = kind
        self.kinds.append(kind)

    def stop(self):
        self.page.remove_listener("websocket", self._watch)


def test_tapping_a_neighborhood_shows_its_figure_and_a_link_to_its_profile(browser_page):
    from ui import mapview

    page = browser_page
    frames = Frames(page)
    page.goto(f"{page.base_url}/?indicator=renter_share&level=neighborhood")
    wait_rendered(page)
    hoods = open_snapshot("pittsburgh").table("areas_neighborhoods")
    target = hoods[hoods["area_id"] == "Squirrel Hill South"].geometry.iloc[0].representative_point()
    # the view fits the areas' bounds to a desktop's map column
    view = mapview.fitted_view(hoods.total_bounds, mapview.DESKTOP_MAP_WIDTH, 560)
    canvas = page.locator('[data-testid="stDeckGlJsonChart"]').first
    box = canvas.bounding_box()
    x, y = _pixel(target.x, target.y, view.longitude, view.latitude, view.zoom, box["width"], box["height"])
    # the map library loads after the page: hover until deck.gl answers with its tooltip, then click
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60000)
    tooltip = page.locator(".deck-tooltip")
    for attempt in range(40):
        page.mouse.move(box["x"] + x + attempt % 2, box["y"] + y)
        page.wait_for_timeout(500)
        if tooltip.count() and "Squirrel Hill South" in tooltip.first.inner_text():
            break
    else:
        pytest.fail("the map never answered the pointer with a tooltip")
    page.mouse.click(box["x"] + x, box["y"] + y)
    # the first tap shows the figure, so a reader on a phone sees it; the link opens the profile
    opener = page.get_by_role("link", name="Open its profile")
    opener.wait_for(timeout=30000)
    assert "Squirrel Hill South" in page.locator('[data-testid="stMain"]').inner_text()
    assert not page.url.rstrip("/").endswith("/profile")
    screenshot(page, "map_tapped_area")
    wait_rendered(page)
    sent_before = len(frames.kinds)
    opener.click()
    # Streamlit changes pages in the same document: watch the address, not a page load
    page.wait_for_function("() => location.pathname.endsWith('/profile')", timeout=30000)
    wait_rendered(page)
    assert_no_exception(page)
    assert "Squirrel Hill South" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "profile_after_map_click")
    # the link goes straight to the profile: one run, the profile's; the map page does not run and send its map
    # again on the way
    frames.stop()
    after = frames.kinds[sent_before:]
    assert after.count("new_session") == 1, after
    assert "deck_gl_json_chart" not in after, after
    # and it is an address a reader can open in a new tab or share
    assert "area=Squirrel+Hill+South" in page.url or "area=Squirrel%20Hill%20South" in page.url, page.url


def test_a_shared_link_works_as_the_first_visit_after_a_restart(browser_page, tmp_path):
    # a second, freshly started app whose very first request is a deep link
    with running_app({"HRC_TRACKER_URL": f"sqlite:///{tmp_path / 'tracker.sqlite'}"}) as url:
        page = browser_page.context.browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/profile?hood=Bloomfield")
        wait_rendered(page)
        assert_no_exception(page)
        assert "Every figure the snapshot has for Bloomfield" in page.locator('[data-testid="stMain"]').inner_text()
        page.close()
