"""Compare and rank: chosen neighborhoods side by side, every neighborhood ranked on one indicator, and the
disparities between groups that the snapshot can show."""

import pandas as pd
import streamlit as st

from indicators.metrics import catalog
from indicators.metrics.compute import NotAvailable
from indicators.core.exports import to_csv_bytes
from ui import charts, data, state
from ui.i18n import _, indicator, lang, words

fmt = words()

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
hoods = data.neighborhoods(city)
wanted = [h for h in (state.param("hoods") or "").split("|") if h in hoods]
ind = indicator(view["indicator"])
on_neighborhoods = "neighborhood" in ind.levels

# column headings used more than once (in the tables and in the CSV download)
NEIGHBORHOOD, ESTIMATE, MARGIN, RELIABILITY, PERIOD, NOTE, AREA, WHOLE_CITY = (
    _("Neighborhood"), _("Estimate"), _("Margin of error (90%)"), _("Reliability"), _("Period"), _("Note"),
    _("Area"), _("Whole city"))

st.title(_("Compare and rank"))
chosen = st.multiselect(_("Neighborhoods to compare"), hoods, default=wanted, key="compare_hoods",
                        placeholder=_("Choose neighborhoods"))
state.keep_in_url(view, hoods="|".join(chosen) or None)

st.header(_("Side by side"))
if not chosen:
    st.info(_("Choose two or more neighborhoods above to set their figures side by side."))
else:
    rows = []
    for other in catalog.available("neighborhood", lang()):
        try:
            frame = data.ranked(city, other.id, lang=lang()).set_index("area_id")
        except NotAvailable:
            continue
        city_row = data.city_value(city, other.id) or {}
        row = {_("Indicator"): other.title,
               WHOLE_CITY: fmt.value_with_margin(other, city_row.get("estimate"), city_row.get("moe"))}
        for hood in chosen:
            r = frame.loc[hood]
            row[hood] = fmt.value_with_margin(other, r["estimate"], r["moe"]) + (
                " " + _("(unreliable)") if r["reliability"] == "unreliable" else "")
        rows.append(row | {PERIOD: fmt.period(city_row.get("period"))})
    charts.text_table(pd.DataFrame(rows))
    st.caption(_("Figures with a margin of error show it at 90% confidence; “unreliable” marks a coefficient of "
                 "variation over 30% (or, for the arrest ratio, fewer than 10 arrests in a group)."))
    if on_neighborhoods:
        frame = data.ranked(city, ind.id, lang=lang())
        mine = frame[frame["area_id"].isin(chosen)]
        headline = data.city_value(city, ind.id) or {}
        table = pd.DataFrame({NEIGHBORHOOD: mine["name"], ESTIMATE: charts.percent_points(ind, mine["estimate"]),
                              MARGIN: charts.percent_points(ind, mine["moe"]),
                              RELIABILITY: data.shown_words(mine["reliability"]), PERIOD: mine["period"].map(fmt.period)})
        charts.show(charts.dot_whisker(mine, ind, title=ind.title, city_estimate=headline.get("estimate")), table,
                    key="compare_dots", alt=_("{indicator} in the chosen neighborhoods, each with its margin of error, "
                                              "and the city figure as a dashed line; the table below has the figures.",
                                              indicator=ind.title),
                    column_config={ESTIMATE: charts.number_column(ind), MARGIN: charts.margin_column(ind)})
    else:
        st.info(_("“{indicator}” has no neighborhood figures; choose another indicator in the sidebar to chart it.",
                  indicator=ind.title))

st.header(_("Every neighborhood ranked: {indicator}", indicator=ind.title))
if not on_neighborhoods:
    st.warning(_("“{indicator}” is available for: {levels}.", indicator=ind.title,
                 levels=data.levels_in_words(ind.levels)) if ind.levels else
               _("“{indicator}” is available for: no geography in this snapshot.", indicator=ind.title))
else:
    frame = data.ranked(city, ind.id, lang=lang())
    headline = data.city_value(city, ind.id) or {}
    RANK = _("Rank")
    ranking = pd.DataFrame({
        RANK: frame["rank"], NEIGHBORHOOD: frame["name"], ESTIMATE: charts.percent_points(ind, frame["estimate"]),
        MARGIN: charts.percent_points(ind, frame["moe"]), RELIABILITY: data.shown_words(frame["reliability"]),
        _("Compared with the city"): [fmt.compare_to_city(ind, e, headline.get("estimate")) for e in frame["estimate"]],
        PERIOD: frame["period"].map(fmt.period), NOTE: frame["note"].map(fmt.note)})
    st.caption(_("Rank 1 is the neighborhood where the figure is worst (for context measures, the highest). "
                 "Select a column heading to sort."))
    st.dataframe(ranking, hide_index=True, width="stretch",
                 column_config={RANK: st.column_config.NumberColumn(format="%d"),
                                ESTIMATE: charts.number_column(ind), MARGIN: charts.margin_column(ind)})
    st.download_button(_("Download the ranking (CSV)"), lambda: to_csv_bytes(ranking), on_click="ignore",
                       file_name=f"{city}_{ind.id}_neighborhood_ranking.csv", mime="text/csv")

st.header(_("Disparities between groups"))
st.subheader(_("Arrests by race"))
arrests = data.arrests_by_race(city, lang=lang())
shown = arrests[arrests["area"].isin([data.CITY_ROW, *chosen])].drop(columns="period")
shown["area"] = shown["area"].replace({data.CITY_ROW: _(data.CITY_ROW)})
st.dataframe(shown.rename(columns=lambda c: AREA if c == "area" else _(c)), hide_index=True, width="stretch")
disparity = indicator("arrest_disparity_black_white")
ratios = data.ranked(city, disparity.id, lang=lang()).set_index("area_id")
ratio_rows = [(WHOLE_CITY, data.city_value(city, disparity.id) or {})] + [(h, ratios.loc[h]) for h in chosen]
COUNTS = BLACK_ARRESTS, BLACK_RESIDENTS, WHITE_ARRESTS, WHITE_RESIDENTS = (
    _("Black arrests"), _("Black residents"), _("White arrests"), _("White residents"))
st.dataframe(pd.DataFrame([{
    AREA: name, _("Black:white arrest ratio"): fmt.value(disparity, r.get("estimate")),
    BLACK_ARRESTS: r.get("black_arrests"), BLACK_RESIDENTS: r.get("black_residents"),
    WHITE_ARRESTS: r.get("white_arrests"), WHITE_RESIDENTS: r.get("white_residents"),
    NOTE: fmt.note(r.get("note"))} for name, r in ratio_rows]),
    hide_index=True, width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%d") for c in COUNTS})
st.caption(_("Arrests {period}, counted where the incident happened. The ratio is {formula}.",
             period=fmt.escape_markdown(arrests["period"].iloc[0]), formula=fmt.escape_markdown(disparity.formula))
           + " " + " ".join(fmt.escape_markdown(c) for c in disparity.caveats))

st.subheader(_("Eviction filings by the racial majority of the ZIP code"))
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
            key="compare_evictions", alt=_("Bar chart of eviction filings and the pre-pandemic baseline by the racial "
                                           "majority of the ZIP code; the table below has the figures."),
            column_config={FILINGS: st.column_config.NumberColumn(format="%d"),
                           USUAL: st.column_config.NumberColumn(format="%.0f"),
                           RATIO: st.column_config.NumberColumn(format="%.2f×")})
no_figures = data.shown_words(groups.loc[groups["filings"].isna(), "group"]).tolist()
st.caption(_("Eviction Lab pools the ZIP codes of Allegheny County by their racial majority; these are county "
             "figures, not neighborhood ones.")
           + (" " + _("The publisher's file has no figures for: {groups}.",
                      groups=fmt.escape_markdown(", ".join(no_figures))) if no_figures else ""))

st.subheader(_("Rent burden by group"))
burden = data.low_income_renter_burden(city)
total = burden.iloc[-1]
st.markdown(_(
    "This snapshot has **no rent burden by race or ethnicity**: the ACS table behind the rent burden figures (B25070) "
    "is not split by race, and the HUD CHAS tables by race are not in the files it was built from. What exists is "
    "rent burden by **income**: HUD CHAS 2018–2022 counts, for the city's tracts, of renter households with incomes "
    "at or below 50% of the area median family income and of those among them paying more than 30% of income for "
    "housing. Across the city's tracts, **{share} ± {share_moe} points** of these low-income renter households "
    "({households} ± {households_moe}) pay more than 30%.", share=f"{total['share']:.0%}",
    share_moe=f"{total['share_moe'] * 100:.1f}", households=f"{total['chas_renters_le50_hamfi']:,.0f}",
    households_moe=f"{total['chas_renters_le50_hamfi_moe']:,.0f}"))
tracts = burden.iloc[:-1]
if chosen:
    tracts = tracts[tracts["neighborhoods"].map(lambda names: any(h in names.split(", ") for h in chosen))]
SHARE, SHARE_MOE = _("Share paying over 30%"), _("Margin of error (points)")
st.dataframe(pd.DataFrame({
    _("Tract (2020)"): tracts["area_id"], _("Neighborhoods"): tracts["neighborhoods"],
    _("Renters ≤50% of area median income"): tracts["chas_renters_le50_hamfi"],
    _("Of whom pay over 30%"): tracts["chas_renters_le50_hamfi_burden30"],
    SHARE: tracts["share"] * 100, SHARE_MOE: tracts["share_moe"] * 100}),
    hide_index=True, width="stretch",
    column_config={SHARE: st.column_config.NumberColumn(format="%.0f%%"),
                   SHARE_MOE: st.column_config.NumberColumn(format="%.0f")})
st.caption((_("Tracts overlapping the chosen neighborhoods (at least 5% of the tract's land).") if chosen else
            _("Every city tract.")) + " " + _("The catalog has no neighborhood indicator built from these counts, so "
                                              "the tracts are shown as published, with their margins of error."))
