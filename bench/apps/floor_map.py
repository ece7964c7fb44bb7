"""Bench floor: the least a Streamlit page with a map can cost — one pydeck map of one square polygon.

No real data: the square is drawn where Pittsburgh is only so the view has somewhere to look. No base map, as the
dashboard's map without a street map (``map_provider=None``; ``map_style=None`` would load Streamlit's Carto style).
"""

import pydeck as pdk
import streamlit as st

st.title("Floor: one polygon")
st.write("A map of one square.")
square = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
          "geometry": {"type": "Polygon", "coordinates": [[[-80, 40.4], [-79.9, 40.4], [-79.9, 40.5], [-80, 40.5],
                                                           [-80, 40.4]]]}}]}
st.pydeck_chart(pdk.Deck(layers=[pdk.Layer("GeoJsonLayer", square, get_fill_color=[200, 30, 30])],
                         initial_view_state=pdk.ViewState(longitude=-79.95, latitude=40.45, zoom=10), map_provider=None))
