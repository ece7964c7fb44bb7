"""UPR recommendations: the searchable list, and one recommendation's page when ``?rec=26.214`` is set."""

from __future__ import annotations

import streamlit as st

from indicators.tracker.errors import NotFound
from indicators.tracker.progress import filter_overview, overview_table
from indicators.tracker.validation import NO_ASSESSMENT, RESPONSES, STATUSES, TRACKS
from ui import campaign as uc
from ui import state, tables
from ui import tracker as ut
from ui.i18n import _, lang

city = ut.current_city()
store = ut.store_or_stop()

# the reader's export: headings and statuses in the reader's language
READER_COLUMNS = ["cycle", "number", "recommending_state", "response", "theme", "city_status", "city_as_of",
                  "community_status", "community_as_of", "priority_lists", "text"]


def show_list() -> None:
    st.title(_("UPR recommendations"))
    recs = store.recommendation_frame()
    if recs.empty:
        st.info(_("No recommendations yet. An editor can import the official list on the Edit page."))
        return
    lists = store.priority_lists(city)
    table = overview_table(recs, store.current_statuses_frame(city), lists)
    st.caption(_("{n} recommendations received by the United States in the Universal Periodic Review (3rd cycle: "
                 "report A/HRC/46/15, US positions A/HRC/46/15/Add.1). Statuses for {city}: what the city "
                 "government claims, and what the community assesses. Recommendation texts, recommending States "
                 "and themes are the official UN wording, in English.", n=len(recs), city=ut.city_name(city)))

    # every filter is kept in the page's address (bind), so a copied link reopens the same selection
    search = st.text_input(_("Search number, State, theme or text"), key="q", bind="query-params",
                           placeholder=_("e.g. housing, 26.214, Croatia"), max_chars=200)
    col1, col2, col3, col4 = st.columns([3, 2, 3, 2])
    choose = _("Choose options")
    themes = col1.multiselect(_("Theme"), sorted(table["theme"].unique()), placeholder=choose, key="theme",
                              bind="query-params")
    # the coded filters go into the address as codes (see state.choice_from_url), so a link works in any language
    status_options = [*STATUSES, NO_ASSESSMENT]
    state.choice_from_url("response", RESPONSES, many=True)
    state.choice_from_url("track", TRACKS, default="community")
    state.choice_from_url("status", status_options, many=True)
    responses = col2.multiselect(_("US response"), list(RESPONSES), placeholder=choose, key="response",
                                 format_func=ut.shown_as(RESPONSES, ut.response_label))
    track = col3.radio(_("Status according to"), list(TRACKS), format_func=ut.shown_as(TRACKS, ut.track_label),
                       horizontal=True, key="track")
    statuses = col3.multiselect(_("Status"), status_options, placeholder=choose, key="status",
                                format_func=ut.shown_as(status_options, ut.status_label))
    for key, value, default in (("response", responses, None), ("track", track, "community"), ("status", statuses, None)):
        state.keep_choice_in_url(key, value, default)
    # no choice stands for every recommendation, so a list may be called anything
    list_names = [pl.name for pl in lists]
    priority = col4.selectbox(_("Priority list"), list_names, index=None, key="list", bind="query-params",
                              placeholder=_("All recommendations"))
    shown = filter_overview(table, search=search, themes=themes, responses=responses, statuses=statuses,
                            status_track=track, priority_list=priority)

    st.markdown(_("**{shown}** of {total} recommendations. Select a row to open it.", shown=len(shown),
                  total=len(table)))
    view = shown.assign(
        link=shown["number"].map(ut.rec_link),
        response_label=shown["response"].map(ut.response_label),
        city_label=shown["city_status"].map(ut.status_label),
        community_label=shown["community_status"].map(ut.status_label),
        lists=shown["priority_lists"].map(lambda names: "; ".join(names)),
    )
    # the official text right after the number, as wide as the screen allows and on several lines: it is what
    # readers look for
    phone = state.on_phone()
    text_width, row_height = (250, 124) if phone else (560, 72)
    event = tables.dataframe(
        view[["link", "text", "recommending_state", "response_label", "city_label", "community_label", "theme",
              "lists"]],
        hide_index=True, width="stretch", height=min(600, 40 + row_height * max(len(view), 1)), on_select="rerun",
        selection_mode="single-row", key="rec_table", row_height=row_height,
        column_config={
            "link": st.column_config.LinkColumn(_("No."), display_text=r"rec=([0-9.]+)", width="small", pinned=True),
            "text": st.column_config.TextColumn(_("Recommendation (official text, in English)"), width=text_width),
            "recommending_state": st.column_config.TextColumn(_("Recommending State")),
            "response_label": st.column_config.TextColumn(_("US response")),
            "theme": st.column_config.TextColumn(_("Theme")),
            "city_label": st.column_config.TextColumn(ut.track_label("city")),
            "community_label": st.column_config.TextColumn(ut.track_label("community")),
            "lists": st.column_config.TextColumn(_("Priority lists")),
        })
    rows = event.selection.rows if event is not None else []
    if rows:
        st.query_params["rec"] = view.iloc[rows[0]]["number"]
        st.rerun()

    lists_joined = shown["priority_lists"].map(lambda names: "; ".join(names))
    readable = shown.assign(response=shown["response"].map(ut.response_label),
                            city_status=shown["city_status"].map(ut.status_label),
                            community_status=shown["community_status"].map(ut.status_label),
                            priority_lists=lists_joined)
    # the machine-readable list keeps English column names and codes: it is the plain format the Edit page
    # imports (number, recommending_state, text, response, theme, cycle)
    machine = shown.drop(columns=["rec_no"]).assign(priority_lists=lists_joined)
    left, right = st.columns(2)
    with left:
        ut.download_csv(ut.in_words(readable, READER_COLUMNS), f"upr_recommendations_{city}_{lang()}.csv",
                        _("Download this list (CSV)"), key="dl_list",
                        help=_("Column headings, statuses and US responses in the language of this page."))
    with right:
        ut.download_csv(machine, f"upr_recommendations_{city}.csv",
                        _("Download for re-import (CSV, English columns)"), key="dl_list_codes",
                        help=_("Stable column names and status codes, in English whatever the page language: "
                               "the Edit page can import this file again."))


def show_recommendation(number: str) -> None:
    try:
        rec = store.get_recommendation(number)
    except NotFound:
        st.error(_("There is no recommendation {number}.", number=ut.md_escape(number)))
        if st.button(_("All recommendations"), icon=":material/arrow_back:"):
            del st.query_params["rec"]
            st.rerun()
        return
    if st.button(_("All recommendations"), key="back", icon=":material/arrow_back:"):
        del st.query_params["rec"]
        st.rerun()
    st.title(_("Recommendation {number}", number=rec.number))
    made_by = _("Made by {state} · US response: **{response}** · theme: {theme} · UPR cycle {cycle}",
                state=ut.md_escape(rec.recommending_state), response=ut.response_label(rec.response),
                theme=ut.md_escape(rec.theme), cycle=rec.cycle)
    if rec.wg_report:
        made_by += " · " + _("{report}, positions in {positions}", report=ut.md_escape(rec.wg_report),
                             positions=ut.md_escape(rec.response_doc))
    st.caption(made_by)
    with st.container(border=True):
        st.markdown(ut.md_escape(rec.text, inline=False))
    st.caption(_("The official text of the recommendation, in English."))
    if rec.data_note:
        st.caption(_("Data note: {note}", note=ut.md_escape(rec.data_note)))

    st.subheader(_("Status in {city}", city=ut.city_name(city)))
    left, right = st.columns(2)
    with left:
        ut.show_status(store.current_status(rec.number, city=city, track="city", cycle=rec.cycle), "city")
    with right:
        ut.show_status(store.current_status(rec.number, city=city, track="community", cycle=rec.cycle),
                       "community")
    st.page_link(ut.page("upr_edit.py"), label=_("Edit the statuses (editors)"), icon=":material/edit:",
                 query_params=ut.kept_params(rec=rec.number))

    on_lists = [(pl, item) for pl in store.priority_lists(city) for item in pl.items
                if (item.cycle, item.number) == (rec.cycle, rec.number)]
    if on_lists:
        st.subheader(_("On local priority lists"))
        for plist, item in on_lists:
            with st.container(border=True):
                line = f"**{ut.md_escape(plist.name)}**"
                if item.responsible_body:
                    line += " · " + _("responsible: {body}", body=ut.md_escape(item.responsible_body))
                if item.target_date:
                    line += " · " + _("target: {date}", date=item.target_date.isoformat())
                st.markdown(line)
                if item.rationale:
                    st.text(item.rationale)

    uc.show_recommendation_campaign(store, city, rec)
    st.subheader(_("Status versions"))
    history = store.status_history(rec.number, city=city, cycle=rec.cycle)
    if history:
        st.caption(_("Every change is kept; the newest is on top. Editors can restore any earlier version."))
        ut.show_timeline(history)
    else:
        st.caption(_("No status has been recorded yet."))


rec_param = st.query_params.get("rec")
if rec_param:
    show_recommendation(rec_param)
else:
    show_list()
