"""The ``upr`` command group of ``python -m indicators``.

``upr import FILE [--city CITY] [--db URL] [--cycle N]``
    check a list of recommendations (official or plain CSV) and import it in one transaction;
    a file with any problem is rejected whole, with the line and the reason.
``upr hash-password [--user NAME --role ROLE]``
    print a bcrypt hash (and a secrets snippet) for a password sign-in account.

The store is the one the dashboard uses: ``--db``, else ``$HRC_TRACKER_URL``, else ``[tracker] url``
in ``.streamlit/secrets.toml``, else ``data/store/tracker.sqlite``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from pathlib import Path

from indicators.core.config import DEFAULT_CITY, ConfigError, load_city

DESCRIPTION = """The UPR recommendation tracker.

  upr import FILE     check a list of recommendations (official or plain CSV) and import it in one
                      transaction; a file with any problem is rejected whole, with line and reason
  upr hash-password   print a bcrypt hash (and with --user a secrets snippet) for a password account

The store is the dashboard's: --db, else $HRC_TRACKER_URL, else [tracker] url in
.streamlit/secrets.toml, else data/store/tracker.sqlite."""

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``upr`` command group to an ``argparse`` subparsers object."""
    upr = subparsers.add_parser("upr", help="UPR recommendation tracker: import lists, make password hashes",
                                description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = upr.add_subparsers(dest="upr_command", metavar="COMMAND", required=True)

    imp = commands.add_parser("import", help="import a list of recommendations (CSV)")
    imp.add_argument("file", type=Path, help="official list (us_upr_cycle3_recommendations.csv format) or a "
                                             "plain CSV with number, recommending state, text, response, theme")
    imp.add_argument("--city", default=DEFAULT_CITY, help="city the import is recorded for (default %(default)s)")
    imp.add_argument("--db", metavar="URL", help="store URL (sqlite:///... or postgresql+psycopg://...)")
    imp.add_argument("--cycle", type=int, help="UPR cycle of a plain CSV without a cycle column")
    imp.set_defaults(func=run_import)

    hashp = commands.add_parser("hash-password", help="print a bcrypt hash for [tracker.users] in secrets")
    hashp.add_argument("--user", help="also print a secrets snippet for this user name")
    hashp.add_argument("--role", default="editor", help="role in the snippet (editor, city, community, viewer)")
    hashp.add_argument("--name", help="display name in the snippet")
    hashp.set_defaults(func=run_hash_password)


def run_import(args: argparse.Namespace) -> int:
    from indicators.tracker.auth import Actor
    from indicators.tracker.errors import ImportRejected
    from indicators.tracker.importer import import_file
    from indicators.tracker.store import Store
    from indicators.tracker import db

    try:
        city = load_city(args.city)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.file.is_file():
        print(f"error: no file {args.file}", file=sys.stderr)
        return EXIT_USAGE
    try:
        store = Store.open(args.db, configured=db.configured_store_url())
    except Exception as exc:  # a wrong URL or an unreachable server: say which store, without password
        print(f"error: cannot open the tracker store: {type(exc).__name__}: {str(exc).splitlines()[0]}",
              file=sys.stderr)
        return EXIT_USAGE
    actor = Actor(f"cli:{getpass.getuser()}", "editor", "command line")
    try:
        print(f"importing {args.file.name} into {store.describe()}", file=sys.stderr, flush=True)
        result = import_file(store, args.file, actor, cycle=args.cycle, city=city.id)
    except ImportRejected as exc:
        print(f"rejected: {exc.title}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_REJECTED
    finally:
        store.close()
    print(f"{result.rows} recommendations in {result.source}: {result.added} added, {result.updated} updated, "
          f"{result.unchanged} unchanged (import run {result.run_id})")
    return EXIT_OK


def _read_password() -> str | None:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != first:
            print("error: the passwords differ", file=sys.stderr)
            return None
        return first
    return sys.stdin.readline().rstrip("\n")


def run_hash_password(args: argparse.Namespace) -> int:
    from indicators.tracker.auth import ASSIGNABLE_ROLES, hash_password

    if args.role not in ASSIGNABLE_ROLES:
        print(f"error: role must be one of {', '.join(ASSIGNABLE_ROLES)}", file=sys.stderr)
        return EXIT_USAGE
    password = _read_password()
    if password is None:
        return EXIT_USAGE
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    if args.user:
        key = args.user if re.fullmatch(r"[A-Za-z0-9_-]+", args.user) else json.dumps(args.user)
        print(f"[tracker.users.{key}]\nname = {json.dumps(args.name or args.user)}\n"
              f"role = {json.dumps(args.role)}\npassword_hash = {json.dumps(hashed)}")
    else:
        print(hashed)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the ``upr`` commands on their own (``python -m indicators.cli.upr upr ...``)."""
    parser = argparse.ArgumentParser(prog="python -m indicators.cli.upr")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
