"""Credits of a snapshot's sources, written beside it as ``SOURCES.md`` by the build."""

from __future__ import annotations


def sources_markdown(manifest: dict) -> str:
    """Credits for every publisher of a snapshot, as Markdown (each snapshot's SOURCES.md is this output)."""
    city = manifest["city"]["name"]
    lines = [f"# Sources of the {city} snapshot", "",
             "Every figure in the embedded snapshot comes from the publishers below. The snapshot holds figures and",
             "geometry only, never the publishers' raw files; individual police records are aggregated during the",
             "build and never stored; licensed advertised-rent columns and the HOLC redlining file are left out.",
             "This file is written by the build beside the snapshot (`python -m indicators sources --city " + manifest["city"]["id"] + "` prints it).", ""]
    for src in manifest["sources"]:
        lines.append(f"## {src['title']}")
        lines.append(f"- Publisher: {src['publisher']}")
        lines.append(f"- Vintage: {src['vintage']}")
        lines.append(f"- Licence: {src['licence']}")
        lines.append(f"- Credit: {src['attribution']}")
        if src.get("url"):
            lines.append(f"- Where: {src['url']}")
        for caveat in src.get("caveats", []):
            lines.append(f"- Caveat: {caveat}")
        lines.append("")
    if manifest.get("missing"):
        lines.append("## Not in this snapshot")
        lines.extend(f"- {gap['what']}: {gap['why']}" for gap in manifest["missing"])
        lines.append("")
    return "\n".join(lines)
