"""Tables written for spreadsheets: every export of the app and the tracker goes through :func:`to_csv_bytes`.

Text cells that a spreadsheet would read as a formula (OWASP "CSV injection": text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe, in every text column and in the
column names; numbers stay numbers. Lists are joined with ``; ``, dates written as ISO text, missing values
left empty. Rows end with CRLF (RFC 4180), so a cell holding a line break or a carriage return is always
quoted and cannot start a row of its own.
"""

from __future__ import annotations

import datetime as dt
import numbers

import pandas as pd

#: first characters a spreadsheet reads as the start of a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Text starting like a spreadsheet formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for spreadsheets: lists joined with ``; ``, dates as ISO text, formulas neutralised."""
    safe = frame.copy()
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            continue
        safe[column] = values.map(_cell).astype(object)
    return safe


def _cell(value: object) -> object:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not pd.isna(value):
        return value  # a number in a text column (e.g. -0.25) is no formula: keep it a number
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        value = value.isoformat()
    elif value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return neutralise_formula(value if isinstance(value, str) else str(value))


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with a byte-order mark so spreadsheet programs read the accents) of :func:`csv_safe`.

    Rows end with CRLF: Python's CSV writer quotes a cell holding any character of the line ending, so
    with CRLF a lone carriage return inside a cell is quoted too (with a bare LF it was written unquoted,
    and spreadsheets took it for the end of a row).
    """
    return csv_safe(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_geojson_bytes(areas, frame: pd.DataFrame, *, key: str = "area_id") -> bytes:
    """The areas' polygons (a GeoDataFrame with ``key`` and ``geometry``) as GeoJSON, each feature carrying the
    row of ``frame`` with the same ``key`` in its properties (figures, not bare boundaries). Text is written as
    it is (a GIS reads properties as data, not formulas); missing values become null."""
    import json

    import shapely

    rows = {str(r[key]): r for r in frame.to_dict("records")}
    features = []
    for area_id, geometry in zip(areas[key].astype(str), areas.geometry):
        properties = {k: (None if _missing(v) else v) for k, v in rows.get(area_id, {key: area_id}).items()}
        features.append({"type": "Feature", "properties": properties,
                         "geometry": shapely.geometry.mapping(geometry) if geometry is not None else None})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      default=_json_default).encode("utf-8")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _json_default(value: object):
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)
