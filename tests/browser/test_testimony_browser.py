"""Collect, compile, clamor in a real browser.

A visitor gives testimony on the Tell us page with the consent "reports without my name" and a photo carrying its
GPS position; it waits in the review queue and is in no public view; a reviewer accepts it; the neighborhood count
appears only once five testimonies are accepted; a report compiled then quotes it; the visitor withdraws it with the
receipt code, and it leaves every public view and the next report. An editor logs a campaign action, which shows
on the recommendation's timeline, the campaign page, its card and its Atom feed. Every new page is looked at in
both languages, both cities, at desktop and phone sizes (``screenshots/coalition_*.png``).

The app is ``serve.py`` (the feeds are its routes) on a free loopback port, with a temporary secrets file (an
editor and a reviewer) and temporary SQLite stores, one per city.
"""

from __future__ import annotations

import io
import re
import os
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from docx import Document
from PIL import Image
from playwright.sync_api import expect

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SHOTS,
    assert_no_exception,
    free_port,
    require_chromium,
    wait_rendered,
)
from ui.campaign import LANE_COLOURS

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)   # a loaded test machine can take seconds per rerun

SHARED_UPR_CSV = ROOT / ".." / "shared" / "data" / "upr" / "us_upr_cycle3_recommendations.csv"
PASSWORD = "a long test password"
STORY = "Our rent went up by half in two years; three families on our block had to move out."
HOOD = "Bloomfield"
GPS = (40.0, 27.0, 55.0)


def drawn_in(chart, colour: str, timeout_s: float = 30) -> None:
    """Wait until the chart's canvas shows a mark of this colour (``#rrggbb``): ECharts draws on a canvas, whose
    marks are not in the page's text."""
    wanted = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    deadline = time.monotonic() + timeout_s
    while True:
        picture = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
        if any(all(abs(a - b) <= 8 for a, b in zip(rgb, wanted)) for _n, rgb in picture.getcolors(1 << 20) or []):
            return
        assert time.monotonic() < deadline, f"no mark of colour {colour} on the chart"
        chart.page.wait_for_timeout(200)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    if not SHARED_UPR_CSV.exists():
        pytest.skip("the shared UPR data folder is not beside the repository")
    from indicators.tracker.auth import Actor, hash_password
    from indicators.tracker.importer import read_official_csv
    from indicators.tracker.store import Store

    tmp = tmp_path_factory.mktemp("coalition_app")
    url = f"sqlite:///{tmp}/tracker-{{city}}.sqlite"
    frame = read_official_csv(SHARED_UPR_CSV)
    editor, reviewer = Actor("alice", "editor", "Alice Organizer"), Actor("rita", "reviewer", "Rita Reviewer")
    for city in ("pittsburgh", "dc"):
        store = Store.open(url.replace("{city}", city))
        store.import_recommendations(frame, editor, source="us_upr_cycle3_recommendations.csv")
        store.create_priority_list(editor, city=city, name="Housing first", items=[
            {"number": "26.286", "cycle": 3, "target_date": "2024-12-31"}, {"number": "26.284", "cycle": 3}])
        store.close()
    # four residents of the neighborhood were heard already: one more is needed before a count is shown
    store = Store.open(url.replace("{city}", "pittsburgh"))
    for n in range(4):
        given = store.testimony.submit(city="pittsburgh", kind="harm", story=f"Earlier testimony number {n + 1}.",
                                       consent_use="reports", consent_area=True, area_level="neighborhood",
                                       area_id=HOOD, topics=["housing"])
        store.testimony.decide(reviewer, given.testimony.testimony_id, decision="accepted", expected_version=1)
    store.close()
    secrets = tmp / "secrets.toml"
    hashed = hash_password(PASSWORD, rounds=10)
    secrets.write_text('[tracker]\nsession_secret = "a session secret for the browser tests, 32+ chars"\n\n'
                       + "".join(f'[tracker.users.{user}]\nname = "{name}"\nrole = "{role}"\npassword_hash = '
                                 f'"{hashed}"\n\n' for user, name, role in (("alice", "Alice Organizer", "editor"),
                                                                           ("rita", "Rita Reviewer", "reviewer"))),
                       encoding="utf-8")
    port = free_port()
    log = open(tmp / "streamlit.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
        cwd=ROOT, env={**os.environ, "HRC_TRACKER_URL": url}, stdout=log, stderr=subprocess.STDOUT)
    try:
        import socket

        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp / "streamlit.log").read_text(errors="replace")) from None
                time.sleep(0.2)
        yield {"url": f"http://127.0.0.1:{port}", "store_url": url, "tmp": tmp, "log": tmp / "streamlit.log"}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def store(app, city: str = "pittsburgh"):
    from indicators.tracker.store import Store

    return Store.open(app["store_url"].replace("{city}", city))


def open_page(browser, url: str, width: int = 1440, height: int = 900):
    page = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True).new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    wait_rendered(page)
    if width < 800:
        close_sidebar(page)
    return page


def close_sidebar(page) -> None:
    """On a phone the sidebar opens over the page: close it, as a reader would."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if sidebar.count() and sidebar.is_visible() and sidebar.get_attribute("data-collapsed") == "false":
        page.locator('[data-testid="stSidebarCollapseButton"]').click()
        page.wait_for_selector('[data-testid="stSidebar"][data-collapsed="true"]')
        # and slid out of sight (it moves for a moment after it says it is closed)
        page.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                               ".getBoundingClientRect().right <= 1")


def go_to(page, path: str) -> None:
    """Open another page through the sidebar's navigation (the session, and its sign-in, stay)."""
    if page.locator('[data-testid="stExpandSidebarButton"]').is_visible():
        page.locator('[data-testid="stExpandSidebarButton"]').click()
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')
    if not link.is_visible():   # the coalition's pages come after the first ten, behind "View more"
        page.locator('[data-testid="stSidebarNavViewButton"]').click()
    link.click()
    wait_rendered(page)
    if page.viewport_size["width"] < 800:
        close_sidebar(page)


def main(page):
    return page.locator('[data-testid="stMain"]')


def shows(page, text: str) -> None:
    expect(main(page)).to_contain_text(text)
    wait_rendered(page)


def shot(page, name: str) -> Path:
    wait_rendered(page)
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"coalition_{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_rendered(page)


def choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.locator('[role="combobox"]').click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_rendered(page)


def pick(page, label: str, option: str) -> None:
    """Add ``option`` in the multiselect labelled ``label``."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    box.locator('[role="combobox"]').click()
    page.keyboard.type(option)   # long lists are drawn only in part: filter first
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_rendered(page)


def sign_in(page, user: str, lang: str = "en") -> None:
    """Follow the page's Sign in button to the app's sign-in form, send it, and come back signed in."""
    from indicators.core.i18n import translator

    say = translator(lang)
    page.get_by_role("button", name=say("Sign in"), exact=True).click()
    page.wait_for_url("**/account/sign-in**")
    page.get_by_label(say("User name")).fill(user)
    page.get_by_label(say("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=say("Sign in")).click()
    page.wait_for_url(lambda url: "/account/" not in url)
    wait_rendered(page)
    shows(page, say("Signed in as **{name}** · role: **{role}**", name="X", role="Y").split("**")[0].strip())


def photo_with_gps(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: GPS, 3: "W", 4: (79.0, 56.0, 40.0)}
    Image.new("RGB", (120, 90), (40, 120, 200)).save(path, "JPEG", exif=exif.tobytes())
    assert Image.open(path).getexif().get_ifd(0x8825)[2] == GPS
    return path


def neighborhood_count(page) -> str:
    tab(page, "What residents told us")
    return main(page).inner_text()


def test_a_testimony_goes_through_review_into_the_counts_and_a_report_and_out_again_when_withdrawn(app, browser):
    # -- a visitor gives testimony, with a photo carrying its GPS position
    page = open_page(browser, app["url"] + "/tell-us")
    assert_no_exception(page)
    page.get_by_label("What happened, or what works?").fill(STORY)
    page.get_by_label("What happened, or what works?").press("Tab")
    wait_rendered(page)
    pick(page, "Which rights or topics does it concern?", "Can people afford their homes?")
    choose(page, "Neighborhood", HOOD)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(photo_with_gps(app["tmp"] / "IMG_0042.jpg")))
    expect(main(page)).to_contain_text("IMG_0042.jpg")
    wait_rendered(page)
    page.get_by_text("Use it in reports, without my name").click()
    page.get_by_text("My neighborhood may be shown with it").click()
    wait_rendered(page)
    shot(page, "tell_us_filled")
    page.get_by_role("button", name="Send my testimony").click()
    shows(page, "Your receipt code")
    code = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert len(code.replace("-", "")) == 12
    shot(page, "tell_us_receipt")

    opened = store(app)
    waiting = [t for t in opened.testimony.queue("pittsburgh", _reviewer(), states=("pending",))]
    assert [t.story for t in waiting] == [STORY]
    given = waiting[0]
    assert (given.consent_use, given.consent_area, given.area_id, given.topics) == ("reports", True, HOOD,
                                                                                    ("housing",))
    # the GPS position is gone from the stored photo
    stored = opened.testimony.attachment_bytes(_reviewer(), given.attachments[0].attachment_id)
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825) == {}
    assert b"PhoneMaker" not in stored and b"Exif" not in stored

    # -- not in public: four accepted are fewer than five
    assert "No neighborhood has 5 or more yet." in neighborhood_count(page)
    assert STORY not in main(page).inner_text()
    shot(page, "told_before_review")

    # -- a reviewer accepts it
    review = open_page(browser, app["url"] + "/review")
    sign_in(review, "rita")
    shows(review, STORY)
    expect(review.locator('[data-testid="stImage"] img')).to_have_count(1)
    shot(review, "review_queue")
    pick(review, "Recommendations it bears on", "26.286")
    review.get_by_role("button", name="Save the decision").click()
    shows(review, "is now “Accepted”")
    shot(review, "review_accepted")
    assert opened.testimony.get(given.testimony_id).state == "accepted"

    # -- the count appears, now that five are accepted
    page.reload()
    wait_rendered(page)
    counted = neighborhood_count(page)
    assert "No neighborhood has 5 or more yet." not in counted
    expect(main(page).locator('[data-testid="stTable"]').first).to_contain_text(HOOD)
    expect(main(page).locator('[data-testid="stTable"]').first).to_contain_text("5")
    shot(page, "told_after_review")
    profile = open_page(browser, app["url"] + f"/profile?area={HOOD}")
    shows(profile, f"5 accepted testimonies from residents of {HOOD}.")
    # consent was "reports", not "quote publicly": the words are on no public page
    assert STORY not in main(profile).inner_text()
    shot(profile, "profile_counted")

    # -- the coalition compiles a report quoting it
    draft = opened.reports.create(_editor(), city="pittsburgh", template="stakeholder", title="Joint submission",
                                  outline={"numbers": ["26.286"], "coalition": "Coalition",
                                           "quotes": {"26.286": [given.testimony_id]}})
    assert STORY in _report_docx_text(browser, app, draft.title)

    # -- the visitor withdraws it with the receipt code
    tab(page, "Check or withdraw")
    page.get_by_label("Receipt code").fill(code.lower())
    page.get_by_label("Receipt code").press("Enter")
    shows(page, "State: Accepted")
    page.get_by_text("I want to withdraw my testimony").click()
    wait_rendered(page)
    page.get_by_role("button", name="Withdraw it").click()
    shows(page, "Your testimony was withdrawn.")
    shot(page, "withdrawn")
    assert opened.testimony.get(given.testimony_id).state == "withdrawn"

    # -- gone from every public view and from the next report
    page.reload()
    wait_rendered(page)
    assert "No neighborhood has 5 or more yet." in neighborhood_count(page)
    profile.reload()
    shows(profile, f"Fewer than 5 accepted testimonies from residents of {HOOD}")
    recommendation = open_page(browser, app["url"] + "/recommendations?rec=26.286")
    shows(recommendation, "Residents' testimony on this recommendation: fewer than 5.")
    assert STORY not in main(recommendation).inner_text()
    after = _report_docx_text(browser, app, draft.title, expect_dropped=True)
    assert STORY not in after and "26.286" in after
    opened.close()
    for opened_page in (page, review, profile, recommendation):
        opened_page.context.close()


def _reviewer():
    from indicators.tracker.auth import Actor

    return Actor("rita", "reviewer", "Rita Reviewer")


def _editor():
    from indicators.tracker.auth import Actor

    return Actor("alice", "editor", "Alice Organizer")


def _report_docx_text(browser, app, title: str, expect_dropped: bool = False) -> str:
    """The editor opens the report builder and downloads the report as Word: its text."""
    page = open_page(browser, app["url"] + "/report")
    sign_in(page, "alice")
    shows(page, "of 5,630 words")
    if expect_dropped:
        shows(page, "Chosen quotes no longer in the report: 1.")
    shot(page, "report_builder" + ("_after_withdrawal" if expect_dropped else ""))
    with page.expect_download() as download:
        page.get_by_role("button", name="Word (English)").click()
    document = Document(download.value.path())
    page.context.close()
    return "\n".join(p.text for p in document.paragraphs)


def test_a_campaign_action_shows_on_the_timeline_the_campaign_page_its_card_the_feed_and_the_progress_brief(
        app, browser):
    import datetime as dt

    from pypdf import PdfReader

    today = dt.date.today().isoformat()
    page = open_page(browser, app["url"] + "/campaign-log?rec=26.286")
    sign_in(page, "alice")
    expect(page.get_by_role("combobox", name="Recommendation")).to_have_value(re.compile(r"^26\.286 · Ethiopia"))
    choose(page, "What", "Council hearing")
    page.get_by_label("Who (the coalition, a member group, a council member…)").fill("Tenant union")
    page.get_by_label("Link (minutes, video, article, petition)").fill("https://example.org/hearing")
    page.get_by_label("Note").first.fill("Twelve residents testified & rents < incomes.")
    page.get_by_role("button", name="Log the action").click()
    shows(page, f"Saved the action of {today}.")
    shot(page, "campaign_log_saved")
    line = f"{today} · Council hearing · Tenant union: Twelve residents testified & rents < incomes."

    # the recommendation's page: the action, and a lane of campaign actions on its time axis
    recommendation = open_page(browser, app["url"] + "/recommendations?rec=26.286")
    shows(recommendation, line)
    timeline = recommendation.locator('[data-testid="stEChartsChart"]').first
    expect(timeline).to_have_attribute("aria-label", re.compile("Time line of the recommendation's events"))
    drawn_in(timeline, LANE_COLOURS["action"])
    shot(recommendation, "recommendation_timeline")

    # the campaign page: the action, and the overdue target of 26.286 (2024-12-31, not implemented)
    campaign = open_page(browser, app["url"] + "/campaign?list=1&city=pittsburgh")
    shows(campaign, line)
    metrics = campaign.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Overdue targets")).to_contain_text("1")
    expect(metrics.filter(has_text="Campaign actions")).to_contain_text("1")
    shows(campaign, "/campaign?list=1&city=pittsburgh")
    shot(campaign, "campaign_page")

    # its card, for another site's iframe: no sidebar
    card = open_page(browser, app["url"] + "/campaign?list=1&city=pittsburgh&card=1&embed=true", 420, 520)
    shows(card, line)
    expect(card.locator('[data-testid="stSidebar"]')).to_be_hidden()
    shot(card, "campaign_card")

    # its Atom feed, without an account
    answer = campaign.request.get(app["url"] + "/feeds/campaign.atom?city=pittsburgh&list=1")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title")
              for e in ET.fromstring(answer.body()).iter("{http://www.w3.org/2005/Atom}entry")]
    assert f"Council hearing on {today} — 26.286" in titles
    assert campaign.request.get(app["url"] + "/feeds/campaign.atom?city=pittsburgh&list=99").status == 404
    assert campaign.request.get(app["url"] + "/feeds/campaign.atom?city=atlantis&list=1").status == 404

    # the progress brief of the list, and the overdue flag on the priorities and progress pages
    priorities = open_page(browser, app["url"] + "/priorities")
    with priorities.expect_download() as download:
        priorities.get_by_role("button", name="Progress brief (PDF)").click()
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(download.value.path()).pages)
    assert " ".join(line.split()) in pdf and "2024-12-31 — overdue" in pdf
    progress = open_page(browser, app["url"] + "/progress")
    shows(progress, "A target is overdue when its date has passed")
    shot(progress, "progress_overdue")
    for opened_page in (page, recommendation, campaign, card, priorities, progress):
        opened_page.context.close()


NEW_PAGES = ("tell-us", "campaign?list=1", "recommendations?rec=26.286")
SIGNED_IN_PAGES = ("review", "report", "campaign-log")


@pytest.mark.parametrize("city", ["pittsburgh", "dc"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_new_page_opens_in_both_languages_both_cities_at_desktop_and_phone_sizes(app, browser, city, lang):
    from indicators.core.i18n import translator

    say = translator(lang)
    for size, (width, height) in {"desktop": (1440, 900), "phone": (390, 844)}.items():
        for path in NEW_PAGES:
            page = open_page(browser, f"{app['url']}/{path}{'&' if '?' in path else '?'}city={city}&lang={lang}",
                             width, height)
            assert_no_exception(page)
            if path.startswith("campaign"):
                shows(page, "Housing first")
            shot(page, f"{path.split('?')[0]}_{city}_{lang}_{size}")
            page.context.close()
        page = open_page(browser, f"{app['url']}/review?city={city}&lang={lang}", width, height)
        sign_in(page, "alice", lang)
        expect(main(page)).to_contain_text("Alice Organizer")
        for path in SIGNED_IN_PAGES:
            if path != "review":
                go_to(page, path)
            expect(main(page)).to_contain_text("Alice Organizer")
            assert_no_exception(page)
            shot(page, f"{path}_{city}_{lang}_{size}")
        page.context.close()
    card = open_page(browser, f"{app['url']}/campaign?list=1&city={city}&lang={lang}&card=1&embed=true", 420, 520)
    shows(card, say("Open the whole campaign"))
    shot(card, f"card_{city}_{lang}")
    card.context.close()
