"""Area profile: every figure of one area (a neighborhood, or whatever first map level the city has) beside the
city's, by topic, with change over time and the UPR recommendations on the same theme."""

import pandas as pd
import streamlit as st

from indicators.metrics import catalog, summary
from indicators.metrics.compute import NotAvailable
from indicators.tracker.validation import NO_ASSESSMENT_LABEL, RESPONSES, STATUSES, TRACKS
from ui import briefs, charts, data, evidence, search, state, testimony
from ui import tracker as ut
from ui.i18n import _, indicator, lang, topics, words

fmt = words()

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
found = search.find_area(city, level, key="profile_find")
if found:
    # the search wins over the area chosen before: the box is drawn afresh on it
    st.session_state.pop(f"profile_area_{level}", None)
    wanted = found
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
st.markdown(_("Every figure the snapshot has for **{hood}**, beside the same figure for the whole city of {city} (or "
              "for the county, where only the county's is published, and said so). Rank 1 is the area where the "
              "figure is worst (for context measures, which are neither better nor worse, the highest).",
              hood=fmt.escape_markdown(name), city=fmt.escape_markdown(data.city_name(city))))


@st.cache_data(show_spinner=False, max_entries=512)
def figures_by_topic(city: str, level: str, hood: str, language: str):
    """The profile's tables after the summary, one per topic question (stability is the summary's), each with
    the indicators it shows, and what is not available with why; in ``language`` (the reader's, which the words
    read), made once per area and language."""
    tables, unavailable = [], []
    served = {i.id for i in data.indicators_for(city, level)}
    for topic, question in topics().items():
        rows, shown = [], []
        for ind in (indicator(i.id) for i in catalog.CATALOG.values() if i.topic == topic):
            if ind.id not in served:
                unavailable.append((ind, data.indicator_reason(city, ind.id, level)))
                continue
            if topic == "stability":
                continue
            try:
                row = data.ranked(city, ind.id, level, lang=language).set_index("area_id").loc[hood]
                rows.append(evidence.figure_row(ind, row.to_dict(), data.city_value(city, ind.id), name))
                shown.append((ind, row["period"]))
            except (NotAvailable, KeyError) as exc:  # KeyError: no row for this area
                unavailable.append((ind, data.indicator_reason(city, ind.id, level, exc if isinstance(
                    exc, NotAvailable) else None)))
        if rows:
            tables.append((question, pd.DataFrame(rows), shown))
    return tables, unavailable


def figures_table(table: pd.DataFrame) -> None:
    """A topic's figures: a table on a wide screen; on a phone, one card per figure, its note behind "How"."""
    charts.table_or_cards(table, title=table.columns[0], lead=table.columns[1], how=evidence.columns()["note"])


st.header(topics()["stability"])
stay, stay_shown = evidence.summary_tables(city, hood, level, name)
for part, table in stay:
    st.subheader(part)
    figures_table(table)
first = summary.first_with_margin(data.can_people_stay(city, hood, level))
if first is not None:  # what ± means, said once, beside the first figure that has one
    st.info(fmt.margin_explained(indicator(first.indicator_id), first.row["estimate"], first.row["moe"]),
            icon=":material/help:")
evidence.caveats(stay_shown)

tables, unavailable = figures_by_topic(city, level, hood, lang())
if not tables and not stay:
    data.say_not_available(city, _("Figures for {area}", area=fmt.escape_markdown(name)),
                           _("no indicator of its data snapshot has figures by {level}",
                             level=data.level_label(city, level)))
for question, table, shown in tables:
    st.header(question)
    figures_table(table)
    warning = fmt.period_warning([(ind.title, period) for ind, period in shown if ind.topic == "policing"])
    if warning:
        st.warning(fmt.escape_markdown(warning), icon=":material/schedule:")
    evidence.caveats([ind for ind, _period in shown])

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
    charts.table_or_cards(shown, title=shown.columns[-1] if state.on_phone() else shown.columns[0])
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
