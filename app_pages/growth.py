"""Growth vs people: the growth figures cities lead with, beside the stability and people measures this
dashboard leads with, for the city and county and by neighborhood."""

import pandas as pd
import streamlit as st

from ui import charts, data, mapview, state
from ui.i18n import N_, _, indicator, lang, words

fmt = words()

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
state.keep_in_url(view)
name = data.city_name(city)
LEVEL_NAMES = {"city": _("City of {name}", name=name), "county": _("Allegheny County")}
SHORT = {"home_value_change": N_("Home values"), "rent_change": N_("Rents"), "renter_share": N_("Renters"),
         "rent_burden30_share": N_("Rent burden"), "black_population_change_2010_2020": N_("Black residents"),
         "population_change_2010_2020": N_("All residents")}
SIGNIFICANT, NOT_SIGNIFICANT = _("a statistically significant change (90%)"), _("not a significant change")
ESTIMATE, MARGIN = _("Estimate"), _("Margin of error (90%)")


def short(ind_id: str, level: str) -> str:
    """``Home values, city``: a metric's label."""
    return f"{_(SHORT[ind_id])}, {_(data.LEVEL_WORDS[level])}"


st.title(_("Growth vs people"))
st.markdown(_(
    "Cities usually report progress as **growth**: rising home values, rising rents, more residents. A human rights "
    "city asks first whether the people who live here **can stay and afford their homes**, without discrimination. "
    "This dashboard therefore leads with stability (who rents, who stayed, who pays too much) and shows growth "
    "beside it, not instead of it: rising values with falling stability is displacement, not progress."))

st.header(_("What the growth figures say"))
cols = st.columns(4)
for i, (ind_id, level) in enumerate([(m, lv) for m in ("home_value_change", "rent_change") for lv in ("city", "county")]):
    ind = indicator(ind_id)
    row = data.city_value(city, ind_id) if level == "city" else data.indicator(city, ind_id, level).iloc[0].to_dict()
    verdict = SIGNIFICANT if row["significant"] else NOT_SIGNIFICANT
    cols[i].metric(short(ind_id, level), fmt.value(ind, row["estimate"]),
                   help=_("{indicator}, {place}, {period}; 90% margin of error {margin}; {verdict}.",
                          indicator=ind.title, place=LEVEL_NAMES[level], period=fmt.period(row["period"]),
                          margin=fmt.margin(ind, row["moe"]), verdict=verdict))
    cols[i].caption(_("{before} in 2010–2014 → {after} in 2020–2024: {verdict}", before=f"${row['denominator']:,.0f}",
                      after=f"${row['numerator']:,.0f}", verdict=verdict))


def series_frame(measures: dict[str, str], levels=("city", "county")) -> pd.DataFrame:
    frames = [data.series(city, m, lv).assign(series=f"{label}: {LEVEL_NAMES[lv]}")
              for m, label in measures.items() for lv in levels]
    return pd.concat(frames, ignore_index=True)


def series_table(frame: pd.DataFrame, percent: bool) -> pd.DataFrame:
    scale = 100 if percent else 1
    return pd.DataFrame({_("Series"): frame["series"], _("ACS period"): frame["period"],
                         ESTIMATE: frame["estimate"] * scale, MARGIN: frame["moe"] * scale})


left, right = st.columns(2)
for col, measure, label in ((left, "med_home_value", _("Median home value")),
                            (right, "med_gross_rent", _("Median gross rent"))):
    frame = series_frame({measure: label})
    with col:
        charts.show(charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series", unit="dollars",
                                        title=_("{measure} by ACS 5-year period (current dollars)", measure=label),
                                        title_width=60),
                    series_table(frame, False), key=f"growth_{measure}",
                    alt=_("Line chart of the {measure} for the city and the county in each ACS period; the table "
                          "below has the figures.", measure=label.lower()),
                    column_config={ESTIMATE: st.column_config.NumberColumn(format="dollar"),
                                   MARGIN: st.column_config.NumberColumn(format="dollar")})
st.caption(_("Each point is an ACS 5-year period; neighbouring periods share four of their five years, so the steps "
             "between them are not separate changes. The change figures compare 2010–2014 with 2020–2024, which "
             "share no year. Dollars are not adjusted for inflation."))

st.header(_("What the people measures say"))
cols = st.columns(4)
for i, (measure, label) in enumerate((("renter_share", _("Homes that are rented")),
                                      ("rent_burden30_share", _("Renters paying 30% or more of income on rent")))):
    row = data.change(city, measure, "city").iloc[0]
    verdict = SIGNIFICANT if row["significant"] else NOT_SIGNIFICANT
    cols[i].metric(short(measure, "city"), f"{row['numerator']:.1%}",
                   delta=_("{points} points since 2010–2014",
                           points=f"{(row['numerator'] - row['denominator']) * 100:+.1f}"),
                   delta_color="off", help=_("{measure}, {place}, {period}; {verdict}.", measure=label,
                                             place=LEVEL_NAMES["city"], period=fmt.period(row["period"]), verdict=verdict))
    cols[i].caption(_("{before} ± {before_moe} points in 2010–2014; {after} ± {after_moe} points in 2020–2024: "
                      "{verdict}", before=f"{row['denominator']:.1%}", before_moe=f"{row['denominator_moe'] * 100:.1f}",
                      after=f"{row['numerator']:.1%}", after_moe=f"{row['numerator_moe'] * 100:.1f}", verdict=verdict))
for i, ind_id in enumerate(("black_population_change_2010_2020", "population_change_2010_2020"), start=2):
    ind, row = indicator(ind_id), data.city_value(city, ind_id)
    cols[i].metric(short(ind_id, "city"), fmt.value(ind, row["estimate"]),
                   help=_("{indicator}, {place}: census counts (no sampling error).", indicator=ind.title,
                          place=LEVEL_NAMES["city"]))
    cols[i].caption(_("{before} in 2010 → {after} in 2020", before=f"{row['denominator']:,.0f}",
                      after=f"{row['denominator'] + row['numerator']:,.0f}"))
frame = series_frame({"renter_share": _("Renter households"), "rent_burden30_share": _("Renters paying 30%+")})
charts.show(charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series", unit="share",
                                title=_("Renters and rent burden by ACS 5-year period")),
            series_table(frame, True), key="growth_people",
            alt=_("Line chart of the share of homes rented and of renters paying 30% or more of income on rent, for "
                  "the city and the county in each ACS period; the table below has the figures."),
            column_config={ESTIMATE: st.column_config.NumberColumn(format="%.1f%%"),
                           MARGIN: st.column_config.NumberColumn(format="%.1f")})

st.header(_("Neighborhoods: who grew, and who could stay"))
x_ind = indicator("population_change_2010_2020")
y_titles = {i: indicator(i).title for i in ("black_population_change_2010_2020", "rent_burden_share")}
y_choice = st.radio(_("Set population change against"), list(y_titles), format_func=y_titles.get, horizontal=True,
                    key="growth_scatter_y")
y_ind = indicator(y_choice)
x, y = data.ranked(city, x_ind.id, lang=lang()), data.ranked(city, y_ind.id, lang=lang())
both = x[["area_id", "name", "estimate", "moe", "note"]].merge(
    y[["area_id", "estimate", "moe", "reliability", "note"]], on="area_id", suffixes=("_x", "_y"))
notes = both["note_y"].fillna(both["note_x"]).fillna("")
points = pd.DataFrame({"name": both["name"], "x": both["estimate_x"], "x_moe": both["moe_x"], "y": both["estimate_y"],
                       "y_moe": both["moe_y"],
                       "unreliable": (both["reliability"] == "unreliable") | notes.str.startswith("fewer")})
city_xy = ((data.city_value(city, x_ind.id) or {}).get("estimate"), (data.city_value(city, y_ind.id) or {}).get("estimate"))
charts.show(charts.scatter(points, x_ind=x_ind, y_ind=y_ind, city=city_xy,
                           title=_("{x}, against: {y}", x=x_ind.title, y=y_ind.title)),
            pd.DataFrame({_("Neighborhood"): points["name"], x_ind.title: charts.percent_points(x_ind, points["x"]),
                          y_ind.title: charts.percent_points(y_ind, points["y"]),
                          MARGIN: charts.percent_points(y_ind, points["y_moe"]),
                          _("Note"): notes.map(fmt.note)}).dropna(axis="columns", how="all"),
            key="growth_scatter", alt=_("Scatter plot of neighborhoods: {x} across, {y} up; the table below has every "
                                        "neighborhood's figures.", x=x_ind.title, y=y_ind.title),
            column_config={x_ind.title: charts.number_column(x_ind), y_ind.title: charts.number_column(y_ind),
                           MARGIN: charts.margin_column(y_ind)})
st.caption(_("Dashed lines: the city figures. Hollow circles: figures to read with care (fewer than 100 residents "
             "of the group in 2010, or a margin of error too large for the estimate). Hover a point for its "
             "neighborhood."))

areas = data.areas(city, "neighborhood")
for col, ind in zip(st.columns(2), (x_ind, y_ind)):
    frame, breaks, colours = mapview.map_frame(areas, data.indicator(city, ind.id, "neighborhood"), ind)
    with col:
        st.subheader(_("{measure}, 2010 to 2020", measure=_(SHORT[ind.id])) if ind.id in SHORT else ind.title)
        st.pydeck_chart(mapview.deck(frame, basemap=False, layer_id=f"growth_{ind.id}",
                                     shapes=data.area_shapes(city, "neighborhood")), height=360,
                        key=f"growth_map_{ind.id}")
        st.markdown(mapview.legend_html(ind.title, mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())),
                    unsafe_allow_html=True)
st.caption(_("The table under the scatter plot has the same figures as these maps."))

st.header(_("What this snapshot cannot show"))
st.markdown(_(
    "- **No neighborhood growth measure.** The snapshot has no neighborhood home values or rents over time: the ACS "
    "publishes tract *medians*, and medians cannot be combined into a neighborhood median without the rent and "
    "income distribution tables (B25063, B19001), which are not in the files this snapshot was built from. The "
    "city's neighborhood profiles give a median home value for about 2010 only, with nothing later to compare.\n"
    "- **Home values and rents by neighborhood** are therefore shown for the city and county only, above.\n"
    "- The full list of what is missing, and why, is on *Methods and sources*."))
