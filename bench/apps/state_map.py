"""Bench app: a state-sized map of GENERATED tracts, drawn through the dashboard's own map code.

About 3,400 hexagonal "tracts" (Pennsylvania has 3,446 census tracts) tile a Pennsylvania-sized box; each hexagon
has 31 vertices (its edges cut in five), about as many as the snapshot's real tract outlines (28 on average).
Their values are random numbers. NOTHING on this page is real data: the page says so in its title.

The polygons and values go through ``ui.mapview.map_frame`` and ``ui.mapview.deck`` and ``st.pydeck_chart`` with
the map page's arguments, so the page costs what the dashboard's map would cost for a state. One change is made
after ``deck``: the view is zoomed out to show the whole box (``deck`` fixes zoom 11, a city's zoom), so every
polygon is drawn.
"""

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st
from shapely.geometry import Polygon

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from indicators.metrics import catalog  # noqa: E402
from indicators.core import moe as moe_math  # noqa: E402
from ui import mapview  # noqa: E402

N_TRACTS = 3_400
WEST, EAST, SOUTH, NORTH = -80.52, -74.69, 39.72, 42.27   # a Pennsylvania-sized box (degrees)
CUTS = 5                                                  # points per hexagon edge
SEED = 3400


@st.cache_data(show_spinner=False)
def generated_tracts(n: int = N_TRACTS, seed: int = SEED):
    """GENERATED hexagons over the box and random values for them: (areas, result)."""
    area = (EAST - WEST) * (NORTH - SOUTH)
    r = float(np.sqrt(area / n / (3 * np.sqrt(3) / 2)))        # hexagon circumradius giving about n cells
    dx, dy = np.sqrt(3) * r, 1.5 * r
    angles = np.deg2rad(np.arange(6) * 60 + 30)
    corners = np.c_[np.cos(angles), np.sin(angles)] * r
    ring = np.concatenate([np.linspace(corners[i], corners[(i + 1) % 6], CUTS, endpoint=False) for i in range(6)])
    shapes, ids = [], []
    row = 0
    while len(shapes) < n:
        y = SOUTH + r + row * dy
        x = WEST + dx / 2 + (dx / 2 if row % 2 else 0)
        while x < EAST and len(shapes) < n:
            shapes.append(Polygon(ring + (x, y)))
            ids.append(f"G{len(ids):05d}")
            x += dx
        row += 1
    areas = gpd.GeoDataFrame({"area_id": ids, "name": [f"Generated tract {i}" for i in ids]},
                             geometry=shapes, crs="EPSG:4326")
    rng = np.random.default_rng(seed)
    estimate = rng.uniform(0.1, 0.7, n).round(4)
    moe = rng.uniform(0.02, 0.3, n).round(4)
    result = pd.DataFrame({"area_id": ids, "estimate": estimate, "moe": moe,
                           "reliability": moe_math.reliability(moe / 1.645 / estimate * 100),
                           "period": "GENERATED", "note": "generated, not real", "source_ids": ""})
    return areas, result


st.title("GENERATED — not real data")
st.write(f"{N_TRACTS:,} generated tracts over a state-sized box, random values: a speed test of the map, "
         "not a picture of any place.")
areas, result = generated_tracts()
ind = catalog.get("rent_burden_share")
frame, breaks, colours = mapview.map_frame(areas, result, ind, scheme="quantiles")
chart = mapview.deck(frame, opacity=0.8, basemap=False)
chart.initial_view_state = pdk.ViewState(longitude=(WEST + EAST) / 2, latitude=(SOUTH + NORTH) / 2, zoom=6.3, pitch=0)
st.pydeck_chart(chart, on_select="rerun", selection_mode="single-object", key="map_generated", height=560)
st.caption("GENERATED — not real data.")
