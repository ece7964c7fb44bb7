"""The public tables: overview, filters, counts over time, by theme and per list, safe CSV export."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from indicators.core.exports import csv_safe, to_csv_bytes
from indicators.tracker.progress import (
    counts_by,
    counts_by_priority_list,
    counts_over_time,
    filter_overview,
    overview_table,
    period_ends,
)
from indicators.tracker.records import PriorityItem, PriorityList

from .conftest import EDITOR

PGH = "pittsburgh"


def test_overview_has_both_statuses_and_lists_for_every_recommendation(seeded_store):
    seeded_store.set_status(EDITOR, "26.214", city=PGH, track="city", status="implemented", as_of="2022-01-01",
                            author="Mayor", expected_version=0)
    plist = seeded_store.create_priority_list(EDITOR, city=PGH, name="Safety", items=[{"number": "26.214"}])
    table = overview_table(seeded_store.recommendation_frame(), seeded_store.current_statuses_frame(PGH),
                           [plist])
    assert len(table) == 347
    row = table.set_index("number").loc["26.214"]
    assert (row["city_status"], row["community_status"], row["priority_lists"]) == (
        "implemented", "no_assessment", ("Safety",))
    assert row["city_version"] == 1 and row["community_version"] == 0


def test_filters_combine_search_theme_response_status_and_list(seeded_store):
    seeded_store.set_status(EDITOR, "26.214", city=PGH, track="community", status="in_progress",
                            as_of="2022-01-01", author="Coalition", expected_version=0)
    table = overview_table(seeded_store.recommendation_frame(), seeded_store.current_statuses_frame(PGH), [])
    # the official text of 26.214 mentions the "gunshow loophole"; no other recommendation does
    assert filter_overview(table, search="gunshow LOOPHOLE")["number"].tolist() == ["26.214"]
    # grep ',Death penalty,' | grep -c ',noted,noted,' -> 23
    assert len(filter_overview(table, themes=["Death penalty"], responses=["noted"])) == 23
    assert filter_overview(table, statuses=["in_progress"], status_track="community")["number"].tolist() == [
        "26.214"]
    assert len(filter_overview(table, statuses=["no_assessment"], status_track="community")) == 346
    assert filter_overview(table, priority_list="Nothing").empty


VERSIONS = pd.DataFrame([
    # recommendation A: in progress from 2021-05, implemented from 2022-08
    {"cycle": 3, "number": "26.1", "track": "community", "version": 1, "status": "in_progress",
     "as_of": dt.date(2021, 5, 1)},
    {"cycle": 3, "number": "26.1", "track": "community", "version": 2, "status": "implemented",
     "as_of": dt.date(2022, 8, 1)},
    # recommendation B: regressed in 2022-02, then a back-dated correction (version 2) says not started
    {"cycle": 3, "number": "26.2", "track": "community", "version": 1, "status": "regressed",
     "as_of": dt.date(2022, 2, 1)},
    {"cycle": 3, "number": "26.2", "track": "community", "version": 2, "status": "not_started",
     "as_of": dt.date(2021, 1, 1)},
    {"cycle": 3, "number": "26.2", "track": "city", "version": 1, "status": "implemented",
     "as_of": dt.date(2021, 1, 1)},
])


def test_counts_over_time_use_the_newest_version_dated_on_or_before_each_date():
    dates = [dt.date(2020, 12, 31), dt.date(2021, 6, 30), dt.date(2022, 3, 31), dt.date(2022, 12, 31)]
    counts = counts_over_time(VERSIONS, total=3, track="community", dates=dates)
    wide = counts.pivot(index="date", columns="status", values="count")
    assert wide.loc[dt.date(2020, 12, 31), "no_assessment"] == 3
    assert wide.loc[dt.date(2021, 6, 30)][["in_progress", "not_started", "no_assessment"]].tolist() == [1, 1, 1]
    # on 2022-03-31 both versions of B are dated before; version 2 (the correction) wins
    assert wide.loc[dt.date(2022, 3, 31)][["in_progress", "not_started", "regressed"]].tolist() == [1, 1, 0]
    assert wide.loc[dt.date(2022, 12, 31)][["implemented", "not_started", "no_assessment"]].tolist() == [1, 1, 1]
    assert (wide.sum(axis=1) == 3).all()


def test_counts_over_time_can_be_limited_to_a_priority_list():
    counts = counts_over_time(VERSIONS, total=1, track="community", dates=[dt.date(2023, 1, 1)],
                              scope={(3, "26.1")})
    assert counts.set_index("status")["count"].to_dict()["implemented"] == 1
    assert counts["count"].sum() == 1


def test_period_ends_are_quarter_ends_and_today():
    assert period_ends(dt.date(2021, 2, 1), dt.date(2021, 8, 15)) == [
        dt.date(2021, 3, 31), dt.date(2021, 6, 30), dt.date(2021, 8, 15)]


def test_counts_by_theme_and_by_priority_list():
    table = pd.DataFrame({"cycle": [3, 3, 3], "number": ["26.1", "26.2", "26.3"], "theme": ["A", "A", "B"],
                          "city_status": ["implemented", "no_assessment", "implemented"]})
    by_theme = counts_by(table, "theme", "city").set_index("theme")
    assert by_theme.loc["A", "implemented"] == 1 and by_theme.loc["A", "total"] == 2
    lists = [PriorityList(1, "pittsburgh", 1, "Top", "", False, (PriorityItem("26.1", 3), PriorityItem("26.2", 3)),
                          "alice", "editor", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))]
    per_list = counts_by_priority_list(table, lists, "city").iloc[0]
    assert (per_list["implemented"], per_list["no_assessment"], per_list["total"]) == (1, 1, 2)


def test_csv_export_neutralises_formulas_but_not_numbers():
    frame = pd.DataFrame({
        "note": ["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "\tTAB", "plain", None],
        "count": [1, -2, 3, 4, 5, 6, 7],
        "lists": [("=A1", "B"), (), (), (), (), (), ()],
        "as_of": [dt.date(2022, 1, 1)] * 7,
    })
    safe = csv_safe(frame)
    assert safe["note"].tolist() == ["'=HYPERLINK(\"http://evil\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tTAB",
                                     "plain", ""]
    assert safe["count"].tolist() == [1, -2, 3, 4, 5, 6, 7]
    assert safe["lists"][0] == "'=A1; B"
    assert safe["as_of"][0] == "2022-01-01"
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)
    assert back["note"][0].startswith("'=")
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in back["note"])
