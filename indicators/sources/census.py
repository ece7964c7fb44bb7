"""The Census Data API: American Community Survey (and decennial) tables as a tidy long frame.

A request is ``https://api.census.gov/data/{year}/{dataset}?get=...&for=...&in=...&key=...`` and the
answer is a JSON array of arrays whose first row is the header::

    [["NAME","B19013_001E","B19013_001M","state","county","tract"],
     ["Census Tract 201; Some County; Pennsylvania","82409","18140","42","003","020100"], ...]

:func:`parse_api_response` turns such an answer into one row per (geography, variable) with the columns
``GEOID, NAME, variable, estimate, moe, estimate_note, moe_note``. The same parser reads saved answers
(:func:`read_api_file`), so an offline build and a live one give identical frames.

Special values. The API writes numbers it cannot publish as negative codes (and, in the ``EA``/``MA``
annotation variables, as short strings). Source: Census Bureau, "Notes on ACS Estimate and Annotation
Values" (census.gov/data/developers/data-sets/acs-1year/notes-on-acs-estimate-and-annotation-values.html):

- ``-666666666`` (annotation ``-``): the estimate could not be computed: too few sample observations;
  or, for a median (or a ratio of medians), it falls in an open-ended interval; or, for a 5-year
  median, its margin of error is larger than the median itself.
- ``-999999999`` (``N``): the estimate or MOE cannot be displayed: too few sample cases in the area.
- ``-888888888`` (``(X)``): the estimate or MOE is not applicable or not available.
- ``-222222222`` (``**``): the MOE could not be computed: too few sample observations.
- ``-333333333`` (``***``): the MOE could not be computed: the median falls in the lowest or highest
  interval of an open-ended distribution.
- ``-555555555`` (``*****``): no MOE, because the estimate is controlled to an independent population
  or housing estimate; it has no sampling error and the MOE may be treated as zero.
- a number with annotation ``2,500-`` or ``250,000+``: the median falls in the lowest or highest
  interval of an open-ended distribution; the estimate holds that interval's bound.
- ``null``: no data for the requested geography.

The meanings are those of :data:`indicators.core.moe.SENTINELS`, shared with the readers of published
tables, except two that this loader words after the Census notes: ``-666666666`` also covers the
5-year median whose MOE exceeds it, and ``-555555555`` says that the MOE was set to 0.

Every special value becomes ``NaN`` with its code and meaning in ``estimate_note``/``moe_note``
(``"-666666666: estimate could not be computed (too few sample observations, ...)"``), except
``-555555555`` on a margin of error, which becomes ``0`` with its note, and a top- or bottom-coded
median, which keeps the published bound as its estimate and says so in the note.

The API key is a query parameter named ``key`` (argument, else ``CENSUS_API_KEY``). The shared HTTP
session leaves it out of the cache key, and every message here masks it.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import requests

from indicators.sources import http
from indicators.core import moe
from indicators.sources import csvfile

log = logging.getLogger(__name__)

API_ROOT = "https://api.census.gov/data"

#: the API refuses a ``get`` list longer than this ("error: 'get' is limited to 50 variables")
MAX_GET_VARIABLES = 50

TIDY_COLUMNS = ["GEOID", "NAME", "variable", "estimate", "moe", "estimate_note", "moe_note"]

#: geography columns of an answer, in the order their codes make a GEOID, with each code's width
GEOGRAPHY_WIDTHS: dict[str, int] = {
    "us": 1,
    "state": 2,
    "county": 3,
    "county subdivision": 5,
    "place": 5,
    "tract": 6,
    "block group": 1,
    "zip code tabulation area": 5,
}
#: columns of an answer that are neither geography codes nor variables
META_COLUMNS = {"NAME", "GEO_ID", "ucgid"}

GEOGRAPHIES = ("tract", "block group", "county", "place")

CONTROLLED = moe.CONTROLLED_ESTIMATE

#: numeric special values and what they mean (Census "Notes on ACS Estimate and Annotation Values"):
#: the library's table (:data:`indicators.core.moe.SENTINELS`) with two meanings put as this loader needs them
SPECIAL_VALUES: dict[int, str] = {
    **moe.SENTINELS,
    # the Census notes list a third case that the shared table leaves out
    -666666666: "estimate could not be computed (too few sample observations, or a median in an "
                "open-ended interval, or a 5-year median whose margin of error exceeds it)",
    # what this loader does with it: the MOE column holds 0, and the note says why
    CONTROLLED: "estimate is controlled to an independent population or housing estimate: no sampling "
                "error, margin of error taken as 0",
}
#: the annotation strings (``EA``/``MA`` variables) that stand for the numeric codes above
ANNOTATION_CODES: dict[str, int] = {
    "-": -666666666,
    "N": -999999999,
    "(X)": -888888888,
    "**": -222222222,
    "***": -333333333,
    "*****": -555555555,
}
NO_DATA_NOTE = "null: no data for the requested geography"

# a nine-digit run of one digit, negative: the shape of every Census special value
_SENTINEL_SHAPE = re.compile(r"^-(\d)\1{8}$")
# a top- or bottom-coded median written as its interval bound, e.g. "250,000+" or "2,500-"
_CODED_MEDIAN = re.compile(r"^(?P<bound>\d[\d,]*(?:\.\d+)?)(?P<side>[+-])$")
# a variable column: base code and type suffix (E estimate, M MOE, EA/MA annotations, N decennial count;
# no suffix for older decennial codes such as P001001). Profile percents keep their P: DP02_0002P.
_VARIABLE = re.compile(r"^(?P<base>[A-Z][A-Z0-9_]*?\d(?:P)?)(?P<kind>EA|MA|E|M|N)?$")


# --------------------------------------------------------------------------------------------- errors


class CensusAPIError(RuntimeError):
    """The Census Data API did not answer with data. ``status`` and ``url`` (key masked) say where."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.status = status
        self.url = url


class CensusHTMLErrorPage(CensusAPIError):
    """The API answered with an HTML page instead of JSON (it does so, sometimes with status 200)."""


class CensusInvalidKey(CensusHTMLErrorPage):
    """The API refused the key: the "Invalid Key" page, or the "Missing Key" page when none was sent."""


class CensusUnknownVariable(CensusAPIError):
    """HTTP 400 ``error: unknown variable 'B99999_001E'``; ``variable`` names the code."""

    def __init__(self, message: str, *, variable: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.variable = variable


class CensusNoData(CensusAPIError):
    """HTTP 204 No Content (or an empty body): the dataset has nothing for that geography."""


class CensusRequestError(CensusAPIError):
    """Any other 4xx/5xx answer (bad geography, too many variables, server trouble)."""


def _scrub(text: str, key: str | None) -> str:
    """Mask the key in a message, whether it appears as ``key=...`` or on its own."""
    text = http.mask_secrets(text)
    if key:
        text = text.replace(key, "***")
    return text


# ------------------------------------------------------------------------------------ decoding values


def _is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in {"", "null", "NA"}


def _special_note(code: int) -> str:
    meaning = SPECIAL_VALUES.get(code, "unrecognised Census special value")
    return f"{code}: {meaning}"


def _coded_median_note(text: str) -> str:
    side = "highest" if text.endswith("+") else "lowest"
    return (f"{text}: the median falls in the {side} interval of an open-ended distribution; "
            f"the estimate is that interval's bound")


def decode_value(value, annotation=None, *, is_moe: bool = False) -> tuple[float, str | None]:
    """One cell of an answer as ``(number, note)``.

    ``value`` is the ``E`` or ``M`` cell (string, number or null) and ``annotation`` the matching
    ``EA``/``MA`` cell when the answer has one. Special values give ``NaN`` and their meaning;
    ``-555555555`` on a margin of error gives ``0.0``. An annotation overrides the number, as the
    Census notes ask ("if an annotation exists, use it in place of the value").
    """
    if not _is_missing(annotation):
        ann = str(annotation).strip()
        if ann in ANNOTATION_CODES:
            code = ANNOTATION_CODES[ann]
            return (0.0 if is_moe and code == CONTROLLED else np.nan), _special_note(code)
        if _CODED_MEDIAN.match(ann):
            number, _ = decode_value(value, None, is_moe=is_moe)
            if np.isnan(number):
                number = float(_CODED_MEDIAN.match(ann)["bound"].replace(",", ""))
            return number, _coded_median_note(ann)
    if _is_missing(value):
        if is_moe:
            return np.nan, "null: no margin of error published"
        return np.nan, NO_DATA_NOTE
    text = str(value).strip()
    if text in ANNOTATION_CODES:
        code = ANNOTATION_CODES[text]
        return (0.0 if is_moe and code == CONTROLLED else np.nan), _special_note(code)
    coded = _CODED_MEDIAN.match(text)
    if coded:
        return float(coded["bound"].replace(",", "")), _coded_median_note(text)
    try:
        number = float(text)
    except ValueError:
        return np.nan, f"{text}: not a number"
    if number.is_integer() and (int(number) in SPECIAL_VALUES or _SENTINEL_SHAPE.match(str(int(number)))):
        code = int(number)
        return (0.0 if is_moe and code == CONTROLLED else np.nan), _special_note(code)
    return number, None


# --------------------------------------------------------------------------------------- parsing


def _html_title(text: str) -> str:
    """The heading of an HTML error page, for the message."""
    for pattern in (r"<h1[^>]*>(.*?)</h1>", r"<title[^>]*>(.*?)</title>"):
        found = re.search(pattern, text, flags=re.IGNORECASE | re.DOTALL)
        if found:
            heading = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()
            if heading:
                return heading
    return "an HTML page"


def _html_error(text: str, *, status: int | None, url: str | None, key: str | None) -> CensusHTMLErrorPage:
    title = _html_title(text)
    where = f" for {url}" if url else ""
    if re.search(r"invalid\s+key", text, flags=re.IGNORECASE):
        return CensusInvalidKey(
            f"the Census API refused the key{where}: its 'Invalid Key' page says the key is not valid. "
            "Check CENSUS_API_KEY (a new key works only after the link in its e-mail is followed).",
            status=status, url=url)
    if re.search(r"missing\s+key", text, flags=re.IGNORECASE):
        return CensusInvalidKey(
            f"the Census API needs a key{where} (its 'Missing Key' page): set CENSUS_API_KEY or pass key=. "
            "Keys are free at api.census.gov/data/key_signup.html.", status=status, url=url)
    return CensusHTMLErrorPage(_scrub(f"the Census API answered with an HTML page ('{title}'){where} "
                                      "instead of JSON data", key), status=status, url=url)


def _text_error(text: str) -> CensusAPIError:
    """The exception of a plain-text error answer (``error: unknown variable 'B99999_001E'``) kept as data."""
    body = http.mask_secrets(" ".join(text.split())[:300])
    unknown = re.search(r"unknown variable '([^']+)'", text)
    if unknown:
        return CensusUnknownVariable(f"the Census API does not know variable '{unknown.group(1)}' in this dataset "
                                     f"and year ({body})", variable=unknown.group(1))
    return CensusRequestError(f"an error answer of the Census API, not data: {body}")


def _decode_payload(payload) -> list[list]:
    """The list of rows of an answer given as JSON text, bytes or already decoded."""
    if isinstance(payload, bytes):
        payload = csvfile.decode_utf8(payload, "not a Census API answer", CensusAPIError)
    if isinstance(payload, str):
        text = payload.strip()
        if not text:
            raise CensusNoData("the Census API answer is empty: no data for that geography")
        if text.startswith("<"):
            raise _html_error(text, status=None, url=None, key=None)
        if text.lower().startswith("error:"):
            raise _text_error(text)
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CensusAPIError(f"not a Census API answer (invalid JSON: {exc.msg} at line {exc.lineno}; "
                                 f"cut off?): {http.mask_secrets(text[:120])!r}") from None
    if payload == []:
        raise CensusNoData("the Census API answer is an empty list: no data for that geography")
    if not isinstance(payload, list) or not payload or not all(isinstance(r, list) for r in payload):
        raise CensusAPIError("not a Census API answer: expected a JSON array of arrays with a header row")
    header = payload[0]
    if not all(isinstance(c, str) for c in header):
        raise CensusAPIError("not a Census API answer: the first row is not a header of column names")
    for number, row in enumerate(payload[1:], start=2):
        if len(row) != len(header):
            raise CensusAPIError(f"not a Census API answer: row {number} has {len(row)} cells, "
                                 f"the header {len(header)}")
    return payload


def _rows_to_raw_frame(rows: list[list]) -> pd.DataFrame:
    """The answer as a wide frame of untouched cells (strings, numbers or None)."""
    header, body = rows[0], rows[1:]
    if len(set(header)) != len(header):
        raise CensusAPIError("not a Census API answer: the header repeats a column name")
    return pd.DataFrame(body, columns=header, dtype=object)


def _geography_columns(columns: Iterable[str]) -> list[str]:
    present = set(columns)
    return [c for c in GEOGRAPHY_WIDTHS if c in present]


def _geoids(raw: pd.DataFrame) -> pd.Series:
    """GEOID of each row: the geography codes joined in hierarchy order (state+county+tract, ...)."""
    geo_cols = _geography_columns(raw.columns)
    if not geo_cols:
        if "GEO_ID" in raw.columns:
            # "1400000US42003020100" -> "42003020100"
            return raw["GEO_ID"].astype(str).str.split("US").str[-1]
        raise CensusAPIError("not a Census API answer: no geography columns (state, county, tract, ...)")
    parts = []
    for col in geo_cols:
        codes = raw[col].map(lambda v: "" if _is_missing(v) else str(v).strip())
        # saved copies (an R export, a spreadsheet) may have lost the leading zeros
        codes = codes.map(lambda c, w=GEOGRAPHY_WIDTHS[col]: c.zfill(w) if c.isdigit() else c)
        parts.append(codes)
    geoid = parts[0]
    for part in parts[1:]:
        geoid = geoid + part
    return geoid


def _variable_columns(columns: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{base: {kind: column}}`` for every variable column, in the order the answer lists them."""
    found: dict[str, dict[str, str]] = {}
    geo = set(GEOGRAPHY_WIDTHS)
    for col in columns:
        if col in META_COLUMNS or col in geo:
            continue
        match = _VARIABLE.match(col)
        if not match:
            log.debug("Census answer column %r is not a variable; left out", col)
            continue
        kind = match["kind"] or "E"
        kind = "E" if kind == "N" else kind
        found.setdefault(match["base"], {})[kind] = col
    return {base: kinds for base, kinds in found.items() if "E" in kinds or "M" in kinds}


def decode_column(cells: pd.Series, annotations: pd.Series | None = None, *,
                  is_moe: bool = False) -> tuple[np.ndarray, list[str | None]]:
    """A whole column of an answer as ``(numbers, notes)``, as :func:`decode_value` reads each cell.

    Plain numbers and the known special values are decoded at once with
    :func:`indicators.core.moe.clean_sentinels` (``-555555555`` becomes 0 on a margin of error); cells
    with an annotation, a top- or bottom-coded median, an unrecognised special value, text or null
    go through :func:`decode_value`.
    """
    numbers = pd.to_numeric(cells.astype(object), errors="coerce").astype("float64")
    clean, reasons = moe.clean_sentinels(numbers, controlled_moe_as_zero=is_moe)
    special = reasons.notna().to_numpy()
    annotated = (np.zeros(len(cells), dtype=bool) if annotations is None
                 else ~annotations.map(_is_missing).to_numpy(dtype=bool))
    # every special value is a run of nine equal digits below zero; ones the table does not know
    # (such as -111111111) are named by decode_value
    unknown_code = (numbers <= -111111111).to_numpy() & ~special
    by_cell = numbers.isna().to_numpy() | annotated | unknown_code
    values = clean.to_numpy(dtype="float64", copy=True)
    notes: list[str | None] = [_special_note(int(n)) if s else None for n, s in zip(numbers, special)]
    ann = annotations.to_numpy() if annotations is not None else None
    cell_values = cells.to_numpy()
    for i in np.flatnonzero(by_cell):
        values[i], notes[i] = decode_value(cell_values[i], None if ann is None else ann[i], is_moe=is_moe)
    return values, notes


def tidy_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Long tidy frame from a wide answer frame (header row as columns, cells untouched)."""
    geoid = _geoids(raw)
    names = raw["NAME"] if "NAME" in raw.columns else pd.Series([None] * len(raw), index=raw.index)
    names = names.map(lambda v: None if _is_missing(v) else str(v))
    pieces = []
    for base, kinds in _variable_columns(raw.columns).items():
        est_cells = raw[kinds["E"]] if "E" in kinds else pd.Series([None] * len(raw), index=raw.index)
        est, est_notes = decode_column(est_cells, raw[kinds["EA"]] if "EA" in kinds else None)
        if "M" in kinds:
            moe_values, moe_notes = decode_column(raw[kinds["M"]], raw[kinds["MA"]] if "MA" in kinds else None,
                                                  is_moe=True)
        else:
            # the dataset publishes no margin of error for this variable (decennial counts, some
            # subject-table answers saved without their M columns)
            moe_values, moe_notes = np.full(len(raw), np.nan), [None] * len(raw)
        pieces.append(pd.DataFrame({
            "GEOID": geoid.to_numpy(),
            "NAME": names.to_numpy(),
            "variable": base,
            "estimate": est,
            "moe": moe_values,
            "estimate_note": pd.Series(est_notes, dtype=object).to_numpy(),
            "moe_note": pd.Series(moe_notes, dtype=object).to_numpy(),
        }))
    if not pieces:
        return _empty_tidy()
    tidy = pd.concat(pieces, ignore_index=True)
    order = {v: i for i, v in enumerate(tidy["variable"].unique())}
    tidy = tidy.assign(_v=tidy["variable"].map(order)).sort_values(["GEOID", "_v"], kind="stable")
    tidy = tidy.drop(columns="_v").reset_index(drop=True)[TIDY_COLUMNS]
    for col in ("estimate_note", "moe_note"):
        # one missing marker for "no note", whichever way the pieces were concatenated
        tidy[col] = tidy[col].astype(object).where(tidy[col].notna(), None)
    return tidy


def _empty_tidy() -> pd.DataFrame:
    return pd.DataFrame({
        "GEOID": pd.Series(dtype=object), "NAME": pd.Series(dtype=object),
        "variable": pd.Series(dtype=object), "estimate": pd.Series(dtype="float64"),
        "moe": pd.Series(dtype="float64"), "estimate_note": pd.Series(dtype=object),
        "moe_note": pd.Series(dtype=object),
    })


def parse_api_response(payload) -> pd.DataFrame:
    """Tidy frame from a Census Data API answer.

    Parameters
    ----------
    payload : str, bytes or list of lists
        The JSON text of the answer, or the decoded array of arrays (header row first).

    Returns
    -------
    pandas.DataFrame
        ``GEOID, NAME, variable, estimate, moe, estimate_note, moe_note``: one row per geography and
        variable (``variable`` without its ``E``/``M`` suffix, e.g. ``B25070_007``), numbers as floats,
        special values decoded as described in the module docstring. GEOID joins the geography codes
        (state 2 + county 3 + tract 6 digits for a tract).

    Raises
    ------
    CensusNoData
        For an empty answer.
    CensusHTMLErrorPage
        For an HTML page (``CensusInvalidKey`` when it is the key page).
    CensusAPIError
        For anything that is not an array of arrays with a header row.
    """
    return tidy_frame(_rows_to_raw_frame(_decode_payload(payload)))


def read_api_file(path: str | Path) -> pd.DataFrame:
    """Tidy frame from a saved answer: the JSON text, or a CSV export of it.

    A ``.csv`` is read as the data-frame export of an answer that R writes (``write.csv``): the header
    row, then one row per geography, and a first column with an empty name holding the row number,
    which is dropped. Every cell is read as text so that codes keep their leading zeros.

    Raises the exceptions of :func:`parse_api_response`, with the file name in the message: a saved
    error page or error text raises what the live answer would have (``CensusInvalidKey``,
    ``CensusUnknownVariable`` ...); a file that is cut off, empty or not UTF-8 raises
    :class:`CensusAPIError` (:class:`CensusNoData` for an empty JSON answer).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no Census API file at {path}")
    if path.suffix.lower() == ".csv":
        frame = csvfile.read_csv(path, error=CensusAPIError, dtype=str, keep_default_na=False)
        first = frame.columns[0]
        if first == "" or first.startswith("Unnamed: 0"):
            frame = frame.drop(columns=first)
        frame = frame.astype(object).where(frame != "NA", None)
        try:
            return tidy_frame(frame)
        except CensusAPIError as exc:
            raise CensusAPIError(f"{path.name}: {exc}") from None
    try:
        return parse_api_response(path.read_bytes())
    except CensusAPIError as exc:
        extra = {"variable": exc.variable} if isinstance(exc, CensusUnknownVariable) else {}
        raise type(exc)(f"{path.name}: {exc}", **extra) from None


# ----------------------------------------------------------------------------------- requesting


def _fips(value, width: int, what: str) -> str:
    text = str(value).strip()
    if text == "*":
        return text
    if not text.isdigit() or len(text) > width:
        raise ValueError(f"{what} should be a {width}-digit FIPS code, got {value!r}")
    return text.zfill(width)


def _fips_list(value, width: int, what: str) -> str:
    values = [value] if isinstance(value, (str, int)) else list(value)
    if not values:
        raise ValueError(f"{what}: empty list of codes")
    return ",".join(_fips(v, width, what) for v in values)


def census_geography(geography: str, *, state, county=None, place=None) -> dict[str, str]:
    """The ``for``/``in`` predicates of a request.

    ============  =============================  ==============================================
    geography     for                            in
    ============  =============================  ==============================================
    tract         ``tract:*``                    ``state:42 county:003`` (or ``state:42``)
    block group   ``block group:*``              ``state:42 county:003 tract:*`` (county ``*``
                                                 when none is given: the API requires a county)
    county        ``county:003`` (or ``*``)      ``state:42``
    place         ``place:61000`` (or ``*``)     ``state:42``
    ============  =============================  ==============================================
    """
    state_code = _fips_list(state, 2, "state")
    if geography == "tract":
        within = f"state:{state_code}"
        if county is not None:
            within += f" county:{_fips_list(county, 3, 'county')}"
        return {"for": "tract:*", "in": within}
    if geography == "block group":
        county_code = "*" if county is None else _fips_list(county, 3, "county")
        return {"for": "block group:*", "in": f"state:{state_code} county:{county_code} tract:*"}
    if geography == "county":
        county_code = "*" if county is None else _fips_list(county, 3, "county")
        return {"for": f"county:{county_code}", "in": f"state:{state_code}"}
    if geography == "place":
        place_code = "*" if place is None else _fips_list(place, 5, "place")
        return {"for": f"place:{place_code}", "in": f"state:{state_code}"}
    raise ValueError(f"unsupported geography {geography!r}: use one of {', '.join(GEOGRAPHIES)}")


def _is_decennial(dataset: str) -> bool:
    return dataset.strip("/").startswith("dec/")


def request_columns(variables: Iterable[str], dataset: str = "acs/acs5") -> list[tuple[str, ...]]:
    """The columns to ask for each variable: ``(code E, code M)`` for ACS, the code itself otherwise.

    ``B25070_007`` and ``B25070_007E`` both give ``("B25070_007E", "B25070_007M")``; the decennial
    census publishes counts without margins of error, so its codes are asked for as given.
    """
    out: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for raw in variables:
        code = str(raw).strip()
        if not code:
            continue
        if _is_decennial(dataset):
            cols: tuple[str, ...] = (code,)
        else:
            base = re.sub(r"(EA|MA|E|M)$", "", code) if re.search(r"\d(P)?(EA|MA|E|M)$", code) else code
            cols = (f"{base}E", f"{base}M")
        if cols[0] not in seen:
            seen.add(cols[0])
            out.append(cols)
    return out


def plan_requests(variables: Sequence[str] | None, groups: Sequence[str] | None,
                  dataset: str = "acs/acs5") -> list[list[str]]:
    """The ``get`` list of each call.

    ``NAME`` plus at most 49 more columns per call (the API's limit is 50), an estimate never split
    from its margin of error; one call per group, as ``group(B25070)``.
    """
    calls: list[list[str]] = []
    current: list[str] = ["NAME"]
    for cols in request_columns(variables or [], dataset):
        if len(current) + len(cols) > MAX_GET_VARIABLES:
            calls.append(current)
            current = ["NAME"]
        current.extend(cols)
    if len(current) > 1:
        calls.append(current)
    for group in groups or []:
        name = str(group).strip()
        if not re.fullmatch(r"[A-Z0-9]+[A-Z0-9_]*", name):
            raise ValueError(f"not a table id: {group!r} (expected e.g. 'B25070')")
        calls.append([f"group({name})"])
    return calls


def _query_string(get: list[str], geography: Mapping[str, str]) -> str:
    # Written out by hand so the URL reads as the API documents it (for=tract:*&in=state:42 county:003):
    # only the space is escaped, as %20.
    parts = [f"get={quote(','.join(get), safe=',():*!')}"]
    for name in ("for", "in"):
        if geography.get(name):
            parts.append(f"{name}={quote(geography[name], safe=',:*')}")
    return "&".join(parts)


def _check_answer(resp: requests.Response, *, key: str | None, session: requests.Session) -> None:
    """Raise the exception that an error answer stands for."""
    url = _scrub(resp.url or "", key)
    for step in list(resp.history) + [resp]:
        if step.headers.get("X-DataWebAPI-KeyError"):
            if resp.status_code == 200:
                http.forget_cached(session, resp)
            missing = "missing_key" in (step.headers.get("Location", "") + (resp.url or ""))
            raise _html_error("Missing Key" if missing else "Invalid Key", status=step.status_code, url=url,
                              key=key)
    final_path = (resp.url or "").split("?")[0]
    if final_path.endswith(("invalid_key.html", "missing_key.html")):
        http.forget_cached(session, resp)
        raise _html_error("Missing Key" if "missing" in final_path else "Invalid Key", status=resp.status_code,
                          url=url, key=key)
    if resp.status_code == 204 or (resp.status_code == 200 and not resp.content.strip()):
        if resp.status_code == 200:
            http.forget_cached(session, resp)
        raise CensusNoData(f"no data: the Census API answered {resp.status_code} with an empty body for {url}",
                           status=resp.status_code, url=url)
    text = resp.text
    content_type = resp.headers.get("Content-Type", "")
    if "html" in content_type.lower() or text.lstrip().startswith("<"):
        if resp.status_code == 200:
            http.forget_cached(session, resp)
        raise _html_error(text, status=resp.status_code, url=url, key=key)
    if resp.status_code >= 400:
        body = _scrub(" ".join(text.split())[:300], key)
        unknown = re.search(r"unknown variable '([^']+)'", text)
        if resp.status_code == 400 and unknown:
            raise CensusUnknownVariable(
                f"the Census API does not know variable '{unknown.group(1)}' in this dataset and year "
                f"({body}) for {url}", variable=unknown.group(1), status=400, url=url)
        raise CensusRequestError(f"the Census API answered HTTP {resp.status_code}: {body or '(no body)'} "
                                 f"for {url}", status=resp.status_code, url=url)


def _get_rows(base_url: str, query: str, *, key: str | None, session: requests.Session | None) -> list[list]:
    sess = session or http.get_session()
    params = {"key": key} if key else None
    resp = http.get(f"{base_url}?{query}", params=params, session=sess)
    _check_answer(resp, key=key, session=sess)
    try:
        return _decode_payload(resp.text)
    except CensusAPIError as exc:
        if resp.status_code == 200:
            http.forget_cached(sess, resp)  # a damaged or empty answer is asked for again next time
        extra = {"variable": exc.variable} if isinstance(exc, CensusUnknownVariable) else {}
        raise type(exc)(_scrub(f"{exc} (from {resp.url})", key), status=resp.status_code,
                        url=_scrub(resp.url or "", key), **extra) from None


def _merge_on_geography(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Join the wide answers of several calls on their geography columns."""
    merged = frames[0]
    for frame in frames[1:]:
        keys = _geography_columns(frame.columns) or ["GEO_ID"]
        missing = [k for k in keys if k not in merged.columns]
        if missing:
            raise CensusAPIError(f"cannot merge Census answers: geography columns {missing} differ between calls")
        new = [c for c in frame.columns if c not in merged.columns or c in keys]
        merged = merged.merge(frame[new], on=keys, how="outer", validate="one_to_one")
        if "NAME" in frame.columns and merged["NAME"].isna().any():
            names = dict(zip(frame[keys].astype(str).agg("|".join, axis=1), frame["NAME"]))
            fill = merged[keys].astype(str).agg("|".join, axis=1).map(names)
            merged["NAME"] = merged["NAME"].where(merged["NAME"].notna(), fill)
    return merged


def fetch_acs(variables: Sequence[str] | str | None = None, groups: Sequence[str] | str | None = None, *,
              year: int, geography: str = "tract", state, county=None, place=None,
              dataset: str = "acs/acs5", key: str | None = None,
              session: requests.Session | None = None) -> pd.DataFrame:
    """Estimates and margins of error from the Census Data API, as a tidy long frame.

    Parameters
    ----------
    variables : list of str, optional
        Variable codes with or without the ``E`` suffix (``"B25070_007"``, ``"B25070_007E"``); for ACS
        datasets both the estimate (``E``) and the margin of error (``M``) are requested.
    groups : list of str, optional
        Whole tables, requested as ``get=group(B25070)`` (estimates, MOEs and their annotations).
    year : int
        Release year; for the 5-year ACS the last year of the period (2016 = 2012-2016).
    geography : {"tract", "block group", "county", "place"}
    state, county, place : str or int or list
        FIPS codes (``"42"``, ``"003"``, ``"61000"``); ``county``/``place`` default to all.
    dataset : str
        Path of the dataset under the year: ``"acs/acs5"``, ``"acs/acs5/subject"``, ``"acs/acs5/profile"``,
        ``"dec/pl"`` ...
    key : str, optional
        Census API key; defaults to the ``CENSUS_API_KEY`` environment variable.
    session : requests.Session, optional
        Defaults to the library's cached session (retries and offline mode included).

    Returns
    -------
    pandas.DataFrame
        See :func:`parse_api_response`. More than 50 columns are fetched in several calls and merged on
        the geography columns.

    Raises
    ------
    CensusInvalidKey, CensusHTMLErrorPage, CensusUnknownVariable, CensusNoData, CensusRequestError
        For the corresponding answers; :class:`indicators.sources.http.OfflineError` in offline mode when the
        answer is not cached.
    """
    if isinstance(variables, str):
        variables = [variables]
    if isinstance(groups, str):
        groups = [groups]
    calls = plan_requests(variables, groups, dataset)
    if not calls:
        raise ValueError("fetch_acs needs variables or groups")
    key = key or os.environ.get("CENSUS_API_KEY") or None
    geo = census_geography(geography, state=state, county=county, place=place)
    base_url = f"{API_ROOT}/{int(year)}/{dataset.strip('/')}"
    if not key and not http.is_offline():
        log.warning("no Census API key (argument or CENSUS_API_KEY): the API refuses requests without one, "
                    "so only answers already in the cache can be used")
    frames = []
    for number, get in enumerate(calls, start=1):
        log.info("Census API %s %s %s: call %d of %d (%d columns)", year, dataset, geography, number,
                 len(calls), len(get))
        frames.append(_rows_to_raw_frame(_get_rows(base_url, _query_string(get, geo), key=key,
                                                   session=session)))
    return tidy_frame(_merge_on_geography(frames))


# -------------------------------------------------------------------------------- variable labels


def fetch_variable_labels(year: int, dataset: str, group: str, session: requests.Session | None = None, *,
                          key: str | None = None) -> pd.DataFrame:
    """Labels of a table's variables, from ``/data/{year}/{dataset}/groups/{group}.json``.

    Labels differ between releases (the B25038 "moved in" bins move every few years), so an indicator
    reads them for the year it uses instead of hard-coding them.

    Returns
    -------
    pandas.DataFrame
        ``name, label, concept``: one row per estimate, ``name`` without its suffix so that it matches
        the ``variable`` column of :func:`fetch_acs` (``B25038_003``,
        ``"Estimate!!Total!!Owner occupied!!Moved in 2015 or later"``).
    """
    key = key or os.environ.get("CENSUS_API_KEY") or None
    sess = session or http.get_session()
    url = f"{API_ROOT}/{int(year)}/{dataset.strip('/')}/groups/{group}.json"
    resp = http.get(url, params={"key": key} if key else None, session=sess)
    _check_answer(resp, key=key, session=sess)
    try:
        variables = resp.json()["variables"]
    except (ValueError, KeyError, TypeError):
        raise CensusAPIError(f"not a Census group description: {_scrub(resp.url or url, key)}",
                             status=resp.status_code, url=_scrub(resp.url or url, key)) from None
    rows = []
    for name, meta in variables.items():
        match = _VARIABLE.match(name)
        if not match or (match["kind"] or "E") not in {"E", "N"} or not isinstance(meta, dict):
            continue
        rows.append({"name": match["base"], "label": meta.get("label", ""), "concept": meta.get("concept", "")})
    if not rows:
        raise CensusAPIError(f"the group description lists no estimates: {_scrub(resp.url or url, key)}")
    return pd.DataFrame(rows).sort_values("name", kind="stable").reset_index(drop=True)


_MOVED_LATER = re.compile(r"Moved in (\d{4}) or later", re.IGNORECASE)
_MOVED_RANGE = re.compile(r"Moved in (\d{4})\s*(?:to|-|–)\s*(\d{4})", re.IGNORECASE)
_MOVED_EARLIER = re.compile(r"Moved in (\d{4}) (?:or|and) earlier", re.IGNORECASE)


def moved_in_bins(labels: pd.DataFrame | Mapping[str, str], survey_end_year: int) -> pd.DataFrame:
    """The move-in years each bin of B25038 (tenure by year householder moved into unit) covers.

    Parameters
    ----------
    labels : DataFrame with ``name`` and ``label`` columns, or a mapping name -> label
        As returned by :func:`fetch_variable_labels` for the same release.
    survey_end_year : int
        Last year of the survey period (2016 for ACS 2012-2016).

    Returns
    -------
    pandas.DataFrame
        ``variable, label, tenure, earliest_year, latest_year, min_years_in_unit`` for each bin, where
        ``earliest_year`` is the first move-in year of the bin (NaN for "... or earlier"),
        ``latest_year`` its last (``survey_end_year`` for "... or later"), and
        ``min_years_in_unit = survey_end_year - latest_year``: every household of the bin had lived in
        its unit at least that many years when surveyed. Households there 10 years or more are the sum
        of the bins with ``min_years_in_unit >= 10``; e.g. for 2016, "1990 to 1999" (17), "1980 to 1989"
        (27) and "1979 or earlier" (37), while "2000 to 2009" (7) straddles the line and is left out.

    Raises
    ------
    ValueError
        When no label is a "Moved in" bin, or a bin ends after ``survey_end_year`` (labels of another
        release).
    """
    if isinstance(labels, pd.DataFrame):
        pairs = list(zip(labels["name"], labels["label"]))
    else:
        pairs = list(labels.items())
    rows = []
    for name, label in pairs:
        text = str(label)
        parts = [p.strip().rstrip(":").strip() for p in text.split("!!")]
        tenure = None
        if any(p.lower().startswith("owner occupied") for p in parts):
            tenure = "owner"
        elif any(p.lower().startswith("renter occupied") for p in parts):
            tenure = "renter"
        if m := _MOVED_LATER.search(text):
            earliest, latest = float(m.group(1)), survey_end_year
        elif m := _MOVED_RANGE.search(text):
            earliest, latest = float(m.group(1)), int(m.group(2))
        elif m := _MOVED_EARLIER.search(text):
            earliest, latest = np.nan, int(m.group(1))
        else:
            continue
        if latest > survey_end_year or (not np.isnan(earliest) and earliest > survey_end_year):
            raise ValueError(f"bin {name} ({parts[-1]}) ends after {survey_end_year}: labels of another release?")
        variable = re.sub(r"(EA|MA|E|M)$", "", str(name)) if re.search(r"\d(E|M|EA|MA)$", str(name)) else str(name)
        rows.append({"variable": variable, "label": text, "tenure": tenure, "earliest_year": earliest,
                     "latest_year": int(latest), "min_years_in_unit": int(survey_end_year - latest)})
    if not rows:
        raise ValueError("no 'Moved in ...' bins among the labels (is this table B25038?)")
    return pd.DataFrame(rows)
