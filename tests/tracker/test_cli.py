"""The ``upr`` command group plugged into an argparse parser, as the main command line does."""

from __future__ import annotations

import argparse
import io

import pytest

from indicators.cli import upr as tracker_cli
from indicators.tracker.auth import check_password
from indicators.tracker.store import Store


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="indicators")
    tracker_cli.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_import_command_imports_then_reimports_nothing(store_url, official_csv, capsys):
    args = parse(["upr", "import", str(official_csv), "--db", store_url])
    assert args.func(args) == 0
    assert "347 recommendations in us_upr_cycle3_recommendations.csv: 347 added" in capsys.readouterr().out
    assert args.func(args) == 0
    assert "0 added, 0 updated, 347 unchanged" in capsys.readouterr().out
    store = Store.open(store_url)
    runs = store.import_runs()
    assert runs["recorded_by"].str.startswith("cli:").all() and len(runs) == 2
    store.close()


def test_import_command_reports_line_and_reason_of_a_rejected_file(tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_text("number,recommending state,text,response,theme\n26.1,Somalia,Text,maybe,Theme\n",
                    encoding="utf-8")
    args = parse(["upr", "import", str(path), "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--cycle", "3"])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert "list.csv was not imported (nothing was written)" in err
    assert "line 2, response: unknown response 'maybe'" in err


def test_import_command_refuses_an_unknown_city(tmp_path, official_csv, capsys):
    args = parse(["upr", "import", str(official_csv), "--city", "atlantis", "--db", f"sqlite:///{tmp_path}/x"])
    assert args.func(args) == 2
    assert "no city config 'atlantis'" in capsys.readouterr().err


def test_hash_password_prints_a_secrets_snippet_whose_hash_checks(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    args = parse(["upr", "hash-password", "--user", "alice", "--role", "community", "--name", "Alice"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.startswith('[tracker.users.alice]\nname = "Alice"\nrole = "community"\npassword_hash = "$2b$')
    hashed = out.split('password_hash = "')[1].split('"')[0]
    assert check_password("correct horse battery staple", hashed)


def test_hash_password_refuses_a_short_password(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    args = parse(["upr", "hash-password"])
    assert args.func(args) == 1
    assert "at least 12" in capsys.readouterr().err


def test_upr_needs_a_subcommand():
    with pytest.raises(SystemExit):
        parse(["upr"])
