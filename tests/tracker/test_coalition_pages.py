"""The pages of testimony, campaigns and reports run headless (Streamlit AppTest) against a temporary store: what a
visitor, a reviewer and an editor see and can do, typed text shown as text, refusals said in the reader's
language."""

from __future__ import annotations


import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.tracker.auth import Actor, hash_password
from indicators.tracker.campaign import list_subject, rec_subject
from indicators.tracker.store import Store

from .conftest import EDITOR, REPO

PGH = "pittsburgh"
PAGES = REPO / "app_pages"
NAMES = ("upr_recommendations", "upr_progress", "upr_priorities", "campaign", "upr_edit", "tell_us", "review",
         "report_builder", "campaign_log", "profile")
ENTRY = '''
import sys
import streamlit as st
sys.path.insert(0, {root!r})
def home():
    st.title("Home")
st.navigation([st.Page(home, title="Home", default=True)]
              + [st.Page({pages!r} + f"/{{name}}.py", url_path=name.replace("_", "-")) for name in {names!r}]).run()
'''
PASSWORD = "a long test password"
SESSION_SECRET = "the test deployment's session secret, 32+ characters"
REVIEWER = Actor("rita", "reviewer", "Rita Reviewer")
#: the cookies the test's browser holds (the pages read the sign-in cookie through ``ui.auth.session_cookie``)
BROWSER: dict[str, str] = {}
HOSTILE = "Rent **doubled** [click](javascript:alert(1)) & <3 — we left"


@pytest.fixture
def store(tmp_path, monkeypatch, official_frame) -> Store:
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    monkeypatch.setenv("HRC_TRACKER_URL", url)
    st.cache_resource.clear()
    opened = Store.open(url)
    opened.import_recommendations(official_frame, EDITOR, source="us_upr_cycle3_recommendations.csv")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def browser_cookies(monkeypatch):
    """A fresh browser per test: the pages see the cookies of :data:`BROWSER`."""
    from ui import auth

    BROWSER.clear()
    monkeypatch.setattr(auth, "session_cookie", lambda: BROWSER.get("hrc_session"))
    yield BROWSER
    BROWSER.clear()


@pytest.fixture(scope="module")
def users() -> dict:
    hashed = hash_password(PASSWORD, rounds=10)
    return {"alice": {"name": "Alice Organizer", "role": "editor", "password_hash": hashed},
            "rita": {"name": "Rita Reviewer", "role": "reviewer", "password_hash": hashed},
            "vic": {"name": "Vic Viewer", "role": "viewer", "password_hash": hashed}}


@pytest.fixture
def app_for(tmp_path, users):
    entry = tmp_path / "entry.py"
    entry.write_text(ENTRY.format(root=str(REPO), pages=str(PAGES), names=NAMES), encoding="utf-8")

    def make(page: str, **query) -> AppTest:
        at = AppTest.from_file(str(entry), default_timeout=90)
        at.secrets["tracker"] = {"users": users, "session_secret": SESSION_SECRET}
        at.run()
        at.switch_page(str(PAGES / page))
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return make


def sign_in(at: AppTest, user: str) -> AppTest:
    """Sign in as the sign-in form does (a session in the store, its cookie in the browser), then reload."""
    import os

    from indicators.tracker.auth import load_users
    from indicators.tracker.sessions import SignIns

    assert any(b.label == "Sign in" for b in at.button)   # the page offers the sign-in form
    keeper = SignIns(Store.open(os.environ["HRC_TRACKER_URL"]).engine, SESSION_SECRET)
    _actor, BROWSER["hrc_session"] = keeper.sign_in(load_users(at.secrets["tracker"]["users"]), user, PASSWORD,
                                                    client="test")
    return at.run()


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def markdown(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def accepted(store, story: str, consent: str, *, area: str = "Bloomfield", number: str = "26.286") -> int:
    given = store.testimony.submit(city=PGH, kind="harm", story=story, consent_use=consent, consent_area=True,
                                   area_level="neighborhood", area_id=area, topics=["housing"])
    store.testimony.decide(REVIEWER, given.testimony.testimony_id, decision="accepted", expected_version=1,
                           recommendation_numbers=[number])
    return given.testimony.testimony_id


def test_a_visitor_gives_testimony_and_gets_a_receipt_code(store, app_for):
    at = app_for("tell_us.py")
    assert not at.exception and at.title[0].value == "Tell us"
    assert "Leave this field empty" in [t.label for t in at.text_input]   # the honeypot, hidden by style
    at.text_area(key="tell_story").input("The tenant hotline answered within a day.")
    at.radio(key="tell_kind").set_value("good_practice")
    at.selectbox(key="tell_area").set_value("Bloomfield")
    at.radio(key="tell_consent").set_value("public")
    at.checkbox(key="tell_area_ok").check()
    at = next(b for b in at.button if b.label == "Send my testimony").click().run()
    assert not at.exception
    code = at.code[0].value
    [waiting] = store.testimony.queue(PGH, REVIEWER)
    assert waiting.story == "The tenant hotline answered within a day." and waiting.kind == "good_practice"
    assert (waiting.consent_use, waiting.consent_area, waiting.area_id) == ("public", True, "Bloomfield")
    assert store.testimony.by_receipt(code).testimony_id == waiting.testimony_id


def test_the_area_map_is_sent_once_its_panel_is_opened_and_nothing_typed_is_lost(store, app_for):
    at = app_for("tell_us.py")
    at.text_area(key="tell_story").input("The rent rose twice this year.")
    at.selectbox(key="tell_area").set_value("Bloomfield").run()
    assert not at.get("deck_gl_json_chart"), "a folded map is not sent"
    at.session_state["tell_area_map_open"] = True     # as a click on the panel's heading opens it
    at.run()
    assert not at.exception
    assert len(at.get("deck_gl_json_chart")) == 1
    assert at.text_area(key="tell_story").value == "The rent rose twice this year."
    assert at.selectbox(key="tell_area").value == "Bloomfield"


@pytest.mark.parametrize("lang, title, reason", [
    ("en", "Testimony not saved", "seems to hold a street address ('4200 Butler Street')"),
    ("es", "No se guardó el testimonio", "parece contener una dirección ('4200 Butler Street')")])
def test_an_address_or_a_missing_consent_is_refused_in_the_readers_language(store, app_for, lang, title, reason):
    at = app_for("tell_us.py", lang=lang)
    at.text_area(key="tell_story").input("They cut the heat at 4200 Butler Street in January.")
    button = "Send my testimony" if lang == "en" else "Enviar mi testimonio"
    at = next(b for b in at.button if b.label == button).click().run()
    assert at.error[0].value == title
    shown = markdown(at)
    assert reason in shown.replace("\\", "")
    assert ("please choose one" if lang == "en" else "elija una opción") in shown
    assert store.testimony.queue(PGH, REVIEWER) == []


def test_public_views_show_consented_words_as_text_and_counts_only_from_five(store, app_for):
    for n in range(4):
        accepted(store, f"Testimony number {n}", "reports")
    public = accepted(store, HOSTILE, "public")
    accepted(store, "Only inside the coalition.", "coalition")
    at = app_for("tell_us.py")
    assert not at.exception
    assert HOSTILE in texts(at)                       # st.text: as typed, never markdown or HTML
    assert "Only inside the coalition." not in texts(at) and "Testimony number 0" not in texts(at)
    assert not any("**doubled**" in m.value or "javascript" in m.value for m in at.markdown)
    counted = at.table[0].value
    assert counted.to_dict("records") == [{"Neighborhood": "Bloomfield", "Testimonies": 5}]
    rec = app_for("upr_recommendations.py", rec="26.286")
    assert not rec.exception
    assert HOSTILE in texts(rec)
    assert "Residents' testimony on this recommendation: 5." in markdown(rec)
    store.testimony.withdraw(testimony_id=public, actor=REVIEWER)
    again = app_for("tell_us.py")
    assert HOSTILE not in texts(again) and not again.table


def test_the_receipt_code_shows_the_state_and_withdraws(store, app_for):
    given = store.testimony.submit(city=PGH, kind="harm", story="Our block lost its bus line.",
                                   consent_use="reports")
    store.testimony.decide(REVIEWER, given.testimony.testimony_id, decision="changes_requested",
                           reason="Please say which month.", expected_version=1)
    at = app_for("tell_us.py")
    at.text_input(key="receipt_code").input(given.code.lower()).run()
    assert "**State:** Changes asked for" in markdown(at)
    assert "Please say which month." in texts(at)
    at.checkbox(key="receipt_confirm").check().run()
    at = next(b for b in at.button if b.label == "Withdraw it").click().run()
    assert store.testimony.get(given.testimony.testimony_id).state == "withdrawn"
    at.text_input(key="receipt_code").input("ZZZZ-ZZZZ-ZZZZ").run()
    assert at.error[0].value.replace("\\", "").startswith("No testimony has this receipt code.")


def test_reviewers_decide_and_other_roles_do_not(store, app_for):
    given = store.testimony.submit(city=PGH, kind="harm", story=HOSTILE, consent_use="public",
                                   contact="tenant@example.org")
    at = app_for("review.py")
    assert at.info[0].value.startswith("Sign in to review testimony.")
    assert not at.text_area
    viewer = sign_in(app_for("review.py"), "vic")
    assert viewer.info[0].value.startswith("Your role does not review testimony.")
    BROWSER.clear()
    at = sign_in(app_for("review.py"), "rita")
    assert not at.exception
    assert HOSTILE in texts(at) and "tenant@example.org" not in texts(at)   # the contact waits behind a switch
    at = next(b for b in at.button if b.label == "Save the decision").click().run()
    assert not at.exception
    assert store.testimony.get(given.testimony.testimony_id).state == "accepted"
    assert any("is now “Accepted”" in s.value for s in at.success)


def test_the_campaign_page_its_card_and_an_unknown_campaign(store, app_for):
    plist = store.create_priority_list(EDITOR, city=PGH, name="Housing first", items=[
        {"number": "26.286", "cycle": 3, "target_date": "2024-12-31"}])
    store.campaign.log_action(EDITOR, city=PGH, subject=rec_subject(3, "26.286"), kind="petition",
                              happened_on="2025-02-01", who="Coalition", note="**1,200** signatures")
    store.campaign.log_action(EDITOR, city=PGH, subject=list_subject(plist.list_id), kind="letter",
                              happened_on="2025-03-01", who="Coalition")
    at = app_for("campaign.py", list=str(plist.list_id))
    assert not at.exception and at.title[0].value == "Housing first"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Implemented, says the community": "0 of 1", "Overdue targets": "1", "Campaign actions": "2"}
    # typed text is escaped: the stars stay stars, never bold
    assert "Coalition: \\*\\*1\\,200\\*\\* signatures" in markdown(at)
    assert f"/campaign?list={plist.list_id}&city={PGH}" in at.code[0].value
    assert "card=1" in at.code[1].value and at.code[1].value.startswith("<iframe")
    card = app_for("campaign.py", list=str(plist.list_id), card="1")
    assert not card.exception and not card.dataframe and len(card.code) == 0
    assert card.subheader[0].value == "Housing first"
    unknown = app_for("campaign.py", list="999")
    assert unknown.error[0].value == "There is no campaign 999 for Pittsburgh."


def test_an_editor_logs_an_action_and_compiles_a_report_with_a_word_count(store, app_for):
    at = sign_in(app_for("campaign_log.py", rec="26.286"), "alice")
    assert not at.exception
    form = at.text_input
    next(t for t in form if t.label.startswith("Who (")).input("Tenant union")
    at = next(b for b in at.button if b.label == "Log the action").click().run()
    assert not at.exception
    [action] = store.campaign.actions(PGH)
    assert (action.subject, action.kind, action.who) == ("rec:3:26.286", "council_hearing", "Tenant union")

    report = app_for("report_builder.py")   # the browser's cookie keeps her signed in on every page
    assert "Signed in as **Alice Organizer**" in markdown(report)
    report.multiselect[0].set_value(["26.286"])
    next(t for t in report.text_input if t.label == "Title").input("Joint submission")
    report = next(b for b in report.button if b.label == "Create the draft").click().run()
    assert not report.exception
    [draft] = store.reports.drafts(PGH)
    assert draft.outline["numbers"] == ["26.286"]
    progress = report.get("progress")[0]
    assert progress.proto.text.endswith("of 5,630 words")
