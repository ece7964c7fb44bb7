"""Streamlit helpers shared by the UPR tracker pages: the store, the city, and drawing records safely.

Text people typed (notes, names, rationales, even recommendation text) is never given to
Streamlit as HTML: it goes through :func:`md_escape` before any markdown element, or into
``st.text`` / dataframes, which show it as it is.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import streamlit as st

from indicators.config import DEFAULT_CITY
from indicators.tracker.db import resolve_url
from indicators.tracker.errors import ConflictError, ValidationError
from indicators.tracker.importer import ensure_seeded
from indicators.exports import to_csv_bytes
from indicators.tracker.records import Recommendation, StatusVersion
from indicators.tracker.store import Store
from indicators.tracker.validation import NO_ASSESSMENT, NO_ASSESSMENT_LABEL, STATUSES, TRACKS

PAGES_DIR = Path(__file__).resolve().parent.parent / "app_pages"
SNAPSHOT_FILE = "upr_recommendations.parquet"

# badge colours and material icons of the status scale (no emoji: not every system has the fonts)
STATUS_BADGES = {
    "not_started": ("gray", ":material/radio_button_unchecked:"),
    "in_progress": ("blue", ":material/pending:"),
    "partially_implemented": ("yellow", ":material/clock_loader_40:"),
    "implemented": ("green", ":material/check_circle:"),
    "regressed": ("red", ":material/trending_down:"),
    "not_applicable": ("gray", ":material/block:"),
    NO_ASSESSMENT: ("gray", ":material/help:"),
}
STATUS_COLORS = {
    "not_started": "#9e9e9e",
    "in_progress": "#1f77b4",
    "partially_implemented": "#e6a700",
    "implemented": "#2e7d32",
    "regressed": "#c62828",
    "not_applicable": "#424242",
    NO_ASSESSMENT: "#e0e0e0",
}
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def page(name: str) -> Path:
    """Absolute path of a tracker page, for ``st.page_link`` (works whatever the entry file's folder)."""
    return PAGES_DIR / name


def md_escape(text: object, *, inline: bool = True) -> str:
    """User text made inert for ``st.markdown``: every ASCII punctuation mark backslash-escaped.

    Covers emphasis, links, headings, HTML tags, ``:emoji:`` and ``:color[...]`` directives and
    ``$`` maths. With ``inline`` line breaks become spaces (for captions, labels).
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text if text is not None else ""))
    return " ".join(escaped.split()) if inline else escaped


def safe_href(url: str) -> str:
    """A checked http(s) URL with the characters that could end a markdown link percent-encoded."""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def status_label(status: str | None) -> str:
    """The status in words (``None`` or ``no_assessment``: "No assessment yet")."""
    return STATUSES.get(status or "", NO_ASSESSMENT_LABEL)


def status_badge(status: str | None) -> None:
    color, icon = STATUS_BADGES.get(status or NO_ASSESSMENT, STATUS_BADGES[NO_ASSESSMENT])
    st.badge(status_label(status), icon=icon, color=color)


def when(moment: dt.datetime | dt.date | None) -> str:
    if moment is None or (not isinstance(moment, (dt.date, dt.datetime)) and pd.isna(moment)):
        return ""
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return moment.isoformat()


# ------------------------------------------------------------------ store and city

def secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets file at all, or a malformed one: behave as unconfigured
        return {}
    return dict(section) if section else {}


@st.cache_resource(show_spinner="Opening the tracker…")
def _open_store(url: str) -> Store:
    return Store.open(url)


def snapshot_parquet(city: str) -> Path:
    """The city snapshot's recommendations (written by the snapshot build)."""
    from ui import data

    return Path(data.snapshot_path(city)) / SNAPSHOT_FILE


def store() -> Store:
    """The process-wide store (``$HRC_TRACKER_URL``, else ``[tracker] url``, else the project's SQLite file),
    seeded from the city snapshot the first time it is empty."""
    opened = _open_store(resolve_url(None, secrets_section("tracker").get("url")))
    if opened.count_recommendations() == 0:
        ensure_seeded(opened, snapshot_parquet(current_city()))
    return opened


def store_or_stop() -> Store:
    try:
        return store()
    except Exception as exc:  # the page says what is wrong instead of a traceback
        st.error(f"The UPR tracker store cannot be opened ({type(exc).__name__}). Check `[tracker] url` "
                 "in the secrets, or remove it to use the local SQLite file.")
        st.stop()


def current_city() -> str:
    """The city chosen in the dashboard's shared sidebar, else ``?city=``, else the default city."""
    view = st.session_state.get("view")
    city = view.get("city") if isinstance(view, dict) else None
    city = city or st.query_params.get("city") or DEFAULT_CITY
    return city if re.fullmatch(r"[a-z0-9_-]{1,60}", city) else DEFAULT_CITY


def city_name(city: str) -> str:
    try:
        from indicators.config import load_city

        return load_city(city).name
    except Exception:
        return city.replace("-", " ").title()


def indicator_title(indicator_id: str) -> str:
    """The catalog title of an indicator, or its id when the catalog does not know it."""
    try:
        from indicators.catalog import CATALOG

        return CATALOG[indicator_id].title
    except Exception:
        return indicator_id


def indicator_choices() -> dict[str, str]:
    try:
        from indicators.catalog import CATALOG

        return {i: CATALOG[i].title for i in CATALOG}
    except Exception:
        return {}


def rec_option(rec: Recommendation) -> str:
    text = rec.text if len(rec.text) <= 90 else rec.text[:87] + "…"
    return f"{rec.number} · {rec.recommending_state} · {text}"


# ------------------------------------------------------------------ drawing

def show_status(version: StatusVersion | None, track: str) -> None:
    """One status track of one recommendation: status, date, author, note, evidence, indicators."""
    with st.container(border=True):
        st.markdown(f"**{TRACKS[track]}**")
        if version is None:
            status_badge(None)
            st.caption("Nobody has recorded this yet.")
            return
        status_badge(version.status)
        st.caption(f"As of {version.as_of.isoformat()} · according to {md_escape(version.author)} · "
                   f"version {version.version}, recorded by {md_escape(version.recorded_by)} on "
                   f"{when(version.recorded_at)}")
        if version.note:
            st.text(version.note)
        if version.evidence:
            st.markdown("**Evidence**")
            st.markdown("\n".join(f"- [{md_escape(e.shown_as)}]({safe_href(e.url)})" for e in version.evidence))
        if version.indicator_ids:
            st.markdown("**Indicators whose trend counts as evidence**")
            st.markdown("\n".join(f"- {md_escape(indicator_title(i))} (`{md_escape(i)}`)"
                                  for i in version.indicator_ids))


def timeline_frame(history: list[StatusVersion]) -> pd.DataFrame:
    """The versions of both tracks, newest first, as a table (shown as text, never as HTML)."""
    rows = [{
        "recorded": when(v.recorded_at),
        "track": TRACKS[v.track],
        "version": v.version,
        "status": status_label(v.status),
        "as of": v.as_of.isoformat(),
        "according to": v.author,
        "note": v.note,
        "evidence": "\n".join(e.url for e in v.evidence),
        "indicators": ", ".join(v.indicator_ids),
        "recorded by": f"{v.recorded_by} ({v.recorded_role})",
        "restored from": f"version {v.restored_from}" if v.restored_from else "",
    } for v in reversed(history)]
    return pd.DataFrame(rows, columns=["recorded", "track", "version", "status", "as of", "according to", "note",
                                       "evidence", "indicators", "recorded by", "restored from"])


def show_problems(error: ValidationError) -> None:
    st.error(md_escape(error.title))
    st.markdown("\n".join(f"- {md_escape(str(p))}" for p in error.problems[:20]))


def show_conflict(conflict: ConflictError) -> None:
    """Both versions side by side: what is stored now, and what this editor tried to save."""
    st.error(md_escape(str(conflict)))
    current = conflict.current.content() if conflict.current is not None else {}
    fields = list(dict.fromkeys([*current, *conflict.attempted]))
    by = getattr(conflict.current, "recorded_by", "someone")
    version = getattr(conflict.current, "version", "?")
    table = pd.DataFrame({
        "field": fields,
        f"saved by {by} (version {version})": [_plain(current.get(f)) for f in fields],
        "yours (not saved)": [_plain(conflict.attempted.get(f)) for f in fields],
    })
    st.dataframe(table, hide_index=True, width="stretch")


def _plain(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def download_csv(frame: pd.DataFrame, file_name: str, label: str, key: str) -> None:
    """A CSV download with spreadsheet formulas neutralised (cells starting = + - @ get an apostrophe)."""
    st.download_button(label, data=to_csv_bytes(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:")


def status_columns() -> dict[str, str]:
    return {s: status_label(s) for s in [*STATUSES, NO_ASSESSMENT]}


def parse_evidence_lines(text: str) -> list[dict[str, str]]:
    """Evidence typed one link per line: a URL, then optionally a label after a space."""
    links = []
    for line in (text or "").splitlines():
        if line.strip():
            url, _, label = line.strip().partition(" ")
            links.append({"url": url, "label": label.strip()})
    return links


def evidence_lines(version: StatusVersion | None) -> str:
    if version is None:
        return ""
    return "\n".join(f"{e.url} {e.label}".strip() for e in version.evidence)


def flash(message: str) -> None:
    """A success message shown once, after the rerun that follows a save."""
    st.session_state["tracker_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("tracker_flash", None)
    if message:
        st.success(md_escape(message))
