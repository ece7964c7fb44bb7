"""Area profile: every figure of one area (a neighborhood, or whatever first map level the city has) beside the
city's, by topic, with change over time and the UPR recommendations on the same theme."""

import pandas as pd
import streamlit as st

from indicators.metrics import catalog
from indicators.core import moe
from indicators.metrics.compute import NotAvailable
from indicators.tracker.validation import NO_ASSESSMENT_LABEL, RESPONSES, STATUSES, TRACKS
from ui import briefs, charts, data, state, testimony
from ui import tracker as ut
from ui.i18n import N_, _, indicator, lang, topics, words

fmt = words()

RELIABILITY = {moe.RELIABLE: N_("reliable (CV under 15%)"), moe.CAUTION: N_("use with caution (CV 15–30%)"),
               moe.UNRELIABLE: N_("unreliable"), moe.UNKNOWN: N_("no margin of error")}

view = state.view()
city = view["city"]
if data.open_or_explain(city) is None:
    st.stop()
level = state.area_level(city)
names = data.area_names(city, level) if level else {}
# ?area= (older links: ?hood=) names the area by its id
wanted = state.param("area") or state.param("hood")
wanted = wanted if wanted in names else None

st.title(state.profile_title(level))
if not names:
    data.say_not_available(city, _("A profile of an area"), _("its data snapshot has no areas with boundaries"))
    st.stop()
ids = list(names)
hood = st.selectbox(data.area_word(level), ids, index=ids.index(wanted) if wanted else None,
                    format_func=names.get, placeholder=_("Choose an area"), key=f"profile_area_{level}")
state.keep_in_url(view, area=hood, hood=None)
if hood is None:
    st.info(_("Choose an area above, or select one on the map."))
    st.stop()
name = names[hood]
if level == "neighborhood":
    briefs.neighborhood_downloads(city, hood)
st.markdown(_("Every figure the snapshot has for **{hood}**, beside the same figure for the whole city of {city}. "
              "Rank 1 is the area where the figure is worst (for context measures, which are neither better "
              "nor worse, the highest).", hood=fmt.escape_markdown(name),
              city=fmt.escape_markdown(data.city_name(city))))

WHOLE_CITY, RANK = _("Whole city"), _("Rank")


def profile_row(ind, frame: pd.DataFrame) -> dict:
    row = frame[frame["area_id"] == hood].iloc[0]
    city_row = data.city_value(city, ind.id) or {}
    note = fmt.note(row["note"])
    reliability = RELIABILITY.get(row["reliability"])
    if "black_arrests" in row and pd.notna(row["black_arrests"]):
        note = "; ".join(filter(None, [_(
            "{black_arrests} Black and {white_arrests} white arrests; {black_residents} Black and "
            "{white_residents} white residents", black_arrests=f"{row['black_arrests']:,.0f}",
            white_arrests=f"{row['white_arrests']:,.0f}", black_residents=f"{row['black_residents']:,.0f}",
            white_residents=f"{row['white_residents']:,.0f}"), note]))
    return {
        _("Indicator"): ind.title,
        name: fmt.value_with_margin(ind, row["estimate"], row["moe"]),
        WHOLE_CITY: fmt.value_with_margin(ind, city_row.get("estimate"), city_row.get("moe")),
        _("Compared with the city"): fmt.compare_to_city(ind, row["estimate"], city_row.get("estimate")),
        _("Reliability"): _(reliability) if reliability and pd.notna(row["estimate"]) else "",
        RANK: _("{rank} of {n}", rank=int(row["rank"]), n=int(row["n"])) if pd.notna(row["rank"]) else _("no rank"),
        _("Period"): fmt.period(row["period"]),
        _("Note"): note,
    }


@st.cache_data(show_spinner=False, max_entries=512)
def figures_by_topic(city: str, level: str, hood: str, language: str):
    """The profile's tables, one per topic question, and what is not available with why; in ``language`` (the
    reader's, which the words above read), made once per area and language."""
    tables, unavailable = [], []
    served = {i.id for i in data.indicators_for(city, level)}
    for topic, question in topics().items():
        rows = []
        for ind in (indicator(i.id) for i in catalog.CATALOG.values() if i.topic == topic):
            if ind.id not in served:
                unavailable.append((ind, data.indicator_reason(city, ind.id, level)))
                continue
            try:
                rows.append(profile_row(ind, data.ranked(city, ind.id, level, lang=language)))
            except (NotAvailable, IndexError) as exc:  # IndexError: no row for this area
                unavailable.append((ind, data.indicator_reason(city, ind.id, level, exc)))
        if rows:
            tables.append((question, pd.DataFrame(rows)))
    return tables, unavailable


tables, unavailable = figures_by_topic(city, level, hood, lang())
if not tables:
    data.say_not_available(city, _("Figures for {area}", area=fmt.escape_markdown(name)),
                           _("no indicator of its data snapshot has figures by {level}",
                             level=data.level_label(city, level)))
for question, table in tables:
    st.header(question)
    charts.text_table(table)

st.header(_("Change over time"))
st.subheader(_("Residents by race, 2010 and 2020 censuses"))
by_race = level in data.available_levels(city, "population_change_2010_2020")
groups = data.population_change_by_group(city, level) if by_race else None
mine = groups[(groups["area_id"] == hood) & (groups["group"] != "total")] if by_race else None
if not by_race:
    data.say_not_available(city, _("Residents by race, 2010 and 2020 censuses"),
                           data.indicator_reason(city, "population_change_2010_2020", level))
elif mine.empty:
    st.info(_("The census counts by race are not published for {hood} alone (see Methods and sources: what this "
              "snapshot cannot show yet).", hood=fmt.escape_markdown(name)))
else:
    everyone = groups[(groups["area_id"] == hood) & (groups["group"] == "total")].iloc[0]
    st.markdown(_("{hood} had **{residents_2010}** residents in 2010 and **{residents_2020}** in 2020 ({change}).",
                  hood=fmt.escape_markdown(name), residents_2010=f"{everyone['count_2010']:,.0f}",
                  residents_2020=f"{everyone['count_2020']:,.0f}", change=f"{everyone['change_share']:+.1%}"))
    labels = data.shown_words(mine["label"])
    bars = pd.concat([mine.assign(label=labels, year="2010", count=mine["count_2010"]),
                      mine.assign(label=labels, year="2020", count=mine["count_2020"])])
    bars["hover"] = [f"{label}, {year}: {count:,.0f}" for label, year, count in
                     zip(bars["label"], bars["year"], bars["count"])]
    GROUP, CHANGE, CHANGE_SHARE = _("Group"), _("Change"), _("Change (%)")
    table = pd.DataFrame({GROUP: labels, "2010": mine["count_2010"], "2020": mine["count_2020"],
                          CHANGE: mine["change"], CHANGE_SHARE: mine["change_share"] * 100,
                          _("Note"): mine["note"].map(fmt.note)})
    charts.show(charts.grouped_bars(bars, category="label", value="count", series="year", hover="hover",
                                    title=_("Residents of {hood} by race, 2010 and 2020", hood=name),
                                    value_title=_("Residents"), horizontal=True),
                table, key="profile_race_chart",
                alt=_("Bar chart of residents of {hood} by race in 2010 and 2020; the table below has the counts.",
                      hood=name),
                column_config={"2010": st.column_config.NumberColumn(format="%d"),
                               "2020": st.column_config.NumberColumn(format="%d"),
                               CHANGE: st.column_config.NumberColumn(format="%+d"),
                               CHANGE_SHARE: st.column_config.NumberColumn(format="%+.1f%%")})
    st.caption(_("Census counts have no sampling error, so no significance test applies; but the 2020 census adds "
                 "noise to small-area counts to protect privacy, so changes of a few dozen people are not a pattern. "
                 "**Not comparable:** the counts of *some other race* and *two or more races* rose largely because "
                 "the Census Bureau changed how it asked and coded race in 2020. Hispanic or Latino residents may be "
                 "of any race and are counted in the race groups too."))
st.markdown(_("The ACS figures above (housing, rent burden, poverty) come from one ACS period for each area in "
              "this snapshot, so their change over time cannot be shown here; *Growth vs people* shows the city's "
              "series where the snapshot has them."))

st.header(_("UPR recommendations on this theme"))
topic_names = topics()
topic_ids = list(topic_names)
topic = st.selectbox(_("Theme"), topic_ids, index=topic_ids.index(indicator(view["indicator"]).topic),
                     format_func=topic_names.get, key="profile_upr_topic")
themes = data.UPR_THEMES_BY_TOPIC.get(topic, ())
st.caption(_("Recommendations the United States received in its third Universal Periodic Review whose theme is: "
             "{themes}. They concern the whole country; the statuses are those recorded for {city}.",
             themes="; ".join(fmt.escape_markdown(_(t)) for t in themes),
             city=fmt.escape_markdown(data.city_name(city))))
try:
    recs = ut.upr_on_themes(city, tuple(themes))
except ut.SharedStoreError as exc:  # a one-city store: say how to give this city its own
    recs = None
    st.info(ut.shared_store_message(exc))
except Exception as exc:  # the tracker store may be unreachable; the profile must still open
    recs = None
    st.info(_("Here will appear the UPR recommendations on this theme, each with the city government's claimed "
              "status and the community's assessment. The recommendations tracker cannot be read right now: "
              "{problem}", problem=fmt.escape_markdown(type(exc).__name__)))
if recs is not None:
    shown = pd.DataFrame({
        _("Number"): recs["number"], _("Recommending State"): recs["recommending_state"],
        _("US response"): recs["response"].map(lambda r: _(RESPONSES[r]) if r in RESPONSES else r),
        _("Theme"): data.shown_words(recs["theme"]),
        **{_(TRACKS[t]): recs[f"{t}_status"].map(lambda s: _(STATUSES.get(s, NO_ASSESSMENT_LABEL))) for t in TRACKS},
        _("Recommendation"): recs["text"]})
    charts.text_table(shown)
    if lang() != "en":
        st.caption(_("The recommendations and the names of the States that made them are the official text, in "
                     "English."))
    st.page_link("app_pages/upr_recommendations.py", label=_("All recommendations and their statuses"))

if recs is not None:
    testimony.area_section(city, hood, name)

if unavailable:
    st.header(_("Not available by {level} for {city}", level=data.level_label(city, level),
                city=fmt.escape_markdown(data.city_name(city))))
    # where no geography can serve an indicator, its first caveat says why
    st.markdown("\n".join(f"- **{fmt.escape_markdown(ind.title)}**: " + fmt.escape_markdown(
        reason + (f" ({ind.caveats[0]})" if ind.caveats and not ind.levels else "")) for ind, reason in unavailable))
