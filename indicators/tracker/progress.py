"""Tables for the public views: one row per recommendation, status counts (exports: :mod:`indicators.core.exports`).

Pure functions over the frames the store returns, so they are tested without a database.

Status on a date
    For one recommendation and track, the status on date *D* is that of the newest version
    (highest version number) whose date (``as_of``: the date the claim or assessment refers to)
    is on or before *D*. A recommendation with no such version counts as "no assessment yet".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from indicators.tracker.records import PriorityList
from indicators.tracker.validation import NO_ASSESSMENT, STATUSES, TRACKS

STATUS_ORDER = [*STATUSES, NO_ASSESSMENT]


def overview_table(recommendations: pd.DataFrame, current: pd.DataFrame,
                   lists: Iterable[PriorityList] = ()) -> pd.DataFrame:
    """One row per recommendation with both current statuses and the priority lists naming it.

    ``recommendations`` as from ``Store.recommendation_frame``; ``current`` as from
    ``Store.current_statuses_frame`` (newest version per recommendation and track).
    """
    table = recommendations[["cycle", "number", "rec_no", "recommending_state", "response", "theme",
                             "text"]].copy()
    for track in TRACKS:
        mine = current[current["track"] == track] if not current.empty else current
        mine = mine[["cycle", "number", "status", "as_of", "version"]] if not mine.empty else pd.DataFrame(
            columns=["cycle", "number", "status", "as_of", "version"])
        mine = mine.rename(columns={"status": f"{track}_status", "as_of": f"{track}_as_of",
                                    "version": f"{track}_version"})
        table = table.merge(mine.astype({"cycle": "int64", "number": str}), on=["cycle", "number"], how="left")
        table[f"{track}_status"] = table[f"{track}_status"].fillna(NO_ASSESSMENT).astype(str)
        table[f"{track}_version"] = table[f"{track}_version"].fillna(0).astype("int64")
    on_lists: dict[tuple[int, str], list[str]] = {}
    for plist in lists:
        for item in plist.items:
            on_lists.setdefault((item.cycle, item.number), []).append(plist.name)
    table["priority_lists"] = [tuple(on_lists.get((c, n), ())) for c, n in zip(table["cycle"], table["number"],
                                                                                 strict=True)]
    return table


def filter_overview(table: pd.DataFrame, *, search: str = "", themes: Iterable[str] = (),
                    responses: Iterable[str] = (), statuses: Iterable[str] = (), status_track: str = "community",
                    priority_list: str | None = None) -> pd.DataFrame:
    """Rows matching every given filter; ``search`` looks in number, recommending State and text."""
    keep = pd.Series(True, index=table.index)
    words = search.strip().casefold().split()
    if words:
        haystack = (table["number"] + " " + table["recommending_state"] + " " + table["text"] + " "
                    + table["theme"]).str.casefold()
        for word in words:
            keep &= haystack.str.contains(word, regex=False)
    themes, responses, statuses = list(themes), list(responses), list(statuses)
    if themes:
        keep &= table["theme"].isin(themes)
    if responses:
        keep &= table["response"].isin(responses)
    if statuses:
        keep &= table[f"{status_track}_status"].isin(statuses)
    if priority_list:
        keep &= table["priority_lists"].map(lambda names: priority_list in names)
    return table[keep]


def statuses_on(versions: pd.DataFrame, date: dt.date) -> pd.DataFrame:
    """For each recommendation and track, the version in force on ``date`` (see module notes)."""
    if versions.empty:
        return versions
    known = versions[pd.to_datetime(versions["as_of"]).dt.date <= date]
    if known.empty:
        return known
    newest = known.groupby(["cycle", "number", "track"])["version"].transform("max")
    return known[known["version"] == newest]


def period_ends(start: dt.date, end: dt.date, freq: str = "QE") -> list[dt.date]:
    """Period end dates from the period holding ``start`` to the one holding ``end``; the last is ``end``."""
    ends = [d.date() for d in pd.date_range(start, end, freq=freq)]
    if not ends or ends[-1] < end:
        ends.append(end)
    return ends


def counts_over_time(versions: pd.DataFrame, total: int, track: str, dates: Iterable[dt.date],
                     scope: set[tuple[int, str]] | None = None) -> pd.DataFrame:
    """Number of recommendations in each status on each date (long format: date, status, count).

    ``total`` is the number of recommendations in scope; those without a version in force count
    as "no assessment yet". ``scope`` limits to (cycle, number) pairs, e.g. one priority list.
    """
    mine = versions[versions["track"] == track] if not versions.empty else versions
    if scope is not None and not mine.empty:
        mine = mine[[(c, n) in scope for c, n in zip(mine["cycle"], mine["number"], strict=True)]]
    rows = []
    for date in dates:
        in_force = statuses_on(mine, date)
        counts = in_force["status"].value_counts() if not in_force.empty else pd.Series(dtype="int64")
        for status in STATUSES:
            rows.append({"date": date, "status": status, "count": int(counts.get(status, 0))})
        rows.append({"date": date, "status": NO_ASSESSMENT, "count": int(total - len(in_force))})
    return pd.DataFrame(rows, columns=["date", "status", "count"])


def counts_by(table: pd.DataFrame, column: str, track: str) -> pd.DataFrame:
    """A cross-table: one row per value of ``column``, one column per status (current statuses)."""
    if table.empty:
        return pd.DataFrame(columns=[column, *STATUS_ORDER, "total"])
    counts = pd.crosstab(table[column], table[f"{track}_status"])
    counts = counts.reindex(columns=STATUS_ORDER, fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index().rename_axis(columns=None)


def counts_by_priority_list(table: pd.DataFrame, lists: Iterable[PriorityList], track: str) -> pd.DataFrame:
    """Current status counts of the recommendations on each priority list."""
    rows = []
    status_of = dict(zip(zip(table["cycle"], table["number"], strict=True), table[f"{track}_status"],
                         strict=True))
    for plist in lists:
        counts = {s: 0 for s in STATUS_ORDER}
        for item in plist.items:
            counts[status_of.get((item.cycle, item.number), NO_ASSESSMENT)] += 1
        rows.append({"priority_list": plist.name, **counts, "total": len(plist.items)})
    return pd.DataFrame(rows, columns=["priority_list", *STATUS_ORDER, "total"])

