"""Tables written for spreadsheets, and text written into documents: every export of the app and the tracker goes
through :func:`to_csv_bytes`, every text set into a slide deck or PDF through :func:`document_text`.

Text cells that a spreadsheet would read as a formula (OWASP "CSV injection": text starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, or their full-width forms, which some spreadsheets also take for
a formula) get a leading apostrophe, in every text column and in the column names; numbers stay numbers. A
spreadsheet may also split a cell where this file does not (on semicolons, tabs or pipes, or on a line break
inside it): so a formula character after any of those, or after a comma, gets an apostrophe too
(``Housing;=cmd|…`` is written ``Housing;'=cmd|…``). Lists are joined with ``; ``, dates written as ISO text, missing values
left empty. Rows end with CRLF (RFC 4180), so a cell holding a line break or a carriage return is always
quoted and cannot start a row of its own.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re

import pandas as pd

#: first characters a spreadsheet reads as the start of a formula
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# a place where a spreadsheet may start a new cell (a separator it may split on, a line break), then perhaps spaces
# or a double quote, then the first character of a formula (an apostrophe there already makes the cell text, so
# neutralising twice changes nothing)
_FORMULA_AFTER_SEPARATOR = re.compile('([,;\t|\r\n][ "]*)(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])')
_FORMULA_AFTER_BLANKS = re.compile('^[ "]+(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])')


def neutralise_formula(value: object) -> object:
    """Text a spreadsheet could read as a formula, at its start or after a separator, gets an apostrophe there;
    other values pass.

    >>> neutralise_formula("Housing;=cmd|' /C calc'!A0;")
    "Housing;'=cmd|' /C calc'!A0;"
    """
    if not isinstance(value, str):
        return value
    text = _FORMULA_AFTER_SEPARATOR.sub("\\1'", value)
    if text.startswith(FORMULA_PREFIXES) or _FORMULA_AFTER_BLANKS.match(text):
        return "'" + text
    return text


def is_formula_safe(value: object) -> bool:
    """Whether ``value`` can be given to a spreadsheet as it is (what :func:`neutralise_formula` leaves alone)."""
    return neutralise_formula(value) == value


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


# characters an XML 1.0 document (a slide deck, a Word file, a PDF's text) cannot hold — C0 controls other than tab,
# line feed and carriage return, lone surrogates, U+FFFE and U+FFFF — and the other Unicode non-characters
_NOT_FOR_DOCUMENTS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                                + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
                                + "]")
REPLACEMENT = "\ufffd"


def document_text(value: object) -> str:
    """``value`` as text a document can hold: each character XML cannot hold (U+FFFE, a lone surrogate, a control
    character) becomes U+FFFD, the replacement character, so the text still shows where something was.

    >>> document_text("Housing\\ufffe first")
    'Housing\\ufffd first'
    """
    return _NOT_FOR_DOCUMENTS.sub(REPLACEMENT, "" if value is None else str(value))


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
