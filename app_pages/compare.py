"""Compare and rank: chosen areas (neighborhoods, or the city's first map level) side by side, every area ranked on
one indicator, and the disparities between groups that the snapshot can show."""

import pandas as pd
import streamlit as st

from indicators.metrics.compute import NotAvailable
from ui import charts, data, evidence, state
from ui import tables
from ui.i18n import _, indicator, lang, words

fmt = words()

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
level = state.area_level(city)
names = data.area_names(city, level) if level else {}
# ?areas= (older links: ?hoods=) lists area ids, separated by |
wanted = [a for a in (state.param("areas") or state.param("hoods") or "").split("|") if a in names]
ind = indicator(view["indicator"])
on_level = level in data.available_levels(city, ind.id)
AREAS = data.level_label(city, level) if level else ""

# column headings used more than once (in the tables and in the CSV download)
ESTIMATE, MARGIN, RELIABILITY, PERIOD, NOTE, AREA, WHOLE_CITY = (
    _("Estimate"), _("Margin of error (90%)"), _("Reliability"), _("Period"), _("Note"), _("Area"), _("Whole city"))
AREA_WORD = data.area_word(level) if level else AREA

st.title(_("Compare and rank"))
st.caption(_("Figures for {city}, from its data snapshot.", city=fmt.escape_markdown(data.city_name(city))))
if not names:
    data.say_not_available(city, _("Comparing areas"), _("its data snapshot has no areas with boundaries"))
    st.stop()
chosen = st.multiselect(_("{areas} to compare", areas=AREAS), list(names), default=wanted, format_func=names.get,
                        key=f"compare_areas_{level}", placeholder=_("Choose areas"))
state.keep_in_url(view, areas="|".join(chosen) or None, hoods=None)

st.header(_("Side by side"))
if not chosen:
    st.info(_("Choose two or more areas above to set their figures side by side."))
else:
    rows, shown_inds = [], []
    for other in data.indicators_for(city, level):
        try:
            frame = data.ranked(city, other.id, level, lang=lang()).set_index("area_id")
        except NotAvailable:
            continue
        city_row = data.city_value(city, other.id)
        row = {_("Indicator"): other.title, WHOLE_CITY: fmt.reference_value(other, city_row)}
        for area in chosen:
            # each area's figure with its test against the city's (or county's): ratios only where significant
            said = fmt.figure(other, frame.loc[area].to_dict(), city_row)
            row[names[area]] = " — ".join(filter(None, [said.value + (
                " " + _("(unreliable)") if frame.loc[area, "reliability"] == "unreliable" else ""), said.comparison]))
        period = (city_row or {}).get("period") or frame.loc[chosen[0], "period"]
        rows.append(row | {PERIOD: fmt.period(period)})
        shown_inds.append((other, period))
    if rows:
        charts.text_table(pd.DataFrame(rows))
        st.caption(_("Figures with a margin of error show it at 90% confidence; each is compared with the city's "
                     "(or the county's, where said) by the 90% significance test, and called not distinguishable "
                     "where the difference could be chance. “Unreliable” marks a coefficient of variation over 30%."))
        warning = fmt.period_warning([(i.title, p) for i, p in shown_inds if i.topic == "policing"])
        if warning:
            st.warning(fmt.escape_markdown(warning), icon=":material/schedule:")
        evidence.caveats([i for i, _p in shown_inds])
    if on_level:
        frame = data.ranked(city, ind.id, level, lang=lang())
        mine = frame[frame["area_id"].isin(chosen)].assign(name=lambda f: f["area_id"].map(names))
        headline = data.city_value(city, ind.id) or {}
        table = pd.DataFrame({AREA_WORD: mine["name"], ESTIMATE: charts.percent_points(ind, mine["estimate"]),
                              MARGIN: charts.percent_points(ind, mine["moe"]),
                              RELIABILITY: data.shown_words(mine["reliability"]), PERIOD: mine["period"].map(fmt.period)})
        charts.show(charts.dot_whisker(mine, ind, title=ind.title, city_estimate=headline.get("estimate")), table,
                    key="compare_dots", alt=_("{indicator} in the chosen areas, each with its margin of error, and the "
                                              "city figure as a dashed line; the table below has the figures.",
                                              indicator=ind.title),
                    column_config={ESTIMATE: charts.number_column(ind), MARGIN: charts.margin_column(ind)})

st.header(_("{areas} ranked: {indicator}", areas=AREAS, indicator=ind.title))
if not on_level:
    data.say_not_available(city, _("“{indicator}” by {areas}", indicator=ind.title, areas=AREAS),
                           data.indicator_reason(city, ind.id, level))
else:
    ranking = data.indicator_table(city, ind.id, level, lang=lang()).rename(columns={AREA: AREA_WORD})
    st.caption(_("Rank 1 is the area where the figure is worst (for context measures, the highest); the rank range "
                 "is where the area could rank given the margins of error (90%), and unreliable figures are marked. "
                 "Select a column heading to sort."))
    tables.dataframe(ranking.drop(columns=["area_id", "indicator_id"]), hide_index=True, width="stretch")
    evidence.caveats([ind])
    st.download_button(_("Download the ranking (CSV)"), lambda: data.indicator_csv(city, ind.id, level, None, lang()),
                       on_click="ignore", file_name=f"{city}_{ind.id}_{level}_ranking.csv", mime="text/csv")

st.header(_("Disparities between groups"))
st.subheader(_("Arrests by race"))
arrests = data.arrests_by_race(city, level, lang=lang()) if data.has(city, "arrests") else None
if arrests is None:
    data.lacks(city, _("Arrests by race"), family="policing", tables=("arrests",))
elif arrests.empty:
    data.say_not_available(city, _("Arrests by race by {areas}", areas=AREAS),
                           _("its arrest records are not counted by these areas"))
else:
    city_row = _("City (all neighborhoods)") if level == "neighborhood" else _("Whole city")
    shown = arrests[arrests["area"].isin([data.CITY_ROW, *chosen])].drop(columns="period")
    shown["area"] = shown["area"].map(lambda a: city_row if a == data.CITY_ROW else names.get(a, a))
    tables.dataframe(shown.rename(columns=lambda c: AREA if c == "area" else _(c)), hide_index=True, width="stretch")
    disparity = indicator("arrest_disparity_black_white")
    caption = _("Arrests {period}, counted where the incident happened.",
                period=fmt.escape_markdown(arrests["period"].iloc[0]))
    if level in data.available_levels(city, disparity.id):
        ratios = data.ranked(city, disparity.id, level, lang=lang()).set_index("area_id")
        ratio_rows = [(WHOLE_CITY, data.city_value(city, disparity.id) or {})] + [
            (names[a], ratios.loc[a]) for a in chosen if a in ratios.index]
        COUNTS = BLACK_ARRESTS, BLACK_RESIDENTS, WHITE_ARRESTS, WHITE_RESIDENTS = (
            _("Black arrests"), _("Black residents"), _("White arrests"), _("White residents"))
        tables.dataframe(pd.DataFrame([{
            AREA: area_name, _("Black:white arrest ratio"): fmt.value_with_uncertainty(disparity, dict(r)),
            BLACK_ARRESTS: r.get("black_arrests"), BLACK_RESIDENTS: r.get("black_residents"),
            WHITE_ARRESTS: r.get("white_arrests"), WHITE_RESIDENTS: r.get("white_residents"),
            PERIOD: fmt.period(r.get("period")), NOTE: fmt.note(r.get("note"))} for area_name, r in ratio_rows]),
            hide_index=True, width="stretch",
            column_config={c: st.column_config.NumberColumn(format="%d") for c in COUNTS})
        caption += " " + _("The ratio is {formula}.", formula=fmt.escape_markdown(disparity.formula)) + " " + " ".join(
            fmt.escape_markdown(c) for c in disparity.caveats)
    st.caption(caption)

st.subheader(_("Eviction filings by the racial majority of the ZIP code"))
if not data.lacks(city, _("Eviction filings by the racial majority of the ZIP code"), family="evictions",
                  tables=("evictions_by_group", "evictions_zip")):
    groups = data.evictions_by_group(city)
    window = data.table(city, "evictions_zip").iloc[0]
    with_figures = groups.dropna(subset=["filings"]).assign(group=lambda f: data.shown_words(f["group"]))
    FILINGS = _("Filings")
    bars = pd.concat([with_figures.assign(series=FILINGS, value=with_figures["filings"]),
                      with_figures.assign(series=_("Usual filings, same months of 2016–2019"),
                                          value=with_figures["baseline"])])
    bars["hover"] = [f"{g}: {v:,.0f}" for g, v in zip(bars["group"], bars["value"])]
    USUAL, RATIO = _("Usual filings (2016–2019)"), _("Filings ÷ usual")
    charts.show(charts.grouped_bars(bars, category="group", value="value", series="series", hover="hover",
                                    title=_("Eviction filings {start} to {end}, by racial majority of the ZIP code",
                                            start=window["window_start"], end=window["window_end"]),
                                    value_title=FILINGS),
                pd.DataFrame({_("ZIP codes with a majority of"): data.shown_words(groups["group"]),
                              FILINGS: groups["filings"], USUAL: groups["baseline"], RATIO: groups["vs_baseline"]}),
                key="compare_evictions", alt=_("Bar chart of eviction filings and the pre-pandemic baseline by the "
                                               "racial majority of the ZIP code; the table below has the figures."),
                column_config={FILINGS: st.column_config.NumberColumn(format="%d"),
                               USUAL: st.column_config.NumberColumn(format="%.0f"),
                               RATIO: st.column_config.NumberColumn(format="%.2f×")})
    no_figures = data.shown_words(groups.loc[groups["filings"].isna(), "group"]).tolist()
    publisher = data.source_publishers(city, data.table(city, "evictions_by_group")["source_id"])
    st.caption(_("{publisher} pools the ZIP codes of {county} by their racial majority; these are county figures, "
                 "not figures of the city's areas.", publisher=fmt.escape_markdown(publisher or _("The publisher")),
                 county=fmt.escape_markdown(data.county_name(city) or _("the county")))
               + (" " + _("The publisher's file has no figures for: {groups}.",
                          groups=fmt.escape_markdown(", ".join(no_figures))) if no_figures else ""))

st.subheader(_("Rent burden by group"))
chas = data.chas_source_ids(city)
if not chas:
    data.say_not_available(city, _("Rent burden by income"), data.missing_reason(city, "housing", (
        "measures", "weights_tract_neighborhood")) if not data.has(city, "measures", "weights_tract_neighborhood")
        else _("its data snapshot has no CHAS counts of low-income renters by tract"))
else:
    burden = data.low_income_renter_burden(city)
    total = burden.iloc[-1]
    st.markdown(_(
        "This snapshot has **no rent burden by race or ethnicity**: the ACS table behind the rent burden figures "
        "(B25070) is not split by race, and the HUD CHAS tables by race are not in the files it was built from. What "
        "exists is rent burden by **income**: HUD CHAS counts ({source}), for the city's tracts, of renter households "
        "with incomes at or below 50% of the area median family income and of those among them paying more than 30% "
        "of income for housing. Across the city's tracts, **{share} ± {share_moe} points** of these low-income renter "
        "households ({households} ± {households_moe}) pay more than 30%.",
        source=fmt.escape_markdown(data.source_titles(city, chas)), share=f"{total['share']:.0%}",
        share_moe=f"{total['share_moe'] * 100:.1f}", households=f"{total['chas_renters_le50_hamfi']:,.0f}",
        households_moe=f"{total['chas_renters_le50_hamfi_moe']:,.0f}"))
    tracts = burden.iloc[:-1]
    if chosen and level == "neighborhood":
        tracts = tracts[tracts["neighborhoods"].map(lambda hoods: any(h in hoods.split(", ") for h in chosen))]
    SHARE, SHARE_MOE = _("Share paying over 30%"), _("Margin of error (points)")
    tables.dataframe(pd.DataFrame({
        _("Tract (2020)"): tracts["area_id"], _("Neighborhoods"): tracts["neighborhoods"],
        _("Renters ≤50% of area median income"): tracts["chas_renters_le50_hamfi"],
        _("Of whom pay over 30%"): tracts["chas_renters_le50_hamfi_burden30"],
        SHARE: tracts["share"] * 100, SHARE_MOE: tracts["share_moe"] * 100}),
        hide_index=True, width="stretch",
        column_config={SHARE: st.column_config.NumberColumn(format="%.0f%%"),
                       SHARE_MOE: st.column_config.NumberColumn(format="%.0f")})
    st.caption((_("Tracts overlapping the chosen areas (at least 5% of the tract's land).")
                if chosen and level == "neighborhood" else _("Every city tract.")) + " " +
               _("The catalog has no neighborhood indicator built from these counts, so the tracts are shown as "
                 "published, with their margins of error."))
