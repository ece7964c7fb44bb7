"""Map: any indicator by neighborhood or tract, with the city figure, a legend and the same values as a table."""

import streamlit as st

from indicators import catalog
from indicators.exports import to_csv_bytes
from indicators.compute import NotAvailable
from ui import data, mapview, state
from ui.i18n import _, words

fmt = words()

view = state.view()
city, level, ind = view["city"], view["level"], catalog.get(view["indicator"])
if data.open_or_explain(city) is None:
    st.stop()
scheme = state.param("scheme", "quantiles", mapview.SCHEMES)
state.keep_in_url(view, scheme=None if scheme == "quantiles" else scheme)

st.title(f"{data.city_name(city)}: {ind.title}")
st.markdown(fmt.escape_markdown(ind.meaning))

try:
    result = data.indicator(city, ind.id, level, view.get("year"))
except NotAvailable as exc:
    st.warning(str(exc))
    st.stop()

headline = data.city_value(city, ind.id, view.get("year"))
cols = st.columns([1, 1, 2])
if headline:
    cols[0].metric(f"Whole city ({headline['period']})", fmt.value(ind, headline["estimate"]),
                   help="90% margin of error: " + (fmt.margin(ind, headline["moe"]) or "none published"))
cols[2].caption(f"**Right:** {fmt.escape_markdown(ind.right)}  \n**Why it matters:** {fmt.escape_markdown(ind.framing)}")

areas = data.areas(city, level)
frame, breaks, colours = mapview.map_frame(areas, result, ind, scheme=scheme)
cols[1].metric("Areas with a figure", f"{int(frame['estimate'].notna().sum())} of {len(frame)}")

left, right = st.columns([4, 1])
with right:
    new_scheme = st.radio("Class breaks", list(mapview.SCHEMES), format_func=mapview.SCHEMES.get,
                          index=list(mapview.SCHEMES).index(scheme), key="map_scheme")
    if new_scheme != scheme:
        state.set_param("scheme", None if new_scheme == "quantiles" else new_scheme)
        st.rerun()
    opacity = st.slider("Fill opacity", 0.2, 1.0, 0.8, 0.1, key="map_opacity")
    basemap = st.toggle("Street map underneath", value=mapview.basemap_reachable(), key="map_basemap",
                        help="Needs an internet connection; the map works without it.")
    period = result["period"].iloc[0] if len(result) else ""
    st.markdown(mapview.legend_html(f"{ind.title} ({period})",
                                    mapview.legend_rows(ind, breaks, colours, frame["estimate"].min())),
                unsafe_allow_html=True)
    if (frame["reliability"] == "unreliable").any():
        st.caption("Grey areas: the margin of error is large compared with the estimate (coefficient of "
                   "variation over 30%), so the figure should not be relied on.")
with left:
    event = st.pydeck_chart(mapview.deck(frame, opacity=opacity, basemap=basemap), on_select="rerun",
                            selection_mode="single-object", key=f"map_{level}", height=560)
    st.caption(("Select a neighborhood to open its profile. " if level == "neighborhood" else "")
               + "Sources: " + fmt.escape_markdown(data.source_titles(city, result["source_ids"].iloc[0] if len(result) else ""))
               + " — see Methods and sources.")

# the selection gives the clicked feature's position in the layer's data, which is `frame` in order
picked = (event.selection.get("indices", {}) or {}).get("areas", []) if event else []
if picked and level == "neighborhood":
    st.switch_page("app_pages/profile.py", query_params={"hood": frame.iloc[picked[0]]["area_id"], "indicator": ind.id})

st.subheader("The same figures as a table")
shown = frame[["name", "estimate", "moe", "reliability", "rank", "period", "note"]].sort_values("rank")
shown = shown.rename(columns={"name": "Area", "estimate": "Estimate", "moe": "Margin of error (90%)",
                              "reliability": "Reliability", "rank": "Rank", "period": "Period", "note": "Note"})
percent = ind.unit in ("share", "percent_change")
if percent:
    shown["Estimate"] = shown["Estimate"] * 100
    shown["Margin of error (90%)"] = shown["Margin of error (90%)"] * 100
number = st.column_config.NumberColumn(format="%.1f" + ("%%" if percent else ""))
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={"Estimate": number, "Margin of error (90%)": number,
                            "Rank": st.column_config.NumberColumn(format="%d")})
st.download_button("Download this table (CSV)", to_csv_bytes(shown),
                   file_name=f"{city}_{ind.id}_{level}.csv", mime="text/csv")
