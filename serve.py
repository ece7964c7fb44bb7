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
import ctypes
import threading
import time
from pathlib import Path

import streamlit as st

from ui import account

HERE = Path(__file__).resolve().parent

#: glibc's ``mallopt`` parameter for the number of heaps ("arenas") threads allocate from
M_ARENA_MAX = -8


def _libc():
    """The C library where it is glibc (``mallopt``, ``malloc_trim``); None elsewhere."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


LIBC = _libc()
if LIBC is not None:
    # Streamlit runs each session's page in a thread of its own, and glibc gives threads heaps of their own (up
    # to eight per CPU): memory freed in them is seldom given back, and 50 readers left the server ~60 MB larger
    # than with two heaps. Set before any session's thread allocates.
    LIBC.mallopt(M_ARENA_MAX, 2)


def warm_up() -> None:
    """Load what the landing page needs at once; then, once the first visitor's page has been served (or nobody
    came), what the next clicks need: the profile's first run and the pictures of Growth vs people. The later
    steps wait for a pause of the pages (at most ``IDLE_WAIT_S``), so they seldom delay a reader's page; short
    ones run together. Failures are left for the page to report to its reader."""
    try:
        city = landing()
    except Exception:  # the page itself says what is wrong
        return
    wait_for_first_visit()
    slice_ends = 0.0
    for step in later_steps(city):
        # short steps run one after another for up to SLICE_S, then wait for the next pause of the pages
        if time.monotonic() >= slice_ends or _pages_running():
            wait_until_idle()
            slice_ends = time.monotonic() + SLICE_S
        try:
            step()
        except Exception:  # noqa: BLE001 - as above
            pass
    give_back_memory()


TRIM_EVERY_S = 30.0


def give_back_memory() -> None:
    """Every ``TRIM_EVERY_S`` seconds while no page runs, hand the memory that pages freed back to the system
    (``malloc_trim``): without it the server keeps the high-water mark of its busiest minute."""
    if LIBC is None:
        return
    while True:
        time.sleep(TRIM_EVERY_S)
        wait_until_idle()
        LIBC.malloc_trim(0)


def landing() -> str:
    """Import what the landing page imports and compute its default view of the default city; returns the city."""
    import pydeck  # noqa: F401
    from streamlit import string_util

    from indicators.core import places
    from ui import data, mapview, state

    city = data.cities()[0]
    # the landing page's default view: its figures, the city figure and the map's shapes (called with the same
    # arguments as the page: a cache key counts the arguments given)
    headline = state.default_indicator(city, "neighborhood")
    data.indicator(city, headline, "neighborhood", None)
    data.city_value(city, headline, None)
    data.vintages(city, headline, "neighborhood")
    data.areas(city, "neighborhood")
    tiles = places.basemap(data.city_config(city))
    streets = tiles is not None and mapview.basemap_reachable(tiles.host)
    data.map_view(city, headline, "neighborhood", None, "quantiles", "en")
    data.map_deck(city, headline, "neighborhood", None, "quantiles", "en", opacity=0.8, streets=streets,
                  names_on=True, phone=False)
    data.indicator_table(city, headline, "neighborhood", None, lang="en")
    string_util.is_emoji("⚖️")  # compiles Streamlit's emoji pattern, which the page icon needs
    return city


def later_steps(city: str) -> list:
    """What a reader's next pages need, most likely first, in steps short enough not to hold up a page for long:
    a profile (its libraries, every figure of the first area, which computes the level's figures the other areas
    share), then the pictures of Growth vs people (matplotlib's first figure takes seconds)."""
    from functools import partial

    from ui import data, state

    level = state.area_level(city)
    steps = []
    if level:
        def profile_imports():
            from ui import briefs, charts, evidence, testimony, tracker  # noqa: F401

            tracker.store(city)  # the profile lists the recommendations on its themes: the city's store, opened
            charts.warm_up()     # and draws charts: plotly's first chart costs more than the next

        # (the session-free calls: outside a page there is no reader's language to read)
        area = next(iter(data._area_names(city, level, "en")), None)
        served = [i for i in data.catalog.CATALOG if level in data.available_levels(city, i)]
        steps += [profile_imports, partial(data.can_people_stay, city, area, level)]
        # called as the profile calls them: a cache key counts the arguments as given
        steps += [partial(data.ranked, city, i, level, lang=language) for i in served for language in ("en", "es")]
        steps += [partial(data.city_value, city, i) for i in served]
        if level in data.available_levels(city, "population_change_2010_2020"):
            steps.append(partial(data.population_change_by_group, city, level))
    if "neighborhood" in data.available_levels(city, "population_change_2010_2020"):
        steps += [partial(data.map_png, city, i, "neighborhood", None, "quantiles", language)
                  for language in ("en", "es")
                  for i in ("population_change_2010_2020", "black_population_change_2010_2020")]
    return steps


def _pages_running() -> bool | None:
    """Whether any session is running a page now; None where no session has connected yet. (Streamlit has no
    public call for this: its session manager is asked, and where that fails the server is taken as idle.)"""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.app_session import AppSessionState

        sessions = Runtime.instance()._session_mgr.list_active_sessions()
        if not sessions:
            return None
        return any(s.session._state == AppSessionState.APP_IS_RUNNING for s in sessions)
    except Exception:  # noqa: BLE001
        return False


FIRST_VISIT_WAIT_S = 15.0   # after this with no visitor, the later steps go ahead
IDLE_WAIT_S = 1.5           # and a step waits at most this long for the pages to pause: a reader clicking on
                            # and on would otherwise find the next page as cold as the first
QUIET_S = 1.0               # a pause: no page has run for this long
SLICE_S = 0.1               # short steps follow each other for this long before waiting for a pause again


def wait_for_first_visit() -> None:
    deadline = time.monotonic() + FIRST_VISIT_WAIT_S
    while time.monotonic() < deadline and _pages_running() is not False:
        time.sleep(0.05)


def wait_until_idle() -> None:
    """Until no page has run for ``QUIET_S`` (a reader's browser is still drawing what a page has just sent),
    or at most ``IDLE_WAIT_S``."""
    deadline = time.monotonic() + IDLE_WAIT_S
    quiet_since = None
    while time.monotonic() < deadline:
        if _pages_running():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_S:
            return
        time.sleep(0.05)


@contextlib.asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield


def feed_routes() -> list:
    """The campaigns' Atom feeds (``ui/feeds.py``)."""
    from ui.feeds import ROUTES

    return list(ROUTES)


app = st.App(HERE / "dashboard.py", lifespan=lifespan, routes=[*account.routes(), *feed_routes()])
