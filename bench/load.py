"""50 concurrent sessions driving real reruns on loopback, for a bounded time.

A fresh dashboard server is started and warmed: one session opens the map page and chooses each indicator of the
test once (6 indicators taken evenly from the sidebar's list, as in ``interaction.py``), so the timed window
measures serving, not the first computation of each indicator. Then 50 websocket sessions (``stclient.py``) connect
within the first 5 s (evenly spread) and open the map page (each open may take up to 120 s: 50 first runs at once
queue behind each other; their times are reported on their own). Once every session has opened the page, the timed
window starts for all of them: until it closes each session waits a reader's pause (uniformly 5–15 s, seeded:
someone reading the map before choosing the next indicator; the first pause 0–15 s, so that the changes are spread
over the window from its start) and changes the sidebar's indicator to another of the 6 at random, timing the rerun
(send → ``script_finished``). The window lasts 40 s (``--quick``: 20 s); no rerun starts after it, one in flight
may finish (each has a 30 s time limit), then every session closes.

Reported: p50 and p95 of the indicator-change reruns, the number of errors (a rerun that timed out or ended with
an exception on the page, a session that could not connect or open the page), the reruns completed per second,
the server's CPU use during the window, the times of the first page opens under load, and the server's largest
RSS during the test.
"""

from __future__ import annotations

import asyncio
import random
import time

import psutil

from common import DASHBOARD, context, judged, percentile, server
from stclient import StreamlitClient

CLIENTS = 50
RAMP_S = 5.0
THINK_S = (5.0, 15.0)    # a reader's pause between two changes: 10 s on average
RERUN_TIMEOUT_S = 30.0
OPEN_TIMEOUT_S = 120.0
N_INDICATORS = 6
SEED = 50


async def _choose_indicators(url: str) -> list[str]:
    """Warm the server and return the indicators of the test (each draws a map)."""
    async with StreamlitClient(url, timeout=180) as c:
        await c.open_page("")
        box = c.widget_by_key("selectbox", "sb_indicator")
        options = [o for o in box.options if o != box.raw_value]
        step = max(1, len(options) // N_INDICATORS)
        chosen = [box.raw_value]
        for option in options[::step] + options:
            if len(chosen) == N_INDICATORS:
                break
            if option in chosen:
                continue
            run = await c.set_widget(box.id, "string_value", option)
            if not run.exceptions and c.element_of("deck_gl_json_chart"):
                chosen.append(option)
        return chosen


async def _client(i: int, url: str, indicators: list[str], start_at: float, go: asyncio.Event, end_at: list,
                  stats: dict) -> None:
    rng = random.Random(SEED + i)
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    try:
        async with StreamlitClient(url, timeout=OPEN_TIMEOUT_S) as c:
            try:
                run = await c.open_page("")
            finally:
                stats["opened"] += 1
            if run.exceptions:
                stats["errors"].append(f"open: {run.exceptions[0][:100]}")
                return
            stats["opens"].append(run.seconds)
            c.timeout = RERUN_TIMEOUT_S
            box = c.widget_by_key("selectbox", "sb_indicator")
            current = box.raw_value
            await go.wait()
            first = True
            while True:
                # the first pause is drawn from 0 to the longest pause, so the sessions' changes are spread over
                # the window from its start instead of all coming after the shortest pause
                await asyncio.sleep(rng.uniform(0, THINK_S[1]) if first else rng.uniform(*THINK_S))
                first = False
                if time.monotonic() >= end_at[0]:
                    return
                choice = rng.choice([o for o in indicators if o != current])
                try:
                    run = await c.set_widget(box.id, "string_value", choice)
                except asyncio.TimeoutError:
                    stats["errors"].append(f"rerun timed out after {RERUN_TIMEOUT_S:.0f} s")
                    return
                if run.exceptions:
                    stats["errors"].append(f"rerun: {run.exceptions[0][:100]}")
                    continue
                current = choice
                stats["reruns"].append(run.seconds)
                stats["finished_at"].append(time.monotonic())
    except Exception as exc:  # noqa: BLE001 - counted as an error
        stats["errors"].append(f"session: {type(exc).__name__}: {str(exc)[:100] or 'timed out'}")


async def _run(srv, duration: float) -> dict:
    indicators = await _choose_indicators(srv.url)
    stats = {"reruns": [], "errors": [], "opens": [], "opened": 0, "finished_at": [], "rss": [],
             "indicators": indicators}
    t0 = time.monotonic()
    go = asyncio.Event()
    end_at = [float("inf")]
    tasks = [asyncio.create_task(_client(i, srv.url, indicators, t0 + RAMP_S * i / CLIENTS, go, end_at, stats))
             for i in range(CLIENTS)]

    async def sample_rss():
        while True:
            stats["rss"].append(srv.rss_bytes())
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_rss())
    try:
        # every session has opened the page (or failed to), then the timed window starts for all of them
        while stats["opened"] < CLIENTS and time.monotonic() - t0 < RAMP_S + OPEN_TIMEOUT_S + 5:
            await asyncio.sleep(0.1)
        stats["open_phase_s"] = time.monotonic() - t0
        start = time.monotonic()
        cpu_start = srv.cpu_seconds()
        me = psutil.Process()
        my_cpu_start = sum(me.cpu_times()[:2])
        end_at[0] = start + duration
        stats["window"] = (start, end_at[0])
        go.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + RERUN_TIMEOUT_S + 30)
        stats["cpu_share"] = (srv.cpu_seconds() - cpu_start) / (time.monotonic() - start)
        stats["client_cpu_share"] = (sum(me.cpu_times()[:2]) - my_cpu_start) / (time.monotonic() - start)
    finally:
        sampler.cancel()
        for task in tasks:
            task.cancel()
    return stats


PAUSES = ((1.0, 3.0), (5.0, 15.0))   # a reader who changes quickly, and one who reads the map first


def figures(groups: set[str], quick: bool, log=print, think: tuple[float, float] | None = None) -> list:
    figs = []
    for pause in ([think] if think else PAUSES):
        figs += _figures_with_pause(pause, quick, log)
    return figs


def _figures_with_pause(pause: tuple[float, float], quick: bool, log) -> list:
    global THINK_S
    THINK_S = pause
    duration = 20.0 if quick else 40.0
    log(f"    pauses {pause[0]:g}–{pause[1]:g} s")
    with server(DASHBOARD, "load") as srv:
        started = time.monotonic()
        try:
            stats = asyncio.run(_run(srv, duration))
            err = ""
        except Exception as exc:  # noqa: BLE001
            stats = {"reruns": [], "errors": [], "opens": [], "finished_at": [], "rss": [], "indicators": []}
            err = f"{type(exc).__name__}: {exc}"
        elapsed = time.monotonic() - started
        cause = srv.last_error()
    errors = stats["errors"] + ([err] if err else [])
    if errors:
        log(f"    errors: {'; '.join(dict.fromkeys(errors))[:300]} (server log: {srv.log_path})")
    reruns = stats["reruns"]
    ms = [r * 1000 for r in reruns]
    if "window" in stats and stats["finished_at"]:
        lo, _ = stats["window"]
        rate = len(reruns) / (max(stats["finished_at"]) - lo)
    else:
        rate = None
    error = (f"{errors[0][:80]}" + (f" — server log: {cause}" if cause else "")) if errors else ""
    setup = (f"{CLIENTS} sessions, {duration:.0f} s window once all had opened the page, pause "
             f"{THINK_S[0]:g}–{THINK_S[1]:g} s, {len(stats['indicators'])} indicators; {len(reruns)} reruns")
    mb = 1024 * 1024
    pause = f"{THINK_S[0]:g}–{THINK_S[1]:g} s pauses"
    figs = [
        judged("load", f"Load ({pause}): indicator-change rerun p95", percentile(ms, 95), "ms", 1000,
               detail=setup, error="no rerun completed" if not ms else ""),
        context("load", "  indicator-change rerun p50", percentile(ms, 50), "ms",
                detail=f"max {max(ms):.0f} ms" if ms else ""),
        judged("load", f"Load ({pause}): errors", len(errors), "count", 0, detail=error),
        context("load", "  reruns completed per second", rate, "/s",
                detail=f"offered at most {CLIENTS / sum(THINK_S) * 2:.1f}/s ({CLIENTS} sessions, mean pause "
                       f"{sum(THINK_S) / 2:g} s)"),
        context("load", f"  map page opened by {CLIENTS} sessions within {RAMP_S:.0f} s, p95",
                percentile([o * 1000 for o in stats["opens"]], 95), "ms",
                detail=f"{len(stats['opens'])} opens, all done after {stats.get('open_phase_s', 0):.0f} s"),
        context("load", "  server CPU while the sessions changed indicators", stats.get("cpu_share"), "cores",
                detail="CPU seconds of the server process ÷ wall seconds (1.0 = one core busy all the time); "
                       f"the 50 clients used {stats.get('client_cpu_share', 0):.2f} cores"),
        context("load", "  server RSS, largest during the test", max(stats["rss"]) / mb if stats["rss"] else None,
                "MB", detail=f"whole test {elapsed:.0f} s"),
    ]
    return figs
