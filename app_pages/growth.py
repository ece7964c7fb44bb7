"""Growth vs people: the growth figures cities lead with, beside the stability and people measures this
dashboard leads with, for the city and county and by neighborhood."""

import pandas as pd
import streamlit as st

from indicators import catalog
from ui import charts, data, mapview, state
from ui.i18n import _, words

fmt = words()

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
state.keep_in_url(view)
name = data.city_name(city)
LEVEL_NAMES = {"city": f"City of {name}", "county": "Allegheny County"}
SHORT = {"home_value_change": "Home values", "rent_change": "Rents", "renter_share": "Renters",
         "rent_burden30_share": "Rent burden", "black_population_change_2010_2020": "Black residents",
         "population_change_2010_2020": "All residents"}

st.title("Growth vs people")
st.markdown(
    "Cities usually report progress as **growth**: rising home values, rising rents, more residents. A human rights "
    "city asks first whether the people who live here **can stay and afford their homes**, without discrimination. "
    "This dashboard therefore leads with stability (who rents, who stayed, who pays too much) and shows growth "
    "beside it, not instead of it: rising values with falling stability is displacement, not progress.")

st.header("What the growth figures say")
cols = st.columns(4)
for i, (ind_id, level) in enumerate([(m, lv) for m in ("home_value_change", "rent_change") for lv in ("city", "county")]):
    ind = catalog.get(ind_id)
    row = data.city_value(city, ind_id) if level == "city" else data.indicator(city, ind_id, level).iloc[0].to_dict()
    verdict = "a statistically significant change (90%)" if row["significant"] else "not a significant change"
    cols[i].metric(f"{SHORT[ind_id]}, {level}", fmt.value(ind, row["estimate"]),
                   help=f"{ind.title}, {LEVEL_NAMES[level]}, {row['period']}; 90% margin of error "
                        f"{fmt.margin(ind, row['moe'])}; {verdict}.")
    cols[i].caption(f"${row['denominator']:,.0f} in 2010–2014 → ${row['numerator']:,.0f} in 2020–2024: {verdict}")


def series_frame(measures: dict[str, str], levels=("city", "county")) -> pd.DataFrame:
    frames = [data.series(city, m, lv).assign(series=f"{label}: {LEVEL_NAMES[lv]}")
              for m, label in measures.items() for lv in levels]
    return pd.concat(frames, ignore_index=True)


def series_table(frame: pd.DataFrame, percent: bool) -> pd.DataFrame:
    scale = 100 if percent else 1
    return pd.DataFrame({"Series": frame["series"], "ACS period": frame["period"],
                         "Estimate": frame["estimate"] * scale, "Margin of error (90%)": frame["moe"] * scale})


left, right = st.columns(2)
for col, measure, label in ((left, "med_home_value", "Median home value"), (right, "med_gross_rent", "Median gross rent")):
    frame = series_frame({measure: label})
    with col:
        charts.show(charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series", unit="dollars",
                                        title=f"{label} by ACS 5-year period (current dollars)"),
                    series_table(frame, False), key=f"growth_{measure}",
                    alt=f"Line chart of the {label.lower()} for the city and the county in each ACS period; "
                        "the table below has the figures.",
                    column_config={"Estimate": st.column_config.NumberColumn(format="dollar"),
                                   "Margin of error (90%)": st.column_config.NumberColumn(format="dollar")})
st.caption("Each point is an ACS 5-year period; neighbouring periods share four of their five years, so the steps "
           "between them are not separate changes. The change figures compare 2010–2014 with 2020–2024, which share "
           "no year. Dollars are not adjusted for inflation.")

st.header("What the people measures say")
cols = st.columns(4)
for i, (measure, label) in enumerate((("renter_share", "Homes that are rented"),
                                      ("rent_burden30_share", "Renters paying 30% or more of income on rent"))):
    row = data.change(city, measure, "city").iloc[0]
    verdict = "a statistically significant change (90%)" if row["significant"] else "not a significant change"
    cols[i].metric(f"{SHORT[measure]}, city", f"{row['numerator']:.1%}",
                   delta=f"{(row['numerator'] - row['denominator']) * 100:+.1f} points since 2010–2014",
                   delta_color="off", help=f"{label}, {LEVEL_NAMES['city']}, {row['period']}; {verdict}.")
    cols[i].caption(f"{row['denominator']:.1%} ± {row['denominator_moe'] * 100:.1f} points in 2010–2014; "
                    f"{row['numerator']:.1%} ± {row['numerator_moe'] * 100:.1f} points in 2020–2024: {verdict}")
for i, ind_id in enumerate(("black_population_change_2010_2020", "population_change_2010_2020"), start=2):
    ind, row = catalog.get(ind_id), data.city_value(city, ind_id)
    cols[i].metric(f"{SHORT[ind_id]}, city", fmt.value(ind, row["estimate"]),
                   help=f"{ind.title}, {LEVEL_NAMES['city']}: census counts (no sampling error).")
    cols[i].caption(f"{row['denominator']:,.0f} in 2010 → {row['denominator'] + row['numerator']:,.0f} in 2020")
frame = series_frame({"renter_share": "Renter households", "rent_burden30_share": "Renters paying 30%+"})
charts.show(charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series", unit="share",
                                title="Renters and rent burden by ACS 5-year period"),
            series_table(frame, True), key="growth_people",
            alt="Line chart of the share of homes rented and of renters paying 30% or more of income on rent, for "
                "the city and the county in each ACS period; the table below has the figures.",
            column_config={"Estimate": st.column_config.NumberColumn(format="%.1f%%"),
                           "Margin of error (90%)": st.column_config.NumberColumn(format="%.1f")})

st.header("Neighborhoods: who grew, and who could stay")
x_ind = catalog.get("population_change_2010_2020")
y_choice = st.radio("Set population change against", ["black_population_change_2010_2020", "rent_burden_share"],
                    format_func=lambda i: catalog.get(i).title, horizontal=True, key="growth_scatter_y")
y_ind = catalog.get(y_choice)
x, y = data.ranked(city, x_ind.id), data.ranked(city, y_ind.id)
both = x[["area_id", "name", "estimate", "moe", "note"]].merge(
    y[["area_id", "estimate", "moe", "reliability", "note"]], on="area_id", suffixes=("_x", "_y"))
notes = both["note_y"].fillna(both["note_x"]).fillna("")
points = pd.DataFrame({"name": both["name"], "x": both["estimate_x"], "x_moe": both["moe_x"], "y": both["estimate_y"],
                       "y_moe": both["moe_y"],
                       "unreliable": (both["reliability"] == "unreliable") | notes.str.startswith("fewer")})
city_xy = ((data.city_value(city, x_ind.id) or {}).get("estimate"), (data.city_value(city, y_ind.id) or {}).get("estimate"))
charts.show(charts.scatter(points, x_ind=x_ind, y_ind=y_ind, title=f"{x_ind.title}, against: {y_ind.title}",
                           city=city_xy),
            pd.DataFrame({"Neighborhood": points["name"], x_ind.title: charts.percent_points(x_ind, points["x"]),
                          y_ind.title: charts.percent_points(y_ind, points["y"]),
                          "Margin of error (90%)": charts.percent_points(y_ind, points["y_moe"]),
                          "Note": notes}).dropna(axis="columns", how="all"),
            key="growth_scatter", alt=f"Scatter plot of neighborhoods: {x_ind.title} across, {y_ind.title} up; "
                                      "the table below has every neighborhood's figures.",
            column_config={x_ind.title: charts.number_column(x_ind), y_ind.title: charts.number_column(y_ind),
                           "Margin of error (90%)": charts.margin_column(y_ind)})
st.caption("Dashed lines: the city figures. Hollow circles: figures to read with care (fewer than 100 residents of "
           "the group in 2010, or a margin of error too large for the estimate). Hover a point for its neighborhood.")

areas = data.areas(city, "neighborhood")
for col, ind in zip(st.columns(2), (x_ind, y_ind)):
    frame, breaks, colours = mapview.map_frame(areas, data.indicator(city, ind.id, "neighborhood"), ind)
    with col:
        st.subheader(SHORT.get(ind.id, ind.title) + (", 2010 to 2020" if ind.id in SHORT else ""))
        st.pydeck_chart(mapview.deck(frame, basemap=False, layer_id=f"growth_{ind.id}"), height=360,
                        key=f"growth_map_{ind.id}")
        st.markdown(mapview.legend_html(ind.title, mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())),
                    unsafe_allow_html=True)
st.caption("The table under the scatter plot has the same figures as these maps.")

st.header("What this snapshot cannot show")
st.markdown(
    "- **No neighborhood growth measure.** The snapshot has no neighborhood home values or rents over time: the ACS "
    "publishes tract *medians*, and medians cannot be combined into a neighborhood median without the rent and "
    "income distribution tables (B25063, B19001), which are not in the files this snapshot was built from. The "
    "city's neighborhood profiles give a median home value for about 2010 only, with nothing later to compare.\n"
    "- **Home values and rents by neighborhood** are therefore shown for the city and county only, above.\n"
    "- The full list of what is missing, and why, is on *Methods and sources*.")
