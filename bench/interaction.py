"""Server-side rerun time of the dashboard's interactions, measured with a websocket client (``stclient.py``).

A fresh dashboard server is started for this figure (its caches empty). One client session then:

1. opens the map page (``/``), as a browser's first message does;
2. **indicator change**: sets the sidebar's indicator selectbox (``key="sb_indicator"``) to other indicators, one
   after another: the first time each indicator is chosen (the server computes it: *first time*), then round
   after round through the same indicators (the caches hold them: *repeat*). Indicators are taken evenly from
   the selectbox's list; one whose page draws no map (not available at this level) is passed over.
3. **area tapped on the map**: sends the pydeck chart's selection (``key="map_<level>"``) for one polygon — what
   the browser sends on a click — so the map page runs again and shows the area's figure with an "Open its
   profile" link (*tap → figure*); then follows that link as the browser does (a rerun naming the profile page,
   with the link's query string), timed until the profile's run has finished (*'Open its profile' →
   profile*). Between two areas the client goes back to the map page through the navigation (not timed). The
   first area's profile is the first profile page of the process (reported on its own).
4. **profile opened with ?area=**: a rerun naming the page ``profile`` with ``area=<id>`` in the query string,
   as a deep link or a shared URL opens it.

Every time is send → ``script_finished`` (see ``stclient.py``): the script run on the server with every element
serialised and carried over loopback, not the drawing in a browser. A run that ends with an exception on the page
counts as an error, never as a time.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

from common import DASHBOARD, judged, context, median, server
from stclient import RunError, StreamlitClient

N_INDICATORS = 6


async def _session(url: str, rounds: int, n_hoods: int, log) -> dict:
    out = {"first_open": None, "ind_first": [], "ind_repeat": [], "ind_bytes": [], "click_first": None,
           "tap_first": [], "tap_repeat": [],
           "click_repeat": [], "deep_link": [], "errors": {}, "indicators": [], "hoods": []}

    def failed(what, run, kind):
        if run.exceptions:
            out["errors"].setdefault(kind, []).append(f"{what}: {run.exceptions[0][:160]}")
            return True
        return False

    async with StreamlitClient(url, timeout=120) as c:
        run = await c.open_page("")
        out["first_open"] = run.seconds
        if failed("map page", run, "open"):
            return out
        box = c.widget_by_key("selectbox", "sb_indicator")
        start = box.raw_value
        options = [o for o in box.options if o != start]
        step = max(1, len(options) // N_INDICATORS)
        candidates = options[::step] + [o for o in options if o not in options[::step]]
        chosen = []
        for option in candidates:
            if len(chosen) == N_INDICATORS - 1:
                break
            run = await c.set_widget(box.id, "string_value", option)
            if failed(f"indicator {option!r}", run, "indicator"):
                continue
            if not c.element_of("deck_gl_json_chart"):
                log(f"    (passed over {option!r}: no map at this level)")
                continue
            chosen.append(option)
            out["ind_first"].append(run.seconds)
        chosen.append(start)
        out["indicators"] = chosen
        for _ in range(rounds):
            for option in chosen:
                run = await c.set_widget(box.id, "string_value", option)
                if not failed(f"indicator {option!r}", run, "indicator"):
                    out["ind_repeat"].append(run.seconds)
                    out["ind_bytes"].append(run.bytes)

        # back on the default indicator's map: click neighborhoods
        deck_el = c.element_of("deck_gl_json_chart")[0]
        features = json.loads(deck_el.json)["layers"][0]["data"]["features"]
        step = max(1, len(features) // n_hoods)
        picks = list(range(0, len(features), step))[:n_hoods]
        for n, index in enumerate(picks):
            if c.page_script_hash != c.pages[""]:
                await c.switch_page("")
            deck_el = c.element_of("deck_gl_json_chart")[0]
            feature = json.loads(deck_el.json)["layers"][0]["data"]["features"][index]
            layer_id = json.loads(deck_el.json)["layers"][0].get("id", "areas")
            selection = {"selection": {"indices": {layer_id: [index]}, "objects": {layer_id: [feature]}}}
            run = await c.set_widget(deck_el.id, "string_value", json.dumps(selection))  # the chart sends JSON text
            hood = feature["properties"].get("area_id")
            out["hoods"].append(hood)
            if failed(f"click on {hood!r}", run, "click"):
                continue
            out["tap_first" if n == 0 else "tap_repeat"].append(run.seconds)
            # the tap shows the area's figure with a link to its profile, which the browser follows in the page
            links = [link for link in c.element_of("page_link") if link.label == "Open its profile"]
            if not links:
                out["errors"].setdefault("click", []).append(f"click on {hood!r} showed no link to its profile")
                continue
            run = await c.follow(links[0])
            if failed(f"profile of {hood!r}", run, "click"):
                continue
            if run.page_script_hash != c.pages["profile"]:
                out["errors"].setdefault("click", []).append(f"click on {hood!r} did not open the profile page")
                continue
            if n == 0:
                out["click_first"] = run.seconds
            else:
                out["click_repeat"].append(run.seconds)
        for hood in out["hoods"]:
            run = await c.open_page("profile", urlencode({"area": hood}))
            if not failed(f"profile ?area={hood}", run, "deep"):
                out["deep_link"].append(run.seconds)
    return out


def figures(groups: set[str], quick: bool, log=print) -> list:
    rounds, n_hoods = (2, 5) if quick else (4, 8)
    with server(DASHBOARD, "interaction") as srv:
        try:
            out = asyncio.run(asyncio.wait_for(_session(srv.url, rounds, n_hoods, log), timeout=600))
        except (RunError, asyncio.TimeoutError, OSError, KeyError) as exc:
            out = {"errors": {"open": [f"{type(exc).__name__}: {exc}"]}, "ind_first": [], "ind_repeat": [],
                   "ind_bytes": [], "click_first": None, "click_repeat": [], "deep_link": [], "first_open": None,
                   "tap_first": [], "tap_repeat": []}
    for kind, msgs in out["errors"].items():
        log(f"    {kind} errors: {'; '.join(dict.fromkeys(msgs))[:300]} (server log: {srv.log_path})")

    cause = srv.last_error()

    def err(*kinds):
        msgs = [m for k in ("open", *kinds) for m in out["errors"].get(k, [])]
        return f"{len(msgs)} failed: {msgs[0][:80]}" + (f" — server log: {cause}" if cause else "") if msgs else ""

    ms = lambda v: None if v is None else v * 1000  # noqa: E731
    n_rep, n_first = len(out["ind_repeat"]), len(out["ind_first"])
    kb = median(out["ind_bytes"])
    figs = [
        judged("interaction", "Rerun: indicator change on the map (repeat, median)", ms(median(out["ind_repeat"])),
               "ms", 150, detail=f"{n_rep} changes over {len(out.get('indicators', []))} indicators; max "
               f"{max(out['ind_repeat']) * 1000:.0f} ms; median {kb / 1024:.0f} KB sent per rerun" if n_rep else "",
               error=err("indicator")),
        judged("interaction", "Rerun: indicator change, first time per indicator (median)",
               ms(median(out["ind_first"])), "ms", 150,
               detail=f"{n_first} indicators, max {max(out['ind_first']) * 1000:.0f} ms" if n_first else "",
               error=err("indicator")),
        judged("interaction", "Rerun: area tapped on the map → its figure (median)",
               ms(median(out["tap_first"] + out["tap_repeat"])), "ms", 150,
               detail=f"{len(out['tap_first'] + out['tap_repeat'])} taps" + (
                   f", first {out['tap_first'][0] * 1000:.0f} ms, max "
                   f"{max(out['tap_first'] + out['tap_repeat']) * 1000:.0f} ms" if out["tap_first"] else ""),
               error=err("click")),
        judged("interaction", "Rerun: 'Open its profile' → profile (repeat, median)",
               ms(median(out["click_repeat"])), "ms", 150,
               detail=f"{len(out['click_repeat'])} areas" + (f", max {max(out['click_repeat']) * 1000:.0f} ms"
                                                             if out["click_repeat"] else ""),
               error=err("click")),
        judged("interaction", "Rerun: 'Open its profile', first profile of the process", ms(out["click_first"]),
               "ms", 300, error=err("click")),
        judged("interaction", "Rerun: profile opened with ?area= (median)", ms(median(out["deep_link"])), "ms", 150,
               detail=f"{len(out['deep_link'])} areas", error=err("deep")),
        context("interaction", "  map page, first open after start (cold caches)", ms(out["first_open"]), "ms"),
    ]
    return figs
