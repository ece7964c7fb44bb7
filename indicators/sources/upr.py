"""The UN's list of Universal Periodic Review recommendations to a country, in the OHCHR-derived CSV layout of
``us_upr_cycle3_recommendations.csv`` (one row per recommendation: paragraph number, recommending State(s),
text, the country's response, primary theme, report symbols).

This reader is what the snapshot build uses; the tracker's importer (``indicators.tracker.importer``) checks
every field of every row again, with messages for people, when the list is seeded into a store or uploaded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.sources import csvfile

#: official column -> the tracker's column
OFFICIAL_COLUMNS = {
    "cycle": "cycle",
    "paragraph": "number",
    "rec_no": "rec_no",
    "recommending_state": "recommending_state",
    "us_response": "response",
    "primary_theme": "theme",
    "text": "text",
    "wg_report": "wg_report",
    "response_doc": "response_doc",
    "review_date": "review_date",
    "data_note": "data_note",
}
OFFICIAL_REQUIRED = ("cycle", "paragraph", "rec_no", "recommending_state", "us_response", "primary_theme", "text")


class UprFileError(ValueError):
    """A recommendations file that does not have the official layout."""


def read_official_csv(path: str | Path) -> pd.DataFrame:
    """The official list as a frame of the tracker's columns (``cycle`` and ``rec_no`` whole numbers, text
    stripped, empty optional fields as empty strings). Raises :class:`UprFileError` naming the file, the missing
    columns or the line of a number that is not one."""
    path = Path(path)
    frame = csvfile.read_csv(path, error=UprFileError, dtype=str, keep_default_na=False)
    csvfile.require_columns(frame, list(OFFICIAL_REQUIRED), path.name, UprFileError)
    out = pd.DataFrame({new: frame[old].str.strip() if old in frame else "" for old, new in OFFICIAL_COLUMNS.items()})
    for column in ("cycle", "rec_no"):
        numbers = pd.to_numeric(out[column], errors="coerce")
        bad = numbers.isna() | (numbers % 1 != 0)
        if bad.any():
            line = int(bad.to_numpy().nonzero()[0][0]) + 2
            raise UprFileError(f"{path.name}, line {line}: '{column}' is not a whole number: {out[column][bad].iloc[0]!r}")
        out[column] = numbers.astype("int64")
    return out
