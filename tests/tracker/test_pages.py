"""The tracker pages run headless (Streamlit AppTest) against a temporary store and secrets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from indicators.core.exports import to_csv_bytes
from indicators.tracker.auth import hash_password, load_users
from indicators.tracker.errors import PermissionDenied, ValidationError, in_language, message_of
from indicators.tracker.importer import MAX_IMPORT_BYTES, parse_recommendations
from indicators.tracker.sessions import SignIns, SlowDown
from indicators.tracker.store import Store

from .conftest import CITY, EDITOR, REPO

PGH = "pittsburgh"
PAGES = REPO / "app_pages"
CORPUS = REPO / "tests" / "corpus" / "files" / "tracker"
ENTRY = '''
import sys
import streamlit as st
sys.path.insert(0, {root!r})
def home():
    st.title("Home")
st.navigation([st.Page(home, title="Home", default=True),
               st.Page({pages!r} + "/upr_recommendations.py", url_path="recommendations"),
               st.Page({pages!r} + "/upr_progress.py", url_path="progress"),
               st.Page({pages!r} + "/upr_priorities.py", url_path="priorities"),
               st.Page({pages!r} + "/campaign.py", url_path="campaign"),
               st.Page({pages!r} + "/upr_edit.py", url_path="edit")]).run()
'''
PASSWORDS = {"alice": "alice's long password", "carl": "carl's long password"}
SESSION_SECRET = "the test deployment's session secret, 32+ characters"
#: the cookies the test's browser holds (the pages read the sign-in cookie through ``ui.auth.session_cookie``)
BROWSER: dict[str, str] = {}


@pytest.fixture(scope="module")
def users_secrets() -> dict:
    return {
        "alice": {"name": "Alice Organizer", "role": "editor",
                  "password_hash": hash_password(PASSWORDS["alice"], rounds=10)},
        "carl": {"name": "Carl City", "role": "city", "password_hash": hash_password(PASSWORDS["carl"], rounds=10)},
    }


@pytest.fixture
def store(tmp_path, monkeypatch, official_frame) -> Store:
    """A seeded SQLite store that the pages open through ``HRC_TRACKER_URL``."""
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    monkeypatch.setenv("HRC_TRACKER_URL", url)
    st.cache_resource.clear()   # the store and the sign-in limiter are per process
    opened = Store.open(url)
    opened.import_recommendations(official_frame, EDITOR, source="us_upr_cycle3_recommendations.csv")
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def browser_cookies(monkeypatch):
    """A fresh browser per test: the pages see the cookies of :data:`BROWSER` (AppTest has no connection that
    could carry them)."""
    from ui import auth

    BROWSER.clear()
    monkeypatch.setattr(auth, "session_cookie", lambda: BROWSER.get("hrc_session"))
    yield BROWSER
    BROWSER.clear()


@pytest.fixture
def entry(tmp_path) -> Path:
    """An entry script with ``st.navigation`` over the four tracker pages, as the dashboard lists them."""
    path = tmp_path / "entry.py"
    path.write_text(ENTRY.format(root=str(REPO), pages=str(PAGES)), encoding="utf-8")
    return path


@pytest.fixture
def app_for(entry, users_secrets):
    def make(page: str, **query) -> AppTest:
        at = AppTest.from_file(str(entry), default_timeout=60)
        at.secrets["tracker"] = {"users": users_secrets, "session_secret": SESSION_SECRET}
        at.run()
        at.switch_page(str(PAGES / page))
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return make


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def sign_in(at: AppTest, user: str, password: str | None = None) -> AppTest:
    """Sign in as the sign-in form does (a session in the store, its cookie in the browser), then reload."""
    import os

    assert sign_in_link(at).startswith("/account/sign-in?next=%2Fedit")
    keeper = SignIns(Store.open(os.environ["HRC_TRACKER_URL"]).engine, SESSION_SECRET)
    users = load_users(at.secrets["tracker"]["users"])
    _actor, BROWSER["hrc_session"] = keeper.sign_in(users, user, password or PASSWORDS[user], client="test")
    return at.run()


def sign_in_link(at: AppTest) -> str:
    """Where the page's Sign in button sends the browser (the message it sends when clicked)."""
    from ui import auth

    sent: list[str] = []
    real = auth.go_to
    auth.go_to = sent.append
    try:
        next(b for b in at.button if b.label in ("Sign in", "Iniciar sesión")).click()
        at.run()
    finally:
        auth.go_to = real
    return sent[-1]


def successes(at: AppTest) -> list[str]:
    """Success messages without the backslashes that keep typed text from becoming markdown."""
    return [s.value.replace("\\", "") for s in at.success]


def widget(elements, label: str):
    return next(e for e in elements if e.label == label)


def test_list_page_shows_every_recommendation_and_filters_by_search(store, app_for):
    at = app_for("upr_recommendations.py")
    assert not at.exception
    assert at.title[0].value == "UPR recommendations"
    assert "**347** of 347 recommendations" in markdown_text(at)
    assert len(at.dataframe[0].value) == 347
    widget(at.text_input, "Search number, State, theme or text").input("gunshow").run()
    assert "**1** of 347 recommendations" in markdown_text(at)
    assert at.dataframe[0].value["link"].tolist() == ["?rec=26.214"]


def test_recommendation_page_shows_statuses_evidence_and_timeline_as_text(store, app_for):
    store.set_status(CITY, "26.214", city=PGH, track="city", status="implemented", as_of="2022-06-30",
                     author="Office of the Mayor", note="Says **done** [x](javascript:alert(1)) & <3",
                     evidence=[{"url": "https://example.org/a_(b)", "label": "Report *2022*"}],
                     indicator_ids=["firearm_seizure_rate"], expected_version=0)
    at = app_for("upr_recommendations.py", rec="26.214")
    assert not at.exception
    assert at.title[0].value == "Recommendation 26.214"
    # the note goes through st.text: shown exactly as typed
    assert "Says **done** [x](javascript:alert(1)) & <3" in [t.value for t in at.text]
    markdown = markdown_text(at)
    # labels are escaped, the link target has its parentheses encoded
    assert "[Report \\*2022\\*](https://example.org/a_%28b%29)" in markdown
    assert "according to Office of the Mayor" in markdown
    # the status versions (after the campaign's time axis, which has its own table)
    timeline = next(d.value for d in at.dataframe if "recorded_by" in d.value.columns)
    assert timeline["status"].tolist() == ["Implemented"] and timeline["recorded_by"].tolist() == ["Carl City Liaison"]
    assert not at.text_area and not at.text_input


def test_unknown_recommendation_says_so(store, app_for):
    at = app_for("upr_recommendations.py", rec="99.9")
    assert not at.exception
    assert "There is no recommendation 99\\.9." in [e.value for e in at.error]


def test_visitor_on_the_edit_page_gets_only_the_sign_in_form(store, app_for):
    at = app_for("upr_edit.py")
    assert not at.exception
    assert at.info[0].value.startswith("Sign in to edit.")
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.text_input and not at.text_area and not at.tabs and not at.selectbox
    assert sign_in_link(at) == "/account/sign-in?next=%2Fedit&lang=en"


def test_signing_out_ends_the_session_for_every_tab(store, app_for):
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    cookie = BROWSER["hrc_session"]
    other_tab = app_for("upr_edit.py")
    assert "Signed in as **Alice Organizer**" in markdown_text(other_tab)
    widget(at.button, "Sign out").click()
    at.run()
    assert at.info[0].value.startswith("Sign in to edit.")
    BROWSER["hrc_session"] = cookie   # the cookie a copy or another tab still holds
    assert other_tab.run().info[0].value.startswith("Sign in to edit.")


def test_editor_saves_both_tracks_and_the_store_records_who(store, app_for):
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    assert not at.exception
    assert "Signed in as **Alice Organizer** · role: **editor**" in markdown_text(at)
    assert [t.label for t in at.tabs] == ["Status and evidence", "History and restore", "Priority lists",
                                          "Import recommendations"]
    widget(at.selectbox, "Status").set_value("in_progress")
    widget(at.text_input, "According to (who makes this claim)").input("Office of the Mayor")
    widget(at.text_area, "Note").input("Budget line adopted")
    widget(at.text_area, "Evidence links, one per line (a URL, then an optional label)").input(
        "https://example.org/budget.pdf Budget 2024")
    widget(at.button, "Save the city government claims").click()
    at.run()
    assert not at.exception
    assert "Saved version 1 of the city government claims for 26.214." in successes(at)
    saved = store.current_status("26.214", city=PGH, track="city")
    assert (saved.status, saved.author, saved.recorded_by, saved.evidence[0].label) == (
        "in_progress", "Office of the Mayor", "alice", "Budget 2024")

    widget(at.radio, "Track").set_value("community").run()
    widget(at.selectbox, "Status").set_value("partially_implemented")
    widget(at.button, "Save the community assessment").click()
    at.run()
    assert store.current_status("26.214", city=PGH, track="community").author == "Alice Organizer"


def test_refused_input_is_explained_and_nothing_is_saved(store, app_for):
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    widget(at.text_input, "According to (who makes this claim)").input("Mayor")
    widget(at.text_area, "Note").input("<script>alert(1)</script>")
    widget(at.text_area, "Evidence links, one per line (a URL, then an optional label)").input("ftp://x.org/a")
    widget(at.button, "Save the city government claims").click()
    at.run()
    assert at.error[0].value == "Status not saved"
    problems = markdown_text(at)
    # the field is named as the form labels it
    assert "Note: contains HTML markup ('<script>'); write plain text" in problems.replace("\\", "")
    assert "only http and https links are allowed, not 'ftp'" in problems.replace("\\", "")
    assert store.current_status("26.214", city=PGH, track="city") is None


def test_a_note_over_the_limit_is_refused_with_a_message_and_stays_in_the_form(store, app_for):
    store.set_status(EDITOR, "26.214", city=PGH, track="city", status="in_progress", as_of="2024-01-01",
                     author="Mayor", note="The old note", expected_version=0)
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    long_note = "Budget lines by ward. " * 455 + "The end"   # 10,017 characters
    widget(at.text_area, "Note").input(long_note)
    widget(at.button, "Save the city government claims").click()
    at.run()
    assert at.error[0].value == "Status not saved"
    assert "Note: is 10,017 characters long; the limit is 10,000" in markdown_text(at).replace("\\", "")
    assert widget(at.text_area, "Note").value == long_note   # nothing typed is lost
    saved = store.current_status("26.214", city=PGH, track="city")
    assert (saved.version, saved.note) == (1, "The old note")


def test_second_editor_gets_a_conflict_with_both_versions(store, app_for):
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    assert "No version yet: this is the first." in markdown_text(at)
    # meanwhile the city liaison records a claim
    store.set_status(CITY, "26.214", city=PGH, track="city", status="implemented", as_of="2023-01-01",
                     author="Mayor", note="Carl's claim", expected_version=0)
    widget(at.text_input, "According to (who makes this claim)").input("Coalition reading of the claim")
    widget(at.text_area, "Note").input("Alice's note")
    widget(at.button, "Save the city government claims").click()
    at.run()
    assert "was changed by carl (now version 1) after you opened version 0" in at.error[0].value.replace("\\", "")
    both = at.dataframe[0].value.set_index("field")
    assert both.loc["note", "saved by Carl City Liaison (version 1)"] == "Carl's claim"
    assert both.loc["note", "yours (not saved)"] == "Alice's note"
    assert [v.note for v in store.status_history("26.214", city=PGH)] == ["Carl's claim"]


def test_city_role_sees_only_the_city_track(store, app_for):
    at = sign_in(app_for("upr_edit.py"), "carl")
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Status and evidence", "History and restore"]
    assert widget(at.radio, "Track").options == ["City government claims"]


def test_editor_restores_an_earlier_version(store, app_for):
    for version, note in enumerate(["first", "second"]):
        store.set_status(EDITOR, "26.214", city=PGH, track="city", status="in_progress", as_of="2022-01-01",
                         author="Mayor", note=note, expected_version=version)
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    widget(at.button, "Restore version 1 (saved as a new version)").click()
    at.run()
    assert not at.exception
    assert "Version 1 restored as version 3." in successes(at)
    assert store.current_status("26.214", city=PGH, track="city").note == "first"


def test_editor_creates_a_priority_list_and_adds_a_recommendation(store, app_for):
    at = sign_in(app_for("upr_edit.py", rec="26.214"), "alice")
    widget(at.text_input, "Name").input("Housing campaign")
    widget(at.button, "Create the list").click()
    at.run()
    assert "Created the list Housing campaign." in successes(at)
    plist = store.priority_lists(PGH)[0]
    # nothing is chosen for the editor; one recommendation picked, two pasted, added in one save
    chooser = widget(at.multiselect, "Recommendations (type a number, a State or a word to find them)")
    assert chooser.value == []
    chooser.set_value(["26.214"])
    widget(at.text_area, "Or paste their numbers, separated by spaces, commas or lines").input("26.1, 26.286")
    widget(at.text_input, "Local body responsible").input("City Council")
    widget(at.date_input, "Target date").set_value(dt.date(2027, 1, 31))
    widget(at.button, "Add to the list").click()
    at.run()
    assert not at.exception
    saved = store.priority_list(plist.list_id)
    assert (saved.version, [i.number for i in saved.items], saved.items[0].target_date) == (
        2, ["26.214", "26.1", "26.286"], dt.date(2027, 1, 31))
    assert {i.responsible_body for i in saved.items} == {"City Council"}


def test_openid_users_get_their_role_from_the_secrets(store, entry):
    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                        "client_id": "id", "client_secret": "secret",
                        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"},
               "tracker": {"roles": {"ed@example.org": "editor"}}}

    def run_as(user: dict) -> AppTest:
        at = AppTest.from_file(str(entry), default_timeout=60)
        at.secrets.update(secrets)
        at.user = user
        at.run()
        at.switch_page(str(PAGES / "upr_edit.py"))
        return at.run()

    signed_out = run_as({"is_logged_in": False})
    assert [b.label for b in signed_out.button] == ["Sign in"] and not signed_out.text_input
    editor = run_as({"is_logged_in": True, "email": "ed@example.org", "email_verified": True, "name": "Ed"})
    assert "Signed in as **Ed** · role: **editor**" in markdown_text(editor)
    viewer = run_as({"is_logged_in": True, "email": "someone@example.org", "email_verified": True,
                     "name": "Someone"})
    assert viewer.info[0].value.startswith("Your account can read the tracker but not edit it.")
    assert not viewer.tabs
    # an address the provider has not verified gets no role, even one listed in [tracker.roles]
    unverified = run_as({"is_logged_in": True, "email": "ed@example.org", "email_verified": False, "name": "Ed"})
    assert "role: **read only**" in markdown_text(unverified) and not unverified.tabs


def test_the_public_pages_name_whoever_recorded_a_status_never_by_their_address(store, app_for):
    from indicators.tracker.auth import oidc_actor

    ed = oidc_actor({"sub": "1", "email": "ed@example.org", "email_verified": True, "name": "Ed Organizer"},
                    {"ed@example.org": "editor"})
    nameless = oidc_actor({"sub": "2", "email": "cy@example.org", "email_verified": True}, {"cy@example.org": "city"})
    store.set_status(ed, "26.214", city=PGH, track="community", status="in_progress", as_of="2024-01-01",
                     author="Coalition", expected_version=0)
    store.set_status(nameless, "26.214", city=PGH, track="city", status="implemented", as_of="2024-02-01",
                     author="Mayor", expected_version=0)
    at = app_for("upr_recommendations.py", rec="26.214")
    shown = markdown_text(at) + "\n" + at.dataframe[0].value.to_csv()
    assert "recorded by Ed Organizer" in shown.replace("\\", "")
    assert "recorded by a city government liaison" in shown.replace("\\", "")
    assert "@" not in shown
    assert store.current_status("26.214", city=PGH, track="community").recorded_by == "ed@example.org"


def test_progress_and_priorities_pages_show_counts(store, app_for):
    store.set_status(EDITOR, "26.214", city=PGH, track="community", status="implemented", as_of="2022-01-01",
                     author="Coalition", expected_version=0)
    store.create_priority_list(EDITOR, city=PGH, name="Safety", items=[{"number": "26.214",
                                                                        "rationale": "Gun violence"}])
    progress = app_for("upr_progress.py")
    assert not progress.exception
    metrics = {m.label: m.value for m in progress.metric}
    assert metrics["Implemented"] == "1" and metrics["No assessment yet"] == "346"
    per_list = progress.dataframe[-1].value.set_index("priority_list")
    assert per_list.loc["Safety", "implemented"] == 1
    priorities = app_for("upr_priorities.py")
    assert not priorities.exception
    table = priorities.dataframe[0].value
    assert table["rationale"].tolist() == ["Gun violence"] and table["community"].tolist() == ["Implemented"]


def test_the_tracker_library_never_imports_streamlit():
    sources = [*(REPO / "indicators" / "tracker").rglob("*.py"), REPO / "indicators" / "cli" / "upr.py"]
    assert len(sources) > 10
    for path in sources:
        source = path.read_text(encoding="utf-8")
        assert "import streamlit" not in source and "from streamlit" not in source, path


def test_an_empty_store_is_seeded_from_the_city_snapshot(tmp_path, monkeypatch, official_frame, app_for):
    snapshot = tmp_path / "snapshots" / "pittsburgh"
    snapshot.mkdir(parents=True)
    official_frame.to_parquet(snapshot / "upr_recommendations.parquet")
    # the manifest's checksum of the file, which is checked before the store is seeded from it
    from indicators.snapshot.read import sha256_file

    (snapshot / "manifest.json").write_text(json.dumps({"city": {"id": "pittsburgh", "name": "Pittsburgh"}, "tables": {
        "upr_recommendations": {"sha256": sha256_file(snapshot / "upr_recommendations.parquet")}}}), encoding="utf-8")
    monkeypatch.setenv("HRC_SNAPSHOTS_DIR", str(snapshot.parent))
    url = f"sqlite:///{tmp_path / 'fresh' / 'tracker.sqlite'}"
    monkeypatch.setenv("HRC_TRACKER_URL", url)
    st.cache_resource.clear()
    at = app_for("upr_recommendations.py")
    assert not at.exception
    assert "**347** of 347 recommendations" in markdown_text(at)
    store = Store.open(url)
    assert store.import_runs()["recorded_by"].tolist() == ["system:snapshot-seed"]
    store.close()


# ---------------------------------------------------------------------------------------------- in Spanish

@pytest.fixture
def downloads(monkeypatch) -> dict:
    """Every CSV a page offers, by button key: (file name, frame, label). The real download is still drawn."""
    from ui import tracker as ut

    offered: dict = {}
    real = ut.download_csv

    def recording(frame, file_name, label, key, help=None):
        offered[key] = (file_name, frame, label)
        real(frame, file_name, label, key, help)

    monkeypatch.setattr(ut, "download_csv", recording)
    return offered


def test_the_list_and_a_recommendation_in_spanish_keep_the_official_text_and_the_language_in_links(
        store, app_for, downloads):
    store.set_status(EDITOR, "26.214", city=PGH, track="community", status="partially_implemented",
                     as_of="2022-01-01", author="Coalition", expected_version=0)
    at = app_for("upr_recommendations.py", lang="es")
    assert not at.exception
    assert at.title[0].value == "Recomendaciones del EPU"
    assert "**347** de 347 recomendaciones" in markdown_text(at)
    assert "la redacción oficial de la ONU, en inglés" in markdown_text(at)
    assert widget(at.radio, "Estado según").options == ["Afirmaciones del gobierno municipal",
                                                         "Evaluación de la comunidad"]
    table = at.dataframe[0].value.set_index("recommending_state", drop=False)
    row = table[table["link"] == "?rec=26.214&lang=es"].iloc[0]   # the link opens the page in Spanish
    assert (row["response_label"], row["community_label"], row["city_label"]) == (
        "Apoyada", "Parcialmente aplicada", "Sin evaluación aún")
    assert "gunshow loophole" in row["text"]   # the official text stays as the UN wrote it

    # the reader's export speaks Spanish; the one for re-import keeps English column names and codes
    _, readable, label = downloads["dl_list"]
    assert label == "Descargar esta lista (CSV)"
    assert list(readable.columns[:5]) == ["Ciclo del EPU", "N.º", "Estado recomendante", "Respuesta de EE. UU.",
                                          "Tema"]
    mine = readable[readable["N.º"] == "26.214"].iloc[0]
    assert mine["Evaluación de la comunidad"] == "Parcialmente aplicada" and mine["Respuesta de EE. UU."] == "Apoyada"
    name, machine, _ = downloads["dl_list_codes"]
    assert name == f"upr_recommendations_{PGH}.csv"
    assert {"number", "recommending_state", "response", "theme", "text", "community_status"} <= set(machine.columns)
    assert machine.set_index("number").loc["26.214", "community_status"] == "partially_implemented"
    again = parse_recommendations(to_csv_bytes(machine), "list.csv")
    assert len(again) == 347 and again.set_index("number").loc["26.214", "response"] == "supported"

    rec = app_for("upr_recommendations.py", lang="es", rec="26.214")
    assert not rec.exception
    assert rec.title[0].value == "Recomendación 26.214"
    text = markdown_text(rec)
    assert "Formulada por Croatia · respuesta de EE. UU.: **Apoyada**" in text
    assert "Texto oficial de la recomendación, en inglés." in text and "gunshow" in text
    assert "Nadie lo ha registrado todavía." in text   # nothing on the city track
    timeline = next(d.value for d in rec.dataframe if "recorded_by" in d.value.columns)
    assert timeline["status"].tolist() == ["Parcialmente aplicada"]
    assert timeline["track"].tolist() == ["Evaluación de la comunidad"]


def test_an_editor_works_in_spanish_and_the_store_keeps_its_codes(store, app_for):
    at = app_for("upr_edit.py", lang="es", rec="26.214")
    assert at.title[0].value == "Editar el seguimiento del EPU"
    assert at.info[0].value.startswith("Inicie sesión para editar.")

    assert sign_in_link(at) == "/account/sign-in?next=%2Fedit%3Frec%3D26.214%26lang%3Des&lang=es"
    sign_in(at, "alice")
    assert not at.exception
    assert "Sesión iniciada como **Alice Organizer** · rol: **editor**" in markdown_text(at)
    assert [t.label for t in at.tabs] == ["Estado y evidencia", "Historial y restauración", "Listas de prioridades",
                                          "Importar recomendaciones"]

    # refused input: the reasons are said in Spanish, quoting what was typed
    widget(at.text_input, "Según (quién hace esta afirmación)").input("Oficina del Alcalde")
    widget(at.text_area, "Nota").input("<script>alert(1)</script>")
    evidence = "Enlaces de evidencia, uno por línea (una URL y, si lo desea, una etiqueta)"
    widget(at.text_area, evidence).input("ftp://x.org/a")
    widget(at.button, "Guardar las afirmaciones del gobierno municipal").click()
    at.run()
    assert at.error[0].value == "No se guardó el estado"
    problems = markdown_text(at).replace("\\", "")
    assert "Nota: contiene marcado HTML ('<script>'); escriba texto sin formato" in problems
    assert "enlace de evidencia 1: solo se permiten enlaces http y https, no 'ftp'" in problems
    assert store.current_status("26.214", city=PGH, track="city") is None

    widget(at.selectbox, "Estado").set_value("in_progress")
    assert widget(at.selectbox, "Estado").options[:2] == ["No iniciada", "En curso"]
    widget(at.text_area, "Nota").input("Partida presupuestaria aprobada")
    widget(at.text_area, evidence).input("https://example.org/presupuesto.pdf Presupuesto 2024")
    widget(at.button, "Guardar las afirmaciones del gobierno municipal").click()
    at.run()
    assert not at.exception
    assert ("Se guardó la versión 1 de las afirmaciones del gobierno municipal para la recomendación 26.214."
            in successes(at))
    saved = store.current_status("26.214", city=PGH, track="city")
    assert (saved.status, saved.note, saved.evidence[0].label) == (
        "in_progress", "Partida presupuestaria aprobada", "Presupuesto 2024")


def test_progress_and_priorities_in_spanish_with_exports_in_spanish(store, app_for, downloads):
    store.set_status(EDITOR, "26.214", city=PGH, track="community", status="implemented", as_of="2022-01-01",
                     author="Coalition", expected_version=0)
    store.create_priority_list(EDITOR, city=PGH, name="Seguridad", items=[{"number": "26.214",
                                                                           "rationale": "Violencia armada"}])
    progress = app_for("upr_progress.py", lang="es")
    assert not progress.exception
    assert progress.title[0].value == "Avance en las recomendaciones del EPU"
    metrics = {m.label: m.value for m in progress.metric}
    assert metrics["Aplicada"] == "1" and metrics["Sin evaluación aún"] == "346"
    chart = json.loads(progress.get("echarts_chart")[0].proto.spec)
    assert chart["xAxis"]["name"] == "Fin de trimestre (el último: hoy)"
    assert chart["yAxis"]["name"] == "Recomendaciones evaluadas"
    spanish = {"No iniciada", "En curso", "Parcialmente aplicada", "Aplicada", "En retroceso", "No aplicable"}
    assert {series["name"] for series in chart["series"]} == spanish   # the legend names every status in Spanish
    assert set(chart["legend"]["data"]) == spanish
    assert sum(d["value"] for series in chart["series"] for d in series["data"]) >= 1   # the status set above
    _, over_time, _ = downloads["dl_time"]
    assert list(over_time.columns) == ["Fecha", "Estado", "Recomendaciones"]
    assert set(over_time["Estado"]) == spanish | {"Sin evaluación aún"}
    today = over_time[over_time["Fecha"] == over_time["Fecha"].max()].set_index("Estado")["Recomendaciones"]
    assert today["Aplicada"] == 1 and today["Sin evaluación aún"] == 346
    _, per_list, _ = downloads["dl_lists"]
    assert per_list.set_index("Lista de prioridades").loc["Seguridad", "Aplicada"] == 1

    priorities = app_for("upr_priorities.py", lang="es")
    assert not priorities.exception
    assert priorities.title[0].value == "Prioridades locales"
    table = priorities.dataframe[0].value
    assert table["community"].tolist() == ["Aplicada"] and table["link"].tolist() == [
        "recommendations?rec=26.214&lang=es"]
    _, export, _ = downloads["dl_plist"]
    row = export.iloc[0]
    assert (row["Evaluación de la comunidad"], row["Por qué importa aquí"]) == ("Aplicada", "Violencia armada")


def test_refusals_from_the_library_are_said_in_either_language(seeded_store):
    with pytest.raises(ValidationError) as info:
        seeded_store.create_priority_list(EDITOR, city=PGH, name="Vivienda",
                                          items=[{"number": "26.1", "target_date": "soon"}])
    problem = info.value.problems[0]
    assert str(problem) == "item 1 target date: 'soon' is not a date (YYYY-MM-DD)"   # English, as before
    assert problem.in_language("es") == ("fecha meta de la recomendación 1 de la lista: 'soon' no es una fecha "
                                         "(AAAA-MM-DD)")
    assert in_language(info.value.title, "es") == "No se guardó la lista de prioridades"
    with pytest.raises(PermissionDenied) as denied:
        seeded_store.create_priority_list(CITY, city=PGH, name="Vivienda")
    assert in_language(message_of(denied.value), "es") == (
        "El rol 'city' de Carl City Liaison no permite editar listas de prioridades.")
    assert in_language(message_of(SlowDown(900)), "es") == (
        "Demasiados intentos fallidos de inicio de sesión. Vuelva a intentarlo en unos 15 minutos.")


def test_a_refused_upload_is_explained_in_spanish_and_nothing_is_written(store, app_for):
    at = sign_in(app_for("upr_edit.py", lang="es"), "alice")
    assert "Importar recomendaciones" in [t.label for t in at.tabs]
    recommendations, runs = store.count_recommendations(), len(store.import_runs())

    # one byte over the limit, and not UTF-8 either: refused on its size, before it is decoded or parsed
    at.file_uploader(key="import_file").set_value(("grande.csv", b"\xff" * (MAX_IMPORT_BYTES + 1), "text/csv"))
    at.run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == ["grande.csv no se importó (no se escribió nada)"]
    problems = markdown_text(at).replace("\\", "")
    assert "- el archivo pesa 5.0 MB; el límite es 5 MB" in problems
    assert "UTF-8" not in problems and "the file is" not in problems
    assert not any(b.label.startswith("Importar ") for b in at.button)   # nothing offered to import

    # cut off inside a quoted field (an incomplete upload): the line and the reason, in Spanish
    cut = (CORPUS / "upload_cut_in_quoted_field.csv").read_bytes()
    at.file_uploader(key="import_file").set_value(("cortado.csv", cut, "text/csv"))
    at.run()
    assert not at.exception
    assert [e.value.replace("\\", "") for e in at.error] == ["cortado.csv no se importó (no se escribió nada)"]
    problems = markdown_text(at).replace("\\", "")
    assert ("- línea 3: el archivo termina dentro de un campo entre comillas: está cortado (¿una carga "
            "incompleta?)") in problems
    assert not any(b.label.startswith("Importar ") for b in at.button)
    assert (store.count_recommendations(), len(store.import_runs())) == (recommendations, runs)
