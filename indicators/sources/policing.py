"""Arrests and firearm seizures from a city's police open data, and their aggregates.

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
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from indicators.sources import csvfile

log = logging.getLogger(__name__)

ARREST_COLUMNS = ["record_id", "date", "year", "race_code", "race", "age", "sex", "tract_geoid",
                  "neighborhood", "lon", "lat"]
SEIZURE_COLUMNS = ["record_id", "date", "year", "month", "count", "tract_geoid", "neighborhood", "lon", "lat"]
UNKNOWN_RACE = "unknown"
#: ages outside this range are recording errors (the Pittsburgh file holds 0, 117 and 999)
PLAUSIBLE_AGE = (1, 100)
TRACT_FORMATS = ("tract_number", "geoid")
#: first year of the Pittsburgh arrest dataset; earlier years in the student aggregate are strays
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
        ``"tract_number"``: the Census tract number without its decimal point, as the Pittsburgh
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


def _coordinates(frame: pd.DataFrame, fields: Mapping[str, str]) -> tuple[pd.Series, pd.Series]:
    lon = pd.to_numeric(_column(frame, fields, "x", required=False), errors="coerce")
    lat = pd.to_numeric(_column(frame, fields, "y", required=False), errors="coerce")
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


def normalise_arrests(records: pd.DataFrame | Iterable[Mapping[str, Any]], fields: Mapping[str, str],
                      race_codes: Mapping[str, str], *, tract_format: str, state_fips: str,
                      county_fips: str | Sequence[str], valid_tracts: Iterable[str] | None = None) -> pd.DataFrame:
    """Arrest records in one shape, whatever the portal.

    Parameters
    ----------
    records : DataFrame or iterable of dict
        The published rows (text frame of :func:`indicators.sources.ckan.fetch_datastore` or
        :func:`indicators.sources.ckan.read_csv`, or of the Socrata loader).
    fields : mapping
        ``[policing.arrests.fields]``: source column for ``id`` (optional), ``date``, ``race``,
        ``age``, ``sex``, ``tract``, ``neighborhood``, ``x`` and ``y`` (optional).
    race_codes : mapping
        ``[policing.arrests.race_codes]``: published race code -> group name.
    tract_format, state_fips, county_fips, valid_tracts
        See :func:`tract_geoids`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ARREST_COLUMNS`: ``record_id`` (str), ``date`` (datetime), ``year`` (Int64),
        ``race_code`` (str, upper case), ``race`` (group name; a code missing from ``race_codes``
        or blank -> ``"unknown"``), ``age`` (float; outside :data:`PLAUSIBLE_AGE` -> NaN), ``sex``,
        ``tract_geoid`` (11-digit GEOID or missing), ``neighborhood`` (stripped), ``lon``, ``lat``.
        ``attrs["notes"]`` lists what was dropped; ``attrs["tract_rejects"]`` counts the rejected
        tract codes.
    """
    frame = _frame(records)
    notes: list[str] = []
    out = pd.DataFrame(index=frame.index)
    out["record_id"] = _record_ids(frame, fields)

    raw_date = _column(frame, fields, "date")
    out["date"] = pd.to_datetime(raw_date, errors="coerce", format="ISO8601")
    bad_dates = int((raw_date.notna() & out["date"].isna()).sum())
    if bad_dates:
        notes.append(f"arrests: {bad_dates} dates could not be read and are missing")
    out["year"] = out["date"].dt.year.astype("Int64")

    code = _column(frame, fields, "race").str.upper()
    out["race_code"] = code
    groups = {str(k).upper(): v for k, v in race_codes.items()}
    out["race"] = code.map(groups).fillna(UNKNOWN_RACE).astype("str")
    unmapped = sorted(code[code.notna() & ~code.isin(groups.keys())].unique().tolist())
    if unmapped:
        notes.append(f"arrests: race codes {', '.join(unmapped)} are not in the city's race_codes and count as "
                     f"'{UNKNOWN_RACE}'")

    raw_age = pd.to_numeric(_column(frame, fields, "age"), errors="coerce")
    implausible = raw_age.notna() & ~raw_age.between(*PLAUSIBLE_AGE)
    out["age"] = raw_age.mask(implausible).astype("float64")
    if implausible.any():
        notes.append(f"arrests: {int(implausible.sum())} ages outside {PLAUSIBLE_AGE[0]}-{PLAUSIBLE_AGE[1]} "
                     f"({', '.join(sorted({f'{a:g}' for a in raw_age[implausible]}))}) are missing")

    out["sex"] = _column(frame, fields, "sex").str.upper()
    tract_codes = _column(frame, fields, "tract")
    out["tract_geoid"], rejected = tract_geoids(tract_codes, tract_format, state_fips=state_fips,
                                                county_fips=county_fips, valid_tracts=valid_tracts)
    out["neighborhood"] = _column(frame, fields, "neighborhood")
    out["lon"], out["lat"] = _coordinates(frame, fields)

    _report_tracts(notes, out.attrs, tract_codes, rejected, "arrests")
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
    arrests each): the WPRDC arrest dataset starts in 2016, and these are arrests whose incident
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
