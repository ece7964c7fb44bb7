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
import functools
import gc
import logging
import sys
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


def use_system_allocator_for_arrow() -> None:
    """Let Arrow (pandas' text columns, Parquet reads) allocate with the C library's malloc instead of its own
    mimalloc pool, which kept what the pages freed: a server that had shown every page once held 391 MB, 346 MB
    this way (and ``malloc_trim`` below can hand it back)."""
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


class QuietStartUp(logging.Filter):
    """Drops Streamlit's warning that a thread has no page context, for the start-up's own thread only: its steps
    call the pages' cached functions outside any page on purpose (the warning said so up to 14 times a start)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName == WARM_UP_THREAD and "missing ScriptRunContext" in record.getMessage())


WARM_UP_THREAD = "warm-up"
DEFAULT_SWITCH_S = sys.getswitchinterval()
LANDING_SWITCH_S = 0.0005
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(QuietStartUp())


def warm_up() -> None:
    """Load what the landing page needs at once; then, once the first visitor's page has been served (or nobody
    came), what the next clicks need: first, together, what the profile's first run needs, once the reader's
    browser has drawn the first page or the reader clicks; then the rest, a slice of short steps at a time, each
    slice after a pause of the pages (or ``IDLE_WAIT_S``); the pictures of Growth vs people only in a real pause.
    Failures are left for the page to report to its reader."""
    # While the step imports, the event loop serves the first browser the page's files and answers its
    # handshake: it gets the interpreter back after 0.5 ms instead of Python's 5 ms (the first page's files
    # arrived 0.1 s later with the default)
    sys.setswitchinterval(LANDING_SWITCH_S)
    # and no cyclic garbage collection meanwhile: imports make almost no garbage, but their hundred thousand
    # new objects set off collections that looked through every object loaded so far, again and again (0.09 s
    # of 0.5 s of imports). What they loaded is then set aside from the collector at once (``gc.freeze``, which
    # looks at nothing): else the first pages after the start paid for the collections put off
    gc.disable()
    try:
        # here, not as the module is imported: importing Arrow took 0.07 s before the server could answer the
        # first browser, and no page has run yet
        use_system_allocator_for_arrow()
        city = landing()
    except Exception:  # the page itself says what is wrong
        return
    finally:
        gc.freeze()
        gc.enable()
        sys.setswitchinterval(DEFAULT_SWITCH_S)
    if not _pages_running():
        freeze_long_lived()
    wait_for_first_visit()
    # the first steps together, as soon as the first reader's browser has drawn the page or the reader clicks: the
    # next click is most likely an area's profile, and its first run was a second of imports, opening the store
    # and the level's figures
    wait_for_drawing_or_click()
    slice_ends, first = time.monotonic() + FIRST_SLICE_S, True
    for step in later_steps(city):
        if isinstance(step, WhenIdle):
            # a long step only in a long pause: run among pages, it would hold them up (and a reader who moves
            # the pointer over the map for a while asks nothing of the server, then clicks)
            wait_until_idle(limit=None, quiet=LONG_QUIET_S)
            slice_ends = time.monotonic()
        elif time.monotonic() >= slice_ends or (_pages_running() and not first):
            # short steps run one after another for up to SLICE_S, then wait for the next pause of the pages
            wait_until_idle()
            slice_ends, first = time.monotonic() + SLICE_S, False
        try:
            step()
        except Exception:  # noqa: BLE001 - as above
            pass
    wait_until_idle(limit=None)   # the collection holds the interpreter for a tenth of a second: not among pages
    freeze_long_lived()           # and what the later steps loaded


def freeze_long_lived() -> None:
    """Collect what is garbage now, then set every object still alive aside from Python's cyclic garbage
    collector (``gc.freeze``): the modules, the snapshot and the start-up's cached figures live as long as the
    server. Python's full collections looked through all of them — 0.08 s after the landing step, 0.11–0.15 s
    with every page's modules loaded, in about one page run of six — and the page that set one off waited for it.
    Objects set aside are still freed when nothing refers to them any more; only a reference cycle among them
    would stay."""
    gc.collect()
    gc.freeze()


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
    """Import what the landing page imports, then compute its default view of the default city step by step, in
    the page's own order, until the first reader's page starts: from then on the page computes what is left
    itself, title and figures first, without this thread taking the interpreter from it in turns. Returns the
    city."""
    from functools import partial

    from streamlit import delta_generator

    # The first element of a process asks whether Streamlit runs in a REPL (to warn a user who runs a page with
    # `python` instead of `streamlit run`), by looking up the call stack with the path of every module loaded:
    # 0.03-0.07 s. Under `streamlit run` the answer is known, so it is marked as asked, not asked (Streamlit has
    # no public switch for it; where the name is gone, the first page asks as before)
    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True

    import pydeck  # noqa: F401

    from indicators.core import places
    from ui import data, evidence, mapview, search, state, tables  # noqa: F401 (the map page's own imports)

    city = data.cities()[0]
    level = "neighborhood"
    headline = state.default_indicator(city, level)

    def deck():
        tiles = places.basemap(data.city_config(city))
        streets = tiles is not None and mapview.basemap_reachable(tiles.host)
        data.map_deck(city, headline, level, None, "quantiles", "en", opacity=0.8, streets=streets, names_on=True,
                      phone=False)

    # the sidebar's periods, the title's figures, the city's figure, the areas, the map (called with the same
    # arguments as the page: a cache key counts the arguments given); the table, in a folded panel, comes later.
    # The map in four steps (the city's config, with the models' import, was 0.07-0.13 s of it): a page that
    # starts while one runs shares the interpreter with it until the step ends
    steps = [partial(data.vintages, city, headline, level), partial(data.indicator, city, headline, level, None),
             partial(data.city_value, city, headline, None), partial(data.areas, city, level),
             partial(data.map_view, city, headline, level, None, "quantiles", "en"), partial(data.city_config, city),
             partial(data.area_shapes, city, level), partial(data.label_points, city, level, "en"), deck]
    for step in steps:
        if _pages_running():
            break
        step()
    return city


class WhenIdle(functools.partial):
    """A start-up step that takes long (a picture: seconds of matplotlib), run only in a long pause of the pages."""


def later_steps(city: str) -> list:
    """What a reader's next pages need, most likely first, in steps short enough not to hold up a page for long:
    the landing map's table, a profile (its libraries, every figure of the first area, which computes the level's
    figures the other areas share), then the pictures of Growth vs people (matplotlib's first figure takes
    seconds)."""
    from functools import partial

    from ui import data, state

    level = state.area_level(city)
    # the landing map's table, where a reader may unfold it (as the page calls it)
    steps = [partial(data.indicator_table, city, state.default_indicator(city, "neighborhood"), "neighborhood", None,
                     lang="en")]
    if level:
        def profile_imports():
            from ui import briefs, charts, evidence, testimony, tracker  # noqa: F401

        def profile_store():
            from ui import tracker

            tracker.store(city)  # the profile lists the recommendations on its themes: the city's store, opened

        def profile_charts():
            from ui import charts

            charts.warm_up()     # and makes one chart of each kind

        def unserved_reasons():
            # a profile says why the snapshot lacks an indicator in the library's words, found by trying it once
            for indicator_id in data.catalog.CATALOG:
                if not data.available_levels(city, indicator_id):
                    data.compute.reason_nowhere(data.snapshot(city), indicator_id)

        # (the session-free calls: outside a page there is no reader's language to read)
        area = next(iter(data._area_names(city, level, "en")), None)
        served = [i for i in data.catalog.CATALOG if level in data.available_levels(city, i)]
        steps += [profile_imports, profile_store, partial(data.can_people_stay, city, area, level), unserved_reasons]
        # called as the profile calls them: a cache key counts the arguments as given
        steps += [partial(data.city_value, city, i) for i in served]
        if level in data.available_levels(city, "population_change_2010_2020"):
            steps.append(partial(data.population_change_by_group, city, level))
        steps += [partial(data.ranked, city, i, level, lang="en") for i in served]
        steps.append(profile_charts)
        steps += [partial(data.ranked, city, i, level, lang="es") for i in served]
    if "neighborhood" in data.available_levels(city, "population_change_2010_2020"):
        steps += [WhenIdle(data.map_png, city, i, "neighborhood", None, "quantiles", language)
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
LONG_QUIET_S = 5.0          # a long pause, for the long steps
SLICE_S = 0.25              # short steps follow each other for this long before waiting for a pause again
FIRST_SLICE_S = 2.0         # and the first ones, which prepare the profile, for this long
DRAWING_S = 1.0             # the first of them wait this long after the first page, or for a click
RUN_END_S = 0.25            # and at most this long for the first page's run to end after its script


def wait_for_first_visit() -> None:
    """Until a reader's page has run to its end (``ui.state.FIRST_PAGE_SERVED``), or ``FIRST_VISIT_WAIT_S`` with
    none. (Asking whether a session is connected and not running was not enough: a browser's session connects a
    moment before its first run starts, and the later steps then ran beside that first page and the browser's
    drawing of it.)"""
    from ui import state

    state.FIRST_PAGE_SERVED.wait(FIRST_VISIT_WAIT_S)


def wait_for_drawing_or_click() -> None:
    """After the first visitor's page: for ``DRAWING_S`` (the reader's browser draws the map it was sent; on a
    2-CPU machine that also ran the server, the steps slowed that drawing), or until a page runs again (the reader
    clicked: the next click is near)."""
    # the first page marks itself served as its script ends, a moment before its session counts as no longer
    # running: that is not a click
    ending = time.monotonic() + RUN_END_S
    while _pages_running() and time.monotonic() < ending:
        time.sleep(0.005)
    deadline = time.monotonic() + DRAWING_S
    while time.monotonic() < deadline:
        if _pages_running():
            return
        time.sleep(0.02)


def wait_until_idle(limit: float | None = IDLE_WAIT_S, quiet: float = QUIET_S) -> None:
    """Until no page has run for ``quiet`` seconds (a reader's browser is still drawing what a page has just
    sent), or at most ``limit`` seconds (None: however long that takes)."""
    deadline = time.monotonic() + limit if limit is not None else float("inf")
    quiet_since = None
    while time.monotonic() < deadline:
        if _pages_running():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet:
            return
        time.sleep(0.05)


@contextlib.asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=warm_up, name=WARM_UP_THREAD, daemon=True).start()
    threading.Thread(target=give_back_memory, name="give-back-memory", daemon=True).start()
    yield


def feed_routes() -> list:
    """The campaigns' Atom feeds (``ui/feeds.py``)."""
    from ui.feeds import ROUTES

    return list(ROUTES)


app = st.App(HERE / "dashboard.py", lifespan=lifespan, routes=[*account.routes(), *feed_routes()])
