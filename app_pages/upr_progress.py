"""UPR progress: counts by status over time, by theme and per priority list, with CSV downloads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from indicators.tracker.progress import (
    STATUS_ORDER,
    counts_by,
    counts_by_priority_list,
    counts_over_time,
    overview_table,
    period_ends,
)
from indicators.tracker.validation import NO_ASSESSMENT, STATUSES, TRACKS
from ui import charts
from ui import tracker as ut
from ui import tables
from ui.i18n import N_, _, lang

city = ut.current_city()
store = ut.store_or_stop()

# "nothing recorded yet" in words, per track
NOTHING_RECORDED = {"city": N_("No city government claim has been recorded yet for {city}."),
                    "community": N_("No community assessment has been recorded yet for {city}.")}

st.title(_("Progress on the UPR recommendations"))
recs = store.recommendation_frame()
if recs.empty:
    st.info(_("No recommendations yet. An editor can import the official list on the Edit page."))
    st.stop()

lists = store.priority_lists(city)
table = overview_table(recs, store.current_statuses_frame(city), lists)
versions = store.status_versions_frame(city)

left, right = st.columns([2, 3])
track = left.radio(_("Status according to"), list(TRACKS), format_func=ut.shown_as(TRACKS, ut.track_label),
                   horizontal=True, index=1)
# None stands for every recommendation, so a list may be called anything
scopes = [None, *[pl.name for pl in lists]]
scope_name = right.selectbox(_("Recommendations"), scopes,
                             format_func=ut.shown_as(scopes, lambda name: _("All recommendations") if name is None
                                                     else name))
scope = None
if scope_name is not None:
    chosen = next(pl for pl in lists if pl.name == scope_name)
    scope = {(item.cycle, item.number) for item in chosen.items}
    table = table[[(c, n) in scope for c, n in zip(table["cycle"], table["number"], strict=True)]]

st.caption(_("{city} · {track} · {n} recommendations. A recommendation's status on a date is its newest version "
             "dated on or before that day.", city=ut.city_name(city), track=ut.track_label(track).lower(),
             n=len(table)))
labels = ut.status_columns()
current = table[f"{track}_status"].value_counts()
metric_columns = st.columns(len(STATUS_ORDER))
for column, status in zip(metric_columns, STATUS_ORDER, strict=True):
    column.metric(labels[status], int(current.get(status, 0)))

st.subheader(_("Status over time"))
mine = versions[versions["track"] == track] if not versions.empty else versions
if mine.empty:
    st.info(_(NOTHING_RECORDED[track], city=ut.city_name(city)))
    over_time = pd.DataFrame(columns=["date", "status", "count"])
else:
    start = min(pd.to_datetime(mine["as_of"]).dt.date.min(), dt.date.today())
    over_time = counts_over_time(versions, len(table), track, period_ends(start, dt.date.today()), scope=scope)
    # the recommendations nobody assessed yet would dwarf the others: they are counted in the CSV
    chart = over_time[over_time["status"] != NO_ASSESSMENT]
    # quarter ends as categories: one bar per quarter however few there are
    chart = chart.assign(status_label=chart["status"].map(labels),
                         date=pd.to_datetime(chart["date"]).dt.strftime("%Y-%m-%d"))
    order = [labels[s] for s in STATUSES]
    charts.draw(charts.stacked_bars(chart, category="date", value="count", series="status_label", order=order,
                                    colours={labels[s]: ut.STATUS_COLORS[s] for s in STATUSES},
                                    category_title=_("End of quarter (last: today)"),
                                    value_title=_("Recommendations assessed")),
                key="progress_over_time",
                alt=_("Bar chart of the recommendations by status at the end of each quarter; the CSV "
                      "downloads at the foot of the page have the counts."))
    st.caption(_("Bars count the recommendations with a status in force at the end of each quarter; the others "
                 "have no assessment yet."))

st.subheader(_("By theme"))
st.caption(_("Themes are the official UN theme names, in English."))
by_theme = counts_by(table, "theme", track)
by_theme = by_theme[by_theme["total"] > 0].sort_values("total", ascending=False)
by_theme["implemented_share"] = by_theme["implemented"] / by_theme["total"]
tables.dataframe(
    by_theme, hide_index=True, width="stretch",
    column_config={"theme": st.column_config.TextColumn(_("Theme"), width="large"),
                   **{s: st.column_config.NumberColumn(labels[s]) for s in STATUS_ORDER},
                   "total": st.column_config.NumberColumn(_("Total")),
                   "implemented_share": st.column_config.ProgressColumn(
                       _("Share implemented"), format="percent", min_value=0.0, max_value=1.0)})

st.subheader(_("Per priority list"))
per_list = counts_by_priority_list(overview_table(recs, store.current_statuses_frame(city), lists), lists, track)
if per_list.empty:
    st.caption(_("No local priority list yet."))
else:
    tables.dataframe(per_list, hide_index=True, width="stretch",
                 column_config={"priority_list": st.column_config.TextColumn(_("Priority list")),
                                **{s: st.column_config.NumberColumn(labels[s]) for s in STATUS_ORDER},
                                "total": st.column_config.NumberColumn(_("Total"))})

st.subheader(_("Overdue targets"))
community = dict(zip(zip(table["cycle"], table["number"], strict=True), table["community_status"], strict=True))
late = store.campaign.overdue(city, community, lists, today=dt.date.today())
if late.empty:
    st.caption(_("No target date has passed while the community still sees work to do."))
else:
    tables.dataframe(pd.DataFrame({
        "link": [ut.rec_link(n, "recommendations") if n else "" for n in late["number"]],
        "list_name": late["list_name"], "responsible": late["responsible"], "target": late["target"],
        "days_late": late["days_late"],
        "status": late["community_status"].map(lambda s: ut.status_label(s) if s else "")}),
        hide_index=True, width="stretch", column_config={
            "link": st.column_config.LinkColumn(_("No."), display_text=r"rec=([0-9.]+)", width="small"),
            "list_name": st.column_config.TextColumn(_("Priority list")),
            "responsible": st.column_config.TextColumn(_("Responsible local body")),
            "target": st.column_config.DateColumn(_("Target date")),
            "days_late": st.column_config.NumberColumn(_("Days overdue")),
            "status": st.column_config.TextColumn(ut.track_label("community"))})
    st.caption(_("A target is overdue when its date has passed and the community's assessment is not yet "
                 "“implemented” (or “not applicable”). A row without a number is a whole list's target."))

st.subheader(_("Download"))
st.caption(_("Column headings and statuses in the language of this page."))
c1, c2, c3 = st.columns(3)
suffix = f"{city}_{track}_{lang()}"
with c1:
    ut.download_csv(ut.in_words(over_time.assign(status=over_time["status"].map(labels))),
                    f"upr_status_over_time_{suffix}.csv", _("Status over time (CSV)"), key="dl_time")
with c2:
    ut.download_csv(ut.in_words(by_theme), f"upr_status_by_theme_{suffix}.csv", _("By theme (CSV)"),
                    key="dl_theme")
with c3:
    ut.download_csv(ut.in_words(per_list), f"upr_status_by_list_{suffix}.csv", _("Per priority list (CSV)"),
                    key="dl_lists")
