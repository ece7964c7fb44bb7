"""Residents' testimony on the pages: the Tell us form, the receipt-code panel, the public counts and quotes.

What a person typed is shown with ``st.text`` or escaped markdown, never as HTML. Every public view reads
testimony through ``store.testimony.shared(...)`` with its purpose, which applies each testimony's consent.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pydeck as pdk
import streamlit as st

from indicators.metrics.text import escape
from indicators.tracker.errors import NotFound, ValidationError
from indicators.tracker.testimony import SubmissionLimiter, TooManySubmissions
from indicators.tracker.uploads import ACCEPTED_EXTENSIONS, MAX_FILE_BYTES, MAX_FILES
from indicators.tracker.vocabularies import (
    CONSENT_AREA,
    CONSENT_USES,
    MIN_CELL,
    TESTIMONY_KINDS,
    TESTIMONY_STATES,
)
from ui import charts, data, mapview, state
from ui import tracker as ut
from ui.i18n import _, topics

# the honeypot: a field people never see (screen readers read its label, which says to leave it empty)
HIDE_HONEYPOT = ".st-key-tell_website {position: absolute !important; left: -10000px !important; height: 1px; " \
                "overflow: hidden;}"  # i18n: not shown


@st.cache_resource(show_spinner=False)
def submission_limiter() -> SubmissionLimiter:
    """Five testimonies per client and hour, for every session of this process."""
    return SubmissionLimiter(limit=5, window_seconds=3600)


@st.cache_resource(show_spinner=False)
def lookup_limiter() -> SubmissionLimiter:
    """Thirty receipt-code look-ups per client and hour: enough for a person, too few to guess codes."""
    return SubmissionLimiter(limit=30, window_seconds=3600)


def client_key() -> str:
    return f"client:{st.context.ip_address or 'unknown'}"


def area_level(city: str) -> str | None:
    return state.area_level(city)


def area_picker(city: str, key: str, *, with_map: bool = True) -> str:
    """The neighborhood, chosen from the list or by clicking it on the map (no street address is asked for)."""
    level = area_level(city)
    names = data.area_names(city, level) if level else {}
    if not names:
        st.caption(_("This city's data has no neighborhoods to choose from."))
        return ""
    options = ["", *names]
    picked_key = f"{key}_map"
    clicked = ((st.session_state.get(picked_key) or {}).get("selection", {}).get("indices", {}) or {}).get("areas")
    if clicked and st.session_state.get(f"{picked_key}_applied") != clicked[0]:
        # a new click on the map: the list follows it before it is drawn (a choice in the list then stays)
        st.session_state[key] = data.areas(city, level).iloc[clicked[0]]["area_id"]
        st.session_state[f"{picked_key}_applied"] = clicked[0]
    chosen = st.selectbox(data.area_word(level), options, key=key,
                          format_func=ut.shown_as(options, lambda a: names.get(a, _("Not said"))),
                          help=_("No street address, please: the neighborhood is enough."))
    if with_map:
        # the map is made and sent only while its panel is open: a map in a folded panel is still drawn by the
        # browser, which was the most expensive part of this form to show
        panel = st.expander(_("Or choose it on the map"), on_change="rerun", key=f"{picked_key}_open")
        if panel.open:
            with panel:
                st.pydeck_chart(_area_deck(city, level, chosen), on_select="rerun", selection_mode="single-object",
                                key=picked_key, height=360)
    return chosen or ""


def _area_deck(city: str, level: str, chosen: str) -> pdk.Deck:
    areas = data.areas(city, level)
    shapes = data.area_shapes(city, level)
    features = [{"type": "Feature", "geometry": shapes[a], "properties": {  # i18n: not shown
        "name": escape(n), "fill": [31, 78, 121, 170] if a == chosen else [200, 210, 222, 140]}}
        for a, n in zip(areas["area_id"], areas["name"], strict=True)]
    bounds = areas.total_bounds
    view = pdk.ViewState(longitude=float((bounds[0] + bounds[2]) / 2), latitude=float((bounds[1] + bounds[3]) / 2),
                         zoom=10.5)
    layer = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="areas",
                      pickable=True, stroked=True, filled=True, get_fill_color="properties.fill",
                      get_line_color=[60, 60, 60, 200], line_width_min_pixels=1, auto_highlight=True)
    return mapview.CompactDeck(layers=[layer], initial_view_state=view, tooltip={"text": "{name}"},
                               **mapview.base_map())


def consent_fields(prefix: str, *, use: str | None = None, area: bool | None = None) -> tuple[str, bool]:
    """The person's consent, in their own words: how their words may be used, and whether their neighborhood
    may be shown."""
    uses = list(CONSENT_USES)
    chosen = st.radio(_("How may the coalition use what you wrote?"), uses,
                      index=uses.index(use) if use in uses else None, key=f"{prefix}_consent",
                      format_func=ut.shown_as(uses, lambda u: _(CONSENT_USES[u])),
                      help=_("Your name is never published. You can withdraw your testimony at any time with your "
                             "receipt code."))
    shown = st.checkbox(_(CONSENT_AREA), value=bool(area), key=f"{prefix}_area_ok")
    return chosen, shown


def testimony_fields(city: str, prefix: str) -> dict:
    """What happened, what it concerns, where and when."""
    kinds = list(TESTIMONY_KINDS)
    fields = {"kind": st.radio(_("Is this about…"), kinds, key=f"{prefix}_kind", horizontal=True,
                               format_func=ut.shown_as(kinds, lambda k: _(TESTIMONY_KINDS[k])))}
    fields["story"] = st.text_area(
        _("What happened, or what works?"), key=f"{prefix}_story", max_chars=5_000, height=180,
        placeholder=_("In your own words. Please leave out names of other people and street addresses."))
    topic_names = topics()
    fields["topics"] = st.multiselect(_("Which rights or topics does it concern?"), list(topic_names),
                                      key=f"{prefix}_topics", format_func=ut.shown_as(topic_names, topic_names.get),
                                      placeholder=_("Choose options"))
    themes = sorted(ut.store(city).recommendation_frame()["theme"].unique())
    fields["upr_themes"] = st.multiselect(_("UN themes (optional)"), themes, key=f"{prefix}_themes",
                                          placeholder=_("Choose options"),
                                          help=_("The themes of the UN's recommendations, in English."))
    fields["area_id"] = area_picker(city, f"{prefix}_area")
    fields["area_level"] = area_level(city) or ""
    fields["occurred_on"] = st.date_input(_("When did it happen? (optional)"), value=None, key=f"{prefix}_when",
                                          min_value=dt.date(1945, 1, 1), max_value=dt.date.today(),
                                          format="YYYY-MM-DD")
    return fields


def file_field(prefix: str) -> list[tuple[str, bytes]]:
    files = st.file_uploader(
        _("Pictures or documents (optional)"), type=list(ACCEPTED_EXTENSIONS), accept_multiple_files=True,
        key=f"{prefix}_files", max_upload_size=MAX_FILE_BYTES // (1024 * 1024),
        help=_("Up to {n} files of {mb} MB each: JPEG, PNG or WebP pictures, or PDF. Location and camera data are "
               "removed from pictures when they are stored. Only reviewers see the files.", n=MAX_FILES,
               mb=MAX_FILE_BYTES // (1024 * 1024)))
    return [(f.name, f.getvalue()) for f in files or []]


def receipt_box(code: str) -> None:
    with st.container(border=True):
        st.success(_("Thank you. Your testimony was received; a reviewer reads it before anything is shown."),
                   icon=":material/check_circle:")
        st.markdown(_("**Your receipt code** — keep it: with it you can see what happens to your testimony, and "
                      "withdraw it at any time."))
        st.code(code, language=None)


def receipt_panel(store) -> None:
    """See a testimony's state with its receipt code, and withdraw it."""
    code = st.text_input(_("Receipt code"), key="receipt_code", max_chars=30, placeholder="XXXX-XXXX-XXXX")
    if not code:
        return
    try:
        lookup_limiter().check(client_key())
        view = store.testimony.by_receipt(code)
    except (NotFound, TooManySubmissions) as exc:
        ut.show_error(exc)
        return
    state_label = _(TESTIMONY_STATES.get(view.state, view.state))
    st.markdown(_("**State:** {state} · given {given} · last change {changed}", state=state_label,
                  given=ut.when(view.given_at), changed=ut.when(view.changed_at)))
    if view.reason:
        st.markdown(_("**The reviewer's note:**"))
        st.text(view.reason)
    if view.story:
        st.markdown(_("**What you wrote:**"))
        st.text(view.story)
    if view.excerpt:
        st.markdown(_("**What may be quoted (shortened by a reviewer):**"))
        st.text(view.excerpt)
    st.caption(_("Allowed use: {use}. {area}", use=_(CONSENT_USES[view.consent_use]),
                 area=_("Your neighborhood may be shown.") if view.consent_area else
                 _("Your neighborhood is not shown.")))
    if view.state == "withdrawn":
        st.info(_("This testimony was withdrawn: its words and files were erased, and it is in no page, count or "
                  "report made since."))
        return
    if view.state == "changes_requested":
        revise_form(store, code, view)
    confirm = st.checkbox(_("I want to withdraw my testimony"), key="receipt_confirm")
    if st.button(_("Withdraw it"), type="primary", disabled=not confirm, key="receipt_withdraw"):
        store.testimony.withdraw(code)
        ut.flash(_("Your testimony was withdrawn. Its words and files were erased."))
        st.rerun()
    st.caption(_("Withdrawing erases your words, your contact and your files, and removes your testimony from "
                 "every page, count and report made from now on. Reports already printed or sent cannot be "
                 "called back."))


def revise_form(store, code: str, view) -> None:
    with st.form("revise"):
        st.markdown(_("**Change what you wrote** (it goes back to a reviewer)"))
        story = st.text_area(_("What happened, or what works?"), value=view.story, max_chars=5_000, height=160)
        sent = st.form_submit_button(_("Send the changed testimony"))
    if sent:
        current = store.testimony.get(view.testimony_id)
        try:
            store.testimony.revise(code, expected_version=view.version, story=story, kind=current.kind,
                                   consent_use=current.consent_use, consent_area=current.consent_area,
                                   topics=current.topics, upr_themes=current.upr_themes,
                                   area_level=current.area_level, area_id=current.area_id,
                                   occurred_on=current.occurred_on)
        except ValidationError as exc:
            ut.show_problems(exc)
            return
        ut.flash(_("Thank you: your changed testimony waits for a reviewer."))
        st.rerun()


def public_counts(store, city: str) -> None:
    """Accepted testimony by neighborhood and by topic, only where at least five."""
    counts = store.testimony.counts(city)
    level = area_level(city)
    names = data.area_names(city, level) if level else {}
    topic_names = topics()
    st.caption(_("Counts of accepted testimony whose givers allowed it to be used beyond the coalition. A count is "
                 "shown only from {n}: fewer (none included) is said as “fewer than {n}”, so no one can be singled "
                 "out.", n=MIN_CELL))
    left, right = st.columns(2)
    with left:
        st.markdown(_("**By neighborhood**"))
        if counts.by_area.empty:
            st.caption(_("No neighborhood has {n} or more yet.", n=MIN_CELL))
        else:
            charts.text_table(pd.DataFrame({data.area_word(level): counts.by_area["area_id"].map(
                lambda a: names.get(a, a)), _("Testimonies"): counts.by_area["count"]}))
            st.caption(_("Neighborhoods not listed: fewer than {n}.", n=MIN_CELL))
    with right:
        st.markdown(_("**By topic**"))
        if counts.by_topic.empty:
            st.caption(_("No topic has {n} or more yet.", n=MIN_CELL))
        else:
            charts.text_table(pd.DataFrame({_("Topic"): counts.by_topic["topic"].map(
                lambda t: topic_names.get(t, t)), _("Testimonies"): counts.by_topic["count"]}))


def public_quotes(store, city: str, *, number: str | None = None, numbers=None, area_id: str | None = None,
                  indicator_id: str | None = None, limit: int = 4, heading: str | None = None) -> int:
    """Accepted testimony whose givers allowed public quotes (neighborhood only where allowed), on a
    recommendation, one of ``numbers``, a neighborhood or an indicator; returns how many there are."""
    quotes = store.testimony.shared(city, "public", number=number, area_id=area_id, indicator_id=indicator_id)
    if numbers is not None:
        quotes = [q for q in quotes if set(numbers) & set(q.recommendation_numbers)]
    if not quotes:
        return 0
    if heading:
        st.subheader(heading)
    level = area_level(city)
    names = data.area_names(city, level) if level else {}
    for quote in quotes[:limit]:
        with st.container(border=True):
            st.text(quote.text)
            where = names.get(quote.area_id, quote.area_id) if quote.area_id else _("a resident")
            st.caption(_("{kind} · {where}{when}", kind=_(TESTIMONY_KINDS[quote.kind]), where=ut.md_escape(where),
                         when=f" · {quote.period}" if quote.period else ""))
    if len(quotes) > limit:
        st.caption(_("{shown} of {total} quotes shown.", shown=limit, total=len(quotes)))
    return len(quotes)


def testimony_table(items, names: dict[str, str]) -> pd.DataFrame:
    """Testimony as a table for the coalition (reviewers' views), in the reader's words."""
    return pd.DataFrame([{
        "id": t.testimony_id, "given": ut.when(t.created_at), "state": _(TESTIMONY_STATES[t.state]),
        "consent": _(CONSENT_USES[t.consent_use]), "area": names.get(t.area_id, t.area_id),
        "text": t.story[:160]} for t in items], columns=["id", "given", "state", "consent", "area", "text"])


def area_section(city: str, area_id: str, name: str) -> None:
    """On an area's profile: how many residents' testimonies it has (from five), their public words, and where to
    give one."""
    store = ut.store(city)
    st.header(_("What residents told us about {area}", area=ut.md_escape(name)))
    counts = store.testimony.counts(city)
    here = counts.by_area[counts.by_area["area_id"] == area_id]
    if len(here):
        st.markdown(_("**{n}** accepted testimonies from residents of {area}.", n=int(here["count"].iloc[0]),
                      area=ut.md_escape(name)))
    else:
        st.caption(_("Fewer than {n} accepted testimonies from residents of {area} (counts are shown from {n}, so "
                     "no one can be singled out).", n=MIN_CELL, area=ut.md_escape(name)))
    public_quotes(store, city, area_id=area_id, limit=3)
    st.page_link(ut.page("tell_us.py"), label=_("Tell us what happens here"), icon=":material/record_voice_over:")
