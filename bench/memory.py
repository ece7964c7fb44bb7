"""Resident memory of the dashboard's server after 50 sessions have opened every page.

A fresh dashboard server is started; its RSS (``psutil``: the server process and any process under it) is read
once it answers its health check. Then 50 websocket sessions (``stclient.py``; the server does for them what it
does for a browser) run at the same time; each opens the landing page and goes through every page of the
navigation (the pages the server lists in ``new_session``) the way a click in the sidebar does, the profile page
with a different neighborhood (``?hood=``) for each session. The RSS is read while the 50 sessions are still
connected (the figure), then again 2 s after they have disconnected.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlencode

from common import DASHBOARD, context, judged, server
from stclient import StreamlitClient

SESSIONS = 50


async def _visit_all(url: str, hood: str | None, errors: list[str], pages: set[str], ready: list,
                     hold: asyncio.Event) -> None:
    try:
        async with StreamlitClient(url, timeout=180) as c:
            run = await c.open_page("")
            pages.add("map")
            if run.exceptions:
                errors.append(f"map: {run.exceptions[0][:120]}")
            for path in [p for p in c.pages if p]:
                query = urlencode({"area": hood}) if path == "profile" and hood else ""
                run = await c.switch_page(path, query)
                pages.add(path)
                if run.exceptions:
                    errors.append(f"{path}: {run.exceptions[0][:120]}")
            ready.append(True)
            await hold.wait()          # stay connected until the memory has been read
    except Exception as exc:  # noqa: BLE001 - counted as an error of the figure
        errors.append(f"session: {type(exc).__name__}: {exc}")
        ready.append(False)


async def _run(srv) -> dict:
    async with StreamlitClient(srv.url, timeout=180) as c:      # the neighborhood names, from the profile page
        await c.open_page("profile")
        try:
            hoods = list(c.widget_by_key("selectbox", "profile_area_neighborhood").options)
        except KeyError:
            hoods = []
    errors: list[str] = []
    pages: set[str] = set()
    ready: list = []
    hold = asyncio.Event()
    picks = [hoods[(i * 7) % len(hoods)] if hoods else None for i in range(SESSIONS)]
    tasks = [asyncio.create_task(_visit_all(srv.url, picks[i], errors, pages, ready, hold)) for i in range(SESSIONS)]
    while len(ready) < SESSIONS:
        await asyncio.sleep(0.2)
    connected = srv.rss_bytes()
    hold.set()
    await asyncio.gather(*tasks)
    return {"errors": errors, "pages": pages, "connected": connected}


def figures(groups: set[str], quick: bool, log=print) -> list:
    with server(DASHBOARD, "memory") as srv:
        time.sleep(1)
        base = srv.rss_bytes()
        try:
            out = asyncio.run(asyncio.wait_for(_run(srv), timeout=600))
        except Exception as exc:  # noqa: BLE001
            out = {"errors": [f"{type(exc).__name__}: {exc}"], "pages": set(), "connected": None}
        time.sleep(2)
        after = srv.rss_bytes()
        cause = srv.last_error()
    errors = out["errors"]
    if errors:
        log(f"    errors: {'; '.join(dict.fromkeys(errors))[:300]} (server log: {srv.log_path})")
    error = ""
    if errors:
        error = f"{len(errors)} failed: {errors[0][:80]}" + (f" — server log: {cause}" if cause else "")
    mb = 1024 * 1024
    connected = out["connected"]
    return [
        judged("memory", f"Memory: server RSS, {SESSIONS} sessions after opening every page",
               connected / mb if connected else None, "MB", 400, error=error,
               detail=f"{len(out['pages'])} pages each, sessions still connected; RSS at start {base / mb:.0f} MB"),
        context("memory", "  server RSS after those sessions disconnected", after / mb, "MB"),
    ]
