"""Compare and rank: chosen neighborhoods side by side, every neighborhood ranked on one indicator, and the
disparities between groups that the snapshot can show."""

import pandas as pd
import streamlit as st

from indicators import catalog
from indicators.compute import NotAvailable
from indicators.exports import to_csv_bytes
from ui import charts, data, state
from ui.i18n import _, words

fmt = words()

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
hoods = data.neighborhoods(city)
wanted = [h for h in (state.param("hoods") or "").split("|") if h in hoods]
ind = catalog.get(view["indicator"])
on_neighborhoods = "neighborhood" in ind.levels

st.title("Compare and rank")
chosen = st.multiselect("Neighborhoods to compare", hoods, default=wanted, key="compare_hoods",
                        placeholder="Choose neighborhoods")
state.keep_in_url(view, hoods="|".join(chosen) or None)

st.header("Side by side")
if not chosen:
    st.info("Choose two or more neighborhoods above to set their figures side by side.")
else:
    rows = []
    for other in catalog.available("neighborhood"):
        try:
            frame = data.ranked(city, other.id).set_index("area_id")
        except NotAvailable:
            continue
        city_row = data.city_value(city, other.id) or {}
        row = {"Indicator": other.title,
               "Whole city": fmt.value_with_margin(other, city_row.get("estimate"), city_row.get("moe"))}
        for hood in chosen:
            r = frame.loc[hood]
            row[hood] = fmt.value_with_margin(other, r["estimate"], r["moe"]) + (
                " (unreliable)" if r["reliability"] == "unreliable" else "")
        rows.append(row | {"Period": city_row.get("period", "")})
    charts.text_table(pd.DataFrame(rows))
    st.caption("Figures with a margin of error show it at 90% confidence; “unreliable” marks a coefficient of "
               "variation over 30% (or, for the arrest ratio, fewer than 10 arrests in a group).")
    if on_neighborhoods:
        frame = data.ranked(city, ind.id)
        mine = frame[frame["area_id"].isin(chosen)]
        headline = data.city_value(city, ind.id) or {}
        table = pd.DataFrame({"Neighborhood": mine["name"], "Estimate": charts.percent_points(ind, mine["estimate"]),
                              "Margin of error (90%)": charts.percent_points(ind, mine["moe"]),
                              "Reliability": mine["reliability"], "Period": mine["period"]})
        charts.show(charts.dot_whisker(mine, ind, title=ind.title, city_estimate=headline.get("estimate")), table,
                    key="compare_dots", alt=f"{ind.title} in the chosen neighborhoods, each with its margin of "
                                            "error, and the city figure as a dashed line; the table below has the figures.",
                    column_config={"Estimate": charts.number_column(ind),
                                   "Margin of error (90%)": charts.margin_column(ind)})
    else:
        st.info(f"“{ind.title}” has no neighborhood figures; choose another indicator in the sidebar to chart it.")

st.header(f"Every neighborhood ranked: {ind.title}")
if not on_neighborhoods:
    st.warning(f"“{ind.title}” is available for: {', '.join(ind.levels) or 'no geography in this snapshot'}.")
else:
    frame = data.ranked(city, ind.id)
    headline = data.city_value(city, ind.id) or {}
    ranking = pd.DataFrame({
        "Rank": frame["rank"], "Neighborhood": frame["name"], "Estimate": charts.percent_points(ind, frame["estimate"]),
        "Margin of error (90%)": charts.percent_points(ind, frame["moe"]), "Reliability": frame["reliability"],
        "Compared with the city": [fmt.compare_to_city(ind, e, headline.get("estimate")) for e in frame["estimate"]],
        "Period": frame["period"], "Note": frame["note"]})
    st.caption("Rank 1 is the neighborhood where the figure is worst (for context measures, the highest). "
               "Select a column heading to sort.")
    st.dataframe(ranking, hide_index=True, width="stretch",
                 column_config={"Rank": st.column_config.NumberColumn(format="%d"),
                                "Estimate": charts.number_column(ind),
                                "Margin of error (90%)": charts.margin_column(ind)})
    st.download_button("Download the ranking (CSV)", to_csv_bytes(ranking),
                       file_name=f"{city}_{ind.id}_neighborhood_ranking.csv", mime="text/csv")

st.header("Disparities between groups")
st.subheader("Arrests by race")
arrests = data.arrests_by_race(city)
shown = arrests[arrests["area"].isin([data.CITY_ROW, *chosen])].drop(columns="period")
st.dataframe(shown.rename(columns={"area": "Area"}), hide_index=True, width="stretch")
disparity = catalog.get("arrest_disparity_black_white")
ratios = data.ranked(city, disparity.id).set_index("area_id")
ratio_rows = [("Whole city", data.city_value(city, disparity.id) or {})] + [(h, ratios.loc[h]) for h in chosen]
st.dataframe(pd.DataFrame([{
    "Area": name, "Black:white arrest ratio": fmt.value(disparity, r.get("estimate")),
    "Black arrests": r.get("black_arrests"), "Black residents": r.get("black_residents"),
    "White arrests": r.get("white_arrests"), "White residents": r.get("white_residents"),
    "Note": r.get("note") if isinstance(r.get("note"), str) else ""} for name, r in ratio_rows]),
    hide_index=True, width="stretch",
    column_config={c: st.column_config.NumberColumn(format="%d") for c in
                   ("Black arrests", "Black residents", "White arrests", "White residents")})
st.caption(f"Arrests {fmt.escape_markdown(arrests['period'].iloc[0])}, counted where the incident happened. "
           f"The ratio is {fmt.escape_markdown(disparity.formula)}. "
           + " ".join(fmt.escape_markdown(c) for c in disparity.caveats))

st.subheader("Eviction filings by the racial majority of the ZIP code")
groups = data.evictions_by_group(city)
window = data.table(city, "evictions_zip").iloc[0]
with_figures = groups.dropna(subset=["filings"])
bars = pd.concat([with_figures.assign(series="Filings", value=with_figures["filings"]),
                  with_figures.assign(series="Usual filings, same months of 2016–2019", value=with_figures["baseline"])])
bars["hover"] = [f"{g}: {v:,.0f}" for g, v in zip(bars["group"], bars["value"])]
charts.show(charts.grouped_bars(bars, category="group", value="value", series="series", hover="hover",
                                title=f"Eviction filings {window['window_start']} to {window['window_end']}, by "
                                      "racial majority of the ZIP code", value_title="Filings"),
            pd.DataFrame({"ZIP codes with a majority of": groups["group"], "Filings": groups["filings"],
                          "Usual filings (2016–2019)": groups["baseline"], "Filings ÷ usual": groups["vs_baseline"]}),
            key="compare_evictions", alt="Bar chart of eviction filings and the pre-pandemic baseline by the racial "
                                         "majority of the ZIP code; the table below has the figures.",
            column_config={"Filings": st.column_config.NumberColumn(format="%d"),
                           "Usual filings (2016–2019)": st.column_config.NumberColumn(format="%.0f"),
                           "Filings ÷ usual": st.column_config.NumberColumn(format="%.2f×")})
no_figures = groups.loc[groups["filings"].isna(), "group"].tolist()
st.caption("Eviction Lab pools the ZIP codes of Allegheny County by their racial majority; these are county "
           "figures, not neighborhood ones. "
           + (f"The publisher's file has no figures for: {fmt.escape_markdown(', '.join(no_figures))}." if no_figures else ""))

st.subheader("Rent burden by group")
burden = data.low_income_renter_burden(city)
total = burden.iloc[-1]
st.markdown(
    "This snapshot has **no rent burden by race or ethnicity**: the ACS table behind the rent burden figures (B25070) "
    "is not split by race, and the HUD CHAS tables by race are not in the files it was built from. What exists is "
    "rent burden by **income**: HUD CHAS 2018–2022 counts, for the city's tracts, of renter households with incomes "
    "at or below 50% of the area median family income and of those among them paying more than 30% of income for "
    f"housing. Across the city's tracts, **{total['share']:.0%} ± {total['share_moe'] * 100:.1f} points** of these "
    f"low-income renter households ({total['chas_renters_le50_hamfi']:,.0f} ± "
    f"{total['chas_renters_le50_hamfi_moe']:,.0f}) pay more than 30%.")
tracts = burden.iloc[:-1]
if chosen:
    tracts = tracts[tracts["neighborhoods"].map(lambda names: any(h in names.split(", ") for h in chosen))]
st.dataframe(pd.DataFrame({
    "Tract (2020)": tracts["area_id"], "Neighborhoods": tracts["neighborhoods"],
    "Renters ≤50% of area median income": tracts["chas_renters_le50_hamfi"],
    "Of whom pay over 30%": tracts["chas_renters_le50_hamfi_burden30"],
    "Share paying over 30%": tracts["share"] * 100, "Margin of error (points)": tracts["share_moe"] * 100}),
    hide_index=True, width="stretch",
    column_config={"Share paying over 30%": st.column_config.NumberColumn(format="%.0f%%"),
                   "Margin of error (points)": st.column_config.NumberColumn(format="%.0f")})
st.caption(("Tracts overlapping the chosen neighborhoods (at least 5% of the tract's land). " if chosen else
            "Every city tract. ") + "The catalog has no neighborhood indicator built from these counts, so the "
           "tracts are shown as published, with their margins of error.")
