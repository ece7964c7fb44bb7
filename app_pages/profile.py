"""Neighborhood profile: every neighborhood figure beside the city's, by topic, with change over time and the
UPR recommendations on the same theme."""

import pandas as pd
import streamlit as st

from indicators import catalog
from indicators.compute import NotAvailable
from indicators.tracker.validation import NO_ASSESSMENT_LABEL, RESPONSES, STATUSES, TRACKS
from ui import charts, data, state
from ui.i18n import _, words

fmt = words()

RELIABILITY = {"reliable": "reliable (CV under 15%)", "use with caution": "use with caution (CV 15–30%)",
               "unreliable": "unreliable", "unknown": "no margin of error"}

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
hoods = data.neighborhoods(city)
wanted = state.param("hood", None, hoods)

st.title("Neighborhood profile")
hood = st.selectbox("Neighborhood", hoods, index=hoods.index(wanted) if wanted else None,
                    placeholder="Choose a neighborhood", key="profile_hood")
state.keep_in_url(view, hood=hood)
if hood is None:
    st.info("Choose a neighborhood above, or select one on the map.")
    st.stop()
st.markdown(f"Every figure the snapshot has for **{fmt.escape_markdown(hood)}**, beside the same figure for the "
            f"whole city of {fmt.escape_markdown(data.city_name(city))}. Rank 1 is the neighborhood where the figure "
            "is worst (for context measures, which are neither better nor worse, the highest).")


def profile_row(ind, frame: pd.DataFrame) -> dict:
    row = frame[frame["area_id"] == hood].iloc[0]
    city_row = data.city_value(city, ind.id) or {}
    note = row["note"] if isinstance(row["note"], str) else ""
    if "black_arrests" in row and pd.notna(row["black_arrests"]):
        note = "; ".join(filter(None, [
            f"{row['black_arrests']:,.0f} Black and {row['white_arrests']:,.0f} white arrests; "
            f"{row['black_residents']:,.0f} Black and {row['white_residents']:,.0f} white residents", note]))
    return {
        "Indicator": ind.title,
        hood: fmt.value_with_margin(ind, row["estimate"], row["moe"]),
        "Whole city": fmt.value_with_margin(ind, city_row.get("estimate"), city_row.get("moe")),
        "Compared with the city": fmt.compare_to_city(ind, row["estimate"], city_row.get("estimate")),
        "Reliability": RELIABILITY.get(row["reliability"], "") if pd.notna(row["estimate"]) else "",
        "Rank": f"{int(row['rank'])} of {int(row['n'])}" if pd.notna(row["rank"]) else "no rank",
        "Period": row["period"] if isinstance(row["period"], str) else "",
        "Note": note,
    }


unavailable = []
for topic, question in catalog.TOPICS.items():
    rows = []
    for ind in (i for i in catalog.CATALOG.values() if i.topic == topic):
        try:
            rows.append(profile_row(ind, data.ranked(city, ind.id)))
        except NotAvailable as exc:
            unavailable.append((ind, str(exc)))
    if rows:
        st.header(question)
        charts.text_table(pd.DataFrame(rows))

st.header("Change over time")
st.subheader("Residents by race, 2010 and 2020 censuses")
groups = data.population_change_by_group(city)
mine = groups[(groups["area_id"] == hood) & (groups["group"] != "total")]
if mine.empty:
    st.info(f"The census counts by race are not published for {fmt.escape_markdown(hood)} alone "
            "(see Methods and sources: what this snapshot cannot show yet).")
else:
    everyone = groups[(groups["area_id"] == hood) & (groups["group"] == "total")].iloc[0]
    st.markdown(f"{fmt.escape_markdown(hood)} had **{everyone['count_2010']:,.0f}** residents in 2010 and "
                f"**{everyone['count_2020']:,.0f}** in 2020 ({everyone['change_share']:+.1%}).")
    bars = pd.concat([mine.assign(year="2010", count=mine["count_2010"]),
                      mine.assign(year="2020", count=mine["count_2020"])])
    bars["hover"] = [f"{label}, {year}: {count:,.0f}" for label, year, count in
                     zip(bars["label"], bars["year"], bars["count"])]
    table = pd.DataFrame({"Group": mine["label"], "2010": mine["count_2010"], "2020": mine["count_2020"],
                          "Change": mine["change"], "Change (%)": mine["change_share"] * 100,
                          "Note": mine["note"].fillna("")})
    charts.show(charts.grouped_bars(bars, category="label", value="count", series="year", hover="hover",
                                    title=f"Residents of {hood} by race, 2010 and 2020", value_title="Residents",
                                    horizontal=True),
                table, key="profile_race_chart",
                alt=f"Bar chart of residents of {hood} by race in 2010 and 2020; the table below has the counts.",
                column_config={"2010": st.column_config.NumberColumn(format="%d"),
                               "2020": st.column_config.NumberColumn(format="%d"),
                               "Change": st.column_config.NumberColumn(format="%+d"),
                               "Change (%)": st.column_config.NumberColumn(format="%+.1f%%")})
    st.caption("Census counts have no sampling error, so no significance test applies; but the 2020 census adds "
               "noise to small-area counts to protect privacy, so changes of a few dozen people are not a pattern. "
               "**Not comparable:** the counts of *some other race* and *two or more races* rose largely because the "
               "Census Bureau changed how it asked and coded race in 2020. Hispanic or Latino residents may be of "
               "any race and are counted in the race groups too.")
st.markdown("The housing, rent burden and poverty figures above come from one ACS period (2020–2024) for "
            "neighborhoods in this snapshot, so their change over time cannot be shown here; *Growth vs people* "
            "shows the city's series.")

st.header("UPR recommendations on this theme")
topics = list(catalog.TOPICS)
topic = st.selectbox("Theme", topics, index=topics.index(catalog.get(view["indicator"]).topic),
                     format_func=catalog.TOPICS.get, key="profile_upr_topic")
themes = data.UPR_THEMES_BY_TOPIC.get(topic, ())
st.caption("Recommendations the United States received in its third Universal Periodic Review whose theme is: "
           + "; ".join(fmt.escape_markdown(t) for t in themes) + ". They concern the whole country; the statuses "
           f"are those recorded for {fmt.escape_markdown(data.city_name(city))}.")
try:
    recs = data.upr_on_themes(city, tuple(themes))
except Exception as exc:  # the tracker store may be unreachable; the profile must still open
    recs = None
    st.info("Here will appear the UPR recommendations on this theme, each with the city government's claimed "
            "status and the community's assessment. The recommendations tracker cannot be read right now: "
            + fmt.escape_markdown(type(exc).__name__))
if recs is not None:
    shown = pd.DataFrame({
        "Number": recs["number"], "Recommending State": recs["recommending_state"],
        "US response": recs["response"].map(lambda r: RESPONSES.get(r, r)), "Theme": recs["theme"],
        **{TRACKS[t]: recs[f"{t}_status"].map(lambda s: STATUSES.get(s, NO_ASSESSMENT_LABEL)) for t in TRACKS},
        "Recommendation": recs["text"]})
    charts.text_table(shown)
    st.page_link("app_pages/upr_recommendations.py", label="All recommendations and their statuses")

if unavailable:
    st.header("Not available for neighborhoods")
    # where no geography can serve an indicator, its first caveat says why
    st.markdown("\n".join("- " + fmt.escape_markdown(reason + (f" ({ind.caveats[0]})" if ind.caveats and not ind.levels
                                                                else "")) for ind, reason in unavailable))
