"""Two replicas of the app on one PostgreSQL store, as a coalition behind a load balancer runs it: an edit saved
through one is read through the other, a sign-in made on one is accepted by the other (one secrets file), signing
out on one ends it on both, and failed sign-ins on one count on the other. Nothing either needs is kept in the
other's process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from indicators.tracker.auth import hash_password
from indicators.tracker.importer import ensure_seeded
from indicators.tracker.store import Store
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, require_chromium, wait_rendered
from tests.conftest import COMMITTED_SNAPSHOT
from tests.tracker.signin_app import Browser, serving

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
expect.set_options(timeout=30_000)
PASSWORD = "a long test password"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    require_chromium()
    if not os.environ.get("HRC_TEST_POSTGRES_URL"):
        pytest.skip("HRC_TEST_POSTGRES_URL is not set")
    from tests.tracker.conftest import _fresh_postgres_database

    url, drop = _fresh_postgres_database()
    store = Store.open(url)
    ensure_seeded(store, COMMITTED_SNAPSHOT / "upr_recommendations.parquet")
    store.close()
    tmp = tmp_path_factory.mktemp("replicas")
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[tracker]\nsession_secret = "one secret for every replica of this deployment"\n'
                       f'trusted_proxies = ["127.0.0.1"]\n\n[tracker.users.alice]\nname = "Alice Organizer"\n'
                       f'role = "editor"\npassword_hash = "{hash_password(PASSWORD, rounds=10)}"\n', encoding="utf-8")
    try:
        with serving(secrets, url, tmp / "a.log") as a, serving(secrets, url, tmp / "b.log") as b:
            yield a, b
    finally:
        drop()


@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def main(page):
    return page.locator('[data-testid="stMain"]')


def test_an_edit_and_a_sign_in_made_on_one_replica_hold_on_the_other(replicas, chromium):
    a, b = replicas
    page = chromium.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{a}/edit?rec=26.214")
    wait_rendered(page)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{a}/edit?rec=26.214")
    wait_rendered(page)
    expect(main(page)).to_contain_text("Signed in as Alice Organizer")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Status").first.locator('[role="combobox"]').click()
    page.get_by_role("option", name="Implemented", exact=True).click()
    page.get_by_label("According to (who makes this claim)").fill("Office of the Mayor")
    page.get_by_role("button", name="Save the city government claims").click()
    expect(main(page)).to_contain_text("Saved version 1 of the city government claims for 26.214.")

    # the other replica reads the edit from the shared store …
    page.goto(f"{b}/recommendations?rec=26.214")
    wait_rendered(page)
    expect(main(page)).to_contain_text("according to Office of the Mayor")
    expect(main(page)).to_contain_text("recorded by Alice Organizer")
    # … and accepts the browser's sign-in cookie, made by the first
    page.goto(f"{b}/edit?rec=26.214")
    wait_rendered(page)
    expect(main(page)).to_contain_text("Signed in as Alice Organizer")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "replica_b_signed_in.png"), full_page=True)
    # signing out on the second ends the session on the first too
    page.get_by_role("button", name="Sign out").click()
    expect(main(page)).to_contain_text("Sign in to edit")
    page.goto(f"{a}/edit")
    wait_rendered(page)
    expect(main(page)).to_contain_text("Sign in to edit")
    page.context.close()


def test_failed_sign_ins_on_one_replica_count_on_the_other(replicas):
    a, b = replicas
    on_a = Browser(a, forwarded_for="203.0.113.50")
    assert [on_a.sign_in("alice", f"guess {n}").status_code for n in range(5)] == [401] * 5
    assert Browser(b, forwarded_for="203.0.113.50").sign_in("alice", PASSWORD).status_code == 429
    assert Browser(b, forwarded_for="198.51.100.50").sign_in("alice", PASSWORD).status_code == 303
