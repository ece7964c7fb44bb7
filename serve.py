"""Run the dashboard: ``streamlit run serve.py`` (what ``scripts/dashboard.sh`` does).

The pages are ``dashboard.py``; this wrapper adds a start-up step and the campaigns' Atom feeds
(``/feeds/campaign.atom``). As the server starts it loads, in a background thread, the libraries and the city
snapshot the landing map needs, so the first visitor after a restart does not wait for them. ``streamlit run
dashboard.py`` still works, without that head start and without the feeds.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent


def warm_up() -> None:
    """Import what the landing page imports and open the default city's snapshot. Failures are left for the
    page to report to its reader."""
    try:
        import pydeck  # noqa: F401
        from streamlit import string_util

        from ui import data, mapview, state

        for city in data.cities()[:1]:
            # the landing page's default view: its figures, the city figure and the map's shapes
            # (called with the same arguments as the page: a cache key counts the arguments given)
            data.indicator(city, state.DEFAULT_INDICATOR, "neighborhood", None)
            data.city_value(city, state.DEFAULT_INDICATOR, None)
            data.vintages(city, state.DEFAULT_INDICATOR, "neighborhood")
            data.areas(city, "neighborhood")
            data.area_shapes(city, "neighborhood")
        mapview.basemap_reachable()
        string_util.is_emoji("⚖️")  # compiles Streamlit's emoji pattern, which the page icon needs
    except Exception:  # the page itself says what is wrong
        pass


@contextlib.asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield


def extra_routes() -> list:
    """Routes beside the pages: the campaigns' Atom feeds (``ui/feeds.py``)."""
    from ui.feeds import ROUTES

    return list(ROUTES)


app = st.App(HERE / "dashboard.py", lifespan=lifespan, routes=extra_routes())
