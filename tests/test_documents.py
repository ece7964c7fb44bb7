"""Generated documents stay in step with the snapshot and the schema they describe."""

from pathlib import Path

from indicators.cli.main import sources_markdown
from indicators.snapshot.read import open_snapshot
from indicators.snapshot.schema import describe_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_sources_file_credits_every_source_of_the_committed_snapshot():
    manifest = open_snapshot("pittsburgh").manifest
    text = (ROOT / "data" / "SOURCES.md").read_text(encoding="utf-8")
    assert text == sources_markdown(manifest)
    for source in manifest["sources"]:
        assert source["publisher"] in text and source["vintage"] in text


def test_schema_file_matches_the_documented_tables():
    assert (ROOT / "data" / "snapshots" / "SCHEMA.md").read_text(encoding="utf-8") == describe_markdown() + "\n"
