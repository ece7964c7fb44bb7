"""Generated documents stay in step with the snapshot and the schema they describe."""

from pathlib import Path

from indicators.snapshot.credits import sources_markdown
from indicators.snapshot.read import open_snapshot
from indicators.snapshot.schema import describe_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_each_committed_snapshot_carries_credits_for_every_source():
    folders = sorted(p.parent for p in (ROOT / "data" / "snapshots").glob("*/manifest.json"))
    assert len(folders) >= 2
    for folder in folders:
        manifest = open_snapshot(folder).manifest
        text = (folder / "SOURCES.md").read_text(encoding="utf-8")
        assert text == sources_markdown(manifest), folder.name
        for source in manifest["sources"]:
            assert source["publisher"] in text and source["vintage"] in text


def test_schema_file_matches_the_documented_tables():
    assert (ROOT / "data" / "snapshots" / "SCHEMA.md").read_text(encoding="utf-8") == describe_markdown() + "\n"
