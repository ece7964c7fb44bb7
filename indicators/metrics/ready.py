"""Ready results: every figure the build computed, kept in the snapshot so that a page reads it instead of
computing it again.

``python -m indicators build`` computes, after the tables, every indicator at every level the snapshot serves
it at (and every ACS release of the yearly ones) — it has to, to record where each is available — and
:func:`indicators.metrics.results.record` writes those results into the snapshot as ``results.parquet``,
described in the manifest's ``results`` entry: the file's checksum, the column layouts of the results, the
checksums of the tables they were computed from and the fingerprint of the code that computed them.
:func:`lookup` gives :func:`indicators.metrics.compute.compute` a result from that file, as it would have computed
it (same columns, same types, same values).

The file is a store of work already done, never a source of figures: a reader whose metrics code differs from
the fingerprint (a fix not yet recorded into the snapshot), whose tables are not those the results came from, or
that finds the file changed, ignores it and computes; and a test checks that the committed snapshots' ready
results are current and equal, result by result, to a fresh computation.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

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


def table_checksums(snapshot: Snapshot) -> dict[str, str]:
    """The tables the results are computed from, by checksum: results recorded from other tables are not these
    tables' results."""
    return {name: info.get("sha256") for name, info in sorted(snapshot.manifest.get("tables", {}).items())}


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
            elif dtype == "object":
                # a result's text columns hold None where they say nothing, and a page shows NaN as "nan"
                values = out[column].astype(object)
                out[column] = values.where(values.notna(), None)
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
    if entry and entry.get("code") == code_fingerprint() and entry.get("tables") == table_checksums(snapshot):
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
