"""Snapshots of other cities made from the committed Pittsburgh one, for the page and browser tests, until the real
ones exist: a minimal city (Census tracts and ACS tract measures only) and a degraded city (no evictions, no
policing). Each is a valid snapshot: its manifest names another city, lists only the tables kept (checksums of any
table rewritten are recomputed), records what is missing by source family, and records each indicator's levels
as a build would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from indicators.metrics import compute
from indicators.snapshot.read import open_snapshot, sha256_file
from tests.conftest import COMMITTED_SNAPSHOT

MINIMAL = ("testville", "Testville")
DEGRADED = ("lessburg", "Lessburg")
#: the tables of the two families the degraded city lacks
EVICTION_TABLES = ("evictions_monthly", "evictions_zip", "evictions_by_group")
POLICING_TABLES = ("arrests", "arrests_by_year", "firearm_seizures")


def _write_manifest(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")


def _finish(folder: Path, manifest: dict) -> Path:
    """Record each indicator's levels (as the build does) once the tables are final."""
    manifest.pop("indicators", None)
    _write_manifest(folder, manifest)
    manifest["indicators"] = compute.availability(open_snapshot(folder))
    _write_manifest(folder, manifest)
    open_snapshot(folder)  # checks the checksums and schemas, as the app will
    return folder


def _copy(root: Path, city: tuple[str, str], tables) -> tuple[Path, dict]:
    folder = root / city[0]
    folder.mkdir(parents=True)
    manifest = json.loads((COMMITTED_SNAPSHOT / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"] = {name: info for name, info in manifest["tables"].items() if name in tables}
    for name in manifest["tables"]:
        shutil.copy2(COMMITTED_SNAPSHOT / f"{name}.parquet", folder / f"{name}.parquet")
    manifest["city"] = {**manifest["city"], "id": city[0], "name": city[1]}
    return folder, manifest


def _missing(city_name: str, families: dict[str, str]) -> list[dict]:
    return [{"family": family, "what": what, "why": f"not configured for {city_name}"}
            for family, what in families.items()]


def minimal_city(root: Path) -> Path:
    """``root/testville``: tract polygons, the ACS tract measures and the UPR list, nothing else."""
    folder, manifest = _copy(root, MINIMAL, ("areas_tracts", "measures", "upr_recommendations"))
    measures = pd.read_parquet(folder / "measures.parquet")
    measures = measures[(measures["geo_level"] == "tract") & (measures["source_id"] == "acs5_tracts")]
    measures.reset_index(drop=True).to_parquet(folder / "measures.parquet")
    file = folder / "measures.parquet"
    manifest["tables"]["measures"] = {"rows": len(measures), "sha256": sha256_file(file), "bytes": file.stat().st_size}
    # the sources kept, in their own words as another city's would be (Pittsburgh's name the county they came from)
    manifest["sources"] = [json.loads(json.dumps(s, ensure_ascii=False).replace("Allegheny County", "Testville County")
                                      .replace("Pittsburgh", "Testville"))
                           for s in manifest["sources"]
                           if s["id"] in {"acs5_tracts", "tract_boundaries", "upr_recommendations"}]
    city = manifest["city"]
    for key in ("county_name", "neighborhood_label"):
        city.pop(key, None)
    city["levels"] = [{"id": "tract", "label": None}]
    manifest["missing"] = _missing(MINIMAL[1], {
        "neighborhood_profiles": "neighborhood profiles", "deprivation": "deprivation index",
        "evictions": "eviction filings", "housing": "HUD Fair Market Rents",
        "policing": "arrests and other police records"})
    return _finish(folder, manifest)


def degraded_city(root: Path) -> Path:
    """``root/lessburg``: the Pittsburgh snapshot without its eviction and policing families."""
    dropped = {*EVICTION_TABLES, *POLICING_TABLES}
    folder, manifest = _copy(root, DEGRADED, [t for t in manifest_tables() if t not in dropped])
    manifest["sources"] = [s for s in manifest["sources"]
                           if s["id"] not in {"eviction_lab_ets", "arrest_records", "arrests_by_year", "firearm_seizures"}]
    manifest["missing"] = [m for m in manifest.get("missing", []) if m.get("family") not in ("evictions", "policing")]
    manifest["missing"] += _missing(DEGRADED[1], {"evictions": "eviction filings",
                                                  "policing": "arrests and other police records"})
    return _finish(folder, manifest)


def manifest_tables() -> list[str]:
    return list(json.loads((COMMITTED_SNAPSHOT / "manifest.json").read_text(encoding="utf-8"))["tables"])


def other_cities(root: Path) -> Path:
    """A snapshots folder (for ``$HRC_SNAPSHOTS_DIR``) with the minimal and the degraded city, and no other."""
    minimal_city(root)
    degraded_city(root)
    return root
