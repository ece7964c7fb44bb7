"""Review testimony (sign in): the queue of what waits, decisions with reasons, testimony gathered at a meeting or
by phone, and the coalition's own export."""

from __future__ import annotations

import streamlit as st

from indicators.tracker.auth import RECORD_TESTIMONY, REVIEW_TESTIMONY
from indicators.tracker.errors import ValidationError
from indicators.tracker.vocabularies import CHANNELS, TESTIMONY_ACTIONS
from ui import auth, tables
from ui import review as rv
from ui import testimony as tm
from ui import tracker as ut
from ui.i18n import _, lang

city = ut.current_city()
store = ut.store_or_stop()

st.title(_("Review testimony"))
st.caption(_("Residents' testimony for {city}: nothing is public until a reviewer accepts it, and then only as "
             "its giver allowed.", city=ut.md_escape(ut.city_name(city))))
actor = auth.page_actor(
    "/review", sign_in=_("Sign in to review testimony. Reviewers and editors of the coalition have accounts."),
    not_allowed=_("Your role does not review testimony. Ask an editor to give you the reviewer role."),
    allowed=lambda person: person.can(REVIEW_TESTIMONY) or person.can(RECORD_TESTIMONY))

codes = (["queue", "changes", "decided"] if actor.can(REVIEW_TESTIMONY) else []) + ["enter"] + (
    ["export"] if actor.can(REVIEW_TESTIMONY) else [])
titles = {"queue": _("Waiting for review"), "changes": _("Changes asked for"), "decided": _("Decided"),
          "enter": _("Enter testimony"), "export": _("Export")}
tabs = dict(zip(codes, st.tabs([titles[c] for c in codes]), strict=True))


def review_list(states: tuple[str, ...], key: str, empty: str) -> None:
    items = store.testimony.queue(city, actor, states=states)
    if key == "decided":
        items = list(reversed(items))
    if not items:
        st.info(empty)
        return
    st.caption(_("In this list: {n}, oldest first.", n=len(items)) if key != "decided" else
               _("In this list: {n}, newest first.", n=len(items)))
    ids = [t.testimony_id for t in items]
    chosen = st.selectbox(_("Testimony"), ids, key=f"pick_{key}",
                          format_func=ut.shown_as(ids, lambda i: rv.describe(next(t for t in items
                                                                                   if t.testimony_id == i))))
    current = store.testimony.review_copy(chosen, actor)
    rv.show_testimony(store, actor, current, city)
    rv.decision_form(store, actor, current)
    with st.expander(_("Versions of this testimony")):
        tables.dataframe([{_("Version"): v.version, _("What happened"): _(TESTIMONY_ACTIONS[v.action]), _("By"): v.recorded_by,
                       _("When"): ut.when(v.recorded_at), _("Reason"): v.reason}
                      for v in reversed(store.testimony.history(chosen, actor))], hide_index=True, width="stretch")


if "queue" in tabs:
    with tabs["queue"]:
        review_list(("pending",), "queue", _("Nothing waits for review."))
    with tabs["changes"]:
        review_list(("changes_requested",), "changes", _("No testimony waits for its giver's changes."))
    with tabs["decided"]:
        review_list(("accepted", "rejected"), "decided", _("No testimony has been decided yet."))

with tabs["enter"]:
    st.markdown(_("Testimony heard at a meeting, by phone or in a letter, entered with the person's consent. Give "
                  "them the receipt code: it is theirs, to follow or withdraw their testimony."))
    receipt = st.session_state.pop("enter_receipt", None)
    if receipt:
        tm.receipt_box(receipt)
    channels = [c for c in CHANNELS if c != "online"]
    channel = st.radio(_("Gathered"), channels, horizontal=True, key="enter_channel",
                       format_func=ut.shown_as(channels, lambda c: _(CHANNELS[c])))
    gathered_by = st.text_input(_("Gathered by"), value=actor.label, max_chars=200, key="enter_by")
    fields = tm.testimony_fields(city, "enter")
    consent, area_ok = tm.consent_fields("enter")
    contact = st.text_input(_("Contact (optional, only reviewers see it)"), key="enter_contact", max_chars=200)
    if st.button(_("Save the testimony"), type="primary", key="enter_send"):
        try:
            sent = store.testimony.submit(city=city, consent_use=consent, consent_area=area_ok, contact=contact,
                                          channel=channel, actor=actor, gathered_by=gathered_by, **fields)
        except ValidationError as exc:
            ut.show_problems(exc)
        else:
            st.session_state["enter_receipt"] = sent.code
            for name in ("story", "topics", "themes", "area", "when", "consent", "area_ok", "contact"):
                st.session_state.pop(f"enter_{name}", None)
            st.rerun()

if "export" in tabs:
    with tabs["export"]:
        st.markdown(_("Every testimony of {city} with its consent and state, for the coalition only: keep this file "
                      "as private as the testimony itself. Withdrawn testimony has no words left.",
                      city=ut.md_escape(ut.city_name(city))))
        frame = store.testimony.coalition_frame(city, actor)
        ut.download_csv(frame, f"testimony_{city}_{lang()}.csv", _("Download all testimony (CSV)"),
                        key="dl_testimony", help=_("Cells that would start a spreadsheet formula are neutralised."))
        st.caption(_("Testimonies in all: {n}.", n=len(frame)))
