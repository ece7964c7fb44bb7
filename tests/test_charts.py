"""The pages' charts (ECharts options built by ``ui.charts``): what they draw, and that no text from the data is
read as markup, an ECharts placeholder or a rich-text style."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from indicators.metrics import catalog
from ui import charts

HOSTILE = "<img src=x onerror=alert(1)>{b}{a|styled}"


def texts(option) -> list[str]:
    """Every string in an option."""
    if isinstance(option, dict):
        return [t for v in option.values() for t in texts(v)]
    if isinstance(option, list):
        return [t for v in option for t in texts(v)]
    return [option] if isinstance(option, str) else []


def tooltips(option) -> list[str]:
    return [item["tooltip"]["formatter"] for series in option["series"] for item in series["data"]
            if isinstance(item, dict) and "tooltip" in item]


def drawable(chart: charts.Chart) -> None:
    """What Streamlit sends: JSON with no NaN, and a height."""
    json.dumps(chart.option, allow_nan=False)
    assert chart.height > 100


def no_markup(option) -> None:
    """Tooltips (HTML) are escaped; the texts drawn on the canvas are as written, but no brace in them opens a
    placeholder or a rich-text style."""
    for text in tooltips(option):
        assert "<img" not in text, text
    for text in texts(option):
        assert "{b}" not in text and "{a|" not in text, text


def test_grouped_bars_one_series_per_group_with_its_colour_pattern_labels_and_tooltips():
    frame = pd.DataFrame({"category": ["White alone", HOSTILE, "White alone", HOSTILE],
                          "count": [3131.0, 48.0, 2763.0, 167.0], "year": ["2010", "2010", "2020", "2020"],
                          "hover": ["a", HOSTILE, "c", "d"]})
    chart = charts.grouped_bars(frame, category="category", value="count", series="year", hover="hover",
                                title=f"Residents of {HOSTILE} by race", value_title="Residents", horizontal=True)
    drawable(chart)
    option = chart.option
    no_markup(option)
    assert [s["name"] for s in option["series"]] == ["2010", "2020"] and option["legend"]["data"] == ["2010", "2020"]
    assert [item["value"] for item in option["series"][1]["data"]] == [2763.0, 167.0]
    assert [item["label"]["formatter"] for item in option["series"][0]["data"]] == ["3,131", "48"]
    fills = [(s["itemStyle"]["color"], s["itemStyle"]["decal"]["symbol"], s["itemStyle"]["decal"].get("rotation"))
             for s in option["series"]]
    assert len(set(fills)) == 2, "each series has its own colour and pattern"
    # categories down the side, first at the top, as the table reads
    assert option["yAxis"]["type"] == "category" and option["yAxis"]["inverse"] is True
    assert option["yAxis"]["data"][0] == "White alone" and option["xAxis"]["name"] == "Residents"
    assert "&lt;img src=x onerror=alert(1)&gt;&#123;b&#125;" in tooltips(option)[1]
    assert option["toolbox"]["feature"]["saveAsImage"]["pixelRatio"] == 2
    assert option["animation"] is False


def test_grouped_bars_leaves_a_missing_figure_out_instead_of_drawing_zero():
    frame = pd.DataFrame({"group": ["White", "Black", "White", "Black"], "value": [10904.0, None, 12207.0, 1560.0],
                          "series": ["Filings", "Filings", "Usual", "Usual"]})
    option = charts.grouped_bars(frame, category="group", value="value", series="series", title="Filings",
                                 value_title="Filings").option
    assert option["series"][0]["data"][1] is None
    assert option["xAxis"]["type"] == "category" and option["yAxis"]["boundaryGap"] == [0, "18%"]


def test_dot_whisker_draws_each_margin_of_error_and_the_city_line_in_the_axis_units():
    ind = catalog.get("rent_burden_share")
    frame = pd.DataFrame({"name": ["Allentown", HOSTILE, "No figure"], "estimate": [0.5, 0.25, None],
                          "moe": [0.1, None, None]})
    chart = charts.dot_whisker(frame, ind, title=ind.title, city_estimate=0.45)
    drawable(chart)
    option = chart.option
    no_markup(option)
    dots, lines, ends, reach = option["series"]
    assert [d["value"] for d in dots["data"]] == [[50.0, 0], [25.0, 1]], "shares in percent, the area missing left out"
    assert lines["type"] == "lines" and lines["name"] == ends["name"] == dots["name"]
    (low, high), = [d["coords"] for d in lines["data"]]
    assert low == [pytest.approx(40.0), 0] and high == [pytest.approx(60.0), 0]
    assert len(ends["data"]) == 2 and ends["symbolSize"] == [2, 10]
    assert dots["markLine"]["data"] == [{"xAxis": 45.0}]
    assert reach["data"] == [[45.0, 0]] and reach["symbolSize"] == 0, "the axis reaches the city figure"
    assert dots["markLine"]["label"]["formatter"] == "City: 45.0%"
    assert option["xAxis"]["axisLabel"]["formatter"] == "{value}%"
    assert option["yAxis"]["data"] == ["Allentown", HOSTILE.replace("{", "{\u200b")]
    assert tooltips(option)[0] == "Allentown: 50.0% ± 10.0 points"


def test_series_lines_have_their_own_marker_and_dash_and_whiskers_shown_and_hidden_with_them():
    frame = pd.DataFrame({"period": ["2010–2014", "2015–2019", "2010–2014", "2015–2019"],
                          "estimate": [90000.0, 120000.0, 125000.0, math.nan], "moe": [2000.0, math.nan, 1000.0, 5.0],
                          "series": ["City", "City", "County", "County"]})
    chart = charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series", unit="dollars",
                                title="Median home value", title_width=60)
    drawable(chart)
    option = chart.option
    lines = [s for s in option["series"] if s["type"] == "line"]
    assert [s["name"] for s in lines] == ["City", "County"]
    assert len({s["symbol"] for s in lines}) == 2 and len({s["lineStyle"]["type"] for s in lines}) == 2
    assert [d and d["value"] for d in lines[1]["data"]] == [125000.0, None]
    whiskers = [s for s in option["series"] if s["type"] == "lines"]
    assert [w["name"] for w in whiskers] == ["City", "County"]
    assert [d["coords"] for d in whiskers[0]["data"]] == [[[0, 88000.0], [0, 92000.0]]], "no whisker without a MOE"
    assert option["yAxis"]["axisLabel"]["formatter"] == "${value}"
    assert tooltips(option)[0] == "City, 2010–2014: $90,000 ± $2,000"


def test_scatter_marks_figures_to_read_with_care_hollow_and_draws_both_city_lines():
    x_ind, y_ind = catalog.get("population_change_2010_2020"), catalog.get("rent_burden_share")
    frame = pd.DataFrame({"name": ["A", HOSTILE, "C"], "x": [0.1, -0.2, None], "x_moe": [None] * 3,
                          "y": [0.5, 0.4, 0.3], "y_moe": [0.05, 0.2, 0.1], "unreliable": [False, True, False]})
    chart = charts.scatter(frame, x_ind=x_ind, y_ind=y_ind, title="t", city=(0.02, 0.45))
    drawable(chart)
    option = chart.option
    no_markup(option)
    solid, hollow, reach = option["series"]
    assert solid["symbol"] == "circle" and hollow["symbol"] == "emptyCircle"
    assert [d["value"] for d in solid["data"]] == [[10.0, 50.0]] and len(hollow["data"]) == 1
    assert solid["markLine"]["data"] == [{"xAxis": 2.0}, {"yAxis": 45.0}]
    assert reach["data"] == [[2.0, 45.0]] and reach["silent"] is True
    assert option["legend"]["data"] == ["Neighborhood", "Neighborhood, figure to read with care"]
    assert tooltips(option)[1].startswith("&lt;img")


def test_stacked_bars_count_each_series_in_its_order_and_colour():
    frame = pd.DataFrame({"date": ["2024-03-31", "2024-03-31", "2024-06-30"], "status": ["Done", "Begun", "Done"],
                          "count": [2, 1, 3]})
    chart = charts.stacked_bars(frame, category="date", value="count", series="status", order=["Begun", "Done", "Gone"],
                                colours={"Done": "#2e7d32"}, category_title="Quarter", value_title="Assessed")
    drawable(chart)
    option = chart.option
    assert [s["name"] for s in option["series"]] == ["Begun", "Done", "Gone"]
    assert [[d["value"] for d in s["data"]] for s in option["series"]] == [[1, 0], [2, 3], [0, 0]]
    assert option["series"][1]["data"][1]["tooltip"]["formatter"] == "Done<br>2024-06-30: 3"
    assert option["series"][1]["itemStyle"]["color"] == "#2e7d32"
    assert {s["stack"] for s in option["series"]} == {"all"} and option["yAxis"]["minInterval"] == 1


def test_a_long_title_is_broken_into_lines_and_the_plot_starts_below_it():
    frame = pd.DataFrame({"category": ["a"], "value": [1.0], "series": ["x"]})
    long = "Eviction filings 2022-12-01 to 2023-11-30, by racial majority of the ZIP code, with a longer tail"
    short = charts.grouped_bars(frame, category="category", value="value", series="series", title="Filings",
                                value_title="v")
    wrapped = charts.grouped_bars(frame, category="category", value="value", series="series", title=long,
                                  value_title="v")
    lines = wrapped.option["title"]["text"].split("\n")
    assert len(lines) == 2 and all(len(line) <= charts.DESKTOP_TITLE_WIDTH for line in lines)
    assert wrapped.option["grid"]["top"] - short.option["grid"]["top"] == charts.TITLE_LINE
    assert wrapped.height - short.height == charts.TITLE_LINE


def test_rows_of_long_names_are_taller():
    short, long = ["Allentown"], ["Cluster 31: Deanwood, Burrville, Grant Park, Lincoln Heights, Fairmont Heights"]
    assert charts._rows_height(short, 120) == 38
    assert charts._rows_height(long, 120) == 15 * 5 + 12    # 80 characters at 7 px: 5 lines of 120 px


def test_legend_rows_follow_the_names_length_and_the_width():
    assert charts._legend_rows(["2010", "2020"], charts.PHONE_WIDTH) == 1
    assert charts._legend_rows(["Filings", "Usual filings, same months of 2016–2019"], charts.PHONE_WIDTH) == 2
    four = ["Renter households: City of Pittsburgh", "Renter households: Allegheny County",
            "Renters paying 30%+: City of Pittsburgh", "Renters paying 30%+: Allegheny County"]
    assert charts._legend_rows(four, charts.DESKTOP_WIDTH) == 2


def test_texts_for_the_canvas_and_the_tooltips_are_neutralised():
    assert charts.plain("{a|x}{b}") == "{\u200ba|x}{\u200bb}"
    assert charts.tip("<b>{c}</b>\nnext") == "&lt;b&gt;&#123;c&#125;&lt;/b&gt;<br>next"
