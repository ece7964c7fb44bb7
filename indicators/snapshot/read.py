"""Build and read a city snapshot: the contract between the data build and the dashboard.

``build_snapshot`` pulls every source of a city — from the live services, or with ``from_dir`` from a folder
of the publishers' own files — checks it, and writes a folder of Parquet/GeoParquet tables (see
:mod:`indicators.snapshot.schema`) with a ``manifest.json`` naming each source's publisher, vintage,
retrieval, licence, row counts and checksums. It writes into a temporary folder beside the target and swaps
it in only when the whole snapshot is written and valid: a failed pull leaves the previous snapshot as it was.

``open_snapshot`` reads a snapshot back, checking the manifest, the checksums and the table schemas, and
says clearly what is missing.

On disk (see ``data/snapshots/SCHEMA.md``): a city's snapshot is the folder ``<snapshots>/<city>/``; a build swaps
a new one in by exchanging the two folders in one rename, and keeps the replaced ones in ``.<city>.versions/``.
Where a system cannot exchange two folders in one step, the swap takes two renames and writes first, beside the
folder, a note ``.<city>.swap`` naming the new snapshot: should the build die between the two renames, readers open
the snapshot the note names, and the next build finishes the swap.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from indicators.core.cities import DEFAULT_CITY, PROJECT_ROOT
from indicators.snapshot import checked
from indicators.snapshot.schema import SCHEMA_VERSION, TABLES, schema_of

SNAPSHOTS_DIR = PROJECT_ROOT / "data" / "snapshots"
#: an environment variable naming another folder of city snapshots
SNAPSHOTS_ENV = "HRC_SNAPSHOTS_DIR"


class SnapshotError(RuntimeError):
    """A snapshot that cannot be built or opened; the message says what is wrong or missing."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
            # the bytes parsed are the bytes hashed: the check's remembered verdict is for exactly these
            data = (self.path / f"{name}.parquet").read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            frame = (gpd.read_parquet if TABLES.get(name, {}).get("geo") else pd.read_parquet)(io.BytesIO(data))
            if self.validate_on_read:
                _validate_table(name, frame, sha256=digest, remembered=True)
            cache[name] = frame
            self.__dict__.setdefault("_sha256", {})[name] = digest
        return cache[name]

    def sha256(self, name: str) -> str:
        """The SHA-256 of the bytes a table was read from (reading it first)."""
        self._read(name)
        return self.__dict__["_sha256"][name]

    @cached_property
    def sources(self) -> dict[str, dict]:
        return {s["id"]: s for s in self.manifest["sources"]}

    @property
    def missing(self) -> list[dict]:
        """What the snapshot knows it lacks (tables a source could not serve), with the reason."""
        return list(self.manifest.get("missing", []))

    @property
    def city_name(self) -> str:
        return self.manifest["city"].get("name") or self.city

    @property
    def levels(self) -> list[str]:
        """The area levels the snapshot has polygons for, in the city's order (e.g. ``["neighborhood", "ward",
        "tract"]``); a snapshot written before levels were listed has those of its ``areas_*`` tables."""
        listed = self.manifest["city"].get("levels")
        if listed is not None:
            return [lv["id"] for lv in listed]
        return [lv for lv, table in (("neighborhood", "areas_neighborhoods"), ("tract", "areas_tracts"))
                if self.has(table)]

    def level_label(self, level: str) -> str | None:
        """The city's own name for a level (\"Neighborhood Clusters\", \"Wards\"), or None where it has none."""
        for lv in self.manifest["city"].get("levels") or []:
            if lv["id"] == level:
                return lv.get("label")
        return None

    def indicator_levels(self, indicator_id: str) -> tuple[str, ...] | None:
        """The levels at which the build could compute an indicator (map levels and ``city``/``county``), as the
        manifest records them; None where the manifest does not say (an older snapshot): ask the catalog."""
        listed = self.manifest.get("indicators")
        if listed is None:
            return None
        return tuple(listed.get(indicator_id, {}).get("levels", ()))

    def why_not(self, indicator_id: str) -> str | None:
        """Why the build could compute an indicator at no level (English, as recorded), or None."""
        return (self.manifest.get("indicators") or {}).get(indicator_id, {}).get("why_not")


def default_snapshot_dir(city: str) -> Path:
    """Where a city's snapshot lives: ``data/snapshots/<city>``, or ``$HRC_SNAPSHOTS_DIR/<city>`` when that
    variable names another folder of snapshots (one sub-folder per city, as under ``data/snapshots``)."""
    root = os.environ.get(SNAPSHOTS_ENV)
    return (Path(root) if root else SNAPSHOTS_DIR) / city


def versions_dir(target: Path) -> Path:
    """Where the snapshots replaced at ``target`` are kept (and new ones are built): ``.<city>.versions``."""
    return target.parent / f".{target.name}.versions"


def swap_note(target: Path) -> Path:
    """The note a two-rename swap leaves beside ``target`` while it is under way: it names the new snapshot."""
    return target.parent / f".{target.name}.swap"


def pending_swap(target: Path) -> Path | None:
    """The complete snapshot a swap into ``target`` was putting in place when it stopped, or None."""
    note = swap_note(target)
    try:
        named = note.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    folder = versions_dir(target) / Path(named).name
    return folder if (folder / "manifest.json").is_file() else None


def open_snapshot(path_or_city: str | Path = DEFAULT_CITY, *, verify: bool = True,
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
    if not path.is_dir() and pending_swap(path) is not None:
        # a build stopped between the two renames of its swap: the snapshot it was putting in place is complete
        path = pending_swap(path)
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
            _validate_table(name, snap.table(name), sha256=snap.sha256(name))
    return snap


def _validate_table(name: str, frame: pd.DataFrame, *, sha256: str | None = None, remembered: bool = False) -> None:
    """Check a table against its schema (and a geo table's geometries); raise :class:`SnapshotError` naming what
    breaks it. With ``sha256``, the hash of the bytes the table was read from, a pass is remembered
    (:mod:`indicators.snapshot.checked`); with ``remembered`` too, bytes that passed before are not checked again."""
    spec = TABLES.get(name)
    if spec is None:
        return
    if remembered and sha256 is not None and checked.passed(name, sha256):
        return
    try:
        schema_of(name).validate(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")), lazy=True)
    except Exception as exc:  # pandera's SchemaErrors: keep its summary, which names columns and checks
        raise SnapshotError(f"table '{name}' does not match its schema: {str(exc)[:800]}") from None
    if spec.get("geo"):
        if "geometry" not in frame or frame.geometry.isna().any() or frame.geometry.is_empty.any():
            raise SnapshotError(f"table '{name}' has missing or empty geometries")
    if sha256 is not None:
        checked.record(name, sha256)
