"""Growth vs people: the growth figures cities lead with, beside the stability and people measures this
dashboard leads with, for the city and county and by area, wherever the city's snapshot has them."""

import pandas as pd
import streamlit as st

from ui import charts, data, state
from ui.i18n import N_, _, indicator, lang, words

fmt = words()

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
state.keep_in_url(view)
name = data.city_name(city)
level = state.area_level(city)
LEVEL_NAMES = {"city": _("City of {name}", name=name), "county": data.county_name(city) or _("the county")}
SHORT = {"home_value_change": N_("Home values"), "rent_change": N_("Rents"), "renter_share": N_("Renters"),
         "rent_burden30_share": N_("Rent burden"), "black_population_change_2010_2020": N_("Black residents"),
         "population_change_2010_2020": N_("All residents")}
SIGNIFICANT, NOT_SIGNIFICANT = _("a statistically significant change (90%)"), _("not a significant change")
ESTIMATE, MARGIN = _("Estimate"), _("Margin of error (90%)")


def short(ind_id: str, lv: str) -> str:
    """``Home values, city``: a metric's label."""
    return f"{_(SHORT[ind_id])}, {_(data.LEVEL_WORDS[lv])}"


def periods(row) -> tuple[str, str]:
    """The two ACS periods a change compares (``2010–2014 to 2020–2024``)."""
    start, _sep, end = str(row["period"]).partition(" to ")
    return fmt.period(start), fmt.period(end or start)


def served(ind_id: str, lv: str) -> bool:
    return lv in data.available_levels(city, ind_id)


st.title(_("Growth vs people"))
st.caption(_("Figures for {city}, from its data snapshot.", city=fmt.escape_markdown(data.city_name(city))))
st.markdown(_(
    "Cities usually report progress as **growth**: rising home values, rising rents, more residents. A human rights "
    "city asks first whether the people who live here **can stay and afford their homes**, without discrimination. "
    "This dashboard therefore leads with stability (who rents, who stayed, who pays too much) and shows growth "
    "beside it, not instead of it: rising values with falling stability is displacement, not progress."))

st.header(_("What the growth figures say"))
growth = [(m, lv) for m in ("home_value_change", "rent_change") for lv in ("city", "county") if served(m, lv)]
if not growth:
    data.say_not_available(city, _("Change in home values and rents"),
                           data.indicator_reason(city, "home_value_change", "city"))
cols = st.columns(4)
for i, (ind_id, lv) in enumerate(growth):
    ind = indicator(ind_id)
    row = data.city_value(city, ind_id) if lv == "city" else data.indicator(city, ind_id, lv).iloc[0].to_dict()
    if not row:
        continue
    verdict = SIGNIFICANT if row["significant"] else NOT_SIGNIFICANT
    start, end = periods(row)
    cols[i].metric(short(ind_id, lv), fmt.value(ind, row["estimate"]),
                   help=_("{indicator}, {place}, {period}; 90% margin of error {margin}; {verdict}.",
                          indicator=ind.title, place=LEVEL_NAMES[lv], period=fmt.period(row["period"]),
                          margin=fmt.margin(ind, row["moe"]), verdict=verdict))
    cols[i].caption(_("{before} in {start} → {after} in {end}: {verdict}", before=f"${row['denominator']:,.0f}",
                      after=f"${row['numerator']:,.0f}", start=start, end=end, verdict=verdict))


def series_frame(measures: dict[str, str]) -> pd.DataFrame:
    frames = [data.series(city, m, lv).assign(series=f"{label}: {LEVEL_NAMES[lv]}")
              for m, label in measures.items() for lv in ("city", "county")]
    return pd.concat(frames, ignore_index=True)


def series_table(frame: pd.DataFrame, percent: bool) -> pd.DataFrame:
    scale = 100 if percent else 1
    return pd.DataFrame({_("Series"): frame["series"], _("ACS period"): frame["period"],
                         ESTIMATE: frame["estimate"] * scale, MARGIN: frame["moe"] * scale})


has_series = data.has(city, "measures")
if growth and has_series:
    left, right = st.columns(2)
    for col, measure, label in ((left, "med_home_value", _("Median home value")),
                                (right, "med_gross_rent", _("Median gross rent"))):
        frame = series_frame({measure: label})
        if frame.empty:
            continue
        with col:
            charts.show(charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series",
                                            unit="dollars", title_width=60,
                                            title=_("{measure} by ACS 5-year period (current dollars)",
                                                    measure=label)),
                        series_table(frame, False), key=f"growth_{measure}",
                        alt=_("Line chart of the {measure} for the city and the county in each ACS period; the "
                              "table below has the figures.", measure=label.lower()),
                        column_config={ESTIMATE: st.column_config.NumberColumn(format="dollar"),
                                       MARGIN: st.column_config.NumberColumn(format="dollar")})
    first, first_level = growth[0]
    start, end = periods(data.indicator(city, first, first_level).iloc[0])
    st.caption(_("Each point is an ACS 5-year period; neighbouring periods share four of their five years, so the "
                 "steps between them are not separate changes. The change figures compare {start} with {end}, which "
                 "share no year. Dollars are not adjusted for inflation.", start=start, end=end))

st.header(_("What the people measures say"))
people = [(m, label) for m, label in (("renter_share", _("Homes that are rented")),
                                      ("rent_burden30_share", _("Renters paying 30% or more of income on rent")))
          if has_series and not data.change(city, m, "city").empty]
census = [i for i in ("black_population_change_2010_2020", "population_change_2010_2020") if served(i, "city")]
if not people and not census:
    data.say_not_available(city, _("City-wide series of renters, rent burden and residents"),
                           _("its data snapshot has no city series of ACS releases or census counts"))
cols = st.columns(4)
for i, (measure, label) in enumerate(people):
    row = data.change(city, measure, "city").iloc[0]
    verdict = SIGNIFICANT if row["significant"] else NOT_SIGNIFICANT
    start, end = periods(row)
    cols[i].metric(short(measure, "city"), f"{row['numerator']:.1%}",
                   delta=_("{points} points since {start}", start=start,
                           points=f"{(row['numerator'] - row['denominator']) * 100:+.1f}"),
                   delta_color="off", help=_("{measure}, {place}, {period}; {verdict}.", measure=label,
                                             place=LEVEL_NAMES["city"], period=fmt.period(row["period"]), verdict=verdict))
    cols[i].caption(_("{before} ± {before_moe} points in {start}; {after} ± {after_moe} points in {end}: {verdict}",
                      before=f"{row['denominator']:.1%}", before_moe=f"{row['denominator_moe'] * 100:.1f}",
                      after=f"{row['numerator']:.1%}", after_moe=f"{row['numerator_moe'] * 100:.1f}", start=start,
                      end=end, verdict=verdict))
for i, ind_id in enumerate(census, start=2):
    ind, row = indicator(ind_id), data.city_value(city, ind_id)
    if not row:
        continue
    cols[i].metric(short(ind_id, "city"), fmt.value(ind, row["estimate"]),
                   help=_("{indicator}, {place}: census counts (no sampling error).", indicator=ind.title,
                          place=LEVEL_NAMES["city"]))
    cols[i].caption(_("{before} in 2010 → {after} in 2020", before=f"{row['denominator']:,.0f}",
                      after=f"{row['denominator'] + row['numerator']:,.0f}"))
if people:
    frame = series_frame({"renter_share": _("Renter households"), "rent_burden30_share": _("Renters paying 30%+")})
    charts.show(charts.series_lines(frame, x="period", y="estimate", moe="moe", series="series", unit="share",
                                    title=_("Renters and rent burden by ACS 5-year period")),
                series_table(frame, True), key="growth_people",
                alt=_("Line chart of the share of homes rented and of renters paying 30% or more of income on rent, "
                      "for the city and the county in each ACS period; the table below has the figures."),
                column_config={ESTIMATE: st.column_config.NumberColumn(format="%.1f%%"),
                               MARGIN: st.column_config.NumberColumn(format="%.1f")})

AREAS = data.level_label(city, level) if level else ""
st.header(_("{areas}: who grew, and who could stay", areas=AREAS))
x_ind = indicator("population_change_2010_2020")
y_titles = {i: indicator(i).title for i in ("black_population_change_2010_2020", "rent_burden_share")
            if level and served(i, level)}
if not (level and served(x_ind.id, level)) or not y_titles:
    data.say_not_available(city, _("Population change by {areas}", areas=AREAS),
                           data.indicator_reason(city, x_ind.id, level))
else:
    y_choice = st.radio(_("Set population change against"), list(y_titles), format_func=y_titles.get,
                        horizontal=True, key="growth_scatter_y")
    y_ind = indicator(y_choice)
    x, y = data.ranked(city, x_ind.id, level, lang=lang()), data.ranked(city, y_ind.id, level, lang=lang())
    both = x[["area_id", "name", "estimate", "moe", "note"]].merge(
        y[["area_id", "estimate", "moe", "reliability", "note"]], on="area_id", suffixes=("_x", "_y"))
    notes = both["note_y"].fillna(both["note_x"]).fillna("")
    points = pd.DataFrame({"name": both["name"], "x": both["estimate_x"], "x_moe": both["moe_x"],
                           "y": both["estimate_y"], "y_moe": both["moe_y"],
                           "unreliable": (both["reliability"] == "unreliable") | notes.str.startswith("fewer")})
    city_xy = ((data.city_value(city, x_ind.id) or {}).get("estimate"),
               (data.city_value(city, y_ind.id) or {}).get("estimate"))
    charts.show(charts.scatter(points, x_ind=x_ind, y_ind=y_ind, city=city_xy,
                               title=_("{x}, against: {y}", x=x_ind.title, y=y_ind.title)),
                pd.DataFrame({data.area_word(level): points["name"],
                              x_ind.title: charts.percent_points(x_ind, points["x"]),
                              y_ind.title: charts.percent_points(y_ind, points["y"]),
                              MARGIN: charts.percent_points(y_ind, points["y_moe"]),
                              _("Note"): notes.map(fmt.note)}).dropna(axis="columns", how="all"),
                key="growth_scatter", alt=_("Scatter plot of areas: {x} across, {y} up; the table below has every "
                                            "area's figures.", x=x_ind.title, y=y_ind.title),
                column_config={x_ind.title: charts.number_column(x_ind), y_ind.title: charts.number_column(y_ind),
                               MARGIN: charts.margin_column(y_ind)})
    st.caption(_("Dashed lines: the city figures. Hollow circles: figures to read with care (fewer than 100 residents "
                 "of the group in 2010, or a margin of error too large for the estimate). Hover a point for its "
                 "area."))

    # drawn as pictures (made once on the server, with names and legend): two live maps beside four charts were
    # most of the time this page took to settle in a browser
    for col, ind in zip(st.columns(2), (x_ind, y_ind)):
        with col:
            st.subheader(_("{measure}, 2010 to 2020", measure=_(SHORT[ind.id])) if ind.id in SHORT else ind.title)
            st.image(data.map_png(city, ind.id, level, None, "quantiles", lang()), width="stretch")
    st.caption(_("The table under the scatter plot has the same figures as these maps."))

st.header(_("What this snapshot cannot show"))
lines = []
if level and not any(served(m, level) for m in ("home_value_change", "rent_change")):
    lines.append(_("**No growth measure by {areas}.** The snapshot has no home values or rents over time by these "
                   "areas: the ACS publishes tract *medians*, and medians cannot be combined into a neighborhood "
                   "median without the rent and income distribution tables (B25063, B19001) over several periods.",
                   areas=AREAS))
    if growth:
        lines.append(_("**Home values and rents by area** are therefore shown for the city and county only, above."))
lines.append(_("The full list of what is missing, and why, is on *Methods and sources*."))
st.markdown("\n".join(f"- {line}" for line in lines))
