"""Run a snapshot build: every step of the city's source families, then write, check and swap in.

``build_snapshot`` pulls every source of a city — from the live services, or with ``from_dir`` from a folder
of the publishers' own files — checks it, and writes a folder of Parquet/GeoParquet tables (see
:mod:`indicators.snapshot.schema`) with a ``manifest.json``. It writes into a temporary folder and swaps it in
only when the whole snapshot is written and valid: a failed pull leaves the previous snapshot as it was.

The swap exchanges the new folder and the old in one rename (Linux ``renameat2(RENAME_EXCHANGE)``), so a reader
finds one complete snapshot at every moment, even if the build is killed; elsewhere it takes two renames behind a
note that readers follow (:func:`indicators.snapshot.read.pending_swap`). The replaced snapshots are kept in
``.<city>.versions/`` (the newest :data:`KEEP_VERSIONS`). One build at a time writes into a snapshots folder (a lock on the
folder), and each removes what killed builds left behind: their temporary folders, a swap they did not finish.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd

from indicators.build import steps as build_steps
from indicators.build.context import BuildContext
from indicators.core.config import CityConfig, load_city
from indicators.snapshot.read import (
    SnapshotError,
    _validate_table,
    default_snapshot_dir,
    open_snapshot,
    pending_swap,
    sha256_file,
    swap_note,
    versions_dir,
)
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
    with _build_lock(target):
        clean_leftovers(target, say)
        tmp = versions_dir(target) / f"{_stamp()}{BUILDING}"
        tmp.mkdir(parents=True)
        try:
            # a snapshot holds public figures the app, perhaps running as another user, must read
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
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
            (tmp / "SOURCES.md").write_text(sources_markdown(manifest), encoding="utf-8")
            open_snapshot(tmp)  # read back exactly as the app will
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            with contextlib.suppress(OSError):
                versions_dir(target).rmdir()  # only when it is empty: nothing was ever replaced
            raise
        swap_in(tmp, target)
        prune_versions(target)
    say(f"[{cfg.id}] snapshot written to {target}")
    return target


#: how many replaced snapshots of a city are kept in ``.<city>.versions``
KEEP_VERSIONS = 2
#: the ending of a snapshot folder still being built
BUILDING = ".building"


def _stamp() -> str:
    """A version folder's name: the UTC time (so names sort as versions were made) and a random tail."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


@contextlib.contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """Hold the lock of the snapshots folder (an ``flock`` on the folder itself, which leaves no file behind): a
    second build writing into the same folder meanwhile is refused."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one build at a time is then the operator's to keep
        yield
        return
    descriptor = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SnapshotError(f"another build is writing into {target.parent.name}/; try again when it is "
                                f"done") from None
        yield
    finally:
        os.close(descriptor)


def clean_leftovers(target: Path, say: Callable[[str], None] = lambda _msg: None) -> None:
    """Finish a swap a killed build left half done, and remove the folders killed builds were writing.

    Call with the city's build lock held: no other build is then writing.
    """
    pending = pending_swap(target)
    if pending is not None and not target.exists():
        pending.rename(target)
        say(f"finished the swap a stopped build left half done: {target.name} is its snapshot")
    swap_note(target).unlink(missing_ok=True)
    leftovers = [p for p in versions_dir(target).glob(f"*{BUILDING}")] + [
        p for pattern in (f".{target.name}.building-*", f".{target.name}.previous-*")  # earlier versions' names
        for p in target.parent.glob(pattern)]
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)
        say(f"removed {folder.name}, left by a build that did not finish")


def prune_versions(target: Path, keep: int = KEEP_VERSIONS) -> None:
    """Keep the newest ``keep`` replaced snapshots of ``target``; remove the older ones."""
    kept = sorted((p for p in versions_dir(target).iterdir() if p.is_dir() and not p.name.endswith(BUILDING)),
                  key=lambda p: p.name)
    for old in kept[:-keep] if keep else kept:
        shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` in one atomic rename (Linux ``renameat2`` with ``RENAME_EXCHANGE``);
    False where the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), str(b))


def swap_in(new: Path, target: Path) -> None:
    """Put the complete snapshot ``new`` (a folder in ``.<city>.versions``) at ``target``; the snapshot it replaces
    is kept in ``.<city>.versions`` under its own time. At every moment ``target`` holds one complete snapshot (or,
    between the two renames of the fallback, the note beside it names one)."""
    replaced = versions_dir(target) / _stamp()
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        new.rename(replaced)
        return
    note = swap_note(target)
    note.write_text(new.name + "\n", encoding="utf-8")
    target.rename(replaced)
    new.rename(target)
    note.unlink()
