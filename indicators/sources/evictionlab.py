"""Eviction Lab (Princeton University) data: the Eviction Tracking System and the national files.

Eviction Tracking System (ETS)
    Per-site chart files published with each city page at
    ``https://evictionlab.org/uploads/<site>_<chart>.csv``:

    * ``<site>_barchart.csv`` -- county filings per month against the same calendar month's mean over
      the pre-pandemic baseline years (:func:`read_ets_monthly`);
    * ``<site>_map.csv`` -- filings per ZIP code over a 12-month window (:func:`read_ets_zip`);
    * ``<site>_linechart.csv`` -- the same window by the racial majority of the ZIP (:func:`read_ets_group`).

    Cite as: Peter Hepburn, Renee Louis and Matthew Desmond, *Eviction Tracking System: Version 1.0*,
    Princeton University, 2020, www.evictionlab.org.

National estimates (2000-2016 per state, v1 release)
    ``https://eviction-lab-data-downloads.s3.amazonaws.com/<ST>/<geography>.csv`` for the
    geographies ``states``, ``counties``, ``cities``, ``tracts``, ``block-groups``
    (:func:`read_national`). Rates are per 100 renter-occupied households.

National tract file, 2018 release (:func:`read_tract_history`)
    The same layout (:data:`NATIONAL_COLUMNS`) for every tract of a state, 2000-2016, on 2010 tract
    lines, read into the few columns a tract history needs. Three quality flags come with every row
    (Eviction Lab data dictionary, ``conf/DATA_DICTIONARY.txt`` of the publisher's ETL repository
    ``EvictionLab/eviction-lab-etl``; methodology report v1.1.0, section V):

    * ``low-flag``: the eviction counts are estimated to be lower than they are in reality; for tracts
      and block groups the flag is set from the county's estimate (the county's counts fell short of
      the court-reported statistics), so it is set on every tract of a county-year;
    * ``imputed``: the counts and the renter households were imputed (a missing or implausible year
      filled from the years around it: the mean of the year before and after, or a straight line
      across two missing years), not counted;
    * ``subbed``: the counts and the renter households were taken from a source other than the
      Eviction Lab's own records (state-reported statistics substituted for them).

    A flagged year is kept, with its flag, so a figure built on it can say so; the reader never drops
    or corrects one.

Every ``fetch_*`` downloads the file through :func:`indicators.sources.http.get` and parses it with the
matching ``read_*``, so the live and the offline build produce the same frame.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import requests

from indicators.sources import http
from indicators.sources import csvfile

log = logging.getLogger(__name__)

ETS_BASE_URL = "https://evictionlab.org/uploads/"
NATIONAL_BASE_URL = "https://eviction-lab-data-downloads.s3.amazonaws.com/"

#: digits of a GEOID at each geography of the national files (the CSVs drop leading zeros)
GEOID_WIDTH = {"states": 2, "counties": 5, "cities": 7, "tracts": 11, "block-groups": 12}

NATIONAL_COLUMNS = [
    "GEOID", "year", "name", "parent-location", "population", "poverty-rate", "renter-occupied-households",
    "pct-renter-occupied", "median-gross-rent", "median-household-income", "median-property-value",
    "rent-burden", "pct-white", "pct-af-am", "pct-hispanic", "pct-am-ind", "pct-asian", "pct-nh-pi",
    "pct-multiple", "pct-other", "eviction-filings", "evictions", "eviction-rate", "eviction-filing-rate",
    "low-flag", "imputed", "subbed",
]

Source = str | Path | IO[str]


class EvictionLabError(RuntimeError):
    """A download or a file that cannot be used: not UTF-8, cut off, empty, or of another kind."""


def _read(source: Source) -> pd.DataFrame:
    """Every cell as text; a damaged file (see :mod:`indicators.sources.csvfile`) raises EvictionLabError."""
    return csvfile.read_csv(source, error=EvictionLabError, dtype=str, keep_default_na=False)


def _require(frame: pd.DataFrame, columns: list[str], what: str, source: Source) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise EvictionLabError(f"{csvfile.source_label(source)}: not an {what} file; missing columns {missing} "
                               f"(has {list(frame.columns)})")


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.str.strip().replace("", None), errors="coerce").astype("float64")


def _month(series: pd.Series) -> pd.Series:
    """``MM/YYYY`` -> the first day of that month."""
    return pd.to_datetime(series.str.strip(), format="%m/%Y", errors="coerce")


def read_ets_monthly(source: Source) -> pd.DataFrame:
    """An ETS ``<site>_barchart.csv``: filings per month against the baseline.

    Columns in the file: ``month`` (``MM/YYYY``), ``month_last_day`` (empty in the monthly files),
    ``month_filings``, ``avg_filings`` (mean filings in that calendar month over the site's
    baseline years), ``percentage_diff``. Despite its name ``percentage_diff`` is the ratio
    ``month_filings / avg_filings`` (1.0 = as many filings as in the baseline), not a percent change.

    Returns
    -------
    pandas.DataFrame
        ``month`` (first day, datetime), ``filings`` (Int64), ``baseline_filings`` (float),
        ``ratio_to_baseline`` (float), in file order.
    """
    raw = _read(source)
    _require(raw, ["month", "month_filings", "avg_filings", "percentage_diff"], "ETS monthly", source)
    return pd.DataFrame({
        "month": _month(raw["month"]),
        "filings": _number(raw["month_filings"]).astype("Int64"),
        "baseline_filings": _number(raw["avg_filings"]),
        "ratio_to_baseline": _number(raw["percentage_diff"]),
    })


def read_ets_zip(source: Source) -> pd.DataFrame:
    """An ETS ``<site>_map.csv``: filings per ZIP code over a 12-month window.

    Columns in the file: ``id`` (the ZIP code), ``month_date`` (``DD/MM/YYYY``, the first month of
    the window), ``month_filings`` (filings in the window), ``month_rate`` (filings / renter
    households, a fraction), ``month_rate_scale_max`` (the map's colour-scale top), ``month_diff``
    (ratio to the baseline), ``pct_white``, ``pct_black``, ``pct_latinx`` (shares of the ZIP's
    population). ZIPs with no renter households have a blank rate, or ``Inf`` when they still had
    filings; both become NaN and ``attrs["notes"]`` says which ZIPs.

    Returns
    -------
    pandas.DataFrame
        ``zip`` (5-character str), ``window_start`` (datetime), ``filings`` (Int64),
        ``filing_rate``, ``ratio_to_baseline``, ``pct_white``, ``pct_black``, ``pct_latinx`` (float).
    """
    raw = _read(source)
    _require(raw, ["id", "month_date", "month_filings", "month_rate", "month_diff"], "ETS ZIP", source)
    rate_text = raw["month_rate"].str.strip()
    rate = _number(rate_text)
    infinite = np.isinf(rate)
    blank = rate_text == ""
    zips = raw["id"].str.strip().str.zfill(5)
    frame = pd.DataFrame({
        "zip": zips,
        "window_start": pd.to_datetime(raw["month_date"].str.strip(), format="%d/%m/%Y", errors="coerce"),
        "filings": _number(raw["month_filings"]).astype("Int64"),
        "filing_rate": rate.mask(infinite),
        "ratio_to_baseline": _number(raw["month_diff"]),
        **{c: _number(raw[c]) for c in ("pct_white", "pct_black", "pct_latinx") if c in raw.columns},
    })
    notes = []
    if infinite.any():
        notes.append(f"filing_rate 'Inf' (filings but no renter households counted) set to missing for ZIP "
                     f"{', '.join(zips[infinite])}")
    if blank.any():
        notes.append(f"filing_rate blank (no renter households counted) for {int(blank.sum())} ZIPs")
    for note in notes:
        log.info(note)
    frame.attrs["notes"] = notes
    return frame


def read_ets_group(source: Source) -> pd.DataFrame:
    """An ETS ``<site>_linechart.csv``: the 12-month window's filings by racial majority of the ZIP.

    Columns in the file: ``group`` (``White``, ``Black``, ``Other``, ``Latinx`` ... -- the racial
    majority of the ZIP codes pooled), ``month`` (``MM/YYYY``, first month of the window),
    ``month_last_day``, ``month_filings``, ``avg_filings`` (baseline), ``month_diff`` (ratio to the
    baseline), ``month_filings_imputed``, ``baseline_share`` (the group's share of baseline filings).
    Groups the site has no ZIPs for have blank counts (NA here); one site's file also carries a
    ``Female`` row with every value blank.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``window_start``, ``filings`` (Int64), ``baseline_filings``, ``ratio_to_baseline``,
        ``filings_imputed``, ``baseline_share`` (float).
    """
    raw = _read(source)
    _require(raw, ["group", "month", "month_filings", "avg_filings", "month_diff"], "ETS group", source)
    return pd.DataFrame({
        "group": raw["group"].str.strip(),
        "window_start": _month(raw["month"]),
        "filings": _number(raw["month_filings"]).astype("Int64"),
        "baseline_filings": _number(raw["avg_filings"]),
        "ratio_to_baseline": _number(raw["month_diff"]),
        "filings_imputed": _number(raw.get("month_filings_imputed", pd.Series("", index=raw.index))),
        "baseline_share": _number(raw.get("baseline_share", pd.Series("", index=raw.index))),
    })


def _geography_of(source: Source) -> str | None:
    name = Path(str(getattr(source, "name", source))).stem.lower()
    return name if name in GEOID_WIDTH else None


def read_national(source: Source, geography: str | None = None) -> pd.DataFrame:
    """A national Eviction Lab file (``<ST>/<geography>.csv``, one row per area and year).

    Parameters
    ----------
    source : path or file
        The CSV (columns :data:`NATIONAL_COLUMNS`).
    geography : {"states", "counties", "cities", "tracts", "block-groups"}, optional
        Restores the leading zeros the CSV drops from ``GEOID`` (``1001`` -> ``01001``); taken
        from the file name when it is the publisher's (``tracts.csv``), required otherwise.

    Returns
    -------
    pandas.DataFrame
        Column names with ``-`` replaced by ``_`` and ``GEOID`` as ``geoid`` (zero-padded str);
        ``year`` int; ``name``, ``parent_location`` str; measures float (missing where the
        Eviction Lab has no valid estimate); ``low_flag``, ``imputed``, ``subbed`` Int64 (the
        publisher's quality flags). ``eviction_rate`` and ``eviction_filing_rate`` are per 100
        renter-occupied households.
    """
    geography = geography or _geography_of(source)
    if geography not in GEOID_WIDTH:
        raise EvictionLabError(f"{csvfile.source_label(source)}: say which geography the file holds "
                               f"(one of {list(GEOID_WIDTH)})")
    raw = _read(source)
    _require(raw, NATIONAL_COLUMNS, "Eviction Lab national", source)
    frame = pd.DataFrame({"geoid": raw["GEOID"].str.strip().str.replace(r"\.0$", "", regex=True)
                          .str.zfill(GEOID_WIDTH[geography])})
    frame["year"] = pd.to_numeric(raw["year"], errors="raise").astype("int64")
    frame["name"] = raw["name"].str.strip()
    frame["parent_location"] = raw["parent-location"].str.strip()
    for column in NATIONAL_COLUMNS[4:]:
        values = _number(raw[column])
        frame[column.replace("-", "_")] = values.astype("Int64") if column in ("low-flag", "imputed", "subbed") \
            else values
    return frame


#: the national file's columns a tract history needs, and their names in :func:`read_tract_history`
TRACT_HISTORY_COLUMNS = {
    "GEOID": "GEOID", "year": "year", "eviction-filings": "filings", "evictions": "judgments",
    "eviction-filing-rate": "filing_rate", "eviction-rate": "judgment_rate",
    "renter-occupied-households": "renter_households", "low-flag": "low_flag", "imputed": "imputed",
    "subbed": "subbed",
}
_FLAGS = ("low-flag", "imputed", "subbed")
_FLAG_MEANINGS = {
    "low_flag": "the Eviction Lab estimates these counts are lower than in reality (set from the county's estimate)",
    "imputed": "the counts were imputed from the neighbouring years, not counted",
    "subbed": "the counts come from a source other than the Eviction Lab's records",
}


def _flag(raw: pd.Series, column: str, source: Source) -> pd.Series:
    """A 0/1 quality flag as booleans (blank -> missing); any other value raises, naming it."""
    text = raw.str.strip().str.replace(r"\.0+$", "", regex=True)
    bad = ~text.isin(["0", "1", ""])
    if bad.any():
        row = int(bad.idxmax())
        raise EvictionLabError(f"{csvfile.source_label(source)}: column {column!r} holds {raw[row]!r} on line "
                               f"{row + 2}; the Eviction Lab flags are 0 or 1")
    return text.map({"1": True, "0": False, "": pd.NA}).astype("boolean")


def _year_ranges(years: list[int]) -> str:
    """``[2000, 2001, 2002, 2013]`` -> ``"2000-2002, 2013"``."""
    parts: list[str] = []
    for year in sorted(years):
        if parts and int(parts[-1].split("-")[-1]) == year - 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{year}"
        else:
            parts.append(str(year))
    return ", ".join(parts)


def read_tract_history(source: Source) -> pd.DataFrame:
    """Eviction filings and judgments per tract and year from a national ``tracts.csv`` (2018 release).

    The file has the columns :data:`NATIONAL_COLUMNS`, one row per tract and year 2000-2016 on 2010
    tract lines; a year without a valid count has blank ``eviction-filings`` and ``evictions`` (and
    rates). Only the years with a count (filings or judgments) are kept; the others are listed in
    ``attrs["years_without_counts"]``. ``GEOID`` loses its leading zero in the CSV of a state whose
    code starts with 0 (``1073000100`` for Alabama) and gets it back here.

    ``evictions`` in the file are *judgments*: the number of addresses that received an eviction
    judgment in which renters were ordered to leave (one per address and year); ``eviction-filings``
    are all eviction cases filed, several cases against the same address counted each. Rates are per
    100 renter households, as published (``eviction-filing-rate``, ``eviction-rate``), and
    ``renter-occupied-households`` is the Eviction Lab's interpolated count.

    The quality flags (``low-flag``, ``imputed``, ``subbed``; see the module docstring) are kept as
    booleans; ``attrs["notes"]`` says how many tract-years carry each, and in which years.

    Returns
    -------
    pandas.DataFrame
        ``GEOID`` (11-character str), ``year`` (int), ``filings``, ``judgments`` (float: counts,
        missing where the year has none), ``filing_rate``, ``judgment_rate`` (float, per 100 renter
        households), ``renter_households`` (float), ``low_flag``, ``imputed``, ``subbed``
        (boolean), sorted by GEOID and year.

    Raises
    ------
    EvictionLabError
        For a damaged file (see :mod:`indicators.sources.csvfile`), a file lacking any of the
        columns above (the message names them), a GEOID that is not a tract code, or a flag that is
        not 0 or 1.
    """
    raw = _read(source)
    _require(raw, list(TRACT_HISTORY_COLUMNS), "Eviction Lab tract", source)
    label = csvfile.source_label(source)
    geoid = raw["GEOID"].str.strip().str.replace(r"\.0$", "", regex=True).str.zfill(GEOID_WIDTH["tracts"])
    bad = ~geoid.str.fullmatch(r"\d{11}")
    if bad.any():
        row = int(bad.idxmax())
        raise EvictionLabError(f"{label}: column 'GEOID' holds {raw['GEOID'][row]!r} on line {row + 2}, "
                               "not an 11-digit tract code: not a tract file?")
    year = pd.to_numeric(raw["year"].str.strip(), errors="coerce")
    if year.isna().any():
        row = int(year.isna().idxmax())
        raise EvictionLabError(f"{label}: column 'year' holds {raw['year'][row]!r} on line {row + 2}")
    frame = pd.DataFrame({"GEOID": geoid, "year": year.astype("int64")})
    for column in ("eviction-filings", "evictions", "eviction-filing-rate", "eviction-rate",
                   "renter-occupied-households"):
        frame[TRACT_HISTORY_COLUMNS[column]] = _number(raw[column])
    for column in _FLAGS:
        frame[TRACT_HISTORY_COLUMNS[column]] = _flag(raw[column], column, source)

    counted = frame["filings"].notna() | frame["judgments"].notna()
    all_years = set(frame["year"])
    history = frame[counted].sort_values(["GEOID", "year"], kind="stable").reset_index(drop=True)
    notes = []
    missing_years = sorted(all_years - set(history["year"]))
    if missing_years:
        notes.append(f"{label}: no eviction counts for {_year_ranges(missing_years)} (blank in the file)")
    for flag, meaning in _FLAG_MEANINGS.items():
        flagged = history[history[flag].fillna(False).astype(bool)]
        if len(flagged):
            per_year = flagged.groupby("year").size()
            notes.append(f"{label}: {flag} set on {len(flagged)} tract-years "
                         f"({', '.join(f'{y}: {n}' for y, n in per_year.items())}): {meaning}")
    for note in notes:
        log.info(note)
    history.attrs["notes"] = notes
    history.attrs["years_without_counts"] = missing_years
    return history


def _download(url: str, session: requests.Session | None) -> io.StringIO:
    resp = http.get(url, session=session)
    if resp.status_code != 200:
        # S3 answers with an XML <Error><Code>NoSuchKey</Code>...; the website with an HTML page
        code = re.search(r"<Code>(.*?)</Code>", resp.text or "")
        raise EvictionLabError(f"Eviction Lab download failed: HTTP {resp.status_code} for "
                               f"{http.mask_secrets(resp.url or url)}{f' ({code.group(1)})' if code else ''}")
    if resp.text.lstrip()[:1] == "<":
        raise EvictionLabError(f"Eviction Lab download {http.mask_secrets(resp.url or url)} is a web page, "
                               "not a CSV file")
    text = io.StringIO(resp.text)
    text.name = url.rsplit("/", 1)[-1]  # messages about the file name it, as for a file on disk
    return text


def ets_url(site: str, chart: str, base_url: str = ETS_BASE_URL) -> str:
    """The URL of an ETS chart file: ``chart`` is ``barchart``, ``map`` or ``linechart``."""
    return f"{base_url.rstrip('/')}/{site}_{chart}.csv"


def fetch_ets_monthly(site: str, *, base_url: str = ETS_BASE_URL,
                      session: requests.Session | None = None) -> pd.DataFrame:
    """Download and read ``<site>_barchart.csv`` (see :func:`read_ets_monthly`)."""
    return read_ets_monthly(_download(ets_url(site, "barchart", base_url), session))


def fetch_ets_zip(site: str, *, base_url: str = ETS_BASE_URL,
                  session: requests.Session | None = None) -> pd.DataFrame:
    """Download and read ``<site>_map.csv`` (see :func:`read_ets_zip`)."""
    return read_ets_zip(_download(ets_url(site, "map", base_url), session))


def fetch_ets_group(site: str, *, base_url: str = ETS_BASE_URL,
                    session: requests.Session | None = None) -> pd.DataFrame:
    """Download and read ``<site>_linechart.csv`` (see :func:`read_ets_group`)."""
    return read_ets_group(_download(ets_url(site, "linechart", base_url), session))


def national_url(state_abbr: str, geography: str, base_url: str = NATIONAL_BASE_URL) -> str:
    """The URL of a national file, e.g. ``.../PA/tracts.csv``."""
    if geography not in GEOID_WIDTH:
        raise ValueError(f"geography must be one of {list(GEOID_WIDTH)}, got {geography!r}")
    return f"{base_url.rstrip('/')}/{state_abbr.upper()}/{geography}.csv"


def fetch_national(state_abbr: str, geography: str = "tracts", *, base_url: str = NATIONAL_BASE_URL,
                   session: requests.Session | None = None) -> pd.DataFrame:
    """Download and read one state's national file (see :func:`read_national`)."""
    return read_national(_download(national_url(state_abbr, geography, base_url), session), geography)
