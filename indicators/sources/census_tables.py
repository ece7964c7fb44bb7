"""Census tables in the layouts the Census Bureau really publishes, read offline into one tidy frame.

Three layouts are recognised by :func:`read_table_file` (and :func:`read_table_text`), whatever the
file is called:

``api-json``
    A saved Census Data API answer: a JSON array of arrays whose first row is the header
    (``[["NAME","B25003_001E","B25003_001M","state","county","tract"], ...]``), including
    ``get=group(B25003)`` answers (``GEO_ID`` and the ``EA``/``MA`` annotation columns) and data
    profiles (``DP04_0047E``, ``DP04_0047PE``, ``DP04_0047PM``). Parsed by
    :func:`indicators.sources.census.parse_api_response`, so an offline file and a live answer give
    the same numbers.
``data.census.gov``
    A table downloaded from data.census.gov as CSV: a first header row of codes
    (``GEO_ID,NAME,B25003_001E,B25003_001M,...``), a second of labels (``Geography,Geographic Area
    Name,Estimate!!Total:,Margin of Error!!Total:``; older downloads write ``id`` for
    ``Geography``), then one row per area with ``GEO_ID`` such as ``1400000US11001000100``. Cells may
    hold annotations instead of numbers, and numbers may carry thousands separators (``1,234``).
``wide``
    Any CSV with a ``GEOID`` (or ``GEO_ID``) column and columns named by Census variable codes
    (``DP04_0001E``, ``DP04_0001M``, ``DP03_0009PE`` ...), other columns ignored: the layout of the DC
    Office of Planning's ACS files (``ACS_*_DC_Census_Tract.csv``, data profiles with estimates only,
    a UTF-8 byte-order mark first). A blank cell is a value the file does not publish; a variable
    without its ``M`` column has no margin of error (NaN, not 0).

Annotations (Census Bureau, "Notes on ACS Estimate and Annotation Values" and the table notes of the
ACS data notes pages, census.gov/data/developers/data-sets/acs-1year/notes-on-acs-estimate-and-annotation-values.html
and census.gov/data/developers/data-sets/acs-migration-flows/data-notes.html). A data.census.gov table
writes the symbol in the cell; the API writes the numeric code (or the symbol in the ``EA``/``MA``
variable):

=============  ==============  =====================================================================
symbol         API code        meaning
=============  ==============  =====================================================================
``-``          ``-666666666``  estimate: no or too few sample observations to compute it, or a ratio
                               of medians that cannot be computed because a median is in an
                               open-ended interval
``**``         ``-222222222``  margin of error: no or too few sample observations to compute a
                               standard error; a statistical test is not appropriate
``***``        ``-333333333``  margin of error: the median falls in the lowest or the upper interval
                               of an open-ended distribution; a statistical test is not appropriate
``*****``      ``-555555555``  margin of error: the estimate is controlled (to independent population
                               or housing estimates); a test for sampling variability is not
                               appropriate, the MOE is taken as 0
``N``          ``-999999999``  estimate or MOE: cannot be displayed, the number of sample cases is too
                               small
``(X)``        ``-888888888``  not applicable or not available
``250,000+``   (number)        the median falls in the upper interval of an open-ended distribution
``2,500-``     (number)        the median falls in the lowest interval of an open-ended distribution
=============  ==============  =====================================================================

The symbols and codes are decoded by :func:`indicators.sources.census.decode_column` (the same code as
for live answers): a special value becomes NaN with its meaning in ``note``, ``*****`` on a margin of
error becomes 0 with its note, and a top- or bottom-coded median keeps its bound (``250,000+`` ->
250000) with a note saying it is one.

The result (:data:`TABLE_COLUMNS`) has one row per area and variable:

- ``GEOID``: text; for a tract the 11 digits state + county + tract (``1400000US11001000100`` ->
  ``11001000100``); for other summary levels the part after ``US``;
- ``variable``: the cell code without its last ``E``/``M`` (``B25003_003``; ``DP04_0047``;
  ``DP04_0047P`` for the percent ``DP04_0047PE``/``DP04_0047PM``);
- ``estimate``, ``moe``: floats or NaN;
- ``note``: None, or why a value is missing or special: the estimate's reason, then ``MOE: `` and the
  margin's reason (``"-666666666: estimate could not be computed ...; MOE: -222222222: ..."``).
  :func:`split_notes` gives the two reasons back.

A CSV that is cut off or not UTF-8 is refused as every CSV of the library is
(:mod:`indicators.sources.csvfile`); a file in none of the layouts raises :class:`CensusTableError`
naming the layouts accepted.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.sources import census, csvfile

TABLE_COLUMNS = ["GEOID", "variable", "estimate", "moe", "note"]

API_JSON, DATA_CENSUS_GOV, WIDE = "api-json", "data.census.gov", "wide"
FORMATS: dict[str, str] = {
    API_JSON: "a Census Data API answer saved as JSON (an array of arrays whose first row is the header)",
    DATA_CENSUS_GOV: "a data.census.gov table CSV (a row of codes such as GEO_ID,NAME,B25003_001E, then a row "
                     "of labels such as Geography,Geographic Area Name,Estimate!!Total:)",
    WIDE: "a CSV with a GEOID or GEO_ID column and columns named by Census variables (DP04_0001E, "
          "B25003_001M ...)",
}

#: the MOE separator inside ``note`` (see :func:`split_notes`)
MOE_PREFIX = "MOE: "
BLANK_ESTIMATE_NOTE = "blank cell: the file does not publish this value"
BLANK_MOE_NOTE = "blank cell: the file does not publish this margin of error"

#: an ACS variable column: table (B25003, C17002, B01001A, DP04, S1701), optional subject-table
#: column (_C01), cell number, an optional P (percent of a data profile), E or M, optional A
#: (annotation)
VARIABLE_COLUMN = re.compile(r"^[A-Z]{1,3}\d{2,5}[A-Z]{0,3}(?:_C\d{2})?_\d{3,4}P?[EM]A?$")
ID_COLUMNS = ("GEOID", "GEO_ID")
_LABEL_PREFIXES = ("Estimate!!", "Margin of Error!!", "Percent!!", "Percent Estimate!!",
                   "Percent Margin of Error!!", "Annotation of ", "Total!!", "Number!!")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PLUS_MINUS = re.compile(r"^(?:\+/-|±)\s*")


class CensusTableError(ValueError):
    """A Census table file that is damaged or in none of the accepted layouts; the message says which."""


def _accepted() -> str:
    return "accepted layouts: " + "; ".join(f"{name}: {text}" for name, text in FORMATS.items())


def _refuse(source: str, why: str) -> CensusTableError:
    return CensusTableError(f"{source}: {why}. {_accepted()}")


# ------------------------------------------------------------------------------------------- notes


def join_notes(estimate_note, moe_note) -> str | None:
    """One ``note`` from the estimate's and the margin's reasons (either may be None)."""
    est = None if estimate_note is None or (isinstance(estimate_note, float) and np.isnan(estimate_note)) \
        else str(estimate_note)
    err = None if moe_note is None or (isinstance(moe_note, float) and np.isnan(moe_note)) else str(moe_note)
    if est and err:
        return f"{est}; {MOE_PREFIX}{err}"
    if est:
        return est
    if err:
        return f"{MOE_PREFIX}{err}"
    return None


def split_notes(notes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The estimate's and the margin's reasons of ``note`` values made by :func:`join_notes`."""
    est, err = [], []
    for note in notes.tolist():
        if note is None or (isinstance(note, float) and np.isnan(note)):
            est.append(None)
            err.append(None)
        elif note.startswith(MOE_PREFIX):
            est.append(None)
            err.append(note[len(MOE_PREFIX):])
        elif f"; {MOE_PREFIX}" in note:
            first, second = note.split(f"; {MOE_PREFIX}", 1)
            est.append(first)
            err.append(second)
        else:
            est.append(note)
            err.append(None)
    return (pd.Series(est, index=notes.index, dtype=object), pd.Series(err, index=notes.index, dtype=object))


def _from_census_tidy(tidy: pd.DataFrame) -> pd.DataFrame:
    """The library's table layout from :func:`census.tidy_frame`'s (two note columns joined)."""
    notes = [join_notes(e, m) for e, m in zip(tidy["estimate_note"], tidy["moe_note"])]
    out = pd.DataFrame({"GEOID": tidy["GEOID"].astype(str).to_numpy(), "variable": tidy["variable"].to_numpy(),
                        "estimate": tidy["estimate"].to_numpy(dtype=float),
                        "moe": tidy["moe"].to_numpy(dtype=float),
                        "note": pd.Series(notes, dtype=object).to_numpy()})
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    return out[TABLE_COLUMNS]


def to_census_tidy(table: pd.DataFrame) -> pd.DataFrame:
    """The frame of :func:`read_table_text` in :func:`census.tidy_frame`'s layout (two note columns)."""
    est_note, moe_note = split_notes(table["note"])
    return pd.DataFrame({"GEOID": table["GEOID"].to_numpy(), "NAME": None, "variable": table["variable"].to_numpy(),
                         "estimate": table["estimate"].to_numpy(dtype=float),
                         "moe": table["moe"].to_numpy(dtype=float),
                         "estimate_note": est_note.to_numpy(), "moe_note": moe_note.to_numpy()})


# ----------------------------------------------------------------------------------------- reading


def detect_format(text: str) -> str | None:
    """Which layout ``text`` is in (:data:`API_JSON`, :data:`DATA_CENSUS_GOV`, :data:`WIDE`), or None."""
    body = text.lstrip("\ufeff").lstrip()
    if body.startswith("["):
        return API_JSON
    try:
        reader = csv.reader(io.StringIO(body, newline=""))
        header = next(reader, [])
        second = next(reader, [])
    except csv.Error:
        return None
    header = [h.strip() for h in header]
    if not any(c in header for c in ID_COLUMNS) or not any(VARIABLE_COLUMN.match(c) for c in header):
        return None
    return DATA_CENSUS_GOV if _is_label_row(header, second) else WIDE


def _is_label_row(header: list[str], row: list[str]) -> bool:
    if len(row) != len(header):
        return False
    cells = dict(zip(header, (c.strip() for c in row)))
    if cells.get("GEO_ID") in {"Geography", "id", "Id"}:
        return True
    variables = [cells[c] for c in header if VARIABLE_COLUMN.match(c)]
    return bool(variables) and all(v.startswith(_LABEL_PREFIXES) for v in variables if v)


def _clean_cell(value: str):
    """A CSV cell as :func:`census.decode_value` reads it: blank -> None, ``1,234`` -> ``1234``."""
    text = value.strip()
    if not text:
        return None
    text = _PLUS_MINUS.sub("", text)
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    return text


def _read_csv_rows(text: str, source: str) -> pd.DataFrame:
    # the shared checks: a row with fewer fields than the header (a cut file) or a quote left open
    csvfile.check_rows(text, source, CensusTableError)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise CensusTableError(f"{source}: {str(exc).strip().splitlines()[0]}") from None


def _table_from_csv(text: str, source: str, layout: str) -> pd.DataFrame:
    rows = _read_csv_rows(text, source)
    header = [str(h).strip() for h in rows.iloc[0]]
    body = rows.iloc[2:] if layout == DATA_CENSUS_GOV else rows.iloc[1:]
    body = body.reset_index(drop=True)
    body.columns = range(len(header))
    if len(set(header)) != len(header):
        repeated = sorted({h for h in header if header.count(h) > 1 and h})
        raise CensusTableError(f"{source}: the header repeats the columns {', '.join(repeated)}")
    position = {h: i for i, h in enumerate(header)}
    id_column = "GEOID" if "GEOID" in position else "GEO_ID"
    ids = body[position[id_column]].map(lambda v: str(v).strip())
    if (ids == "").any():
        line = int(np.flatnonzero((ids == "").to_numpy())[0]) + (3 if layout == DATA_CENSUS_GOV else 2)
        raise CensusTableError(f"{source}: line {line} has no {id_column}")
    raw = {"GEO_ID": ids.to_numpy(dtype=object)}
    if "NAME" in position:
        raw["NAME"] = body[position["NAME"]].to_numpy(dtype=object)
    for column in header:
        if VARIABLE_COLUMN.match(column):
            raw[column] = body[position[column]].map(_clean_cell).to_numpy(dtype=object)
    frame = pd.DataFrame(raw, dtype=object)
    try:
        tidy = census.tidy_frame(frame)
    except census.CensusAPIError as exc:
        raise CensusTableError(f"{source}: {exc}") from None
    # a blank cell in a file is a value the file does not publish, not an API "null"
    tidy["estimate_note"] = tidy["estimate_note"].where(tidy["estimate_note"] != census.NO_DATA_NOTE,
                                                        BLANK_ESTIMATE_NOTE)
    tidy["moe_note"] = tidy["moe_note"].where(tidy["moe_note"] != "null: no margin of error published",
                                              BLANK_MOE_NOTE)
    return _from_census_tidy(tidy)


def read_table_text(text: str, source: str = "the Census table") -> pd.DataFrame:
    """The tidy frame (:data:`TABLE_COLUMNS`) of a Census table given as text; ``source`` names it in errors.

    The layout is detected (:func:`detect_format`). Raises :class:`CensusTableError` for text in none
    of the layouts (naming those accepted), a CSV cut off mid-row, or an API answer that is an error
    page or error text (with the API's own message).
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CensusTableError(f"{source}: the file is empty")
    stripped = text.lstrip()
    if stripped.startswith("<") or stripped.lower().startswith("error:"):
        try:
            census.parse_api_response(text)
        except census.CensusAPIError as exc:
            raise CensusTableError(f"{source}: not a table but an error answer of the Census API ({exc})") from None
    layout = detect_format(text)
    if layout is None:
        raise _refuse(source, "not a Census table in a layout this reader knows")
    if layout == API_JSON:
        try:
            tidy = census.parse_api_response(text)
        except census.CensusAPIError as exc:
            raise _refuse(source, str(exc)) from None
        return _from_census_tidy(tidy)
    return _table_from_csv(text, source, layout)


def read_table_file(path: str | Path) -> pd.DataFrame:
    """The tidy frame (:data:`TABLE_COLUMNS`) of a Census table file in any of the :data:`FORMATS`.

    The file must be whole UTF-8 text (a byte-order mark is allowed): a cut-off or non-UTF-8 file is
    refused as :mod:`indicators.sources.csvfile` refuses it, with :class:`CensusTableError`.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no Census table at {path}")
    text = csvfile.read_text(path, CensusTableError)
    return read_table_text(text, source=path.name)


def read_table_files(paths) -> pd.DataFrame:
    """Several table files of the same areas (e.g. the DP02, DP03, DP04 and DP05 files) as one frame.

    A cell found in two files must be the same in both; otherwise :class:`CensusTableError`.
    """
    frames = [read_table_file(p) for p in paths]
    if not frames:
        raise CensusTableError("no Census table files given")
    table = pd.concat(frames, ignore_index=True)
    key = ["GEOID", "variable"]
    repeated = table[table.duplicated(key, keep=False)]
    if len(repeated):
        clash = repeated.groupby(key)[["estimate", "moe"]].nunique(dropna=False)
        clash = clash[(clash > 1).any(axis=1)]
        if len(clash):
            geoid, variable = clash.index[0]
            raise CensusTableError(f"{variable} of {geoid} differs between the files")
        table = table.drop_duplicates(key)
    return table.reset_index(drop=True)
