"""Map: any indicator by any map level of the city (neighborhoods, wards, tracts, …), with a search for where one
lives, the areas' names on the map, the city figure, a legend and the same values as a table."""

import streamlit as st

from indicators.core import places
from indicators.metrics.compute import NotAvailable
from ui import data, evidence, mapview, search, state, tables
from ui.i18n import _, indicator, lang, words

fmt = words()

view = state.view()
city, level, ind = view["city"], view["level"], indicator(view["indicator"])
if data.open_or_explain(city) is None or level is None:
    st.stop()
profile_level = state.area_level(city)
scheme = state.param("scheme", "quantiles", mapview.SCHEMES)
state.keep_in_url(view, scheme=None if scheme == "quantiles" else scheme)


def profile_params(area: str) -> dict:
    """The profile's query for ``area``: the language and the city go along, as the sidebar does not draw its
    choice into the profile's first URL."""
    return {"area": area, "indicator": ind.id, **({"city": city} if view.get("several_cities") else {}),
            **({"lang": lang()} if lang() != "en" else {})}


def open_profile(area: str) -> None:
    st.switch_page("app_pages/profile.py", query_params=profile_params(area))


try:
    result = data.indicator(city, ind.id, level, view.get("year"))
except NotAvailable as exc:
    result, reason = None, data.indicator_reason(city, ind.id, level, exc)

# the period in the title: a figure's vintage is read before the figure
period = fmt.period(result["period"].iloc[0]) if result is not None and len(result) else ""
st.title(_("{city}: {indicator} ({period})", city=data.city_name(city), indicator=ind.title, period=period)
         if period else f"{data.city_name(city)}: {ind.title}")
st.caption(fmt.escape_markdown(ind.meaning))
found = search.find_area(city, profile_level, key="map_find") if profile_level else None
if found:
    open_profile(found)
if result is None:
    data.say_not_available(city, ind.title, reason)
    st.stop()

# the map is drawn above the figures but made after them: the title and the figures reach the reader first
map_area = st.container()
headline = data.city_value(city, ind.id, view.get("year"))
cols = st.columns([1, 1, 2])
if headline:
    where = fmt.period(headline["period"])
    label = _("County ({period})", period=where) if headline.get("geo_level") == "county" else _(
        "Whole city ({period})", period=where)
    evidence.figure(cols[0], "city", label, fmt.value(ind, headline["estimate"]),
                    _("90% margin of error: {margin}", margin=fmt.margin(ind, headline["moe"]) or _("none published")))
else:
    cols[0].caption(_("No figure for the whole city is published for this measure."))
# the areas' polygons after the city's figure: a process's first read of them took 0.14–0.2 s
areas = data.areas(city, level)
with_figure = result.loc[result["area_id"].isin(areas["area_id"]) & result["estimate"].notna(), "area_id"].nunique()
evidence.figure(cols[1], "areas", _("Areas with a figure"),
                _("{shown} of {total}", shown=int(with_figure), total=len(areas)))
cols[2].caption(_("**Right:** {right}  \n**Why it matters:** {framing}", right=fmt.escape_markdown(ind.right),
                  framing=fmt.escape_markdown(ind.framing)))

with map_area:
    frame, breaks, colours = data.map_view(city, ind.id, level, view.get("year"), scheme, lang())
    phone = state.on_phone()
    height = mapview.fitted_height(areas.total_bounds, mapview.PHONE_MAP_WIDTH) if phone else 560
    tiles = places.basemap(data.city_config(city))
    reachable = tiles is not None and mapview.basemap_reachable(tiles.host)

    left, right = st.columns([4, 1])
    with right:
        # st.html, not Markdown with HTML: the page has no other raw HTML in Markdown, whose code is 190 KB more
        # for a first visit's browser to load (the legend's text is escaped by ``legend_html``)
        st.html(mapview.legend_html(f"{ind.title} ({period})",
                                    mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())))
        if (frame["reliability"] == "unreliable").any():
            st.caption(_("Grey areas: the margin of error is large compared with the estimate (coefficient of "
                         "variation over 30%), so the figure should not be relied on."))
        # the options are drawn only while their panel is open: a first visit's browser then loads no code for
        # a slider or a toggle before it draws the map. What the reader chose stays chosen when it is folded.
        options = st.expander(_("Map options"), icon=":material/tune:", on_change="rerun", key="map_options")
        chosen = st.session_state.setdefault("map_chosen", {})
        street_key = f"map_streets_{reachable}"
        opacity, names_on = chosen.get("map_opacity", 0.8), chosen.get("map_names", True)
        streets = chosen.get(street_key, reachable)
        if options.open:
            with options:
                # labels bound now: a format function may be called after the run, where the reader's language is
                # not known
                scheme_names = {key: _(label) for key, label in mapview.SCHEMES.items()}
                new_scheme = st.radio(_("Class breaks"), list(mapview.SCHEMES), format_func=scheme_names.get,
                                      index=list(mapview.SCHEMES).index(scheme), key="map_scheme")
                if new_scheme != scheme:
                    state.set_param("scheme", None if new_scheme == "quantiles" else new_scheme)
                    st.rerun()
                opacity = st.slider(_("Fill opacity"), 0.2, 1.0, opacity, 0.1, key="map_opacity")
                names_on = st.toggle(_("Names on the map"), value=names_on, key="map_names")
                streets = st.toggle(
                    _("Street map underneath") if reachable else _("Street map: cannot be reached from here"),
                    value=streets, disabled=not reachable, key=street_key,
                    help=_("Map tiles from {host}; the map works without them.",
                           host=tiles.host) if tiles else _("This city names no street map."))
            chosen.update({"map_opacity": opacity, "map_names": names_on, street_key: streets})
    if level == "tract" and "tract" not in data.available_levels(city, "displacement_typology"):
        # the typology is drawn by tract where a snapshot has its inputs; where not, say which it lacks
        typology = indicator("displacement_typology")
        data.say_not_available(city, typology.title, data.indicator_reason(city, typology.id, "tract"))
    with left:
        chart = data.map_deck(city, ind.id, level, view.get("year"), scheme, lang(), opacity=opacity,
                              streets=bool(streets and tiles), names_on=names_on, phone=phone)
        event = st.pydeck_chart(chart, on_select="rerun", selection_mode="single-object", key=f"map_{level}",
                                height=height)
        # a tap shows the area's figure first (a phone has no hover), with a link to its profile
        picked = ((event or {}).get("selection", {}).get("indices", {}) or {}).get("areas", [])
        if picked:
            row = frame.iloc[picked[0]]
            with st.container(border=True, horizontal=True, vertical_alignment="center"):
                st.markdown(_("**{area}**: {value}", area=fmt.escape_markdown(row["name"]),
                              value=fmt.escape_markdown(fmt.value_with_margin(ind, row["estimate"], row["moe"])))
                            + (f" · {fmt.escape_markdown(row['tip_rank'])}" if row["tip_rank"] else ""))
                if level == profile_level:
                    # a link, not a button: one click opens the profile without this page running again first,
                    # and a reader can open it in a new tab or share its address
                    st.page_link("app_pages/profile.py", label=_("Open its profile"),
                                 icon=":material/arrow_forward:", query_params=profile_params(row["area_id"]))
        sources = fmt.escape_markdown(data.source_titles(city, result["source_ids"].iloc[0] if len(result) else ""))
        st.caption(_("Tap or click an area for its figure and its profile. Sources: {sources} — see Methods and "
                     "sources.", sources=sources) if level == profile_level else
                   _("Sources: {sources} — see Methods and sources.", sources=sources))
        if streets and tiles:
            st.caption(_("Street map: {credit}", credit=fmt.escape_markdown(tiles.attribution)))
        # under the map, not above it: on a phone the map is the first thing to see
        evidence.caveats([ind])

# the table is made and sent only while its panel is open: its grid's code is the largest a first visit would
# load after the map's, and a reader on a phone need not scroll past 90 rows to the downloads
table = st.expander(_("The same figures as a table"), icon=":material/table_view:", on_change="rerun",
                    key="map_table")
if table.open:
    with table:
        shown = data.indicator_table(city, ind.id, level, view.get("year"), lang=lang())
        tables.dataframe(shown.drop(columns=["area_id", "indicator_id"]), hide_index=True, width="stretch")
        st.caption(_("Rank 1 is the area where the figure is worst; the rank range is where the area could rank "
                     "given the margins of error (90%). Unreliable figures are marked and never stand first or last "
                     "unmarked."))
downloads = st.columns(3)
downloads[0].download_button(_("Download this map (PNG)"), lambda: data.map_png(
    city, ind.id, level, view.get("year"), scheme, lang()), file_name=f"{city}_{ind.id}_{level}.png",
    mime="image/png", on_click="ignore", icon=":material/download:")
downloads[1].download_button(_("Download this table (CSV)"), lambda: data.indicator_csv(city, ind.id, level, view.get(
    "year"), lang()), on_click="ignore", file_name=f"{city}_{ind.id}_{level}.csv", mime="text/csv")
downloads[2].download_button(_("Download the map (GeoJSON)"), lambda: data.indicator_geojson(
    city, ind.id, level, view.get("year"), lang()), on_click="ignore", file_name=f"{city}_{ind.id}_{level}.geojson",
    mime="application/geo+json")
