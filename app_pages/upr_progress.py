"""UPR progress: counts by status over time, by theme and per priority list, with CSV downloads."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import plotly.express as px
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
from ui import tracker as ut

city = ut.current_city()
store = ut.store_or_stop()

st.title("Progress on the UPR recommendations")
recs = store.recommendation_frame()
if recs.empty:
    st.info("No recommendations yet. An editor can import the official list on the Edit page.")
    st.stop()

lists = store.priority_lists(city)
table = overview_table(recs, store.current_statuses_frame(city), lists)
versions = store.status_versions_frame(city)

left, right = st.columns([2, 3])
track = left.radio("Status according to", list(TRACKS), format_func=TRACKS.get, horizontal=True, index=1)
scope_name = right.selectbox("Recommendations", ["All recommendations", *[pl.name for pl in lists]])
scope = None
if scope_name != "All recommendations":
    chosen = next(pl for pl in lists if pl.name == scope_name)
    scope = {(item.cycle, item.number) for item in chosen.items}
    table = table[[(c, n) in scope for c, n in zip(table["cycle"], table["number"], strict=True)]]

st.caption(f"{ut.city_name(city)} · {TRACKS[track].lower()} · {len(table)} recommendations. A recommendation's "
           "status on a date is its newest version dated on or before that day.")
labels = ut.status_columns()
current = table[f"{track}_status"].value_counts()
metric_columns = st.columns(len(STATUS_ORDER))
for column, status in zip(metric_columns, STATUS_ORDER, strict=True):
    column.metric(labels[status], int(current.get(status, 0)))

st.subheader("Status over time")
mine = versions[versions["track"] == track] if not versions.empty else versions
if mine.empty:
    st.info(f"No {TRACKS[track].lower()} has been recorded yet for {ut.city_name(city)}.")
    over_time = pd.DataFrame(columns=["date", "status", "count"])
else:
    start = min(pd.to_datetime(mine["as_of"]).dt.date.min(), dt.date.today())
    over_time = counts_over_time(versions, len(table), track, period_ends(start, dt.date.today()), scope=scope)
    # the recommendations nobody assessed yet would dwarf the others: they are counted in the CSV
    chart = over_time[over_time["status"] != NO_ASSESSMENT]
    # quarter ends as categories: one bar per quarter however few there are
    chart = chart.assign(status_label=chart["status"].map(labels),
                         date=pd.to_datetime(chart["date"]).dt.strftime("%Y-%m-%d"))
    figure = px.bar(chart, x="date", y="count", color="status_label",
                    category_orders={"status_label": [labels[s] for s in STATUSES]},
                    color_discrete_map={labels[s]: ut.STATUS_COLORS[s] for s in STATUSES},
                    labels={"date": "End of quarter (last: today)", "count": "Recommendations assessed",
                            "status_label": "Status"})
    quarters = chart["date"].nunique()
    figure.update_layout(bargap=0.15 if quarters > 4 else 0.75, legend_traceorder="normal",
                         margin=dict(t=10, b=10), height=360)
    figure.update_xaxes(type="category")
    tallest = int(chart.groupby("date")["count"].sum().max() or 1)
    figure.update_yaxes(dtick=max(1, math.ceil(tallest / 5)), rangemode="tozero")
    st.plotly_chart(figure, width="stretch")
    st.caption("Bars count the recommendations with a status in force at the end of each quarter; the others "
               "have no assessment yet.")

st.subheader("By theme")
by_theme = counts_by(table, "theme", track)
by_theme = by_theme[by_theme["total"] > 0].sort_values("total", ascending=False)
by_theme["implemented_share"] = by_theme["implemented"] / by_theme["total"]
st.dataframe(
    by_theme, hide_index=True, width="stretch",
    column_config={"theme": st.column_config.TextColumn("Theme", width="large"),
                   **{s: st.column_config.NumberColumn(labels[s]) for s in STATUS_ORDER},
                   "total": st.column_config.NumberColumn("Total"),
                   "implemented_share": st.column_config.ProgressColumn(
                       "Implemented", format="percent", min_value=0.0, max_value=1.0)})

st.subheader("Per priority list")
per_list = counts_by_priority_list(overview_table(recs, store.current_statuses_frame(city), lists), lists, track)
if per_list.empty:
    st.caption("No local priority list yet.")
else:
    st.dataframe(per_list, hide_index=True, width="stretch",
                 column_config={"priority_list": st.column_config.TextColumn("Priority list"),
                                **{s: st.column_config.NumberColumn(labels[s]) for s in STATUS_ORDER},
                                "total": st.column_config.NumberColumn("Total")})

st.subheader("Download")
c1, c2, c3 = st.columns(3)
with c1:
    ut.download_csv(over_time, f"upr_status_over_time_{city}_{track}.csv", "Status over time (CSV)", key="dl_time")
with c2:
    ut.download_csv(by_theme, f"upr_status_by_theme_{city}_{track}.csv", "By theme (CSV)", key="dl_theme")
with c3:
    ut.download_csv(per_list, f"upr_status_by_list_{city}_{track}.csv", "Per priority list (CSV)", key="dl_lists")
