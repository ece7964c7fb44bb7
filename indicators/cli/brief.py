"""The ``brief`` command of ``python -m indicators``: print-ready briefs without the app or a browser.

``brief neighborhood NAME [--city CITY] [--lang en|es] [--format pdf,pptx] [--out DIR] [--db URL]``
    the neighborhood brief of NAME (as the snapshot names it), as PDF and slides.
``brief priorities LIST [--city CITY] [--lang en|es] [--format pdf,pptx] [--out DIR] [--db URL]``
    the progress brief of a priority list (its number or its name).
``brief report REPORT [--city CITY] [--lang en|es] [--format docx,pdf] [--out DIR] [--db URL]``
    a report the coalition compiled in the report builder (its number or its title), newest version.

The tracker store is the dashboard's: ``--db``, else ``$HRC_TRACKER_URL``, else ``[tracker] url`` in
``.streamlit/secrets.toml``, else ``data/store/tracker.sqlite``.

The command line itself speaks English, like the rest of ``python -m indicators`` (its lines say
``# i18n: not shown``); the briefs it writes are in ``--lang``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from indicators.core.config import DEFAULT_CITY
from indicators.core.i18n import LANGUAGES

DESCRIPTION = __doc__.split("\n\nThe command line itself")[0].replace("``", "")  # i18n: not shown


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``brief`` command group to an ``argparse`` subparsers object."""
    brief = subparsers.add_parser("brief", help="print-ready briefs of a neighborhood or a priority list",  # i18n: not shown
                                  description=DESCRIPTION,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = brief.add_subparsers(dest="brief_kind", metavar="KIND", required=True)
    hood = kinds.add_parser("neighborhood", help="the brief of one neighborhood")  # i18n: not shown
    hood.add_argument("name", help="the neighborhood, as the snapshot names it (e.g. Bloomfield)")  # i18n: not shown
    plist = kinds.add_parser("priorities", help="the progress brief of a priority list")  # i18n: not shown
    plist.add_argument("list", help="the list's number or its name")  # i18n: not shown
    report = kinds.add_parser("report", help="a report compiled in the report builder (Word, PDF)")  # i18n: not shown
    report.add_argument("report", help="the report's number or its title")  # i18n: not shown
    for sub in (hood, plist, report):
        sub.add_argument("--city", default=DEFAULT_CITY, help="city (default %(default)s)")
        sub.add_argument("--snapshot", help="a snapshot folder (default: the city's own)")  # i18n: not shown
        sub.add_argument("--lang", default="en", choices=sorted(LANGUAGES), help="language (default %(default)s)")
        sub.add_argument("--format", default="pdf,pptx", help="pdf, pptx or both (default %(default)s)")  # i18n: not shown
        sub.add_argument("--out", type=Path, default=Path("."), help="folder to write into (default: here)")  # i18n: not shown
        sub.add_argument("--db", metavar="URL",
                         help="tracker store URL (sqlite:///... or postgresql+psycopg://...)")  # i18n: not shown
        sub.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from indicators import briefs
    from indicators.briefs import file_stem
    from indicators.briefs.content import BriefError, find_list
    from indicators.snapshot.read import open_snapshot

    if args.brief_kind == "report":
        return run_report(args)
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats or set(formats) - {"pdf", "pptx"}:
        print("error: --format takes pdf, pptx or pdf,pptx", file=sys.stderr)  # i18n: not shown
        return 2
    started = time.perf_counter()
    snap = open_snapshot(args.snapshot or args.city)
    try:
        store = briefs.open_store(args.db, snapshot=snap)
    except Exception as exc:  # an unreachable store: a neighborhood brief is still made, and says so
        if args.brief_kind == "priorities":
            print(f"error: cannot open the tracker store: {type(exc).__name__}", file=sys.stderr)  # i18n: not shown
            return 2
        problem = type(exc).__name__
        print(f"warning: cannot open the tracker store ({problem}); the brief says so", file=sys.stderr)  # i18n: not shown
        store = None
    try:
        if args.brief_kind == "neighborhood":
            brief = briefs.neighborhood_brief(snap, args.name, lang=args.lang, store=store)
            stem = file_stem("brief", snap.city, brief.hood, args.lang)
            makers = {"pdf": briefs.neighborhood_pdf, "pptx": briefs.neighborhood_pptx}
        else:
            list_id = find_list(store, snap.city, args.list, args.lang)
            brief = briefs.progress_brief(snap, store, list_id, lang=args.lang)
            stem = file_stem("progress", snap.city, str(list_id), brief.list_name, args.lang)
            makers = {"pdf": briefs.progress_pdf, "pptx": briefs.progress_pptx}
    except BriefError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if store is not None:
            store.close()
    args.out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        path = args.out / f"{stem}.{fmt}"
        path.write_bytes(makers[fmt](brief))
        print(path)
    print(f"made in {time.perf_counter() - started:.1f} s", file=sys.stderr)  # i18n: not shown
    return 0


def run_report(args: argparse.Namespace) -> int:
    """A compiled report as Word and PDF files, made from its newest saved version."""
    from indicators import briefs
    from indicators.briefs import file_stem
    from indicators.briefs.report import build_report
    from indicators.snapshot.read import open_snapshot

    formats = [f.strip().lower() for f in (args.format if args.format != "pdf,pptx" else "docx,pdf").split(",")
               if f.strip()]
    if not formats or set(formats) - {"docx", "pdf"}:
        print("error: --format takes docx, pdf or docx,pdf for a report", file=sys.stderr)  # i18n: not shown
        return 2
    snap = open_snapshot(args.snapshot or args.city)
    store = briefs.open_store(args.db, snapshot=snap)
    try:
        drafts = store.reports.drafts(snap.city)
        wanted = str(args.report).strip()
        found = [d for d in drafts if str(d.report_id) == wanted or d.title.casefold() == wanted.casefold()]
        if not found:
            print(f"error: no report {wanted!r} in {snap.city}", file=sys.stderr)  # i18n: not shown
            return 2
        report = build_report(snap, store, found[0], lang=args.lang)
    finally:
        store.close()
    args.out.mkdir(parents=True, exist_ok=True)
    stem = file_stem("report", snap.city, str(found[0].report_id), found[0].title, args.lang)
    makers = {"docx": briefs.report_docx, "pdf": briefs.report_pdf}
    for fmt in formats:
        path = args.out / f"{stem}.{fmt}"
        path.write_bytes(makers[fmt](report))
        print(path)
    limit = f" of {report.word_limit:,}" if report.word_limit else ""  # i18n: not shown
    print(f"{report.word_count:,}{limit} words, {report.paragraph_count} numbered paragraphs", file=sys.stderr)  # i18n: not shown
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``brief`` command on its own (``python -m indicators.cli.brief brief ...``)."""
    parser = argparse.ArgumentParser(prog="python -m indicators.cli.brief")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
