"""Arrests, firearm seizures and stops from a city's police open data, and their aggregates.

The raw tables (from :mod:`indicators.sources.ckan` or :mod:`indicators.sources.socrata`, or their
CSV downloads) are turned into one normalised frame per kind with the city config's field map
(``[policing.arrests.fields]``, ``[policing.firearm_seizures.fields]``) and race codes
(``[policing.arrests.race_codes]``). Normalised frames hold individual records, some with block-level
addresses and coordinates: they carry ``attrs["individual_records"] = True`` and must stay inside
the build. Only the outputs of the ``aggregate_*`` functions (counts per area, with the period they
cover) are meant for the snapshot.

Every value dropped on the way (a tract code that is not a tract, an age that cannot be one, a date
that does not parse) is counted in ``attrs["notes"]`` and logged, so a figure never silently loses
records.

Published files come as CSV, gzipped CSV or an Excel sheet (:func:`read_records`). Records that carry
block coordinates instead of a tract are placed in areas by :func:`place_points`. Stop records that
only say the police district of the stop are counted by district and group in :func:`aggregate_stops`,
and the districts are drawn by dissolving the police service areas (:func:`districts_from_service_areas`).

Race and ethnicity
    ``race_codes`` maps each published race code (compared in upper case) to a group name of the city
    config; a code it does not list, or a blank, counts as ``"unknown"``. Where ethnicity is published
    in a field of its own (``fields["ethnicity"]``), ``hispanic_values`` lists the values that make a
    record Hispanic or Latino: such a record counts in the ``"hispanic"`` group whatever its race, as
    the Census counts Hispanic residents in the population shares the counts are compared with (the
    other groups then hold the records not recorded as Hispanic; an ethnicity recorded as unknown
    leaves the record in its race group). Without ``hispanic_values`` ethnicity is kept but does not
    change the group. Where race and ethnicity share one field (``Hispanic/Latino`` among the races),
    ``race_codes`` maps that value like any other.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence
from zlib import error as zlib_error

import numpy as np
import pandas as pd

from indicators.sources import csvfile

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

ARREST_COLUMNS = ["record_id", "date", "year", "race_code", "race", "ethnicity", "age", "sex", "tract_geoid",
                  "neighborhood", "lon", "lat"]
STOP_COLUMNS = ["district", "group", "stops", "searches", "arrests", "period_start", "period_end"]
HISPANIC_GROUP = "hispanic"
#: values that mean "no value" in police exports (compared in upper case, after stripping)
MISSING_VALUES = frozenset({"", "NA", "N/A", "NULL", "#N/A"})
#: values of an outcome flag that mean "no" (anything else -- 1, TRUE, a date, a charge -- means yes)
FALSE_VALUES = MISSING_VALUES | {"0", "0.0", "FALSE", "F", "NO", "N", "NONE"}
#: metres per degree of latitude, for the rounding of published coordinates
_METRES_PER_DEGREE = 111_320
SEIZURE_COLUMNS = ["record_id", "date", "year", "month", "count", "tract_geoid", "neighborhood", "lon", "lat"]
UNKNOWN_RACE = "unknown"
#: ages outside this range are recording errors (one city's file holds 0, 117 and 999)
PLAUSIBLE_AGE = (1, 100)
TRACT_FORMATS = ("tract_number", "geoid")
#: first year of one city's arrest dataset; earlier years in the student aggregate are strays
ARRESTS_FIRST_YEAR = 2016

_TRACT_NUMBER = re.compile(r"^(\d{1,4})(?:\.(\d{1,2}))?$")
_TRACTCE = re.compile(r"^\d{6}$")
_GEOID = re.compile(r"^(\d{11})(?:\.0+)?$")


def _frame(records: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    return frame.reset_index(drop=True)


def _column(frame: pd.DataFrame, fields: Mapping[str, str], key: str, *, required: bool = True) -> pd.Series:
    """The source column the field map names for ``key``, as stripped text (blank -> missing)."""
    name = fields.get(key)
    if name is None or name not in frame.columns:
        if required:
            raise KeyError(f"field map entry '{key}' -> {name!r} is not a column of the records "
                           f"(columns: {', '.join(map(str, frame.columns))})")
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    text = frame[name].astype("str").str.strip()
    return text.mask(text == "")


def _county_list(county_fips: str | Sequence[str]) -> list[str]:
    return [county_fips] if isinstance(county_fips, str) else list(county_fips)


def tract_geoids(codes: pd.Series, tract_format: str, *, state_fips: str, county_fips: str | Sequence[str],
                 valid_tracts: Iterable[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """Turn the tract field of police records into 11-digit tract GEOIDs.

    Parameters
    ----------
    codes : Series of str
        The raw tract field (missing where the record has none).
    tract_format : {"tract_number", "geoid"}
        ``"tract_number"``: the Census tract number without its decimal point, as one city's
        police publish it (``1702`` is tract 1702 -> TRACTCE ``170200``; ``1702.01`` and the
        six-digit ``170201`` are read too); the state and the (single) county code complete it:
        GEOID = state + county + TRACTCE. ``"geoid"``: already an 11-digit GEOID, which must lie
        in one of the given counties.
    valid_tracts : iterable of str, optional
        GEOIDs of the tract vintage the records use; a well-formed code that is not one of them
        (a retired tract number, a placeholder such as ``5599`` for "outside the city") is rejected.

    Returns
    -------
    (geoids, rejected) : tuple of Series
        ``geoids`` holds the GEOID or missing; ``rejected`` is True where a non-blank code could
        not be used.
    """
    if tract_format not in TRACT_FORMATS:
        raise ValueError(f"tract_format must be one of {TRACT_FORMATS}, got {tract_format!r}")
    counties = _county_list(county_fips)
    prefixes = tuple(state_fips + c for c in counties)

    def convert(code: Any) -> Any:
        if code is None or pd.isna(code):
            return None
        code = str(code).strip()
        if tract_format == "geoid":
            match = _GEOID.match(code)
            return match.group(1) if match and match.group(1).startswith(prefixes) else None
        if len(counties) != 1:
            raise ValueError("tract_format 'tract_number' needs exactly one county: the tract number does "
                             f"not say which of {counties} it lies in")
        if _TRACTCE.match(code):
            return prefixes[0] + code
        match = _TRACT_NUMBER.match(code)
        if not match:
            return None
        return prefixes[0] + match.group(1).zfill(4) + (match.group(2) or "").ljust(2, "0")

    geoids = codes.map(convert).astype("str")
    if valid_tracts is not None:
        geoids = geoids.where(geoids.isin(set(valid_tracts)))
    rejected = codes.notna() & geoids.isna()
    return geoids, rejected


class RecordsError(ValueError):
    """A records file that cannot be read: the message names the file and what is wrong."""


def _cell_text(value: Any) -> str:
    """An Excel cell as the text a CSV export would hold (``708``, ``38.82``, ``2024-01-01``, blank)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _read_sheet(path: Path, sheet: str | None) -> pd.DataFrame:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    label = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise RecordsError(f"{label}: not an Excel workbook (.xlsx) that can be read ({exc})") from None
    try:
        if sheet is None:
            if len(book.sheetnames) != 1:
                raise RecordsError(f"{label}: say which sheet to read (sheet=); the workbook has "
                                   f"{', '.join(map(repr, book.sheetnames))}")
            sheet = book.sheetnames[0]
        if sheet not in book.sheetnames:
            raise RecordsError(f"{label}: no sheet {sheet!r}; the workbook has {', '.join(map(repr, book.sheetnames))}")
        rows = book[sheet].iter_rows(values_only=True)
        header: list[str] = []
        for row in rows:
            if any(v is not None and str(v).strip() for v in row):
                header = [_cell_text(v).strip() for v in row]
                break
        if not header:
            raise RecordsError(f"{label}: sheet {sheet!r} is empty")
        while header and not header[-1]:
            header.pop()
        blank = [i + 1 for i, h in enumerate(header) if not h]
        if blank:
            raise RecordsError(f"{label}: sheet {sheet!r} has header cells without a name (columns {blank[:10]})")
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated:
            raise RecordsError(f"{label}: sheet {sheet!r} names columns twice: {', '.join(duplicated)}")
        width = len(header)
        data = []
        for row in rows:
            cells = [_cell_text(v) for v in row[:width]]
            if not any(c.strip() for c in cells):
                continue  # blank or formatted-only rows
            if len(row) > width and any(_cell_text(v).strip() for v in row[width:]):
                raise RecordsError(f"{label}: sheet {sheet!r}, row {len(data) + 2}: values beyond the header's "
                                   f"{width} columns")
            data.append(cells + [""] * (width - len(cells)))
    finally:
        book.close()
    frame = pd.DataFrame(data, columns=header, dtype="str")
    frame.attrs["sheet"] = sheet
    return frame


def read_records(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Published police records as a text frame: a ``.csv``, a gzipped ``.csv.gz`` or an ``.xlsx`` sheet.

    CSV text must be UTF-8 (a byte-order mark is allowed) with as many fields on every row as in the
    header (:func:`indicators.sources.csvfile.read_csv`); a gzip that is cut off or is not gzip is
    refused. In a workbook the header is the first non-blank row of the sheet; every cell becomes the
    text a CSV export would hold: whole numbers without ``.0`` (a PSA ``708``), decimals as written
    (``38.82``), dates as ``YYYY-MM-DD`` (``YYYY-MM-DDTHH:MM:SS`` with a time), empty cells blank.
    Blank rows are skipped.

    Parameters
    ----------
    path : str or Path
        The file; its suffix (``.csv``, ``.gz``, ``.xlsx``/``.xlsm``) says how to read it.
    sheet : str, optional
        The sheet of a workbook; needed when it has several.

    Returns
    -------
    pandas.DataFrame
        One row per record, every column as str (blank -> ``""``), the file's column names.
        ``attrs["individual_records"]`` is True: such frames stay inside the build.

    Raises
    ------
    RecordsError
        For a file that cannot be read whole, with a message naming it.
    """
    path = Path(path)
    label = path.name
    suffix = path.suffix.lower()
    if path.is_dir():
        raise RecordsError(f"{label}: is a folder, not a file")
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_sheet(path, sheet)
    elif sheet is not None:
        raise RecordsError(f"{label}: sheet={sheet!r} was given, but the file is not an Excel workbook (.xlsx)")
    elif suffix == ".gz":
        try:
            data = gzip.decompress(path.read_bytes())
        except (gzip.BadGzipFile, EOFError, OSError, zlib_error) as exc:
            why = "it is cut off (an incomplete download?)" if isinstance(exc, EOFError) else f"not gzip data ({exc})"
            raise RecordsError(f"{label}: cannot be decompressed: {why}") from None
        text = io.BytesIO(data)
        text.name = path.name[: -len(path.suffix)]
        frame = csvfile.read_csv(text, error=RecordsError, dtype=str, keep_default_na=False)
    elif suffix in (".csv", ".txt", ""):
        frame = csvfile.read_csv(path, error=RecordsError, dtype=str, keep_default_na=False)
    else:
        raise RecordsError(f"{label}: records are read from .csv, .csv.gz or .xlsx files, not {suffix!r}")
    frame.attrs["individual_records"] = True
    frame.attrs["source"] = label
    return frame


def _coordinates(frame: pd.DataFrame, fields: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    lon_key = "x" if "x" in fields else "longitude"
    lat_key = "y" if "y" in fields else "latitude"
    lon = pd.to_numeric(_column(frame, fields, lon_key, required=False), errors="coerce")
    lat = pd.to_numeric(_column(frame, fields, lat_key, required=False), errors="coerce")
    # a point at 0,0 or off the globe is a geocoding failure, not a place
    bad = lon.abs().gt(180) | lat.abs().gt(90) | (lon.eq(0) & lat.eq(0))
    return lon.mask(bad).astype("float64"), lat.mask(bad).astype("float64")


def _record_ids(frame: pd.DataFrame, fields: Mapping[str, str]) -> pd.Series:
    if fields.get("id") and fields["id"] in frame.columns:
        return _column(frame, fields, "id")
    # no id in the source: the row position keeps records distinguishable inside the build
    return pd.Series(frame.index.astype("str"), index=frame.index, dtype="str")


def _report_tracts(notes: list[str], attrs: dict, codes: pd.Series, rejected: pd.Series, what: str) -> None:
    values = sorted(codes[rejected].unique().tolist())
    attrs["tract_rejects"] = {"rows": int(rejected.sum()), "values": values}
    attrs["tract_missing"] = int(codes.isna().sum())
    if rejected.any():
        note = (f"{what}: {int(rejected.sum())} records with a tract code that is not a usable tract "
                f"({len(values)} distinct codes, e.g. {', '.join(values[:8])}) have no tract")
        notes.append(note)
        log.warning(note)


def _dates(raw: pd.Series, timezone: str | None, notes: list[str], what: str) -> pd.Series:
    """Dates and times as naive timestamps; times with an offset (``2023/01/01 23:00:00+00``) are
    converted to ``timezone`` (local time) or, without one, to UTC (with a note), then stored without
    the zone."""
    try:
        parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):
        # offsets on some rows only: read all of them as UTC (naive times taken as UTC)
        parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        if timezone is None:
            notes.append(f"{what}: times carry a UTC offset and are counted by their UTC date (no timezone given)")
        parsed = parsed.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
    return parsed


def _race_groups(frame: pd.DataFrame, fields: Mapping[str, str], race_codes: Mapping[str, str],
                 hispanic_values: Iterable[str] | None, notes: list[str], what: str) -> tuple[pd.Series, ...]:
    """``(race_code, group, ethnicity)`` of each record (see "Race and ethnicity" in the module docstring)."""
    code = _column(frame, fields, "race").str.upper()
    code = code.mask(code.isin(MISSING_VALUES))
    groups = {str(k).strip().upper(): v for k, v in race_codes.items()}
    group = code.map(groups).fillna(UNKNOWN_RACE).astype("str")
    unmapped = sorted(code[code.notna() & ~code.isin(groups.keys())].unique().tolist())
    if unmapped:
        notes.append(f"{what}: race codes {', '.join(unmapped)} are not in the city's race_codes and count as "
                     f"'{UNKNOWN_RACE}'")
    ethnicity = _column(frame, fields, "ethnicity", required="ethnicity" in fields).str.upper()
    hispanic = {str(v).strip().upper() for v in (hispanic_values or [])}
    if hispanic:
        if "ethnicity" not in fields:
            raise KeyError("hispanic_values need an 'ethnicity' entry in the field map (the ethnicity column)")
        is_hispanic = ethnicity.isin(hispanic)
        group = group.mask(is_hispanic, HISPANIC_GROUP)
        notes.append(f"{what}: {int(is_hispanic.sum())} records whose ethnicity is {' or '.join(sorted(hispanic))} "
                     f"count as '{HISPANIC_GROUP}' whatever their race")
    return code, group, ethnicity


def normalise_arrests(records: pd.DataFrame | Iterable[Mapping[str, Any]], fields: Mapping[str, str],
                      race_codes: Mapping[str, str], *, tract_format: str | None = None,
                      state_fips: str | None = None, county_fips: str | Sequence[str] | None = None,
                      valid_tracts: Iterable[str] | None = None,
                      hispanic_values: Iterable[str] | None = None, timezone: str | None = None) -> pd.DataFrame:
    """Arrest records in one shape, whatever the portal.

    Records are placed by a tract field, a neighborhood field, or their coordinates (or several of
    them). Records with only coordinates (``latitude``/``longitude`` in the field map, no ``tract``)
    get their tract and neighborhood from :func:`place_points` afterwards.

    Parameters
    ----------
    records : DataFrame or iterable of dict
        The published rows (text frame of :func:`read_records`, of
        :func:`indicators.sources.ckan.fetch_datastore` or :func:`indicators.sources.ckan.read_csv`,
        or of the Socrata loader).
    fields : mapping
        ``[policing.arrests.fields]``: source column for ``date``, ``race``, ``age``, ``sex``
        (required), ``id``, ``ethnicity``, ``tract``, ``neighborhood``, and the coordinates as
        ``x``/``y`` or ``longitude``/``latitude`` (optional; at least one of ``tract``,
        ``neighborhood`` or the coordinates). A key that is given must name a column.
    race_codes : mapping
        ``[policing.arrests.race_codes]``: published race code -> group name.
    tract_format, state_fips, county_fips, valid_tracts
        See :func:`tract_geoids`; needed only with a ``tract`` field.
    hispanic_values : iterable of str, optional
        Values of the ``ethnicity`` field that make a record ``"hispanic"`` whatever its race (see
        the module docstring).
    timezone : str, optional
        As in :func:`aggregate_stops`, for dates published with a UTC offset.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ARREST_COLUMNS`: ``record_id`` (str), ``date`` (datetime), ``year`` (Int64),
        ``race_code`` (str, upper case), ``race`` (group name; a code missing from ``race_codes``
        or blank -> ``"unknown"``), ``ethnicity`` (upper case, missing without an ethnicity field),
        ``age`` (float; outside :data:`PLAUSIBLE_AGE` -> NaN), ``sex``, ``tract_geoid`` (11-digit
        GEOID or missing; missing throughout without a tract field), ``neighborhood`` (stripped),
        ``lon``, ``lat``. ``attrs["notes"]`` lists what was dropped; ``attrs["tract_rejects"]``
        counts the rejected tract codes (with a tract field).
    """
    frame = _frame(records)
    has_coordinates = ("x" in fields and "y" in fields) or ("longitude" in fields and "latitude" in fields)
    if not ("tract" in fields or "neighborhood" in fields or has_coordinates):
        raise KeyError("the field map places records by none of 'tract', 'neighborhood' or coordinates "
                       "('latitude' and 'longitude', or 'x' and 'y')")
    notes: list[str] = []
    out = pd.DataFrame(index=frame.index)
    out["record_id"] = _record_ids(frame, fields)

    raw_date = _column(frame, fields, "date")
    out["date"] = _dates(raw_date, timezone, notes, "arrests")
    bad_dates = int((raw_date.notna() & out["date"].isna()).sum())
    if bad_dates:
        notes.append(f"arrests: {bad_dates} dates could not be read and are missing")
    out["year"] = out["date"].dt.year.astype("Int64")

    out["race_code"], out["race"], out["ethnicity"] = _race_groups(frame, fields, race_codes, hispanic_values,
                                                                   notes, "arrests")

    raw_age = pd.to_numeric(_column(frame, fields, "age"), errors="coerce")
    implausible = raw_age.notna() & ~raw_age.between(*PLAUSIBLE_AGE)
    out["age"] = raw_age.mask(implausible).astype("float64")
    if implausible.any():
        notes.append(f"arrests: {int(implausible.sum())} ages outside {PLAUSIBLE_AGE[0]}-{PLAUSIBLE_AGE[1]} "
                     f"({', '.join(sorted({f'{a:g}' for a in raw_age[implausible]}))}) are missing")

    out["sex"] = _column(frame, fields, "sex").str.upper()
    if "tract" in fields:
        if tract_format is None or state_fips is None or county_fips is None:
            raise ValueError("a 'tract' field needs tract_format, state_fips and county_fips")
        tract_codes = _column(frame, fields, "tract")
        out["tract_geoid"], rejected = tract_geoids(tract_codes, tract_format, state_fips=state_fips,
                                                    county_fips=county_fips, valid_tracts=valid_tracts)
        _report_tracts(notes, out.attrs, tract_codes, rejected, "arrests")
    else:
        out["tract_geoid"] = pd.Series(pd.NA, index=frame.index, dtype="str")
    out["neighborhood"] = _column(frame, fields, "neighborhood", required="neighborhood" in fields)
    out["lon"], out["lat"] = _coordinates(frame, fields)

    for note in notes:
        log.info(note)
    out.attrs["notes"] = notes
    out.attrs["individual_records"] = True
    return out[ARREST_COLUMNS]


def normalise_firearm_seizures(records: pd.DataFrame | Iterable[Mapping[str, Any]], fields: Mapping[str, str], *,
                               tract_format: str, state_fips: str, county_fips: str | Sequence[str],
                               valid_tracts: Iterable[str] | None = None) -> pd.DataFrame:
    """Firearm seizure records in one shape.

    Each record is one seizure incident; ``count`` is the number of firearms seized in it (the
    ``total_count`` field). The source gives only a year and a month, so ``date`` is the first day
    of that month.

    Parameters
    ----------
    fields : mapping
        ``[policing.firearm_seizures.fields]``: ``date_year``, ``date_month``, ``count``, ``tract``,
        ``neighborhood``, optional ``id``, ``x``, ``y``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SEIZURE_COLUMNS`; ``attrs`` as in :func:`normalise_arrests`.
    """
    frame = _frame(records)
    notes: list[str] = []
    out = pd.DataFrame(index=frame.index)
    out["record_id"] = _record_ids(frame, fields)
    year = pd.to_numeric(_column(frame, fields, "date_year"), errors="coerce")
    month = pd.to_numeric(_column(frame, fields, "date_month"), errors="coerce")
    month = month.where(month.between(1, 12))
    out["date"] = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}), errors="coerce")
    undated = int(out["date"].isna().sum())
    if undated:
        notes.append(f"firearm seizures: {undated} records without a usable year and month")
    out["year"] = year.astype("Int64")
    out["month"] = month.astype("Int64")
    count = pd.to_numeric(_column(frame, fields, "count"), errors="coerce")
    bad_count = count.isna() | count.lt(0)
    if bad_count.any():
        notes.append(f"firearm seizures: {int(bad_count.sum())} records without a usable firearm count count as 0")
    out["count"] = count.mask(bad_count, 0).astype("int64")
    tract_codes = _column(frame, fields, "tract")
    out["tract_geoid"], rejected = tract_geoids(tract_codes, tract_format, state_fips=state_fips,
                                                county_fips=county_fips, valid_tracts=valid_tracts)
    out["neighborhood"] = _column(frame, fields, "neighborhood")
    out["lon"], out["lat"] = _coordinates(frame, fields)

    _report_tracts(notes, out.attrs, tract_codes, rejected, "firearm seizures")
    out.attrs["notes"] = notes
    out.attrs["individual_records"] = True
    return out[SEIZURE_COLUMNS]


def _select_period(records: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    selected = records[records["date"].notna()]
    if start is not None:
        selected = selected[selected["date"] >= pd.Timestamp(start)]
    if end is not None:
        # an end date includes that whole day
        selected = selected[selected["date"] < pd.Timestamp(end) + pd.Timedelta(days=1)]
    return selected


def _with_period(table: pd.DataFrame, selected: pd.DataFrame, keys: list[str], records: pd.DataFrame,
                 what: str) -> pd.DataFrame:
    first, last = selected["date"].min(), selected["date"].max()
    table["period_start"] = first.normalize() if pd.notna(first) else pd.NaT
    table["period_end"] = last.normalize() if pd.notna(last) else pd.NaT
    no_key = selected[keys].isna().any(axis=1)
    table.attrs = {
        "period": (first, last),
        "records": int(len(selected)),
        "unassigned": int(no_key.sum()),
        "outside_period": int(len(records) - len(selected)),
        "notes": [f"{what}: {int(no_key.sum())} of {len(selected)} records have no {', '.join(keys)} and are "
                  "not in any row"] if no_key.any() else [],
    }
    return table


def aggregate_arrests(arrests: pd.DataFrame, by: Sequence[str] = ("neighborhood",), *,
                      groups: Sequence[str] | None = None, start: Any = None, end: Any = None) -> pd.DataFrame:
    """Arrest counts by area and race group: the only form in which arrests leave the build.

    Parameters
    ----------
    arrests : DataFrame
        Output of :func:`normalise_arrests`.
    by : sequence of str
        Grouping columns (``("neighborhood",)``, ``("tract_geoid",)``, ``("neighborhood", "year")``).
    groups : sequence of str, optional
        Race group columns, in order (e.g. the distinct values of the city's ``race_codes``); groups
        with no arrests get 0. Default: the groups present.
    start, end : date-like, optional
        Keep arrests dated from ``start`` through ``end`` (inclusive).

    Returns
    -------
    pandas.DataFrame
        One row per area: the ``by`` columns, one count column per race group, ``total`` (their
        sum), and ``period_start`` / ``period_end``, the first and last arrest dates counted (the
        same for every row). Records without a date, or without a value in a ``by`` column, are
        in no row; ``attrs`` says how many (``outside_period``, ``unassigned``).
    """
    keys = list(by)
    selected = _select_period(arrests, start, end)
    columns = list(groups) if groups is not None else sorted(selected["race"].dropna().unique().tolist())
    extra = sorted(set(selected["race"].dropna()) - set(columns))
    if extra:
        raise ValueError(f"race groups {extra} are in the records but not in groups={columns}")
    table = (selected.dropna(subset=keys)
             .groupby(keys + ["race"]).size()
             .unstack("race", fill_value=0)
             .reindex(columns=columns, fill_value=0)
             .astype("int64"))
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    table = table.reset_index()
    return _with_period(table, selected, keys, arrests, "arrests")


def aggregate_arrests_by_tract(arrests: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """:func:`aggregate_arrests` by ``tract_geoid``."""
    return aggregate_arrests(arrests, by=("tract_geoid",), **kwargs)


def aggregate_firearm_seizures(seizures: pd.DataFrame, by: Sequence[str] = ("neighborhood",), *,
                               start: Any = None, end: Any = None) -> pd.DataFrame:
    """Seizure incidents and firearms seized by area.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``seizures`` (incidents), ``firearms`` (sum of ``count``),
        ``period_start`` / ``period_end`` (first days of the first and last months counted);
        ``attrs`` as in :func:`aggregate_arrests`.
    """
    keys = list(by)
    selected = _select_period(seizures, start, end)
    table = (selected.dropna(subset=keys).groupby(keys)
             .agg(seizures=("record_id", "size"), firearms=("count", "sum"))
             .astype("int64").reset_index())
    return _with_period(table, selected, keys, seizures, "firearm seizures")


def read_arrests_by_neighborhood_year(path: str | Path) -> pd.DataFrame:
    """The student aggregate ``arrests_by_neighborhood_year.csv`` (arrest counts by neighborhood and year).

    The file has an unnamed index column (dropped) and the columns ``INCIDENTNEIGHBORHOOD``,
    ``YEAR``, ``ARREST_COUNT``. It also holds 37 stray rows dated 1998-2015 (one to a dozen
    arrests each): that arrest dataset starts in 2016, and these are arrests whose incident
    date lies years before the arrest. They are dropped, because kept they would make 1998-2015
    look like years with almost no arrests; ``attrs["notes"]`` says how many rows and arrests
    went. Whether the last year (2023) is complete is not documented.

    Returns
    -------
    pandas.DataFrame
        ``neighborhood`` (str, stripped), ``year`` (int), ``arrests`` (int), sorted.
    """
    raw = csvfile.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw.drop(columns=[c for c in raw.columns if c == "" or c.startswith("Unnamed")])
    missing = {"INCIDENTNEIGHBORHOOD", "YEAR", "ARREST_COUNT"} - set(raw.columns)
    if missing:
        raise ValueError(f"{path}: not an arrests-by-neighborhood-year file, missing {sorted(missing)}")
    table = pd.DataFrame({
        "neighborhood": raw["INCIDENTNEIGHBORHOOD"].str.strip(),
        "year": pd.to_numeric(raw["YEAR"], errors="raise").astype("int64"),
        "arrests": pd.to_numeric(raw["ARREST_COUNT"], errors="raise").astype("int64"),
    })
    stray = table["year"] < ARRESTS_FIRST_YEAR
    table = table[~stray & (table["neighborhood"] != "")].sort_values(["neighborhood", "year"])
    table = table.reset_index(drop=True)
    table.attrs["notes"] = [f"dropped {int(stray.sum())} rows dated before {ARRESTS_FIRST_YEAR} "
                            f"({int(raw.loc[stray, 'ARREST_COUNT'].astype(int).sum())} arrests)"] if stray.any() else []
    return table


def _decimals(values: np.ndarray) -> int | None:
    """The number of decimal places all ``values`` are rounded to (0-6), or None for finer values."""
    for places in range(7):
        scaled = values * 10 ** places
        if np.allclose(scaled, np.round(scaled), rtol=0, atol=1e-6):
            return places
    return None


def place_points(frame: pd.DataFrame, *, lon: str, lat: str, areas: gpd.GeoDataFrame, id_field: str,
                 name: str) -> pd.Series:
    """The area each record lies in, from its coordinates (a point-in-polygon join).

    Parameters
    ----------
    frame : DataFrame
        Records with longitude and latitude columns (WGS 84 degrees), e.g. from
        :func:`normalise_arrests`.
    lon, lat : str
        The coordinate columns (``"lon"``, ``"lat"`` in a normalised frame).
    areas : GeoDataFrame
        The polygons (tracts, neighborhoods ...; e.g. from
        :func:`indicators.sources.boundaries.read_boundaries`); reprojected to EPSG:4326 if needed.
    id_field : str
        The column of ``areas`` whose value each record gets (``"area_id"``).
    name : str
        What the areas are, plural, for the notes (``"tracts"``); also the Series' name.

    Returns
    -------
    pandas.Series
        Aligned on ``frame``'s index: the ``id_field`` value of the polygon containing the point, or
        missing for a record without coordinates or outside every polygon. A point on the boundary of
        two areas goes to the first of them in ``areas``' order. ``attrs`` counts ``placed``,
        ``no_coordinates``, ``outside``, ``on_boundary``; ``attrs["notes"]`` says them in words
        (e.g. "285 records have no coordinates; 40 lie outside the tracts"), with the approximation:
        published coordinates are often rounded (to the block: 3 decimal places are steps of about
        110 m), so a record near a boundary may be counted in the neighbouring area. The notes are
        also appended to ``frame.attrs["notes"]``, so the records' notes list every record lost.
    """
    import geopandas as gpd

    if id_field not in areas.columns:
        raise KeyError(f"areas have no column {id_field!r} (columns: {', '.join(map(str, areas.columns))})")
    for column in (lon, lat):
        if column not in frame.columns:
            raise KeyError(f"records have no column {column!r} (columns: {', '.join(map(str, frame.columns))})")
    x = pd.to_numeric(frame[lon], errors="coerce").astype("float64")
    y = pd.to_numeric(frame[lat], errors="coerce").astype("float64")
    located = x.notna() & y.notna()
    polygons = areas[[id_field, areas.geometry.name]].reset_index(drop=True)
    polygons = polygons.set_crs("EPSG:4326") if polygons.crs is None else polygons.to_crs("EPSG:4326")
    points = gpd.GeoDataFrame({"_row": np.flatnonzero(located.to_numpy())},
                              geometry=gpd.points_from_xy(x[located], y[located]), crs="EPSG:4326")
    joined = gpd.sjoin(points, polygons, how="inner", predicate="intersects")
    joined = joined.sort_values(["_row", "index_right"], kind="stable")
    on_boundary = int(joined["_row"].duplicated().sum())
    first = joined.drop_duplicates("_row")
    values = pd.Series(pd.NA, index=frame.index, dtype="object")
    values.iloc[first["_row"].to_numpy()] = first[id_field].astype("str").to_numpy()
    placed = values.astype("str")
    placed.name = name

    missing = int((~located).sum())
    outside = int(located.sum() - len(first))
    notes = []
    if missing or outside:
        notes.append(f"{name}: {missing} {'record has' if missing == 1 else 'records have'} no coordinates; "
                     f"{outside} {'lies' if outside == 1 else 'lie'} outside the {name} "
                     f"({len(first)} of {len(frame)} placed)")
    if on_boundary:
        notes.append(f"{name}: {on_boundary} {'record lies' if on_boundary == 1 else 'records lie'} on the "
                     f"boundary of two {name} and {'counts' if on_boundary == 1 else 'count'} in the first")
    coordinates = np.concatenate([x[located].to_numpy(), y[located].to_numpy()])
    places = _decimals(coordinates) if len(coordinates) else None
    if places is not None and places <= 4:
        step = _METRES_PER_DEGREE / 10 ** places
        notes.append(f"{name}: coordinates are rounded to {places} decimal places (steps of about {step:,.0f} m): "
                     "records near a boundary may be counted in the neighbouring area")
    for note in notes:
        log.info(note)
    placed.attrs = {"placed": int(len(first)), "no_coordinates": missing, "outside": outside,
                    "on_boundary": on_boundary, "notes": notes}
    frame.attrs["notes"] = [*frame.attrs.get("notes", []), *notes]
    return placed


def _flag_columns(fields: Mapping[str, Any], key: str) -> list[str]:
    """The columns of an outcome: ``fields[key]`` (a name or a list of names) and any ``fields[key + "_..."]``."""
    columns: list[str] = []
    for name, value in fields.items():
        if name == key or name.startswith(key + "_"):
            columns += [value] if isinstance(value, str) else list(value)
    return columns


def _flags(frame: pd.DataFrame, columns: list[str], what: str) -> pd.Series:
    """True where any of ``columns`` is set (see :data:`FALSE_VALUES`)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} columns {', '.join(map(repr, missing))} are not columns of the records "
                       f"(columns: {', '.join(map(str, frame.columns))})")
    result = pd.Series(False, index=frame.index)
    for column in columns:
        text = frame[column].astype("str").str.strip().str.upper().fillna("")
        result |= ~text.isin(FALSE_VALUES)
    return result


def aggregate_stops(records: pd.DataFrame | Iterable[Mapping[str, Any]], fields: Mapping[str, Any],
                    race_codes: Mapping[str, str], *, start: Any = None, end: Any = None,
                    hispanic_values: Iterable[str] | None = None, timezone: str | None = None) -> pd.DataFrame:
    """Stops, searches and arrests by police district and group: the only form in which stops leave.

    For stop data published with the district of the stop and no place finer than a block address.
    Each published row counts as one stop (a file with one row per person stopped counts persons).
    The records are read here and only their counts are returned.

    Parameters
    ----------
    records : DataFrame or iterable of dict
        The published rows as text (:func:`read_records`).
    fields : mapping
        ``district`` (the district of the stop), ``race`` (race, or a combined race/ethnicity field),
        ``date`` (date and time; an offset such as ``+00`` is honoured), ``search`` and ``arrest``
        (outcome flags), optional ``ethnicity``. An outcome may name several columns, as a list or
        with further keys ``search_<anything>`` / ``arrest_<anything>``: a stop counts once when any
        of them is set. A flag is set unless it is blank or one of :data:`FALSE_VALUES` (``0``,
        ``FALSE``, ``NO``, ``NONE``, ``NULL``, ``NA`` ...): a 0/1 column and a column that holds a
        date or a charge only when there was an arrest are read alike.
    race_codes : mapping
        Published value (upper case) -> group name; unlisted or blank -> ``"unknown"``.
    start, end : date-like, optional
        Keep stops dated from ``start`` through ``end`` (inclusive, local dates).
    hispanic_values : iterable of str, optional
        As in :func:`normalise_arrests`, with an ``ethnicity`` field.
    timezone : str, optional
        The city's time zone (an IANA name from its config): times published with an offset (UTC)
        are converted to it, so a stop at 01:00 UTC on 1 July counts on 30 June. Without it they
        are counted by their UTC date (and ``attrs["notes"]`` says so).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STOP_COLUMNS`: one row per district x group (every group of ``race_codes``,
        ``"unknown"`` and, with ``hispanic_values``, ``"hispanic"``, for every district in the
        records; 0 where none), ``stops``, ``searches``, ``arrests`` (int), ``period_start`` /
        ``period_end`` (the first and last stop dates counted). ``attrs``: ``records``,
        ``unassigned`` (no district: blank, ``NA``, ``NULL``), ``undated``, ``outside_period``,
        ``notes``. No record-level value is in the frame or its attrs.
    """
    frame = _frame(records)
    notes: list[str] = []
    stops = pd.DataFrame(index=frame.index)
    district = _column(frame, fields, "district")
    stops["district"] = district.mask(district.str.upper().isin(MISSING_VALUES))
    _, stops["group"], _ = _race_groups(frame, fields, race_codes, hispanic_values, notes, "stops")
    raw_date = _column(frame, fields, "date")
    stops["date"] = _dates(raw_date, timezone, notes, "stops")
    bad_dates = int((raw_date.notna() & stops["date"].isna()).sum())
    undated = int(stops["date"].isna().sum())
    if undated:
        notes.append(f"stops: {undated} records have no usable date and are not counted"
                     + (f" ({bad_dates} could not be read)" if bad_dates else ""))
    for outcome in ("search", "arrest"):
        columns = _flag_columns(fields, outcome)
        if not columns:
            raise KeyError(f"the field map has no '{outcome}' entry (the column flagging a stop's {outcome})")
        stops[outcome] = _flags(frame, columns, outcome)

    selected = _select_period(stops, start, end)
    no_district = selected["district"].isna()
    groups = list(dict.fromkeys([*race_codes.values(), UNKNOWN_RACE,
                                 *([HISPANIC_GROUP] if hispanic_values else [])]))
    extra = sorted(set(selected["group"]) - set(groups))
    groups += extra
    placed = selected[~no_district]
    counts = (placed.groupby(["district", "group"])
              .agg(stops=("date", "size"), searches=("search", "sum"), arrests=("arrest", "sum")))
    districts = sorted(placed["district"].unique().tolist())
    full = pd.MultiIndex.from_product([districts, groups], names=["district", "group"])
    table = counts.reindex(full, fill_value=0).astype("int64").reset_index()
    table["district"] = table["district"].astype("str")
    table["group"] = table["group"].astype("str")
    first, last = selected["date"].min(), selected["date"].max()
    table["period_start"] = first.normalize() if pd.notna(first) else pd.NaT
    table["period_end"] = last.normalize() if pd.notna(last) else pd.NaT
    if no_district.any():
        notes.append(f"stops: {int(no_district.sum())} of {len(selected)} stops have no district and are in no row")
    outside = int(len(stops) - undated - len(selected))
    for note in notes:
        log.info(note)
    table = table[STOP_COLUMNS]
    table.attrs = {"period": (first, last), "records": int(len(selected)), "unassigned": int(no_district.sum()),
                   "undated": undated, "outside_period": outside, "notes": notes}
    return table


def _polygonal(geometry: Any) -> Any:
    """The polygonal part of a union (shared edges can leave lines or points beside the polygons)."""
    from shapely.geometry import MultiPolygon, Polygon

    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    parts = [p for g in getattr(geometry, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))
             for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(parts) if len(parts) > 1 else (parts[0] if parts else Polygon())


def districts_from_service_areas(psa: gpd.GeoDataFrame, *, district_field: str, district_format: str = "{}",
                                 name_format: str | None = None, sum_fields: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Police districts drawn by dissolving their service areas, so district figures can be mapped.

    Parameters
    ----------
    psa : GeoDataFrame
        One polygon per police service area, with the district it belongs to (``geopandas.read_file``
        of the service-area GeoJSON, or :func:`indicators.sources.boundaries.read_boundaries` with
        ``keep_fields``). Values may be text (``"7"``) or numbers (``7``, ``7.0``).
    district_field : str
        The column holding the district.
    district_format : str
        Turns the field's value into the district code the records use: ``"{}"`` keeps it,
        ``"{}D"`` makes ``7`` into ``7D``.
    name_format : str, optional
        The district's display name from the field's value, e.g. ``"District {}"`` -> "District 7";
        default: the code.
    sum_fields : sequence of str
        Numeric columns (population counts) summed into each district.

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_id`` (the district code), ``name``, ``service_areas`` (how many were merged), the
        ``sum_fields``, ``geometry`` (valid polygons, EPSG:4326), sorted by ``area_id``.
    """
    import geopandas as gpd
    import shapely

    columns = [str(c) for c in psa.columns]
    for field in [district_field, *sum_fields]:
        if field not in psa.columns:
            raise KeyError(f"service areas have no column {field!r} (columns: {', '.join(columns)})")
    raw = psa[district_field]
    text = raw.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else _cell_text(v).strip())
    text = text.str.replace(r"\.0$", "", regex=True)
    blank = text == ""
    if blank.any():
        raise ValueError(f"{int(blank.sum())} service areas have no {district_field!r} (rows "
                         f"{', '.join(map(str, np.flatnonzero(blank.to_numpy())[:10]))})")
    frame = psa.set_crs("EPSG:4326") if psa.crs is None else psa.to_crs("EPSG:4326")
    geometry = shapely.make_valid(frame.geometry.to_numpy())
    codes = text.map(district_format.format).to_numpy()
    values = dict(zip(codes, text))
    rows = []
    for code in sorted(set(codes)):
        members = codes == code
        merged = _polygonal(shapely.union_all(geometry[members]))
        row = {"area_id": code, "name": name_format.format(values[code]) if name_format else code,
               "service_areas": int(members.sum())}
        for field in sum_fields:
            row[field] = pd.to_numeric(frame.loc[members, field], errors="coerce").sum(min_count=1)
        row["geometry"] = merged
        rows.append(row)
    districts = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    districts.attrs["notes"] = []
    return districts
