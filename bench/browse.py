"""What a reader waits for in the browser: each page's settle time, and a click on the map to the area's profile.

One dashboard server (``serve.py``) for each figure; the browser is Debian's Chromium with the project's flags.

- ``settle``: every page the navigation lists, in English and in Spanish (``?lang=es``), for the default city and,
  for the evidence pages (map, profile, compare, growth, presentation, methods), for the second city too
  (``?city=``). The server is warmed first by one websocket session that opens each of those views once (so the
  figure is a page as a reader opens it on a running server, not the process's first run). Then, round after
  round, a browser context opens the landing page once (not counted: the app's files are then in its cache, as
  for a reader who has the app open) and then each view in a new tab of it. A page's **settle time** is
  from the start of the navigation (``performance.timeOrigin``) to the last thing the page did — the last change
  to the page's content (a ``MutationObserver``), the last websocket message, the map's last drawing on its canvas
  — taken once the script has finished and nothing has changed for 1 s. The table gives each view's median and
  range; the figure is the slowest view's median. Beside it, the framework's text-only page opened the same way:
  what loading any page of this Streamlit costs before the page's own content.
- ``click``: a fresh server, a fresh browser that opens the neighborhood map and lets it settle; then, for areas
  taken evenly from the map, the pointer moves over the area (until the map's tooltip names it: the map library
  is ready) and clicks. Two times, both inside the page (``performance.now``, checked on every animation frame):
  **click → figure** (the area's name and the "Open its profile" link are on the page) and **link → profile**
  (a click on that link until the profile's address, title and first table are on the page). Between areas the
  browser goes back to the map through the navigation. The first area is the process's first profile; the
  figures are the medians of the others, with the first shown apart.
"""

from __future__ import annotations

import asyncio
import json
import math
import time

from common import APPS, DASHBOARD, VIEWPORT, chromium, context, judged, median, server
from render import _frame_kind

QUIET_MS = 1000
MAX_WAIT_S = 60
EVIDENCE = ("home", "profile", "compare", "growth", "present", "methods")

# a settle watcher: the last time the page changed, the last websocket message, the last deck.gl draw
SETTLE_HOOK = """
(() => {
  const bench = window.__bench = {last: 0, ws: [], deck: []};
  const now = () => performance.now();
  new MutationObserver(() => { bench.last = now(); }).observe(document, {childList: true, subtree: true,
                                                                          attributes: true, characterData: true});
  const Orig = window.WebSocket;
  window.WebSocket = class extends Orig {
    constructor(...args) { super(...args); this.addEventListener('message', () => bench.ws.push(now())); }
  };
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!C) continue;
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced']) {
      const orig = C.prototype[name];
      if (!orig) continue;
      C.prototype[name] = function (...args) {
        if (this.canvas && this.canvas.id === 'deckgl-overlay') bench.deck.push(now());
        return orig.apply(this, args);
      };
    }
  }
})();
"""


def _views(pages: list[str], cities: list[str]) -> list[tuple[str, str, str]]:
    """(label, url path with query, language) of every view measured."""
    views = []
    for city in cities:
        for page in pages if city == cities[0] else [p for p in pages if p in EVIDENCE]:
            for language in ("en", "es"):
                query = {}
                if city != cities[0]:
                    query["city"] = city
                if language != "en":
                    query["lang"] = language
                if page == "profile":
                    query["area"] = _first_area(city)
                path = ("" if page == "home" else page) + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                                          if query else "")
                views.append((f"{page} ({city}, {language})", path, language))
    return views


def _first_area(city: str) -> str:
    from urllib.parse import quote

    import pandas as pd

    from common import ROOT

    names = pd.read_parquet(ROOT / "data" / "snapshots" / city / "areas_neighborhoods.parquet", columns=["area_id"])
    return quote(sorted(names["area_id"])[len(names) // 2])


async def _pages(url: str) -> list[str]:
    """The navigation's pages, as the server lists them, in order (the landing page as ``home``)."""
    from stclient import StreamlitClient

    async with StreamlitClient(url, timeout=180) as c:
        await c.open_page("")
        return [p for p in c.pages if p and p != "map"]


async def _warm(url: str, views) -> None:
    from urllib.parse import urlsplit

    from stclient import StreamlitClient

    async with StreamlitClient(url, timeout=180) as c:
        for _label, path, _language in views:
            parts = urlsplit("/" + path)
            await c.open_page(parts.path.strip("/"), parts.query)


def settle_once(ctx, url: str) -> dict:
    page = ctx.new_page()
    page.add_init_script(SETTLE_HOOK)
    frames: list[str] = []

    def on_ws(ws):
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framereceived", lambda payload: frames.append(_frame_kind(payload)))

    page.on("websocket", on_ws)
    out = {"settled": None, "error": ""}
    try:
        page.goto(url, timeout=MAX_WAIT_S * 1000)
        deadline = time.monotonic() + MAX_WAIT_S
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("the page did not settle within 60 s")
            page.wait_for_timeout(100)
            state = page.evaluate(
                "() => ({last: window.__bench.last, ws: window.__bench.ws.length, wsLast: window.__bench.ws.at(-1) "
                "|| 0, deck: window.__bench.deck.at(-1) || 0, now: performance.now(), "
                "exc: document.querySelectorAll('[data-testid=\"stException\"]').length, "
                "idle: !!document.querySelector('[data-testid=\"stApp\"][data-test-script-state=\"notRunning\"]')})")
            if state["exc"]:
                raise RuntimeError("the page shows an exception")
            finished = [k for k in frames[:state["ws"]] if k.startswith("script_finished")]
            if not finished or not state["idle"]:
                continue
            last = max(state["last"], state["wsLast"], state["deck"])
            if state["now"] - last >= QUIET_MS:
                out["settled"] = last / 1000
                return out
    except Exception as exc:  # noqa: BLE001 - the view's error, the run goes on
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        return out
    finally:
        page.close()


def settle_figures(quick: bool, log=print) -> list:
    from indicators.snapshot.read import default_snapshot_dir

    cities = sorted((p.name for p in default_snapshot_dir("x").parent.iterdir() if (p / "manifest.json").is_file()),
                    key=lambda c: c != "pittsburgh")
    rounds = 1 if quick else 3
    with server(DASHBOARD, "settle") as srv:
        pages = ["home"] + asyncio.run(_pages(srv.url))
        views = _views(pages, cities)
        asyncio.run(_warm(srv.url, views))
        times: dict[str, list[float]] = {label: [] for label, _p, _l in views}
        errors: dict[str, str] = {}
        with chromium() as browser:
            for r in range(rounds):
                # a browser that has the app's files in its cache (a first visit, not counted)
                ctx = browser.new_context(viewport=VIEWPORT)
                settle_once(ctx, srv.url + "/")
                for label, path, _language in views:
                    one = settle_once(ctx, f"{srv.url}/{path}")
                    if one["error"]:
                        errors[label] = one["error"]
                    else:
                        times[label].append(one["settled"])
                ctx.close()
                log(f"    round {r + 1}/{rounds}: " + ", ".join(
                    f"{label} {times[label][-1]:.2f}" for label, _p, _l in views if times[label]))
        cause = srv.last_error()
    # the same moment for the framework's text-only page, opened the same way: the floor of any page
    floor = []
    with server(APPS / "floor_text.py", "settle_floor") as srv_floor, chromium() as browser:
        ctx = browser.new_context(viewport=VIEWPORT)
        settle_once(ctx, srv_floor.url + "/")
        for _r in range(max(3, rounds)):
            one = settle_once(ctx, srv_floor.url + "/")
            if not one["error"]:
                floor.append(one["settled"])
        ctx.close()
    medians = {label: median(t) for label, t in times.items() if t}
    table = []
    for label, _p, _language in views:
        t = times[label]
        table.append(f"{label}: " + (f"{medians[label]:.2f} s ({min(t):.2f}–{max(t):.2f})" if t else "—")
                     + (f" [!] {errors[label]}" if label in errors else ""))
    worst = max(medians, key=medians.get) if medians else None
    by_language = {lang: median(medians[label] for label, _p, lg in views if lg == lang and label in medians)
                   for lang in ("en", "es")}
    error = "; ".join(f"{k}: {v}" for k, v in errors.items())[:200]
    if error and cause:
        error += f" — server log: {cause}"
    figs = [judged("settle", "Settle: slowest page of the navigation (median)", worst and medians[worst], "s", 2,
                   detail=f"{worst}; {len(views)} views × {rounds} rounds, a new tab each, app files cached; "
                          f"every view: " + "; ".join(table), error=error, extra={"times": times})]
    for lang in ("en", "es"):
        figs.append(context("settle", f"  median page, {'English' if lang == 'en' else 'Spanish'}",
                            by_language[lang], "s"))
    figs.append(context("settle", "  floor: the text-only page, opened the same way (median)", median(floor), "s",
                        detail=f"range {min(floor):.2f}–{max(floor):.2f} s over {len(floor)} loads" if floor else ""))
    return figs


# ------------------------------------------------------------------------------------------------ click → profile
def _pixel(lon, lat, view, width, height):
    """Where (lon, lat) is drawn on a Web Mercator map of ``width`` × ``height`` pixels (deck.gl's 512-px world)."""
    scale = 512 * 2 ** view.zoom

    def project(lo, la):
        return ((lo + 180) / 360 * scale,
                (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale)

    cx, cy = project(view.longitude, view.latitude)
    px, py = project(lon, lat)
    return width / 2 + (px - cx), height / 2 + (py - cy)


SHOWN_BY = """([name, link]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const ok = main && main.innerText.includes(name) && Array.from(main.querySelectorAll('a'))
    .some((a) => a.innerText.includes(link));
  return ok ? performance.now() : false;
}"""
PROFILE_BY = """([name]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const ok = location.pathname.endsWith('/profile') && main && main.querySelector('h1')
    && main.innerText.includes(name) && main.querySelector('[data-testid="stTable"]');
  return ok ? performance.now() : false;
}"""


def click_figures(quick: bool, log=print) -> list:
    import sys

    from common import ROOT

    sys.path.insert(0, str(ROOT))   # the app's own map geometry, to find an area's pixel
    from indicators.snapshot.read import open_snapshot
    from ui import mapview

    n_areas = 4 if quick else 7
    hoods = open_snapshot(ROOT / "data" / "snapshots" / "pittsburgh").table("areas_neighborhoods").sort_values("area_id")
    view = mapview.fitted_view(hoods.total_bounds, mapview.DESKTOP_MAP_WIDTH, 560)
    picks = hoods.iloc[:: max(1, len(hoods) // n_areas)].head(n_areas)
    tapped, opened, errors = [], [], []
    with server(DASHBOARD, "click") as srv, chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(srv.url + "/?indicator=renter_share", timeout=MAX_WAIT_S * 1000)
        for _i, row in picks.iterrows():
            name, point = row["area_id"], row.geometry.representative_point()
            try:
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                       timeout=MAX_WAIT_S * 1000)
                page.wait_for_selector('[data-testid="stDeckGlJsonChart"] canvas', timeout=MAX_WAIT_S * 1000)
                box = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
                x, y = _pixel(point.x, point.y, view, box["width"], box["height"])
                tooltip = page.locator(".deck-tooltip")
                for attempt in range(60):
                    page.mouse.move(box["x"] + x + attempt % 2, box["y"] + y)
                    page.wait_for_timeout(200)
                    if tooltip.count() and name in tooltip.first.inner_text():
                        break
                else:
                    raise TimeoutError(f"the map never showed the tooltip of {name}")
                t0 = page.evaluate("() => performance.now()")
                page.mouse.click(box["x"] + x, box["y"] + y)
                t1 = page.wait_for_function(SHOWN_BY, arg=[name, "Open its profile"], polling="raf",
                                            timeout=MAX_WAIT_S * 1000).json_value()
                link = page.get_by_role("link", name="Open its profile")
                t2 = page.evaluate("() => performance.now()")
                link.click()
                t3 = page.wait_for_function(PROFILE_BY, arg=[name], polling="raf",
                                            timeout=MAX_WAIT_S * 1000).json_value()
                tapped.append((t1 - t0) / 1000)
                opened.append((t3 - t2) / 1000)
                log(f"    {name}: click → figure {tapped[-1]:.2f} s, link → profile {opened[-1]:.2f} s")
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
                log(f"    {errors[-1]}")
            page.get_by_role("link", name="Map").first.click()
            page.wait_for_function("() => !location.pathname.endsWith('/profile')", timeout=MAX_WAIT_S * 1000)
        cause = srv.last_error()
    error = "; ".join(errors)[:200] + (f" — server log: {cause}" if errors and cause else "")

    def spread(values):
        return f"range {min(values):.2f}–{max(values):.2f} s over {len(values)} areas" if values else ""

    return [
        judged("click", "Browser: map click → the area's figure (median, after the first)", median(tapped[1:]), "s",
               1, detail=spread(tapped[1:]) + (f"; first {tapped[0]:.2f} s" if tapped else ""), error=error),
        judged("click", "Browser: 'Open its profile' → profile content (median, after the first)", median(opened[1:]),
               "s", 1, detail=spread(opened[1:]) + (f"; first {opened[0]:.2f} s" if opened else ""), error=error),
        judged("click", "Browser: first profile of the process, link → content", opened[0] if opened else None,
               "s", 1, error=error),
    ]


def figures(groups: set[str], quick: bool, log=print) -> list:
    figs = []
    if "click" in groups:
        figs += click_figures(quick, log)
    if "settle" in groups:
        figs += settle_figures(quick, log)
    return figs
