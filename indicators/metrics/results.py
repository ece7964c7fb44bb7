"""Record a snapshot's results (``results.parquet``): every indicator at every level the snapshot serves it at,
computed once by ``python -m indicators build`` (or ``record``) and read by :mod:`indicators.metrics.ready`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators.metrics import catalog, compute
from indicators.metrics.ready import KEYS, RESULTS_FILE, code_fingerprint, table_checksums
from indicators.snapshot.read import Snapshot, open_snapshot, sha256_file


def keys(snapshot: Snapshot) -> list[tuple[str, str, dict]]:
    """Every (indicator, level, options) the snapshot serves: each level the indicator is available at, and at
    each level every release it has (``year=``)."""
    out = []
    for indicator_id in catalog.CATALOG:
        for level in compute.available_levels(snapshot, indicator_id):
            out.append((indicator_id, level, {}))
            out += [(indicator_id, level, {"year": year}) for year in compute.vintages(snapshot, indicator_id, level)]
    return out


def results_table(snapshot: Snapshot) -> tuple[pd.DataFrame, list[list[list[str]]]]:
    """Every result of ``snapshot`` in one frame (the key columns first), and the column layouts: for each, the
    result's columns in order with their types."""
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
    snapshot = open_snapshot(path)
    table, layouts = results_table(snapshot)
    file = Path(path) / RESULTS_FILE
    table.to_parquet(file, index=False, compression="zstd")
    return {"file": RESULTS_FILE, "rows": int(len(table)), "sha256": sha256_file(file),
            "bytes": file.stat().st_size, "code": code_fingerprint(), "tables": table_checksums(snapshot),
            "layouts": layouts}
