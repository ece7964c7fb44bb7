"""Every benchmark of the dashboard, one table: ``.venv/bin/python bench/run.py [--quick] [--only NAME[,NAME]]``.

Figures (``--only`` names):

- ``render``          cold render of the map page ÷ a one-polygon pydeck floor; first content ÷ a text-only page
- ``scale_map``       cold render of ~3,400 GENERATED tracts through the app's map code ÷ the same pydeck floor
- ``interaction``     server-side rerun time: indicator change, area tapped → figure → profile, profile ?area=
- ``click``           in the browser: a click on the map → the area's figure; its profile link → profile content
- ``settle``          in the browser: every page's settle time, English and Spanish, both cities where it matters
- ``payload``         bytes the browser receives for the map page: app data (websocket) and static assets
- ``memory``          server RSS after 50 sessions have opened every page
- ``scale_indicator`` one indicator for 85,000 GENERATED tracts
- ``load``            50 concurrent sessions changing the indicator (1–3 s and 5–15 s pauses): p95, errors

Prints the table (figure, measured, target, met) and writes it to ``bench/results/latest.json``. Every server
runs on its own free port in 8700–8799; every server and browser started here is stopped at the end, also on an
error, Ctrl-C, SIGTERM or the run's time limit (``--time-limit``, 30 minutes unless told).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, ROOT, Figure, compile_project, stop_everything  # noqa: E402

GROUPS = ["scale_indicator", "render", "scale_map", "interaction", "click", "settle", "payload", "memory", "load"]


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:13]))
    parser.add_argument("--quick", action="store_true", help="fewer runs and shorter windows (about 5 minutes)")
    parser.add_argument("--only", default="", help="comma-separated figure names (see below)")
    parser.add_argument("--runs", type=int, default=None, help="cold launches per app for render/scale_map "
                                                              "(default 5, --quick 2)")
    parser.add_argument("--think", default=None, help="load: only this pause between two changes, MIN,MAX "
                                                      "seconds (default both 1,3 and 5,15)")
    parser.add_argument("--time-limit", type=float, default=1800, help="stop everything after this many seconds")
    args = parser.parse_args(argv)
    only = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = [g for g in only if g not in GROUPS]
    if unknown:
        parser.error(f"unknown figure name(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    args.groups = set(only or GROUPS)
    args.runs = args.runs or (2 if args.quick else 5)
    args.think = tuple(float(x) for x in args.think.split(",")) if args.think else None
    return args


def _machine() -> dict:
    import streamlit

    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10, cwd=ROOT).stdout.strip()
        except OSError:
            return ""

    return {"python": platform.python_version(), "streamlit": streamlit.__version__, "cpus": os.cpu_count(),
            "chromium": out(["/usr/bin/chromium", "--version"]), "commit": out(["git", "rev-parse", "--short", "HEAD"]),
            "app_files_changed_since_commit": len(out(["git", "status", "--porcelain", "--", "dashboard.py",
                                                       "app_pages", "ui", "indicators"]).splitlines())}


def _table(figures: list[Figure]) -> str:
    rows = [("figure", "measured", "target", "met")]
    for f in figures:
        met = "" if f.met is None else "yes" if f.met else "NO"
        rows.append((f.name, f.shown() + (" (!)" if f.error else ""), f.target, met))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "-+-".join("-" * w for w in widths)
    text = [" | ".join(c.ljust(w) for c, w in zip(rows[0], widths)), line]
    text += [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows[1:]]
    notes = [f"  {f.name.strip()}: {f.detail}" + (f"  [!] {f.error}" if f.error else "")
             for f in figures if f.detail or f.error]
    return "\n".join(text + ["", "details:"] + notes)


class _TimeLimit(Exception):
    pass


def main(argv=None) -> int:
    args = _parse(argv)
    started = time.time()

    def on_alarm(signum, frame):
        raise _TimeLimit(f"time limit of {args.time_limit:.0f} s reached")

    def on_term(signum, frame):
        raise KeyboardInterrupt("SIGTERM")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(int(args.time_limit))

    def log(line):
        print(line, flush=True)

    figures: list[Figure] = []
    loads: dict[str, float] = {}
    failed: dict[str, str] = {}
    done: set[str] = set()
    interrupted = ""
    plan = [g for g in GROUPS if g in args.groups]
    log(f"bench: {', '.join(plan)}{' (quick)' if args.quick else ''}")
    compile_project()   # the dashboard as installed (scripts/dashboard.sh): its modules as bytecode
    try:
        for group in plan:
            if group in done:
                continue
            t = time.time()
            load1 = os.getloadavg()[0]
            busy = f" — machine busy: load average {load1:.1f} on {os.cpu_count()} CPUs" \
                if load1 > (os.cpu_count() or 1) else ""
            log(f"[{group}] …{busy}")
            loads[group] = round(load1, 1)
            try:
                if group in ("render", "scale_map"):
                    import render

                    both = {g for g in ("render", "scale_map") if g in args.groups}
                    figures += render.figures(both, args.runs, log)
                    done |= both
                elif group in ("click", "settle"):
                    import browse

                    figures += browse.figures({group}, args.quick, log)
                elif group == "load":
                    import load

                    figures += load.figures(args.groups, args.quick, log, think=args.think)
                else:
                    module = __import__({"scale_indicator": "indicators_scale"}.get(group, group))
                    figures += module.figures(args.groups, args.quick, log)
                done.add(group)
            except (KeyboardInterrupt, _TimeLimit):
                raise
            except Exception as exc:  # noqa: BLE001 - one failed figure does not stop the others
                failed[group] = f"{type(exc).__name__}: {exc}"
                log(traceback.format_exc())
            loads[group] = max(loads[group], round(os.getloadavg()[0], 1))
            log(f"[{group}] {time.time() - t:.0f} s (load average {os.getloadavg()[0]:.1f})")
    except (KeyboardInterrupt, _TimeLimit) as exc:
        interrupted = str(exc) or "interrupted"
        log(f"stopping: {interrupted}")
    finally:
        signal.alarm(0)
        stopped = stop_everything()
        if stopped:
            log(f"stopped at the end: {', '.join(stopped)}")

    for group in plan:
        if group not in done and group not in failed:
            failed[group] = interrupted or "not run"
    for group, why in failed.items():
        figures.append(Figure(group, f"{group}: not measured", None, "", "", False, error=why))

    elapsed = time.time() - started
    print()
    print(_table(figures))
    busy = {g: v for g, v in loads.items() if v > (os.cpu_count() or 1)}
    if busy:
        print(f"\nthe machine was busy (1-minute load average above its {os.cpu_count()} CPUs at the start or the end "
              "of a figure) during: " + ", ".join(f"{g} {v}" for g, v in busy.items())
              + " — absolute times are inflated; ratios less so")
    print(f"\nwhole run {elapsed:.0f} s; results in {(RESULTS / 'latest.json').relative_to(ROOT)}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {"finished": datetime.now(timezone.utc).isoformat(timespec="seconds"), "seconds": round(elapsed),
              "quick": args.quick, "only": sorted(args.groups), "runs": args.runs, "machine": _machine(),
              "interrupted": interrupted, "load_average": loads, "figures": [f.as_dict() for f in figures]}
    (RESULTS / "latest.json").write_text(json.dumps(record, indent=1, default=str))
    return 130 if interrupted else 0


if __name__ == "__main__":
    raise SystemExit(main())
