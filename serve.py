"""Run the dashboard: ``streamlit run serve.py`` (what ``scripts/dashboard.sh`` does).

The pages are ``dashboard.py``; this wrapper adds the sign-in routes (``/account/sign-in``, ``/account/sign-out``:
``ui/account.py``), which set and end the editors' sign-in cookie, the campaigns' Atom feeds
(``/feeds/campaign.atom``: ``ui/feeds.py``), and a start-up step: as the server starts it loads, in a background
thread, the libraries and the city snapshot the landing map needs, so the first visitor after a restart does not
wait for them. ``streamlit run dashboard.py`` still shows every page, but without the routes editors cannot sign
in with a password there, and there are no feeds.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st

from ui import account

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
            headline = state.default_indicator(city, "neighborhood")
            data.indicator(city, headline, "neighborhood", None)
            data.city_value(city, headline, None)
            data.vintages(city, headline, "neighborhood")
            data.areas(city, "neighborhood")
            data.area_shapes(city, "neighborhood")
            # the pictures of Growth vs people, in both languages (matplotlib's first figure takes seconds)
            if "neighborhood" in data.available_levels(city, "population_change_2010_2020"):
                for language in ("en", "es"):
                    for indicator_id in ("population_change_2010_2020", "black_population_change_2010_2020"):
                        data.map_png(city, indicator_id, "neighborhood", None, "quantiles", language)
        mapview.basemap_reachable()
        string_util.is_emoji("⚖️")  # compiles Streamlit's emoji pattern, which the page icon needs
    except Exception:  # the page itself says what is wrong
        pass


@contextlib.asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield


def feed_routes() -> list:
    """The campaigns' Atom feeds (``ui/feeds.py``)."""
    from ui.feeds import ROUTES

    return list(ROUTES)


app = st.App(HERE / "dashboard.py", lifespan=lifespan, routes=[*account.routes(), *feed_routes()])
