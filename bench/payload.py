"""Bytes sent to the browser for the map page, counted by the browser itself.

One dashboard server; for each view (the neighborhood map at ``/`` — the landing page — and the tract map at
``/?level=tract``) a fresh browser context (empty cache) opens the page and waits until it is rendered (as in
``render.py``). Counted:

- **app data**: the payloads of the websocket frames the page received on ``/_stcore/stream`` (Playwright's
  ``framereceived``), i.e. the page's elements as Streamlit's protobuf messages. The server does not negotiate
  ``permessage-deflate``, so these bytes are what crosses the wire, bar 2–10 bytes of frame header each. The
  frame holding the deck.gl map is reported on its own (it carries the polygons and their tooltips as JSON).
- **static assets**: HTTP responses for the page itself and its JavaScript, CSS, fonts and images, as the
  encoded body sizes Chromium reports (``request.sizes()``: compressed when the server compressed them) plus
  response headers. These are the same for every page of any Streamlit app of this version and are cached by
  the browser after the first visit.
- other HTTP requests (health check, host configuration) are reported with the static assets' detail.

The target (well under 1 MB) is about the neighborhood map's app data.
"""

from __future__ import annotations

import json

from common import DASHBOARD, VIEWPORT, chromium, context, judged, server
from render import HOOK, _frame_kind, wait_done

STATIC_TYPES = {"document", "script", "stylesheet", "font", "image", "manifest", "media"}


def _measure_view(browser, url: str, srv) -> dict:
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    page.add_init_script(HOOK % json.dumps(['[data-testid="stMain"] h1']))
    frames: list[str] = []
    sizes: list[int] = []
    sent: list[int] = []
    requests = []

    def on_ws(ws):
        if ws.url.endswith("/_stcore/stream"):
            def got(payload):
                frames.append(_frame_kind(payload))
                sizes.append(len(payload) if isinstance(payload, bytes) else len(payload.encode()))
            ws.on("framereceived", got)
            ws.on("framesent", lambda payload: sent.append(len(payload)))

    page.on("websocket", on_ws)
    page.on("requestfinished", lambda request: requests.append(request))
    try:
        page.goto(url, timeout=120_000)
        wait_done(page, frames, True, srv)
        static = other = 0
        n_static = 0
        for request in requests:
            s = request.sizes()
            total = s["responseBodySize"] + s["responseHeadersSize"]
            if request.resource_type in STATIC_TYPES or "/static/" in request.url:
                static += total
                n_static += 1
            else:
                other += total
        deck = [n for n, k in zip(sizes, frames) if k == "element:deck_gl_json_chart"]
        return {"app": sum(sizes), "frames": len(sizes), "deck": sum(deck), "static": static, "n_static": n_static,
                "other": other, "sent": sum(sent), "error": ""}
    finally:
        ctx.close()


def figures(groups: set[str], quick: bool, log=print) -> list:
    views = {"neighborhood": "/", "tract": "/?level=tract"}
    out = {}
    with server(DASHBOARD, "payload") as srv, chromium() as browser:
        for name, path in views.items():
            try:
                out[name] = _measure_view(browser, srv.url + path, srv)
            except Exception as exc:  # noqa: BLE001
                out[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
            log(f"    {name}: {out[name]}")

    def kb(v):
        return None if v is None else v / 1024

    figs = []
    n, t = out["neighborhood"], out["tract"]
    figs.append(judged("payload", "Payload: neighborhood map page, app data (websocket)", kb(n.get("app")), "KB",
                       1024, op="<", error=n["error"],
                       detail=(f"{n['frames']} frames, of which the map element {n['deck'] / 1024:.0f} KB; "
                               f"browser sent {n['sent'] / 1024:.1f} KB") if not n["error"] else ""))
    figs.append(context("payload", "  neighborhood map page, static assets (HTTP, cacheable)", kb(n.get("static")),
                        "KB", error=n["error"],
                        detail=(f"{n['n_static']} responses, encoded sizes; other HTTP {n['other'] / 1024:.1f} KB")
                        if not n["error"] else ""))
    figs.append(context("payload", "  tract map page, app data (websocket)", kb(t.get("app")), "KB", error=t["error"],
                        detail=f"{t['frames']} frames, of which the map element {t['deck'] / 1024:.0f} KB"
                        if not t["error"] else ""))
    return figs
