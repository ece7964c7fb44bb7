"""Map: any indicator by any map level of the city (neighborhoods, wards, tracts, …), with the city figure, a
legend and the same values as a table."""

import streamlit as st

from indicators.core.exports import to_csv_bytes
from indicators.metrics.compute import NotAvailable
from ui import data, mapview, state
from ui import tables
from ui.i18n import _, indicator, lang, words

fmt = words()

view = state.view()
city, level, ind = view["city"], view["level"], indicator(view["indicator"])
if data.open_or_explain(city) is None or level is None:
    st.stop()
profile_level = state.area_level(city)
scheme = state.param("scheme", "quantiles", mapview.SCHEMES)
state.keep_in_url(view, scheme=None if scheme == "quantiles" else scheme)

def open_clicked_profile(event) -> None:
    """An area clicked on the map opens its profile. The selection gives the clicked feature's position in the
    layer's data, which is the areas in order (``map_frame`` keeps their order)."""
    picked = ((event or {}).get("selection", {}).get("indices", {}) or {}).get("areas", [])
    if picked and level == profile_level:
        # the language and the city go along, as the sidebar does not draw its choice into the profile's first URL
        st.switch_page("app_pages/profile.py", query_params={
            "area": data.areas(city, level).iloc[picked[0]]["area_id"], "indicator": ind.id,
            **({"city": city} if view.get("several_cities") else {}),
            **({"lang": lang()} if lang() != "en" else {})})


# a click reruns this page with the selection already in the widget's state: open the profile before drawing
open_clicked_profile(st.session_state.get(f"map_{level}"))

st.title(f"{data.city_name(city)}: {ind.title}")
st.markdown(fmt.escape_markdown(ind.meaning))

try:
    result = data.indicator(city, ind.id, level, view.get("year"))
except NotAvailable as exc:
    data.say_not_available(city, ind.title, data.indicator_reason(city, ind.id, level, exc))
    st.stop()

headline = data.city_value(city, ind.id, view.get("year"))
cols = st.columns([1, 1, 2])
if headline:
    cols[0].metric(_("Whole city ({period})", period=fmt.period(headline["period"])), fmt.value(ind, headline["estimate"]),
                   help=_("90% margin of error: {margin}",
                          margin=fmt.margin(ind, headline["moe"]) or _("none published")))
cols[2].caption(_("**Right:** {right}  \n**Why it matters:** {framing}", right=fmt.escape_markdown(ind.right),
                  framing=fmt.escape_markdown(ind.framing)))

areas = data.areas(city, level)
frame, breaks, colours = mapview.map_frame(areas, result, ind, scheme=scheme)
cols[1].metric(_("Areas with a figure"), _("{shown} of {total}", shown=int(frame["estimate"].notna().sum()),
                                           total=len(frame)))

left, right = st.columns([4, 1])
with right:
    # labels bound now: a format function may be called after the run, where the reader's language is not known
    scheme_names = {key: _(label) for key, label in mapview.SCHEMES.items()}
    new_scheme = st.radio(_("Class breaks"), list(mapview.SCHEMES), format_func=scheme_names.get,
                          index=list(mapview.SCHEMES).index(scheme), key="map_scheme")
    if new_scheme != scheme:
        state.set_param("scheme", None if new_scheme == "quantiles" else new_scheme)
        st.rerun()
    opacity = st.slider(_("Fill opacity"), 0.2, 1.0, 0.8, 0.1, key="map_opacity")
    basemap = st.toggle(_("Street map underneath"), value=mapview.basemap_reachable(), key="map_basemap",
                        help=_("Needs an internet connection; the map works without it."))
    period = fmt.period(result["period"].iloc[0]) if len(result) else ""
    st.markdown(mapview.legend_html(f"{ind.title} ({period})",
                                    mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())),
                unsafe_allow_html=True)
    if (frame["reliability"] == "unreliable").any():
        st.caption(_("Grey areas: the margin of error is large compared with the estimate (coefficient of "
                     "variation over 30%), so the figure should not be relied on."))
with left:
    event = st.pydeck_chart(mapview.deck(frame, opacity=opacity, basemap=basemap, shapes=data.area_shapes(city, level)), on_select="rerun",
                            selection_mode="single-object", key=f"map_{level}", height=560)
    sources = fmt.escape_markdown(data.source_titles(city, result["source_ids"].iloc[0] if len(result) else ""))
    st.caption(_("Select an area to open its profile. Sources: {sources} — see Methods and sources.",
                 sources=sources) if level == profile_level else
               _("Sources: {sources} — see Methods and sources.", sources=sources))

open_clicked_profile(event)

st.subheader(_("The same figures as a table"))
AREA, ESTIMATE, MARGIN, RELIABILITY, RANK, PERIOD, NOTE = (
    _("Area"), _("Estimate"), _("Margin of error (90%)"), _("Reliability"), _("Rank"), _("Period"), _("Note"))
shown = frame[["name", "estimate", "moe", "reliability", "rank", "period", "note"]].sort_values("rank")
shown["reliability"] = data.shown_words(shown["reliability"])
shown["period"], shown["note"] = shown["period"].map(fmt.period), shown["note"].map(fmt.note)
shown = shown.rename(columns={"name": AREA, "estimate": ESTIMATE, "moe": MARGIN, "reliability": RELIABILITY,
                              "rank": RANK, "period": PERIOD, "note": NOTE})
percent = ind.unit in ("share", "percent_change")
if percent:
    shown[ESTIMATE] = shown[ESTIMATE] * 100
    shown[MARGIN] = shown[MARGIN] * 100
number = st.column_config.NumberColumn(format="%.1f" + ("%%" if percent else ""))
tables.dataframe(shown, hide_index=True, width="stretch",
             column_config={ESTIMATE: number, MARGIN: number, RANK: st.column_config.NumberColumn(format="%d")})
st.download_button(_("Download this table (CSV)"), lambda: to_csv_bytes(shown), on_click="ignore",
                   file_name=f"{city}_{ind.id}_{level}.csv", mime="text/csv")
