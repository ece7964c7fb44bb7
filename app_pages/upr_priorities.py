"""Local priorities: the coalition's own lists of UPR recommendations, with reasons, who must act, and when."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.tracker.progress import overview_table
from ui import briefs
from ui import tables
from ui import tracker as ut
from ui.i18n import _, lang

city = ut.current_city()
store = ut.store_or_stop()

st.title(_("Local priorities"))
st.caption(_("Lists of UPR recommendations that matter most in {city}, made by the coalition: one list per "
             "campaign, in the order the coalition chose.", city=ut.city_name(city)))

show_archived = st.toggle(_("Show archived lists"), value=False)
lists = store.priority_lists(city, include_archived=show_archived)
if not lists:
    st.info(_("No local priority list yet. Editors can create one on the Edit page."))
    st.page_link(ut.page("upr_edit.py"), label=_("Edit (sign in)"), icon=":material/edit:")
    st.stop()

names = {pl.list_id: _("{name} (archived)", name=pl.name) if pl.archived else pl.name for pl in lists}
# radio labels are rendered as markdown: list names are escaped like any typed text
list_id = st.radio(_("List"), list(names), format_func=lambda i: ut.md_escape(names[i]), horizontal=True)
plist = next(pl for pl in lists if pl.list_id == list_id)

st.header(ut.md_escape(plist.name))
if plist.description:
    st.text(plist.description)
saved = _("Version {version}, saved by {by} on {when}", version=plist.version, by=ut.md_escape(ut.recorder(plist)),
          when=ut.when(plist.recorded_at))
if plist.restored_from:
    saved += " " + _("(restored from version {version})", version=plist.restored_from)
st.caption(saved)
briefs.priority_list_downloads(city, plist, store)
st.page_link(ut.page("campaign.py"), label=_("The campaign page of this list (to share, embed or follow)"),
             icon=":material/campaign:", query_params=ut.kept_params(list=str(plist.list_id)))

if not plist.items:
    st.info(_("This list has no recommendations yet."))
    st.stop()

table = overview_table(store.recommendation_frame(), store.current_statuses_frame(city), [plist]).set_index(
    ["cycle", "number"])
# who must act and by when: the item's own, else the recommendation's target in the campaign log
campaign = store.campaign.campaign_items(plist, table["community_status"].to_dict(), today=dt.date.today())
rows = []
for position, item in enumerate(plist.items, start=1):
    rec = table.loc[(item.cycle, item.number)]
    planned = campaign.iloc[position - 1]
    rows.append({
        "position": position,
        "link": ut.rec_link(item.number, "recommendations"),
        "city": ut.status_label(rec["city_status"]),
        "community": ut.status_label(rec["community_status"]),
        "responsible": planned["responsible"],
        "target": planned["target"],
        "overdue": _("overdue") if planned["overdue"] else "",
        "rationale": item.rationale,
        "recommendation": rec["text"],
        "number": item.number,
        "theme": rec["theme"],
    })
items = pd.DataFrame(rows)
tables.dataframe(
    items.drop(columns=["number", "theme"]), hide_index=True, width="stretch",
    column_config={
        "position": st.column_config.NumberColumn("#", width="small"),
        "link": st.column_config.LinkColumn(_("No."), display_text=r"rec=([0-9.]+)", width="small"),
        "recommendation": st.column_config.TextColumn(_("Recommendation (official text, in English)"),
                                                      width="large"),
        "rationale": st.column_config.TextColumn(_("Why it matters here"), width="medium"),
        "responsible": st.column_config.TextColumn(_("Responsible local body")),
        "target": st.column_config.DateColumn(_("Target date")),
        "overdue": st.column_config.TextColumn(_("Overdue")),
        "city": st.column_config.TextColumn(ut.track_label("city")),
        "community": st.column_config.TextColumn(ut.track_label("community")),
    })

# the reader's export: headings and statuses in the reader's language (not an import format)
export = items.drop(columns=["link"]).rename(columns={"city": "city_status", "community": "community_status"})
ut.download_csv(ut.in_words(export), f"upr_priorities_{city}_{plist.list_id}_{lang()}.csv",
                _("Download this list (CSV)"), key="dl_plist")

with st.expander(_("Versions of this list")):
    history = store.priority_list_history(plist.list_id)
    tables.dataframe(pd.DataFrame([{
        "version": v.version, "saved": ut.when(v.recorded_at), "by": ut.recorder(v),
        "name": v.name, "recommendations": ", ".join(i.number for i in v.items),
        "archived": v.archived, "restored_from": v.restored_from or ""} for v in reversed(history)],
        columns=["version", "saved", "by", "name", "recommendations", "archived", "restored_from"]),
        hide_index=True, width="stretch",
        column_config={"version": st.column_config.NumberColumn(_("Version")),
                       "saved": st.column_config.TextColumn(_("Saved")),
                       "by": st.column_config.TextColumn(_("By")),
                       "name": st.column_config.TextColumn(_("Name")),
                       "recommendations": st.column_config.TextColumn(_("Recommendations")),
                       "archived": st.column_config.CheckboxColumn(_("Archived")),
                       "restored_from": st.column_config.TextColumn(_("Restored from version"))})
