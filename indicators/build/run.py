"""Run a snapshot build: every step of the city's source families, then write, check and swap in.

``build_snapshot`` pulls every source of a city — from the live services, or with ``from_dir`` from a folder
of the publishers' own files — checks it, and writes a folder of Parquet/GeoParquet tables (see
:mod:`indicators.snapshot.schema`) with a ``manifest.json``. It writes into a temporary folder beside the
target and swaps it in only when the whole snapshot is written and valid: a failed pull leaves the previous
snapshot as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from indicators.build import steps as build_steps
from indicators.build.context import BuildContext
from indicators.core.config import CityConfig, load_city
from indicators.snapshot.read import SnapshotError, _validate_table, default_snapshot_dir, open_snapshot, sha256_file
from indicators.snapshot.credits import sources_markdown
from indicators.snapshot.schema import SCHEMA_VERSION, TABLES


def _write(ctx: BuildContext, folder: Path) -> dict:
    tables = {}
    for name, frame in ctx.tables.items():
        if name not in TABLES:
            raise SnapshotError(f"build produced an undocumented table '{name}'")
        _validate_table(name, frame)
        file = folder / f"{name}.parquet"
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_parquet(file, index=False, compression="zstd", write_covering_bbox=False)
        else:
            frame.to_parquet(file, index=False, compression="zstd")
        tables[name] = {"rows": int(len(frame)), "sha256": sha256_file(file), "bytes": file.stat().st_size}
    return tables


def _manifest(ctx: BuildContext, tables: dict, missing: list[dict]) -> dict:
    cfg = ctx.city
    return {
        "schema_version": SCHEMA_VERSION,
        "city": {"id": cfg.id, "name": cfg.name, "state": cfg.model.city.state, "state_abbr": cfg.model.city.state_abbr, "state_fips": cfg.state_fips,
                 "county_fips": cfg.county_fips, "county_name": cfg.model.city.county_name,
                 "place_geoid": cfg.place_geoid, "neighborhood_label": cfg.model.city.neighborhood_label,
                 "levels": _levels(ctx)},
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "built_from": "publisher files" if ctx.offline else "live services",
        "tables": tables,
        "sources": sorted(ctx.sources.values(), key=lambda s: s["id"]),
        "missing": missing,
    }


def _levels(ctx: BuildContext) -> list[dict]:
    """The snapshot's map levels in the city's order: its neighborhoods, further levels, tracts."""
    levels = []
    if "areas_neighborhoods" in ctx.tables:
        levels.append({"id": "neighborhood", "label": ctx.city.model.neighborhoods.label})
    levels += ctx.levels
    levels.append({"id": "tract", "label": None})
    return levels


#: what a family would have given, for the manifest's "missing" list
FAMILY_WHAT = {"acs": "American Community Survey measures", "deprivation": "deprivation index",
               "neighborhood_profiles": "neighborhood profiles", "evictions": "eviction filings",
               "housing": "HUD Fair Market Rents", "policing": "arrests and other police records",
               "upr": "UPR recommendations"}

#: the config table that switches each family on (the boundaries are always built: they need only [tracts])
FAMILY_TABLE = {"boundaries": None, "neighborhood_profiles": "neighborhoods"}


def _family_on(cfg: CityConfig, family: str) -> bool:
    table = FAMILY_TABLE.get(family, family)
    return table is None or cfg.has(table)


def build_snapshot(city: str | CityConfig | None = None, *, from_dir: str | Path | None = None,
                   out: str | Path | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """Build a city snapshot and swap it into ``out`` (default ``data/snapshots/<city>``).

    Returns the snapshot folder. On any failure the temporary folder is removed, the previous snapshot is
    left untouched and :class:`SnapshotError` (or the loader's own exception) is raised.
    """
    cfg = city if isinstance(city, CityConfig) else load_city(city)
    target = Path(out) if out else default_snapshot_dir(cfg.id)
    say = progress or (lambda msg: print(msg, file=sys.stderr, flush=True))
    src_dir = Path(from_dir).resolve() if from_dir else None
    if src_dir is not None and not src_dir.is_dir():
        raise SnapshotError(f"--from-dir {from_dir} is not a folder")
    ctx = BuildContext(city=cfg, from_dir=src_dir, progress=say)

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        # mkdtemp makes the folder private (0700); a snapshot holds public figures the app, perhaps running as
        # another user, must read
        tmp.chmod(0o755)
        missing: list[dict] = []
        for family, step in build_steps.STEPS:
            if not _family_on(cfg, family):
                say(f"[{cfg.id}] {family}: not in the city config, skipped")
                missing.append({"family": family, "what": FAMILY_WHAT.get(family, family),
                                "why": f"not configured for {cfg.name}"})
                continue
            started = time.perf_counter()
            say(f"[{cfg.id}] {step.__doc__.strip().splitlines()[0]} …")
            missing.extend(step(ctx) or [])
            say(f"[{cfg.id}]   done in {time.perf_counter() - started:.1f} s")
        say(f"[{cfg.id}] writing and checking {len(ctx.tables)} tables …")
        tables = _write(ctx, tmp)
        manifest = _manifest(ctx, tables, missing)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (tmp / "SOURCES.md").write_text(sources_markdown(manifest), encoding="utf-8")
        open_snapshot(tmp)  # read back exactly as the app will
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_in(tmp, target)
    say(f"[{cfg.id}] snapshot written to {target}")
    return target


def _swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` with ``new`` so that at every moment one complete snapshot is in place."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.previous-{int(time.time())}")
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
