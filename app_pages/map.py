"""Map: any indicator by any map level of the city (neighborhoods, wards, tracts, …), with the city figure, a
legend and the same values as a table."""

import streamlit as st

from indicators.metrics.compute import NotAvailable
from ui import data, evidence, mapview, state
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

try:
    result = data.indicator(city, ind.id, level, view.get("year"))
except NotAvailable as exc:
    st.title(f"{data.city_name(city)}: {ind.title}")
    st.markdown(fmt.escape_markdown(ind.meaning))
    data.say_not_available(city, ind.title, data.indicator_reason(city, ind.id, level, exc))
    st.stop()

# the period in the title: a figure's vintage is read before the figure
period = fmt.period(result["period"].iloc[0]) if len(result) else ""
st.title(_("{city}: {indicator} ({period})", city=data.city_name(city), indicator=ind.title, period=period)
         if period else f"{data.city_name(city)}: {ind.title}")
st.markdown(fmt.escape_markdown(ind.meaning))
evidence.caveats([ind])

headline = data.city_value(city, ind.id, view.get("year"))
cols = st.columns([1, 1, 2])
if headline:
    where = fmt.period(headline["period"])
    label = _("County ({period})", period=where) if headline.get("geo_level") == "county" else _(
        "Whole city ({period})", period=where)
    cols[0].metric(label, fmt.value(ind, headline["estimate"]),
                   help=_("90% margin of error: {margin}",
                          margin=fmt.margin(ind, headline["moe"]) or _("none published")))
else:
    cols[0].caption(_("No figure for the whole city is published for this measure."))
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
    st.markdown(mapview.legend_html(f"{ind.title} ({period})",
                                    mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())),
                unsafe_allow_html=True)
    if (frame["reliability"] == "unreliable").any():
        st.caption(_("Grey areas: the margin of error is large compared with the estimate (coefficient of "
                     "variation over 30%), so the figure should not be relied on."))
if level == "tract" and "tract" not in data.available_levels(city, "displacement_typology"):
    # the typology is drawn by tract where a snapshot has its inputs; where not, say which it lacks
    typology = indicator("displacement_typology")
    data.say_not_available(city, typology.title, data.indicator_reason(city, typology.id, "tract"))
with left:
    event = st.pydeck_chart(mapview.deck(frame, opacity=opacity, basemap=basemap, shapes=data.area_shapes(city, level)), on_select="rerun",
                            selection_mode="single-object", key=f"map_{level}", height=560)
    sources = fmt.escape_markdown(data.source_titles(city, result["source_ids"].iloc[0] if len(result) else ""))
    st.caption(_("Select an area to open its profile. Sources: {sources} — see Methods and sources.",
                 sources=sources) if level == profile_level else
               _("Sources: {sources} — see Methods and sources.", sources=sources))

open_clicked_profile(event)

st.subheader(_("The same figures as a table"))
shown = data.indicator_table(city, ind.id, level, view.get("year"), lang=lang())
tables.dataframe(shown.drop(columns=["area_id", "indicator_id"]), hide_index=True, width="stretch")
st.caption(_("Rank 1 is the area where the figure is worst; the rank range is where the area could rank given the "
             "margins of error (90%). Unreliable figures are marked and never stand first or last unmarked."))
downloads = st.columns(2)
downloads[0].download_button(_("Download this table (CSV)"), lambda: data.indicator_csv(city, ind.id, level, view.get(
    "year"), lang()), on_click="ignore", file_name=f"{city}_{ind.id}_{level}.csv", mime="text/csv")
downloads[1].download_button(_("Download the map (GeoJSON)"), lambda: data.indicator_geojson(
    city, ind.id, level, view.get("year"), lang()), on_click="ignore", file_name=f"{city}_{ind.id}_{level}.geojson",
    mime="application/geo+json")
