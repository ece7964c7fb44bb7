"""Streamlit helpers shared by the UPR tracker pages: the store, the city, and drawing records safely.

Text people typed (notes, names, rationales, even recommendation text) is never given to
Streamlit as HTML: it goes through :func:`md_escape` before any markdown element, or into
``st.text`` / dataframes, which show it as it is.

Everything else is said in the reader's language (``ui.i18n``); stored codes (statuses, tracks, responses)
stay as they are and are put into words where shown. Official recommendation texts, recommending States,
themes and typed text are data: never translated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from indicators.snapshot.read import default_snapshot_dir
from indicators.tracker.db import CITY_PLACEHOLDER, SharedStoreError, resolve_url
from indicators.tracker.errors import ConflictError, ValidationError, in_language, message_of
from indicators.tracker.importer import SeedError, ensure_seeded
from indicators.core.exports import to_csv_bytes
from indicators.tracker.records import Recommendation, StatusVersion
from indicators.tracker.store import Store
from indicators.tracker.validation import NO_ASSESSMENT, NO_ASSESSMENT_LABEL, RESPONSES, STATUS_COLORS, STATUSES, TRACKS  # noqa: F401  (pages read ut.STATUS_COLORS)
from ui.i18n import N_, _, lang
from ui import tables

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
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")

#: column headings of the tracker's tables and reader exports, by column code (codes stay in the data)
HEADINGS = {
    "cycle": N_("UPR cycle"),
    "number": N_("No."),
    "rec_no": N_("Recommendation number in the report"),
    "recommending_state": N_("Recommending State"),
    "response": N_("US response"),
    "theme": N_("Theme"),
    "text": N_("Recommendation (official text, in English)"),
    "wg_report": N_("Working Group report"),
    "response_doc": N_("US positions (addendum)"),
    "review_date": N_("Review date"),
    "data_note": N_("Data note"),
    "city_status": TRACKS["city"],
    "city_as_of": N_("City government claim as of"),
    "community_status": TRACKS["community"],
    "community_as_of": N_("Community assessment as of"),
    "priority_lists": N_("Priority lists"),
    "priority_list": N_("Priority list"),
    "date": N_("Date"),
    "status": N_("Status"),
    "count": N_("Recommendations"),
    "total": N_("Total"),
    "implemented_share": N_("Share implemented"),
    "position": N_("Position"),
    "responsible": N_("Responsible local body"),
    "target": N_("Target date"),
    "rationale": N_("Why it matters here"),
    "recommendation": N_("Recommendation (official text, in English)"),
    "overdue": N_("Overdue"),
}
#: the headings of a status timeline (the frame's columns are these codes)
TIMELINE_HEADINGS = {
    "recorded": N_("Recorded"),
    "track": N_("Track"),
    "version": N_("Version"),
    "status": N_("Status"),
    "as_of": N_("As of"),
    "according_to": N_("According to"),
    "note": N_("Note"),
    "evidence": N_("Evidence"),
    "indicators": N_("Indicators"),
    "recorded_by": N_("Recorded by"),
    "restored_from": N_("Restored from"),
}
#: the fields of a status or a priority list, as named in a conflict
CONTENT_FIELDS = {
    "status": N_("status"),
    "as_of": N_("as of"),
    "author": N_("according to"),
    "note": N_("note"),
    "evidence": N_("evidence"),
    "indicator_ids": N_("indicators"),
    "name": N_("name"),
    "description": N_("description"),
    "archived": N_("archived"),
    "items": N_("recommendations"),
    "state": N_("state"),
    "reason": N_("reason"),
    "excerpt": N_("excerpt"),
    "recommendation_numbers": N_("recommendations"),
}


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


#: who recorded a version, where no name of theirs is known (the public never sees an account or an address)
RECORDERS = {"editor": N_("a coalition editor"), "city": N_("a city government liaison"),
             "community": N_("a community assessor"), "viewer": N_("a reader"), "system": N_("the app itself")}


def recorder(version) -> str:
    """Who recorded a status or list version, as the public pages say it: their name, else their role in words."""
    name = getattr(version, "recorded_by_name", "") or ""
    if name and "@" not in name:
        return name
    role = getattr(version, "recorded_role", "")
    return _(RECORDERS[role]) if role in RECORDERS else _("someone")


def status_label(status: str | None) -> str:
    """The status in the reader's words (``None`` or ``no_assessment``: "No assessment yet")."""
    return _(STATUSES.get(status or "", NO_ASSESSMENT_LABEL))


def response_label(response: str) -> str:
    """The US response (``supported`` …) in the reader's words."""
    return _(RESPONSES[response]) if response in RESPONSES else response


def track_label(track: str) -> str:
    """The status track (``city``, ``community``) in the reader's words."""
    return _(TRACKS[track])


def shown_as(options, label) -> Callable[[object], str]:
    """A widget's ``format_func`` with every option's label worked out now, in the reader's language: Streamlit
    may call a format function again outside the run, where the reader's language is not known."""
    table = {option: label(option) for option in options}
    return lambda option: table.get(option, str(option))


def heading(column: str) -> str:
    """A column's heading in the reader's language (a status code as a column: the status in words)."""
    if column in HEADINGS:
        return _(HEADINGS[column])
    return status_label(column) if column in STATUSES or column == NO_ASSESSMENT else column


def in_words(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A reader's export: the chosen ``columns`` (all by default) with their headings in the reader's language.
    Statuses and responses should already be in words; official texts and names stay as they are."""
    chosen = frame[columns] if columns is not None else frame
    return chosen.rename(columns={c: heading(c) for c in chosen.columns})


def kept_params(**params: str) -> dict[str, str]:
    """``params`` with the reader's city and language from the URL, so a link opens the same view."""
    kept = {name: st.query_params[name] for name in ("city",) if name in st.query_params}
    if lang() != "en":
        kept["lang"] = lang()
    return {**params, **kept}


def rec_link(number: str, page_path: str = "") -> str:
    """A relative link to one recommendation's page that keeps the reader's city and language."""
    return f"{page_path}?{urlencode(kept_params(rec=number))}"


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


@st.cache_resource(show_spinner=False)   # the spinner is drawn by store(), in the reader's language
def _open_store(url: str) -> Store:
    return Store.open(url)


def snapshot_parquet(city: str) -> Path:
    """The city snapshot's recommendations (written by the snapshot build)."""
    return default_snapshot_dir(city) / SNAPSHOT_FILE


def store_url(city: str) -> str:
    """The URL of ``city``'s own store (``$HRC_TRACKER_URL``, else ``[tracker] url``, else the city's SQLite
    file; ``{city}`` in a URL is the city id). Raises :class:`SharedStoreError` where a URL without ``{city}``
    is asked for a city other than the dashboard's default."""
    from ui import data

    return resolve_url(None, secrets_section("tracker").get("url"), city=city, default_city=data.cities()[0])


def store(city: str | None = None) -> Store:
    """The store of ``city`` (the reader's city when None), one per URL and process, seeded from the city's
    snapshot the first time it is empty: each city's statuses and priority lists stay in its own store."""
    city = city or current_city()
    with st.spinner(_("Opening the tracker…")):   # shown only when opening takes a while
        opened = _open_store(store_url(city))
    if opened.count_recommendations() == 0:
        ensure_seeded(opened, snapshot_parquet(city))
    folder = secrets_section("tracker").get("attachments_dir")
    if folder:   # testimony's files in a folder every replica shares, rather than in the store
        opened.testimony.attachments_dir = Path(folder)
    return opened


@st.cache_data(show_spinner=False, ttl=60)
def upr_on_themes(city: str, themes: tuple[str, ...]) -> pd.DataFrame:
    """The recommendations whose theme is one of ``themes``, with the city's two current statuses
    (:func:`indicators.tracker.progress.overview_table`)."""
    from indicators.tracker.progress import overview_table

    opened = store(city)
    table = overview_table(opened.recommendation_frame(), opened.current_statuses_frame(city))
    return table[table["theme"].isin(themes)].reset_index(drop=True)


def shared_store_message(error: SharedStoreError) -> str:
    """Why a one-city store does not serve this city, with the cities' names, in the reader's language."""
    return _(SharedStoreError.template, city=md_escape(city_name(error.city)), home=md_escape(city_name(error.home)),
             placeholder=CITY_PLACEHOLDER)


def store_or_stop() -> Store:
    try:
        return store()
    except SharedStoreError as exc:
        st.error(shared_store_message(exc), icon=":material/database:")
        st.stop()
    except SeedError as exc:  # the store opened; the snapshot's list to fill it is damaged
        st.error(_("The tracker has no recommendations yet, and the city snapshot's list cannot be read to fill "
                   "it: {reason}", reason=md_escape(in_language(message_of(exc), lang()))),
                 icon=":material/report:")
        st.stop()
    except Exception as exc:  # the page says what is wrong instead of a traceback
        st.error(_("The UPR tracker store cannot be opened ({kind}). Check `[tracker] url` in the secrets, or "
                   "remove it to use the local SQLite file.", kind=type(exc).__name__))
        st.stop()


def current_city() -> str:
    """The city chosen in the dashboard's shared sidebar, else ``?city=``, else the default city; always one
    that has a snapshot (a city id from the URL never names a store by itself)."""
    from ui import data

    options = data.cities()
    view = st.session_state.get("view")
    city = view.get("city") if isinstance(view, dict) else None
    city = city or st.query_params.get("city")
    return city if city in options else options[0]


def city_name(city: str) -> str:
    from ui import data

    return data.city_name(city)


def indicator_title(indicator_id: str) -> str:
    """The catalog title of an indicator in the reader's language, or its id when the catalog does not know it."""
    try:
        from indicators.metrics.catalog import CATALOG, get

        return get(indicator_id, lang()).title if indicator_id in CATALOG else indicator_id
    except Exception:
        return indicator_id


def indicator_choices() -> dict[str, str]:
    try:
        from indicators.metrics.catalog import CATALOG, get

        return {i: get(i, lang()).title for i in CATALOG}
    except Exception:
        return {}


def rec_option(rec: Recommendation) -> str:
    text = rec.text if len(rec.text) <= 90 else rec.text[:87] + "…"
    return f"{rec.number} · {rec.recommending_state} · {text}"


# ------------------------------------------------------------------ drawing

def show_status(version: StatusVersion | None, track: str) -> None:
    """One status track of one recommendation: status, date, author, note, evidence, indicators."""
    with st.container(border=True):
        st.markdown(f"**{track_label(track)}**")
        if version is None:
            status_badge(None)
            st.caption(_("Nobody has recorded this yet."))
            return
        status_badge(version.status)
        st.caption(_("As of {date} · according to {author} · version {version}, recorded by {by} on {when}",
                     date=version.as_of.isoformat(), author=md_escape(version.author), version=version.version,
                     by=md_escape(recorder(version)), when=when(version.recorded_at)))
        if version.note:
            st.text(version.note)
        if version.evidence:
            st.markdown(_("**Evidence**"))
            st.markdown("\n".join(f"- [{md_escape(e.shown_as)}]({safe_href(e.url)})" for e in version.evidence))
        if version.indicator_ids:
            st.markdown(_("**Indicators whose trend counts as evidence**"))
            st.markdown("\n".join(f"- {md_escape(indicator_title(i))} (`{md_escape(i)}`)"
                                  for i in version.indicator_ids))


def timeline_frame(history: list[StatusVersion]) -> pd.DataFrame:
    """The versions of both tracks, newest first, as a table (shown as text, never as HTML); the columns are
    the codes of :data:`TIMELINE_HEADINGS`, the statuses and tracks in the reader's words."""
    rows = [{
        "recorded": when(v.recorded_at),
        "track": track_label(v.track),
        "version": v.version,
        "status": status_label(v.status),
        "as_of": v.as_of.isoformat(),
        "according_to": v.author,
        "note": v.note,
        "evidence": "\n".join(e.url for e in v.evidence),
        "indicators": ", ".join(v.indicator_ids),
        "recorded_by": recorder(v),
        "restored_from": _("version {version}", version=v.restored_from) if v.restored_from else "",
    } for v in reversed(history)]
    return pd.DataFrame(rows, columns=list(TIMELINE_HEADINGS))


def show_timeline(history: list[StatusVersion]) -> None:
    tables.dataframe(timeline_frame(history), hide_index=True, width="stretch",
                 column_config={code: st.column_config.Column(_(label)) for code, label in TIMELINE_HEADINGS.items()})


def show_problems(error: ValidationError, labels: dict[str, str] | None = None) -> None:
    """Why an input was refused, in the reader's language (typed values quoted in it are shown as text).
    ``labels`` names the fields as the form on the page labels them (the store's word → the form's label)."""
    st.error(md_escape(in_language(error.title, lang())))
    shown = [dataclasses.replace(p, field=labels[p.field]) if labels and isinstance(p.field, str)
             and p.field in labels else p for p in error.problems[:20]]
    st.markdown("\n".join(f"- {md_escape(p.in_language(lang()))}" for p in shown))


def show_error(error: Exception) -> None:
    """A refused sign-in or write, said in the reader's language."""
    st.error(md_escape(in_language(message_of(error), lang())))


def show_conflict(conflict: ConflictError) -> None:
    """Both versions side by side: what is stored now, and what this editor tried to save."""
    show_error(conflict)
    current = conflict.current.content() if conflict.current is not None else {}
    fields = list(dict.fromkeys([*current, *conflict.attempted]))
    by = recorder(conflict.current) if conflict.current is not None else _("someone")
    version = getattr(conflict.current, "version", "?")
    table = pd.DataFrame({
        _("field"): [_(CONTENT_FIELDS[f]) if f in CONTENT_FIELDS else f for f in fields],
        _("saved by {by} (version {version})", by=by, version=version): [
            _shown(f, current.get(f)) for f in fields],
        _("yours (not saved)"): [_shown(f, conflict.attempted.get(f)) for f in fields],
    })
    tables.dataframe(table, hide_index=True, width="stretch")


def _shown(field: str, value: object) -> str:
    """A field's value as text; a status, or a testimony's state, in the reader's words."""
    from indicators.tracker.vocabularies import TESTIMONY_STATES

    if field == "state" and value in TESTIMONY_STATES:
        return _(TESTIMONY_STATES[value])
    return status_label(value) if field == "status" and value in STATUSES else _plain(value)


def _plain(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def download_csv(frame: pd.DataFrame, file_name: str, label: str, key: str, help: str | None = None) -> None:
    """A CSV download with spreadsheet formulas neutralised (cells starting = + - @ get an apostrophe)."""
    st.download_button(label, data=lambda: to_csv_bytes(frame), file_name=file_name, mime="text/csv", key=key,
                       on_click="ignore",
                       icon=":material/download:", help=help)


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
