"""Cold render in headless Chromium: the dashboard's map page and a state of GENERATED tracts, against floors.

Every measurement is one cold launch: a fresh Chromium (no cache) is started, then — the clock starts here —
``streamlit run <app>`` is started on its own port, the browser opens the page as soon as the port accepts
connections, and the page is watched until it is done. The apps:

- ``dashboard``  — the dashboard's landing page (the neighborhood map), ``dashboard.py``;
- ``floor_map``  — ``apps/floor_map.py``: a title, a line of text and one pydeck map of one polygon;
- ``floor_text`` — ``apps/floor_text.py``: a title and a line of text;
- ``state_map``  — ``apps/state_map.py``: ~3,400 GENERATED tracts through the dashboard's map code.

Two moments are taken from launch:

- *first content*: the title (``h1``) is visible together with the first figures: for the dashboard the first
  of its headline figures (``ui.evidence.figure``), for the text-only floor its line of text;
- *rendered*: the script's last ``script_finished`` message has reached the page and, on map pages, deck.gl has
  drawn its layer: the time of the last WebGL draw call on deck.gl's canvas (``#deckgl-overlay``), taken once
  neither the websocket nor that canvas has done anything for 1 s. Both times are taken inside the page
  (``performance.timeOrigin + performance.now()``) by an init script that wraps ``WebSocket`` and the WebGL
  draw calls; the frame that is a ``script_finished`` is recognised by parsing the websocket frames (Playwright's
  ``framereceived``) with Streamlit's own protobuf classes.

One launch of each app comes first and is not counted (it brings the files into the OS cache, as on a machine
that has run the app before). The apps are then launched in turn, round after round, the order rotating between
rounds. Each app's times are the median over the rounds; each ratio is the median over the rounds of the app's
time divided by its floor's time in the same round (launched within a minute of each other), so that a busy
stretch of the machine weighs on both sides of a ratio. The detail line gives the range of those ratios.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from common import APPS, DASHBOARD, RESULTS, VIEWPORT, Server, chromium, context, judged, median

HOOK = """
((firstSelectors) => {
  const bench = window.__bench = {ws: [], deck: [], first: null};
  const now = () => performance.timeOrigin + performance.now();
  const shown = (sel) => Array.from(document.querySelectorAll(sel)).some(
    (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
  const watch = new MutationObserver(() => {
    if (bench.first === null && firstSelectors.every(shown)) { bench.first = now(); watch.disconnect(); }
  });
  document.addEventListener('DOMContentLoaded', () => watch.observe(document.documentElement,
    {childList: true, subtree: true, attributes: true, characterData: true}));
  const Orig = window.WebSocket;
  class BenchSocket extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => bench.ws.push(now()));
    }
  }
  window.WebSocket = BenchSocket;
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!C) continue;
    for (const name of ['drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced',
                        'drawRangeElements']) {
      const orig = C.prototype[name];
      if (!orig) continue;
      C.prototype[name] = function (...args) {
        if (this.canvas && this.canvas.id === 'deckgl-overlay') {
          bench.deck.push(now());
        }
        return orig.apply(this, args);
      };
    }
  }
})(%s);
"""

QUIET_MS = 1000
MAX_WAIT_MS = 120_000


@dataclass
class App:
    name: str
    script: object
    first: list[str]        # selectors that must all be visible for "first content"
    has_map: bool
    label: str
    env: dict | None = None  # for the server, beside the bench's own (``budget.py``'s variants)


APP_SPECS = {
    "dashboard": App("dashboard", DASHBOARD,
                     ['[data-testid="stMain"] h1', '[data-testid="stMain"] [class*="st-key-figure_"] p'],
                     True, "dashboard map page"),
    "floor_map": App("floor_map", APPS / "floor_map.py", ['[data-testid="stMain"] h1'], True,
                     "floor: one pydeck polygon"),
    "floor_text": App("floor_text", APPS / "floor_text.py",
                      ['[data-testid="stMain"] h1', '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p'],
                      False, "floor: text only"),
    "state_map": App("state_map", APPS / "state_map.py", ['[data-testid="stMain"] h1'], True,
                     "GENERATED state map (3,400 tracts)"),
}


def _frame_kind(payload) -> str:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
    except Exception:  # noqa: BLE001
        return "unparsed"
    kind = msg.WhichOneof("type") or ""
    if kind == "script_finished":
        return f"script_finished:{msg.script_finished}"
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        return "element:" + (msg.delta.new_element.WhichOneof("type") or "")
    return kind


def wait_done(page, frames: list[str], has_map: bool, srv) -> tuple[dict, list[int]]:
    """Poll the page (every 100 ms) until the script has finished, first content is visible, the map (if any) is
    drawn, and neither the websocket nor the map canvas has done anything for 1 s. Returns the page's record
    (``ws``, ``deck``, ``first`` timestamps in ms since the epoch) and the indexes of ``script_finished`` frames."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    finished_ok = f"script_finished:{ForwardMsg.FINISHED_SUCCESSFULLY}"
    deadline = time.monotonic() + MAX_WAIT_MS / 1000
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not finish rendering in time")
        page.wait_for_timeout(100)
        state = page.evaluate("() => ({ws: window.__bench.ws, deck: window.__bench.deck, "
                              "first: window.__bench.first, now: performance.timeOrigin + performance.now(), "
                              "exc: document.querySelectorAll('[data-testid=\\\"stException\\\"]').length})")
        if state["exc"]:
            raise RuntimeError(f"the page shows an exception: {srv.last_error() or srv.log_path}")
        kinds = frames[:len(state["ws"])]
        done = [i for i, k in enumerate(kinds) if k == finished_ok]
        if not done or state["first"] is None or (has_map and not state["deck"]):
            continue
        if state["now"] - max([state["ws"][-1]] + state["deck"][-1:]) < QUIET_MS:
            continue
        return state, done


def measure_once(app: App, shot: bool = False) -> dict:
    """One cold launch of ``app``; times in seconds since the server process was started."""
    import json

    out = {"first": None, "rendered": None, "listening": None, "error": "", "timeline": {}}
    with chromium() as browser:
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(HOOK % json.dumps(app.first))
        frames: list[str] = []          # kind of each websocket frame, in order of arrival
        page_errors: list[str] = []

        def on_ws(ws):
            if ws.url.endswith("/_stcore/stream"):
                ws.on("framereceived", lambda payload: frames.append(_frame_kind(payload)))

        page.on("websocket", on_ws)
        page.on("pageerror", lambda exc: page_errors.append(str(exc)[:200]))
        srv = Server(app.script, app.name, env=app.env).start()
        try:
            out["listening"] = srv.wait_listening()
            page.goto(srv.url + "/", timeout=MAX_WAIT_MS)
            state, done = wait_done(page, frames, app.has_map, srv)
            t0 = srv.launched

            def at(ms):
                return ms / 1000 - t0

            out["first"] = at(state["first"])
            out["rendered"] = max(at(state["ws"][done[-1]]), at(state["deck"][-1]) if app.has_map else 0.0)
            timeline = {"server listening": out["listening"], "first websocket message": at(state["ws"][0]),
                        "first content visible": out["first"]}
            kinds = frames[:len(state["ws"])]
            decks = [i for i, k in enumerate(kinds) if k == "element:deck_gl_json_chart"]
            if decks:
                timeline["map element received"] = at(state["ws"][decks[0]])
            if app.has_map:
                timeline["map first drawn"] = at(state["deck"][0])
                timeline["map last drawn"] = at(state["deck"][-1])
            timeline["script finished"] = at(state["ws"][done[-1]])
            out["timeline"] = dict(sorted(timeline.items(), key=lambda kv: kv[1]))
            out["script_runs"] = sum(1 for k in kinds if k == "new_session")
            if shot:
                shots = RESULTS / "shots"
                shots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shots / f"{app.name}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - recorded as the figure's error, the run goes on
            out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        finally:
            srv.stop()
        if page_errors:
            out["page_errors"] = page_errors[:3]
    return out


def measure(app_names: list[str], runs: int, log=print, warmup: bool = True) -> dict[str, list[dict]]:
    results = {name: [] for name in app_names}
    if warmup:   # one launch of each app first, not counted: the files it reads reach the OS cache
        for name in app_names:
            one = measure_once(APP_SPECS[name])
            log(f"    warm-up     {name:10s} {one['error'] or 'rendered %.2f s' % one['rendered']}")
    for r in range(runs):
        order = app_names[r % len(app_names):] + app_names[:r % len(app_names)]
        for name in order:
            one = measure_once(APP_SPECS[name], shot=(r == runs - 1))
            results[name].append(one)
            shown = ", ".join(f"{k} {v:.2f}" for k, v in one["timeline"].items())
            log(f"    round {r + 1}/{runs} {name:10s} {one['error'] or shown}")
    return results


def summarise(results: dict[str, list[dict]]) -> dict[str, dict]:
    out = {}
    for name, runs in results.items():
        errors = sorted({r["error"] for r in runs if r["error"]})
        out[name] = {"first": median(r["first"] for r in runs if not r["error"]),
                     "rendered": median(r["rendered"] for r in runs if not r["error"]),
                     "listening": median(r["listening"] for r in runs if not r["error"]),
                     "runs": sum(1 for r in runs if not r["error"]), "errors": errors,
                     "all_rendered": [r["rendered"] for r in runs], "all_first": [r["first"] for r in runs]}
    return out


def paired_ratios(results: dict[str, list[dict]], a: str, b: str, key: str) -> list[float]:
    """``a ÷ b`` within each round (the two launched one after the other), rounds where both succeeded."""
    return [ra[key] / rb[key] for ra, rb in zip(results[a], results[b])
            if not ra["error"] and not rb["error"] and ra[key] and rb[key]]


def figures(groups: set[str], runs: int, log=print) -> list:
    apps = []
    if "render" in groups:
        apps += ["dashboard", "floor_map", "floor_text"]
    if "scale_map" in groups:
        apps += [a for a in ("state_map", "floor_map") if a not in apps]
    results = measure(apps, runs, log)
    s = summarise(results)
    figs = []

    def err(*names):
        return "; ".join(f"{n}: {e}" for n in names for e in s[n]["errors"])

    def judged_ratio(group, name, a, b, key, limit):
        ratios = paired_ratios(results, a, b, key)
        detail = ""
        if ratios:
            detail = (f"median of {len(ratios)} rounds' ratios (each round: one cold launch of each, within a "
                      f"minute), range {min(ratios):.2f}–{max(ratios):.2f}; medians: {APP_SPECS[a].label} "
                      f"{s[a][key]:.2f} s, {APP_SPECS[b].label} {s[b][key]:.2f} s")
        return judged(group, name, median(ratios), "x", limit, detail=detail, error=err(a, b),
                      extra={"ratios": ratios})

    if "render" in groups:
        figs.append(judged_ratio("render", "Cold render: map page ÷ pydeck floor", "dashboard", "floor_map",
                                 "rendered", 1.15))
        figs.append(judged_ratio("render", "First content: map page ÷ text-only page", "dashboard", "floor_text",
                                 "first", 1.2))
        for name in ("dashboard", "floor_map", "floor_text"):
            figs.append(context("render", f"  {APP_SPECS[name].label}: rendered (median)", s[name]["rendered"], "s",
                                detail=f"first content {s[name]['first']:.2f} s, server listening after "
                                       f"{s[name]['listening']:.2f} s" if s[name]["first"] else "",
                                error=err(name), extra={"runs": results[name]}))
    if "scale_map" in groups:
        figs.append(judged_ratio("scale_map", "Scale: GENERATED state map (3,400 tracts) ÷ pydeck floor", "state_map",
                                 "floor_map", "rendered", 1.5))
    return figs
