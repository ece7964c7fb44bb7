"""Ready results: every figure the build computed, kept in the snapshot so that a page reads it instead of
computing it again.

``python -m indicators build`` computes, after the tables, every indicator at every level the snapshot serves
it at (and every ACS release of the yearly ones) — it has to, to record where each is available — and
:func:`record` writes those results into the snapshot as ``results.parquet``, described in the manifest's
``results`` entry: the file's checksum, the column layouts of the results and the fingerprint of the code that
computed them. :func:`lookup` gives :func:`indicators.metrics.compute.compute` a result from that file, as it
would have computed it (same columns, same types, same values).

The file is a store of work already done, never a source of figures: a reader whose metrics code differs from
the fingerprint (a fix not yet recorded into the snapshot), or that finds the file changed, ignores it and
computes, and a test checks that the committed snapshots' ready results are current and equal, result by
result, to a fresh computation.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.snapshot.read import Snapshot, sha256_file

RESULTS_FILE = "results.parquet"
#: the key columns of the file: indicator, level, the ACS release asked for (0: none asked), column layout
KEYS = ["result_indicator", "result_level", "result_year", "result_layout"]
#: the code whose output the file holds: the indicator functions, the catalog and the library's core
CODE = ("indicators/metrics", "indicators/core")

log = logging.getLogger(__name__)


@functools.cache
def code_fingerprint() -> str:
    """A digest of the source files that compute results (:data:`CODE`): a change to any of them makes the
    ready results of every snapshot stale until they are recorded again."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder in CODE:
        for file in sorted((root / folder).glob("*")):
            if file.is_file() and file.suffix in (".py", ".toml"):
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def keys(snapshot: Snapshot) -> list[tuple[str, str, dict]]:
    """Every (indicator, level, options) the snapshot serves: each level the indicator is available at, and at
    each level every release it has (``year=``)."""
    from indicators.metrics import catalog, compute

    out = []
    for indicator_id in catalog.CATALOG:
        for level in compute.available_levels(snapshot, indicator_id):
            out.append((indicator_id, level, {}))
            out += [(indicator_id, level, {"year": year}) for year in compute.vintages(snapshot, indicator_id, level)]
    return out


def results_table(snapshot: Snapshot) -> tuple[pd.DataFrame, list[list[list[str]]]]:
    """Every result of ``snapshot`` in one frame (the key columns first), and the column layouts: for each, the
    result's columns in order with their types."""
    from indicators.metrics import compute

    frames, layouts = [], []
    for indicator_id, level, options in keys(snapshot):
        try:
            out = compute.compute(snapshot, indicator_id, level, **options)
        except compute.NotAvailable:
            continue
        layout = [[column, str(out[column].dtype)] for column in out.columns]
        if layout not in layouts:
            layouts.append(layout)
        key = pd.DataFrame({"result_indicator": indicator_id, "result_level": level,
                            "result_year": int(options.get("year") or 0),
                            "result_layout": layouts.index(layout)}, index=out.index)
        frames.append(pd.concat([key, _storable(out)], axis=1))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEYS)
    return table, layouts


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """The result with its yes/no columns as the text ``True``/``False``: a column that is yes/no in one result
    is absent (missing) in the others' rows, and a column of the file holds one type."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = np.where(out[column], "True", "False")
    return out


def record(path: Path | str) -> dict:
    """Compute every result of the snapshot at ``path`` and write them into it (``results.parquet``); returns
    the manifest's ``results`` entry (the caller writes the manifest)."""
    from indicators.snapshot.read import open_snapshot

    snapshot = open_snapshot(path)
    table, layouts = results_table(snapshot)
    file = Path(path) / RESULTS_FILE
    table.to_parquet(file, index=False, compression="zstd")
    return {"file": RESULTS_FILE, "rows": int(len(table)), "sha256": sha256_file(file),
            "bytes": file.stat().st_size, "code": code_fingerprint(), "layouts": layouts}


class _Ready:
    """The opened file: the rows of each result, made into the result frame when first asked for."""

    def __init__(self, table: pd.DataFrame, layouts: list):
        self.table, self.layouts = table, layouts
        self.rows = table.groupby(KEYS[:3], sort=False).indices

    def get(self, indicator_id: str, level: str, year: int) -> pd.DataFrame | None:
        rows = self.rows.get((indicator_id, level, year))
        if rows is None:
            return None
        part = self.table.iloc[rows]
        layout = self.layouts[int(part["result_layout"].iloc[0])]
        out = part[[column for column, _ in layout]].reset_index(drop=True)
        for column, dtype in layout:
            if dtype == "bool":
                out[column] = (out[column] == "True").to_numpy(bool)
            elif str(out[column].dtype) != dtype:
                out[column] = out[column].astype(dtype)
        return out


def _opened(snapshot: Snapshot) -> _Ready | None:
    """The snapshot's ready results, or None where it has none, they are stale or the file is damaged (once per
    opened snapshot)."""
    if "_ready" in snapshot.__dict__:
        return snapshot.__dict__["_ready"]
    ready = None
    entry = snapshot.manifest.get("results")
    if entry and entry.get("code") == code_fingerprint():
        file = snapshot.path / entry.get("file", RESULTS_FILE)
        try:
            if sha256_file(file) != entry.get("sha256"):
                log.warning("%s does not match its checksum: its results are computed instead", file.name)
            else:
                ready = _Ready(pd.read_parquet(file), entry["layouts"])
        except (OSError, ValueError, KeyError) as exc:
            log.warning("%s cannot be read (%s): its results are computed instead", file.name, exc)
    snapshot.__dict__["_ready"] = ready
    return ready


def lookup(snapshot: Snapshot, indicator_id: str, level: str, options: dict) -> pd.DataFrame | None:
    """The ready result of ``compute(snapshot, indicator_id, level, **options)``, or None where the snapshot
    has none for it (compute it)."""
    if set(options) - {"year"}:
        return None
    ready = _opened(snapshot)
    return None if ready is None else ready.get(indicator_id, level, int(options.get("year") or 0))
