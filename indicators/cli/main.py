"""Command line: ``python -m indicators <command>``.

- ``build --city <city> [--from-dir DIR] [--out DIR]``: build a city snapshot (live, or from the
  publishers' files) and swap it in only when complete and valid.
- ``record [--city <city> | --snapshot DIR]``: compute a snapshot's results again and record them in it (after a
  change to the indicators' code: :mod:`indicators.metrics.ready`).
- ``check [--city <city> | --snapshot DIR]``: open a snapshot and verify checksums and schemas.
- ``schema``: print the documented snapshot tables.
- ``upr ...``: the UPR tracker (import recommendations, make editor password hashes).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from indicators.core.config import DEFAULT_CITY, ConfigError, available_cities


def _build(args) -> int:
    from indicators.build.run import build_snapshot

    path = build_snapshot(args.city, from_dir=args.from_dir, out=args.out)
    record_availability(path)
    print(path)
    return 0


def record_availability(path) -> None:
    """Write into a built snapshot's manifest the levels each indicator is served at (and why not, where none),
    so that the app reads availability instead of finding it out, and beside it every result computed to find
    that out (``results.parquet``, :mod:`indicators.metrics.results`), so that the app reads them too; the
    tables, and their checksums, are not touched."""
    import json

    from indicators.metrics import compute, results
    from indicators.snapshot.read import open_snapshot

    file = Path(path) / "manifest.json"
    manifest = json.loads(file.read_text(encoding="utf-8"))
    if manifest.pop("results", None) is not None:
        # results recorded before are not read while they are made again: each is computed from the tables
        file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    manifest["indicators"] = compute.availability(open_snapshot(path))
    file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    manifest["results"] = results.record(path)
    file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _record(args) -> int:
    from indicators.snapshot.read import open_snapshot

    path = open_snapshot(args.snapshot or args.city).path
    record_availability(path)
    print(path)
    return 0


def _check(args) -> int:
    from indicators.snapshot.read import open_snapshot

    snap = open_snapshot(args.snapshot or args.city)
    print(f"{snap.path}: schema {snap.manifest['schema_version']}, built {snap.manifest['built_at']} "
          f"from {snap.manifest['built_from']}")
    for name, info in snap.manifest["tables"].items():
        print(f"  {name:32s} {info['rows']:>8,d} rows {info['bytes']:>10,d} bytes")
    for source in snap.manifest["sources"]:
        print(f"  source {source['id']}: {source['publisher']} — {source['vintage']}")
    for gap in snap.missing:
        print(f"  missing: {gap['what']} ({gap['why']})")
    return 0


def _sources(args) -> int:
    from indicators.snapshot.credits import sources_markdown
    from indicators.snapshot.read import open_snapshot

    print(sources_markdown(open_snapshot(args.snapshot or args.city).manifest), end="")
    return 0


def _schema(args) -> int:
    from indicators.snapshot.schema import describe_markdown

    print(describe_markdown())
    return 0


def _translations(args) -> int:
    from indicators.core import i18n

    root = Path(__file__).resolve().parents[2]
    if args.add_to:
        added = i18n.append_missing(root, args.lang, Path(args.add_to), args.only_under)
        print(f"{added} messages added to {args.add_to} for translation")
        return 0
    lacking = i18n.missing(root, args.lang)
    for msgid, where in sorted(lacking.items(), key=lambda kv: kv[1][0]):
        print(f"{where[0]}: {msgid!r}")
    print(f"{len(lacking)} messages lack a '{args.lang}' translation", file=sys.stderr)
    return 1 if lacking else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m indicators", description=__doc__.splitlines()[0])
    p.add_argument("-v", "--verbose", action="store_true", help="log HTTP requests (keys masked)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build a city snapshot")
    b.add_argument("--city", default=DEFAULT_CITY, help=f"city config name ({', '.join(available_cities())})")
    b.add_argument("--from-dir", help="folder of raw files in the publishers' formats (offline build)")
    b.add_argument("--out", help="snapshot folder to write (default: data/snapshots/<city>)")
    b.set_defaults(func=_build)
    r = sub.add_parser("record", help="compute a snapshot's results again and record them in it (after a change to "
                                      "the indicators' code; the tables are not touched)")
    r.add_argument("--city", default=DEFAULT_CITY)
    r.add_argument("--snapshot", help="a snapshot folder")
    r.set_defaults(func=_record)
    c = sub.add_parser("check", help="verify a snapshot")
    c.add_argument("--city", default=DEFAULT_CITY)
    c.add_argument("--snapshot", help="a snapshot folder")
    c.set_defaults(func=_check)
    so = sub.add_parser("sources", help="print the credits of a snapshot's sources as Markdown")
    so.add_argument("--city", default=DEFAULT_CITY)
    so.add_argument("--snapshot", help="a snapshot folder")
    so.set_defaults(func=_sources)
    s = sub.add_parser("schema", help="print the snapshot schema")
    s.set_defaults(func=_schema)
    t = sub.add_parser("translations", help="list the app's messages that lack a translation, or add them to a .po file")
    t.add_argument("--lang", default="es")
    t.add_argument("--add-to", help="a .po file to append the missing messages to, with empty translations")
    t.add_argument("--only-under", help="with --add-to: only messages found under this path (e.g. app_pages/map.py)")
    t.set_defaults(func=_translations)
    from indicators.cli import brief, new_city, upr

    new_city.register(sub)
    upr.register(sub)
    brief.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")
    from indicators.snapshot.read import SnapshotError

    try:
        return int(args.func(args) or 0)
    except (ConfigError, SnapshotError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a loader's own error: say it plainly, without a traceback for the user
        if args.verbose:
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
