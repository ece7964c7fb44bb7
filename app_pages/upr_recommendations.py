"""UPR recommendations: the searchable list, and one recommendation's page when ``?rec=26.214`` is set."""

from __future__ import annotations

import streamlit as st

from indicators.tracker.errors import NotFound
from indicators.tracker.progress import filter_overview, overview_table
from indicators.tracker.validation import NO_ASSESSMENT, RESPONSES, STATUSES, TRACKS
from ui import tracker as ut

city = ut.current_city()
store = ut.store_or_stop()


def show_list() -> None:
    st.title("UPR recommendations")
    recs = store.recommendation_frame()
    if recs.empty:
        st.info("No recommendations yet. An editor can import the official list on the Edit page.")
        return
    lists = store.priority_lists(city)
    table = overview_table(recs, store.current_statuses_frame(city), lists)
    st.caption(f"{len(recs)} recommendations received by the United States in the Universal Periodic Review "
               f"(3rd cycle: report A/HRC/46/15, US positions A/HRC/46/15/Add.1). Statuses for "
               f"{ut.city_name(city)}: what the city government claims, and what the community assesses.")

    search = st.text_input("Search number, State, theme or text", placeholder="e.g. housing, 26.214, Croatia",
                           max_chars=200)
    col1, col2, col3, col4 = st.columns([3, 2, 3, 2])
    themes = col1.multiselect("Theme", sorted(table["theme"].unique()))
    responses = col2.multiselect("US response", list(RESPONSES), format_func=RESPONSES.get)
    track = col3.radio("Status according to", list(TRACKS), format_func=TRACKS.get, horizontal=True,
                       index=1)
    statuses = col3.multiselect("Status", [*STATUSES, NO_ASSESSMENT], format_func=ut.status_label)
    list_names = [pl.name for pl in lists]
    priority = col4.selectbox("Priority list", ["All recommendations", *list_names])
    shown = filter_overview(table, search=search, themes=themes, responses=responses, statuses=statuses,
                            status_track=track,
                            priority_list=None if priority == "All recommendations" else priority)

    st.markdown(f"**{len(shown)}** of {len(table)} recommendations. Select a row to open it.")
    view = shown.assign(
        link="?rec=" + shown["number"],
        response_label=shown["response"].map(RESPONSES),
        city_label=shown["city_status"].map(ut.status_label),
        community_label=shown["community_status"].map(ut.status_label),
        lists=shown["priority_lists"].map(lambda names: "; ".join(names)),
    )
    event = st.dataframe(
        view[["link", "recommending_state", "response_label", "city_label", "community_label", "theme", "lists",
              "text"]],
        hide_index=True, width="stretch", height=560, on_select="rerun", selection_mode="single-row",
        key="rec_table",
        column_config={
            "link": st.column_config.LinkColumn("No.", display_text=r"\?rec=(.*)", width="small"),
            "recommending_state": st.column_config.TextColumn("Recommending State"),
            "response_label": st.column_config.TextColumn("US response"),
            "theme": st.column_config.TextColumn("Theme"),
            "city_label": st.column_config.TextColumn(TRACKS["city"]),
            "community_label": st.column_config.TextColumn(TRACKS["community"]),
            "lists": st.column_config.TextColumn("Priority lists"),
            "text": st.column_config.TextColumn("Recommendation", width="large"),
        })
    rows = event.selection.rows if event is not None else []
    if rows:
        st.query_params["rec"] = view.iloc[rows[0]]["number"]
        st.rerun()
    export = shown.drop(columns=["rec_no"])
    ut.download_csv(export, f"upr_recommendations_{city}.csv", "Download this list (CSV)", key="dl_list")


def show_recommendation(number: str) -> None:
    try:
        rec = store.get_recommendation(number)
    except NotFound:
        st.error(f"There is no recommendation {ut.md_escape(number)}.")
        if st.button("All recommendations", icon=":material/arrow_back:"):
            del st.query_params["rec"]
            st.rerun()
        return
    if st.button("All recommendations", key="back", icon=":material/arrow_back:"):
        del st.query_params["rec"]
        st.rerun()
    st.title(f"Recommendation {rec.number}")
    st.caption(f"Made by {ut.md_escape(rec.recommending_state)} · US response: **{rec.response_label}** · "
               f"theme: {ut.md_escape(rec.theme)} · UPR cycle {rec.cycle}"
               + (f" · {ut.md_escape(rec.wg_report)}, positions in {ut.md_escape(rec.response_doc)}"
                  if rec.wg_report else ""))
    with st.container(border=True):
        st.markdown(ut.md_escape(rec.text, inline=False))
    if rec.data_note:
        st.caption("Data note: " + ut.md_escape(rec.data_note))

    st.subheader(f"Status in {ut.city_name(city)}")
    left, right = st.columns(2)
    with left:
        ut.show_status(store.current_status(rec.number, city=city, track="city", cycle=rec.cycle), "city")
    with right:
        ut.show_status(store.current_status(rec.number, city=city, track="community", cycle=rec.cycle),
                       "community")
    st.page_link(ut.page("upr_edit.py"), label="Edit the statuses (editors)", icon=":material/edit:",
                 query_params={"rec": rec.number})

    on_lists = [(pl, item) for pl in store.priority_lists(city) for item in pl.items
                if (item.cycle, item.number) == (rec.cycle, rec.number)]
    if on_lists:
        st.subheader("On local priority lists")
        for plist, item in on_lists:
            with st.container(border=True):
                st.markdown(f"**{ut.md_escape(plist.name)}**"
                            + (f" · responsible: {ut.md_escape(item.responsible_body)}" if item.responsible_body
                               else "")
                            + (f" · target: {item.target_date.isoformat()}" if item.target_date else ""))
                if item.rationale:
                    st.text(item.rationale)

    st.subheader("Timeline")
    history = store.status_history(rec.number, city=city, cycle=rec.cycle)
    if history:
        st.caption("Every change is kept; the newest is on top. Editors can restore any earlier version.")
        st.dataframe(ut.timeline_frame(history), hide_index=True, width="stretch")
    else:
        st.caption("No status has been recorded yet.")


rec_param = st.query_params.get("rec")
if rec_param:
    show_recommendation(rec_param)
else:
    show_list()
