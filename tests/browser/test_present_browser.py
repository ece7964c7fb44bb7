"""Presentation mode and the Spanish dashboard in a real browser: no sidebar, next/previous move through the
slides and the URL follows, a copied URL reopens the same slide in the same language.

Screenshots go to ``screenshots/`` (not committed) for a person to look at.
"""

from __future__ import annotations

import pytest

from indicators.metrics import catalog, compute
from indicators.snapshot.read import open_snapshot
from tests.conftest import COMMITTED_SNAPSHOT
from tests.browser.helpers import assert_no_exception, screenshot, wait_rendered

pytestmark = pytest.mark.browser
ON_MAP = [i.id for i in compute.available(open_snapshot(COMMITTED_SNAPSHOT, verify=False), "neighborhood")]


@pytest.fixture(scope="module")
def browser(app_browser):
    return app_browser


def open_page(browser, path: str, width: int = 1600, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{browser.base_url}/{path}")
    wait_rendered(page)
    assert_no_exception(page)
    return page


def test_presentation_mode_has_no_sidebar_and_moves_slide_by_slide(browser):
    page = open_page(browser, "present")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.locator("h1").first.inner_text() == "Pittsburgh: Neighborhood indicators"
    screenshot(page, "present_title")
    page.get_by_role("button", name="Next →").first.click()
    page.wait_for_url("**/present?*slide=1*", timeout=30000)
    wait_rendered(page)
    # the first slide leads with the city's stability headline, its period in the title
    assert page.locator("h1").first.inner_text() == f"{catalog.get(ON_MAP[0]).title} (2010)"
    page.get_by_role("button", name="← Previous").first.click()
    page.wait_for_function("() => !location.search.includes('slide=')", timeout=30000)
    page.close()


def test_a_copied_presentation_url_reopens_the_same_slide_in_spanish(browser):
    position = ON_MAP.index("rent_burden_share") + 1
    page = open_page(browser, f"present?slide={position}&lang=es")
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60000)
    wait_rendered(page)
    assert page.locator("h1").first.inner_text() == f"{catalog.get('rent_burden_share', 'es').title} (2020–2024)"
    assert "Diapositiva" in page.inner_text("body") and "Margen de error" in page.inner_text("body")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    screenshot(page, "present_rent_burden_es")
    page.close()


def test_the_map_page_in_spanish_keeps_the_language_in_the_url(browser):
    page = open_page(browser, "?lang=es", width=1400, height=1000)
    page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=60000)
    wait_rendered(page)
    body = page.inner_text("body")
    # the landing map leads with residential stability
    assert catalog.get("avg_years_of_residence", "es").title in body
    assert "Mostrar cifras por" in body and "Barrios" in body
    assert "lang=es" in page.url
    screenshot(page, "map_es")
    # switching back to English from the sidebar drops the parameter
    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.wait_for_function("() => !location.search.includes('lang=')", timeout=30000)
    wait_rendered(page)
    assert catalog.get("avg_years_of_residence").title in page.inner_text("body")
    page.close()
