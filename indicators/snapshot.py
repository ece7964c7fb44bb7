"""Build and read a city snapshot: the contract between the data build and the dashboard.

``build_snapshot`` pulls every source of a city — from the live services, or with ``from_dir`` from a folder
of the publishers' own files — checks it, and writes a folder of Parquet/GeoParquet tables (see
:mod:`indicators.snapshot_schema`) with a ``manifest.json`` naming each source's publisher, vintage,
retrieval, licence, row counts and checksums. It writes into a temporary folder beside the target and swaps
it in only when the whole snapshot is written and valid: a failed pull leaves the previous snapshot as it was.

``open_snapshot`` reads a snapshot back, checking the manifest, the checksums and the table schemas, and
says clearly what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from indicators.config import PROJECT_ROOT, CityConfig, load_city
from indicators.snapshot_schema import SCHEMA_VERSION, TABLES

SNAPSHOTS_DIR = PROJECT_ROOT / "data" / "snapshots"

#: metres: small enough to keep every street-block corner a resident recognises, large enough for a light map
SIMPLIFY_TOLERANCE = {"areas_neighborhoods": 12.0, "areas_tracts": 15.0, "areas_zips": 25.0}


class SnapshotError(RuntimeError):
    """A snapshot that cannot be built or opened; the message says what is wrong or missing."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class BuildContext:
    """What a build step needs: the config, where raw files are (offline) and what has been recorded."""

    city: CityConfig
    from_dir: Path | None
    progress: Callable[[str], None]
    sources: dict[str, dict] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    started: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @property
    def offline(self) -> bool:
        return self.from_dir is not None

    def path(self, key: str) -> Path:
        """The raw file named by config ``key`` inside ``from_dir``; a missing file is a build error."""
        rel = self.city.get(key)
        if not rel:
            raise SnapshotError(f"{self.city.id}: config key '{key}' names no file")
        path = (self.from_dir / rel).resolve()
        if not path.exists():
            raise SnapshotError(f"{self.city.id}: raw file for '{key}' not found: {rel}")
        return path

    def record_source(self, source_id: str, *, title: str, publisher: str, vintage: str, licence: str,
                      attribution: str, url: str | None = None, inputs: list[Path] | None = None,
                      rows: int | None = None, caveats: list[str] | None = None) -> None:
        entry = {
            "id": source_id, "title": title, "publisher": publisher, "vintage": vintage, "licence": licence,
            "attribution": attribution, "url": url, "retrieved_at": self.started,
            "retrieved_via": "publisher files" if self.offline else "live service", "rows": rows,
            "caveats": caveats or [],
        }
        if inputs:
            entry["inputs"] = [{"file": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in inputs]
        self.sources[source_id] = entry

    def add(self, table: str, frame: pd.DataFrame) -> None:
        if frame.attrs.get("individual_records"):
            raise SnapshotError(f"refusing to write individual records into '{table}': aggregate them first")
        if table in self.tables and not isinstance(frame, gpd.GeoDataFrame):
            frame = pd.concat([self.tables[table], frame], ignore_index=True)
        self.tables[table] = frame


# ----------------------------------------------------------------------------------------------- reading
@dataclass
class Snapshot:
    """An opened snapshot: the manifest and lazily read tables."""

    path: Path
    manifest: dict
    validate_on_read: bool = False

    @property
    def city(self) -> str:
        return self.manifest["city"]["id"]

    def has(self, table: str) -> bool:
        return table in self.manifest["tables"]

    def table(self, name: str) -> pd.DataFrame:
        return self._read(name)

    def _read(self, name: str) -> pd.DataFrame:
        cache = self.__dict__.setdefault("_cache", {})
        if name not in cache:
            if not self.has(name):
                raise SnapshotError(f"the {self.city} snapshot has no table '{name}'")
            file = self.path / f"{name}.parquet"
            frame = gpd.read_parquet(file) if TABLES.get(name, {}).get("geo") else pd.read_parquet(file)
            if self.validate_on_read:
                _validate_table(name, frame)
            cache[name] = frame
        return cache[name]

    @cached_property
    def sources(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.manifest["sources"]}

    @property
    def missing(self) -> list[dict]:
        """What the snapshot knows it lacks (tables a source could not serve), with the reason."""
        return list(self.manifest.get("missing", []))


def default_snapshot_dir(city: str) -> Path:
    return SNAPSHOTS_DIR / city


def open_snapshot(path_or_city: str | Path = "pittsburgh", *, verify: bool = True,
                  lazy: bool = False) -> Snapshot:
    """Open a snapshot folder (or the committed snapshot of a city) and check it.

    Raises :class:`SnapshotError` naming what is wrong: no manifest, another schema version, a missing table
    file, a checksum that does not match, or a table whose columns break its schema. With ``lazy`` (the app),
    every file is still checked against its checksum at once, but each table is read and checked against its
    schema when it is first used, so a page that needs three tables does not wait for sixteen.
    """
    path = Path(path_or_city)
    if not path.exists() or not path.is_dir():
        path = default_snapshot_dir(str(path_or_city))
    manifest_file = path / "manifest.json"
    if not manifest_file.exists():
        raise SnapshotError(f"no snapshot at {path.name}: manifest.json is missing. Build one with "
                            f"`python -m indicators build --city <city>`.")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"snapshot manifest is not valid JSON: {exc}") from None
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SnapshotError(f"snapshot schema version {version} does not match this version of the library "
                            f"({SCHEMA_VERSION}); rebuild the snapshot")
    problems = []
    for name, info in manifest.get("tables", {}).items():
        file = path / f"{name}.parquet"
        if not file.exists():
            problems.append(f"table file {file.name} is missing")
        elif verify and sha256_file(file) != info.get("sha256"):
            problems.append(f"table file {file.name} does not match its checksum")
    if problems:
        raise SnapshotError("the snapshot is damaged: " + "; ".join(problems))
    snap = Snapshot(path=path, manifest=manifest, validate_on_read=verify and lazy)
    if verify and not lazy:
        for name in manifest.get("tables", {}):
            _validate_table(name, snap.table(name))
    return snap


def _validate_table(name: str, frame: pd.DataFrame) -> None:
    spec = TABLES.get(name)
    if spec is None:
        return
    try:
        spec["schema"].validate(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")), lazy=True)
    except Exception as exc:  # pandera's SchemaErrors: keep its summary, which names columns and checks
        raise SnapshotError(f"table '{name}' does not match its schema: {str(exc)[:800]}") from None
    if spec.get("geo"):
        if "geometry" not in frame or frame.geometry.isna().any() or frame.geometry.is_empty.any():
            raise SnapshotError(f"table '{name}' has missing or empty geometries")


# ----------------------------------------------------------------------------------------------- writing
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
        "city": {"id": cfg.id, "name": cfg.name, "state": cfg.get("city.state"), "state_fips": cfg.state_fips,
                 "county_fips": cfg.county_fips, "place_geoid": cfg.place_geoid,
                 "neighborhood_label": cfg.get("city.neighborhood_label", "neighborhood")},
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "built_from": "publisher files" if ctx.offline else "live services",
        "tables": tables,
        "sources": sorted(ctx.sources.values(), key=lambda s: s["id"]),
        "missing": missing,
    }


def build_snapshot(city: str | CityConfig = "pittsburgh", *, from_dir: str | Path | None = None,
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

    from indicators import build_steps  # the steps import every loader; keep opening a snapshot light

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        # mkdtemp makes the folder private (0700); a snapshot holds public figures the app, perhaps running as
        # another user, must read
        tmp.chmod(0o755)
        missing: list[dict] = []
        for step in build_steps.STEPS:
            started = time.perf_counter()
            say(f"[{cfg.id}] {step.__doc__.strip().splitlines()[0]} …")
            missing.extend(step(ctx) or [])
            say(f"[{cfg.id}]   done in {time.perf_counter() - started:.1f} s")
        say(f"[{cfg.id}] writing and checking {len(ctx.tables)} tables …")
        tables = _write(ctx, tmp)
        (tmp / "manifest.json").write_text(json.dumps(_manifest(ctx, tables, missing), indent=2, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
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
