"""The UPR tracker in a real browser: visitors read everything and edit nothing; an editor signs in, sets both
statuses with evidence, and the public recommendation page shows them.

Streamlit runs on a free loopback port with a temporary secrets file (one editor, bcrypt hash) and a
temporary SQLite store seeded with the 347 official recommendations. Screenshots go to ``screenshots/``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)   # a loaded test machine can take seconds per rerun

ROOT = Path(__file__).resolve().parents[2]
SHARED_UPR_CSV = ROOT / ".." / "shared" / "data" / "upr" / "us_upr_cycle3_recommendations.csv"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "screenshots"
PASSWORD = "a long test password"
TRACKER_PAGES = ("upr_recommendations.py", "upr_progress.py", "upr_priorities.py", "upr_edit.py")
# a stand-in entry point, used only while the dashboard does not list the tracker pages
ENTRY = '''
import sys
from pathlib import Path
import streamlit as st
ROOT = Path({root!r})
sys.path.insert(0, str(ROOT))
def home():
    st.title("Home")
st.navigation({{"Home": [st.Page(home, title="Home", default=True)], "UPR tracker": [
    st.Page(ROOT / "app_pages/upr_recommendations.py", title="Recommendations", url_path="recommendations"),
    st.Page(ROOT / "app_pages/upr_progress.py", title="Progress", url_path="progress"),
    st.Page(ROOT / "app_pages/upr_priorities.py", title="Local priorities", url_path="priorities"),
    st.Page(ROOT / "app_pages/upr_edit.py", title="Edit (sign in)", url_path="edit"),
]}}).run()
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def entry_script(tmp: Path) -> Path:
    dashboard = ROOT / "dashboard.py"
    if dashboard.exists() and all(f"app_pages/{p}" in dashboard.read_text(encoding="utf-8") for p in TRACKER_PAGES):
        return ROOT / "serve.py"   # the dashboard with its sign-in routes
    entry = tmp / "tracker_entry.py"
    entry.write_text(ENTRY.format(root=str(ROOT)), encoding="utf-8")
    return entry


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    if not SHARED_UPR_CSV.exists():
        pytest.skip("the shared UPR data folder is not beside the repository")
    from indicators.tracker.auth import hash_password
    from indicators.tracker.importer import read_official_csv, seed_from_frame
    from indicators.tracker.store import Store

    tmp = tmp_path_factory.mktemp("tracker_app")
    store_url = f"sqlite:///{tmp / 'tracker.sqlite'}"
    store = Store.open(store_url)
    seed_from_frame(store, read_official_csv(SHARED_UPR_CSV))
    store.close()
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[tracker]\nsession_secret = "a session secret for the browser tests, 32+ chars"\n\n'
                       f'[tracker.users.alice]\nname = "Alice Organizer"\nrole = "editor"\n'
                       f'password_hash = "{hash_password(PASSWORD, rounds=10)}"\n', encoding="utf-8")
    port = free_port()
    log = open(tmp / "streamlit.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(entry_script(tmp)), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
        cwd=ROOT, env={**os.environ, "HRC_TRACKER_URL": store_url}, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp / "streamlit.log").read_text(errors="replace")) from None
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}"
        yield {"url": url, "store_url": store_url, "log": tmp / "streamlit.log"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_page(browser, url: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_idle(page)
    return page


def wait_idle(page, settle_ms: int = 700) -> None:
    """Wait until the script run for the current view is over (the running indicator is gone)."""
    page.wait_for_selector('[data-testid="stMain"]')
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(settle_ms)


def shot(page, name: str) -> None:
    wait_idle(page, settle_ms=1500)   # tables and charts draw after the run ends
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"tracker_{name}.png"), full_page=True)


def assert_no_exception(page, app: dict) -> None:
    boxes = page.locator('[data-testid="stException"]')
    if boxes.count():
        log = app["log"].read_text(errors="replace")[-4000:]
        raise AssertionError(f"{page.url}: {boxes.first.inner_text()}\n--- app log ---\n{log}")


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def shows(page, text: str) -> None:
    """Wait until the page's main area contains ``text`` (fails after 30 s)."""
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(text, timeout=30_000)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first.locator('[role="combobox"]').click()
    page.get_by_role("option", name=option, exact=True).click()


def test_visitor_sees_every_tracker_page_and_no_edit_form(app, browser):
    page = open_page(browser, app["url"] + "/recommendations")
    shows(page, "347 of 347 recommendations")
    assert_no_exception(page, app)
    shot(page, "visitor_list")

    page.goto(app["url"] + "/recommendations?rec=26.214")
    wait_idle(page)
    shows(page, "Nobody has recorded this yet.")
    wait_idle(page)
    text = main_text(page)
    assert "the so-called “gunshow loophole”" in text and "Made by Croatia" in text
    assert text.count("No assessment yet") == 2
    assert page.get_by_role("button", name="Save", exact=False).count() == 0
    assert page.locator("textarea").count() == 0
    assert_no_exception(page, app)
    shot(page, "visitor_recommendation_empty")

    page.goto(app["url"] + "/edit")
    wait_idle(page)
    shows(page, "Sign in to edit")
    assert page.get_by_role("button", name="Sign in", exact=True).count() == 1
    assert page.locator("textarea").count() == 0
    assert page.get_by_role("tab").count() == 0
    assert_no_exception(page, app)
    shot(page, "visitor_edit_sign_in")

    for path in ("progress", "priorities"):
        page.goto(f"{app['url']}/{path}")
        wait_idle(page)
        assert_no_exception(page, app)
        assert page.locator("textarea").count() == 0
        shot(page, f"visitor_{path}")
    page.context.close()


def sign_in(page, password: str) -> None:
    """Follow the page's Sign in button to the sign-in form and send it."""
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url("**/account/sign-in**")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_wrong_password_is_refused(app, browser):
    page = open_page(browser, app["url"] + "/edit")
    sign_in(page, "not the password")
    expect(page.get_by_role("alert")).to_have_text("Unknown user name or wrong password.")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "tracker_sign_in_refused.png"), full_page=True)
    assert "hrc_session" not in {c["name"] for c in page.context.cookies()}
    page.context.close()


def test_editor_sets_both_statuses_with_evidence_and_the_public_page_shows_them(app, browser):
    page = open_page(browser, app["url"] + "/edit?rec=26.214")
    sign_in(page, PASSWORD)
    page.wait_for_url("**/edit?rec=26.214")
    wait_idle(page)
    shows(page, "Signed in as")
    cookie = next(c for c in page.context.cookies() if c["name"] == "hrc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()     # a reload keeps the sign-in
    wait_idle(page)
    shows(page, "Signed in as")
    expect(page.get_by_role("combobox", name="Recommendation")).to_have_value(re.compile(r"^26\.214 · Croatia"))

    # the city government's claim
    choose(page, "Status", "Implemented")
    page.get_by_label("According to (who makes this claim)").fill("Office of the Mayor")
    page.get_by_label("Note").fill("The city reports the ordinance in force. **not bold** <script>x")
    page.get_by_label("Evidence links, one per line (a URL, then an optional label)").fill(
        "https://pittsburgh.legistar.com/ City Council record")
    page.get_by_role("button", name="Save the city government claims").click()
    # a note with markup is refused, nothing is saved
    shows(page, "contains HTML markup")
    shot(page, "editor_refused_markup")
    page.get_by_label("Note").fill("The city reports the ordinance in force. **not bold** & 5 < 6")
    page.get_by_role("button", name="Save the city government claims").click()
    shows(page, "Saved version 1 of the city government claims for 26.214.")

    # the community's assessment
    page.get_by_role("radiogroup").get_by_text("Community assessment", exact=True).click()
    wait_idle(page)
    choose(page, "Status", "Partially implemented")
    page.get_by_label("Note").fill("Residents report uneven enforcement.")
    page.get_by_label("Evidence links, one per line (a URL, then an optional label)").fill(
        "javascript:alert(1) Click me")
    page.get_by_role("button", name="Save the community assessment").click()
    shows(page, "only http and https links are allowed")
    page.get_by_label("Evidence links, one per line (a URL, then an optional label)").fill(
        "https://example.org/community-report Community report 2024")
    page.get_by_role("button", name="Save the community assessment").click()
    shows(page, "Saved version 1 of the community assessment for 26.214.")
    assert_no_exception(page, app)
    shot(page, "editor_saved")

    visitor = open_page(browser, app["url"] + "/recommendations?rec=26.214")
    shows(visitor, "according to Alice Organizer")
    wait_idle(visitor)
    text = main_text(visitor)
    assert "Implemented" in text and "Partially implemented" in text
    assert "according to Office of the Mayor" in text and "according to Alice Organizer" in text
    # typed text is shown as typed: no bold, no HTML
    assert "The city reports the ordinance in force. **not bold** & 5 < 6" in text
    assert visitor.locator('[data-testid="stMain"] strong', has_text="not bold").count() == 0
    link = visitor.get_by_role("link", name="City Council record")
    assert link.get_attribute("href") == "https://pittsburgh.legistar.com/"
    expect(visitor.get_by_role("link", name="Community report 2024")).to_have_count(1)
    assert visitor.get_by_role("link", name="Click me").count() == 0
    # the campaign's time axis and the status versions
    expect(visitor.locator('[data-testid="stDataFrame"]')).to_have_count(2)
    assert visitor.locator("textarea").count() == 0
    assert_no_exception(visitor, app)
    shot(visitor, "visitor_recommendation_with_statuses")

    visitor.goto(app["url"] + "/progress")
    wait_idle(visitor)
    assert_no_exception(visitor, app)
    shot(visitor, "visitor_progress_with_statuses")
    visitor.context.close()

    page.get_by_role("button", name="Sign out").click()
    shows(page, "Sign in to edit")
    wait_idle(page)
    assert page.locator("textarea").count() == 0
    page.context.close()


TWENTY = ["26.1", "26.2", "26.3", "26.4", "26.5", "26.12", "26.44", "26.103", "26.146", "26.174", "26.200",
          "26.214", "26.250", "26.260", "26.283", "26.286", "26.287", "26.288", "26.290", "26.300"]


def test_an_editor_builds_a_twenty_recommendation_list_in_one_step_and_stays_on_its_tab(app, browser):
    page = open_page(browser, app["url"] + "/edit")
    sign_in(page, PASSWORD)
    shows(page, "Signed in as")
    page.get_by_role("tab", name="Priority lists").click()
    wait_idle(page)
    page.get_by_label("Name", exact=True).fill("20 for 2020")
    page.get_by_role("button", name="Create the list").click()
    shows(page, "Created the list 20 for 2020.")
    # the save reran the page: the editor is still on the tab they were on
    expect(page.get_by_role("tab", name="Priority lists")).to_have_attribute("aria-selected", "true")
    # nothing is chosen for the editor: no recommendation would be added by mistake
    chooser = page.locator('[data-testid="stMultiSelect"]').filter(has_text="type a number, a State or a word")
    expect(chooser).to_have_count(1)
    assert chooser.locator('[data-baseweb="tag"]').count() == 0
    page.get_by_label("Or paste their numbers, separated by spaces, commas or lines").fill(
        ", ".join(TWENTY[:10]) + "\n" + " ".join(TWENTY[10:]))
    page.get_by_role("button", name="Add to the list").click()
    shows(page, "Saved version 2 of the list 20 for 2020.")
    expect(page.get_by_role("tab", name="Priority lists")).to_have_attribute("aria-selected", "true")
    shot(page, "editor_twenty_for_2020")
    from indicators.tracker.store import Store

    store = Store.open(app["store_url"])
    try:
        (plist,) = [pl for pl in store.priority_lists("pittsburgh") if pl.name == "20 for 2020"]
        assert [item.number for item in plist.items] == TWENTY
    finally:
        store.close()
    # a paste with a number that is no recommendation adds nothing and says which
    page.get_by_label("Or paste their numbers, separated by spaces, commas or lines").fill("26.5 99.99")
    page.get_by_role("button", name="Add to the list").click()
    shows(page, "Nothing was added: these are not numbers of recommendations in the tracker: 99.99")
    page.context.close()
