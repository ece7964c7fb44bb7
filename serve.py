"""Run the dashboard: ``streamlit run serve.py`` (what ``scripts/dashboard.sh`` does).

The pages are ``dashboard.py``; this wrapper only adds a start-up step. As the server starts it loads, in a
background thread, the libraries and the city snapshot the landing map needs, so the first visitor after a
restart does not wait for them. ``streamlit run dashboard.py`` still works, without that head start.
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

        from ui import data, mapview, state  # noqa: F401

        for city in data.cities()[:1]:
            data.snapshot(city).table("areas_neighborhoods")
    except Exception:  # the page itself says what is wrong
        pass


@contextlib.asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    yield


app = st.App(HERE / "dashboard.py", lifespan=lifespan)
