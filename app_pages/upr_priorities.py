"""Local priorities: the coalition's own lists of UPR recommendations, with reasons, who must act, and when."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.tracker.progress import overview_table
from indicators.tracker.validation import TRACKS
from ui import tracker as ut

city = ut.current_city()
store = ut.store_or_stop()

st.title("Local priorities")
st.caption(f"Lists of UPR recommendations that matter most in {ut.city_name(city)}, made by the coalition: one "
           "list per campaign, in the order the coalition chose.")

show_archived = st.toggle("Show archived lists", value=False)
lists = store.priority_lists(city, include_archived=show_archived)
if not lists:
    st.info("No local priority list yet. Editors can create one on the Edit page.")
    st.page_link(ut.page("upr_edit.py"), label="Edit (sign in)", icon=":material/edit:")
    st.stop()

names = {pl.list_id: pl.name + (" (archived)" if pl.archived else "") for pl in lists}
# radio labels are rendered as markdown: list names are escaped like any typed text
list_id = st.radio("List", list(names), format_func=lambda i: ut.md_escape(names[i]), horizontal=True)
plist = next(pl for pl in lists if pl.list_id == list_id)

st.header(ut.md_escape(plist.name))
if plist.description:
    st.text(plist.description)
st.caption(f"Version {plist.version}, saved by {ut.md_escape(plist.recorded_by)} on {ut.when(plist.recorded_at)}"
           + (f" (restored from version {plist.restored_from})" if plist.restored_from else ""))

if not plist.items:
    st.info("This list has no recommendations yet.")
    st.stop()

table = overview_table(store.recommendation_frame(), store.current_statuses_frame(city), [plist]).set_index(
    ["cycle", "number"])
rows = []
for position, item in enumerate(plist.items, start=1):
    rec = table.loc[(item.cycle, item.number)]
    rows.append({
        "position": position,
        "link": f"recommendations?rec={item.number}",
        "city": ut.status_label(rec["city_status"]),
        "community": ut.status_label(rec["community_status"]),
        "responsible": item.responsible_body,
        "target": item.target_date,
        "rationale": item.rationale,
        "recommendation": rec["text"],
        "number": item.number,
        "theme": rec["theme"],
    })
items = pd.DataFrame(rows)
st.dataframe(
    items.drop(columns=["number", "theme"]), hide_index=True, width="stretch",
    column_config={
        "position": st.column_config.NumberColumn("#", width="small"),
        "link": st.column_config.LinkColumn("No.", display_text=r"rec=(.*)", width="small"),
        "recommendation": st.column_config.TextColumn("Recommendation", width="large"),
        "rationale": st.column_config.TextColumn("Why it matters here", width="medium"),
        "responsible": st.column_config.TextColumn("Responsible local body"),
        "target": st.column_config.DateColumn("Target date"),
        "city": st.column_config.TextColumn(TRACKS["city"]),
        "community": st.column_config.TextColumn(TRACKS["community"]),
    })

export = items.drop(columns=["link"]).rename(columns={"city": "city_status", "community": "community_status"})
ut.download_csv(export, f"upr_priorities_{city}_{plist.list_id}.csv", "Download this list (CSV)", key="dl_plist")

with st.expander("Versions of this list"):
    history = store.priority_list_history(plist.list_id)
    st.dataframe(pd.DataFrame([{
        "version": v.version, "saved": ut.when(v.recorded_at), "by": f"{v.recorded_by} ({v.recorded_role})",
        "name": v.name, "recommendations": ", ".join(i.number for i in v.items),
        "archived": v.archived, "restored from": v.restored_from or ""} for v in reversed(history)]),
        hide_index=True, width="stretch")
