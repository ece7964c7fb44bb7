"""HUD Fair Market Rents (FMR) and Small Area FMRs (SAFMR).

Live: the HUD User API, ``GET https://www.huduser.gov/hudapi/public/fmr/data/{entityid}?year=YYYY``
with ``Authorization: Bearer <token>`` (a free token from huduser.gov; read from the ``token``
argument or the ``HUD_API_TOKEN`` environment variable, never put in a URL). ``entityid`` is a
10-digit county code (state + county + ``99999``, e.g. ``4200399999`` for a county) or a
metro area code (``METRO38300M38300``). The answer is ``{"data": {...}}`` whose ``basicdata`` is
one object ``{"Efficiency": ..., "One-Bedroom": ..., ..., "Four-Bedroom": ..., "year": ...}`` for
an area without Small Area FMRs, and a list with one ``"zip_code": "MSA level"`` entry (the area's
FMRs) plus one entry per ZIP code when it has them. Errors come back as ``{"error": "..."}``
(401 ``Unauthenticated.``, 404 ``No data found using '...'``).

Files: a cached API answer (:func:`read_hud_api_json`), HUD's county FMR CSVs
(:func:`read_fmr_county_file`), HUD's SAFMR table (:func:`read_safmr`), a compiled county series
(:func:`read_fmr_history`), and HUD's national Excel workbooks, one row per county
(:func:`read_fmr_workbook`) or per ZIP code tabulation area (:func:`read_safmr_workbook`).

All FMRs are monthly gross rents (rent plus utilities) in dollars, for 0 to 4 bedrooms, named
``fmr_0`` ... ``fmr_4``; an FMR is the 40th percentile of recent movers' gross rents for standard
units (24 CFR 888.113). Fiscal year N starts on 1 October of year N-1.
"""

from __future__ import annotations

import json
import logging
import os
import re
import zipfile
from pathlib import Path
from typing import Any, Iterator, NamedTuple

import pandas as pd
import requests

from indicators.sources import http
from indicators.sources import csvfile

log = logging.getLogger(__name__)

API_BASE_URL = "https://www.huduser.gov/hudapi/public"
TOKEN_ENV = "HUD_API_TOKEN"
FMR_COLUMNS = [f"fmr_{n}" for n in range(5)]
#: the API's names for the five bedroom sizes, in order
API_BEDROOMS = ["Efficiency", "One-Bedroom", "Two-Bedroom", "Three-Bedroom", "Four-Bedroom"]
AREA_COLUMNS = ["fiscal_year", "area_name", *FMR_COLUMNS, "small_area"]
ZIP_COLUMNS = ["zip", *FMR_COLUMNS]


class HUDError(RuntimeError):
    """A HUD answer or file that cannot be used."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class HUDAuthError(HUDError):
    """No token, or a token the API refuses (401/403)."""


class FairMarketRents(NamedTuple):
    """FMRs of one area and year.

    ``area`` has one row with :data:`AREA_COLUMNS` (``small_area`` True when HUD publishes ZIP-level
    rents for the area); ``zips`` has one row per ZIP code (:data:`ZIP_COLUMNS`) or is ``None``.
    """

    area: pd.DataFrame
    zips: pd.DataFrame | None


def _dollars(value: Any) -> int | None:
    """An FMR value as whole dollars (the API sends ``"758.0"``, ``1772`` or ``""``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return int(round(float(str(value).replace(",", "").replace("$", ""))))


def _area_frame(fiscal_year: int, area_name: str, rents: list[Any], small_area: bool) -> pd.DataFrame:
    row = {"fiscal_year": int(fiscal_year), "area_name": area_name,
           **{col: _dollars(v) for col, v in zip(FMR_COLUMNS, rents)}, "small_area": bool(small_area)}
    frame = pd.DataFrame([row], columns=AREA_COLUMNS)
    frame[FMR_COLUMNS] = frame[FMR_COLUMNS].astype("Int64")
    return frame


def _zip_frame(rows: list[tuple[str, list[Any]]]) -> pd.DataFrame:
    frame = pd.DataFrame([{"zip": str(z).strip().zfill(5), **{c: _dollars(v) for c, v in zip(FMR_COLUMNS, rents)}}
                          for z, rents in rows], columns=ZIP_COLUMNS)
    frame[FMR_COLUMNS] = frame[FMR_COLUMNS].astype("Int64")
    return frame.sort_values("zip").reset_index(drop=True)


def parse_fmr_answer(body: dict, year: int | None = None) -> FairMarketRents:
    """The FMRs in an ``fmr/data/{entityid}`` answer (see the module docstring for its shape)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not data.get("basicdata"):
        raise HUDError(f"HUD answer has no FMR data: {json.dumps(body)[:200]}")
    basic = data["basicdata"]
    name = data.get("area_name") or data.get("metro_name") or data.get("county_name") or ""
    if isinstance(basic, dict):
        fiscal_year = data.get("year") or basic.get("year") or year
        area = _area_frame(int(fiscal_year), name, [basic.get(k) for k in API_BEDROOMS], small_area=False)
        return FairMarketRents(area, None)
    area_rows = [b for b in basic if str(b.get("zip_code", "")).strip().lower() == "msa level"]
    zip_rows = [(b["zip_code"], [b.get(k) for k in API_BEDROOMS]) for b in basic if b not in area_rows]
    if len(area_rows) != 1:
        raise HUDError(f"HUD answer for {name!r} lists ZIP rents without one 'MSA level' row")
    fiscal_year = data.get("year") or area_rows[0].get("year") or year
    area = _area_frame(int(fiscal_year), name, [area_rows[0].get(k) for k in API_BEDROOMS], small_area=True)
    return FairMarketRents(area, _zip_frame(zip_rows))


def _raise_for_error(resp: requests.Response, entity_id: str) -> dict:
    url = http.mask_secrets(resp.url or "")
    try:
        body = resp.json()
    except ValueError:
        body = None
    message = body.get("error") if isinstance(body, dict) else None
    if resp.status_code in (401, 403):
        raise HUDAuthError(f"HUD User API refused the token (HTTP {resp.status_code}: "
                           f"{message or 'no message'}) for {url}; a token is issued at huduser.gov and "
                           "the account must be registered for the FMR dataset", status=resp.status_code)
    if resp.status_code != 200 or message:
        detail = message or ("an HTML page" if "<html" in (resp.text or "")[:500].lower() else (resp.text or "")[:200])
        raise HUDError(f"HUD User API: HTTP {resp.status_code} for entity {entity_id!r} at {url}: {detail}",
                       status=resp.status_code)
    if not isinstance(body, dict):
        raise HUDError(f"HUD User API: answer for {entity_id!r} at {url} is not a JSON object",
                       status=resp.status_code)
    return body


def fetch_fmr(entity_id: str, year: int, token: str | None = None, *,
              session: requests.Session | None = None) -> FairMarketRents:
    """FMRs of a county or metro area for one fiscal year from the HUD User API.

    Parameters
    ----------
    entity_id : str
        ``4200399999`` (county) or ``METRO38300M38300`` (metro area).
    year : int
        Fiscal year.
    token : str, optional
        HUD User API token; defaults to the ``HUD_API_TOKEN`` environment variable.
    """
    token = token or os.environ.get(TOKEN_ENV)
    if not token:
        raise HUDAuthError(f"the HUD User API needs a token: pass token= or set {TOKEN_ENV}")
    resp = http.get(f"{API_BASE_URL}/fmr/data/{entity_id}", params={"year": int(year)},
                    headers={"Authorization": f"Bearer {token}"}, session=session)
    return parse_fmr_answer(_raise_for_error(resp, entity_id), year)


def read_hud_api_json(path: str | Path) -> FairMarketRents:
    """A cached HUD answer: either a raw ``fmr/data`` answer or the compact cache kept for one area.

    The compact cache (FY2026, one HUD Metro FMR Area) is
    ``{"metro": {"name", "fy", "median", "il30", "il50", "il80", "fmr": [0-4 BR]},
    "safmr": {ZIP: [0-4 BR]}, "city": {...}}``: ``metro.fmr`` becomes the area row and ``safmr``
    the ZIP frame. Its income limits (``median``: median family income; ``il30``/``il50``/``il80``:
    limits for households of 1-8 persons) are kept in ``area.attrs["income_limits"]``.
    """
    label = Path(path).name
    try:
        body = json.loads(csvfile.read_text(path, error=HUDError))
    except json.JSONDecodeError as exc:
        raise HUDError(f"{label}: not JSON ({exc.msg} at line {exc.lineno}; cut off?)") from None
    if not isinstance(body, dict):
        raise HUDError(f"{label}: not a HUD API answer (a JSON {type(body).__name__}, not an object)")
    if "data" in body:
        return parse_fmr_answer(body)
    metro = body.get("metro")
    if not isinstance(metro, dict) or "fmr" not in metro:
        raise HUDError(f"{path}: neither a HUD API answer nor a FMR cache (keys: {sorted(body)})")
    safmr = body.get("safmr") or {}
    area = _area_frame(metro["fy"], metro.get("name", ""), metro["fmr"], small_area=bool(safmr))
    area.attrs["income_limits"] = {k: metro[k] for k in ("median", "il30", "il50", "il80") if k in metro}
    zips = _zip_frame(list(safmr.items())) if safmr else None
    return FairMarketRents(area, zips)


def read_fmr_history(path: str | Path) -> pd.DataFrame:
    """The compiled county FMR series (one row per fiscal year, read from each year's HUD file).

    Columns in the file: ``fiscal_year, release, fmr_0..fmr_4, hud_area_name, hud_area_code,
    source_repo, source_commit, source_path, source_sheet``. FY2022 appears twice, from the
    original and the revised FY2022 files; the revised row is kept (HUD's revision supersedes
    the original; for the county at hand both carry the same rents). Years absent from the file (FY2024)
    are listed in ``attrs["missing_years"]``.

    Returns
    -------
    pandas.DataFrame
        ``fiscal_year`` (int), ``release``, ``fmr_0..fmr_4`` (Int64), ``area_name``, ``area_code``
        and the ``source_*`` columns, one row per year, sorted.
    """
    raw = csvfile.read_csv(path, error=HUDError, dtype=str, keep_default_na=False)
    missing = {"fiscal_year", "release", *FMR_COLUMNS} - set(raw.columns)
    if missing:
        raise HUDError(f"{path}: not an FMR series, missing {sorted(missing)}")
    frame = raw.rename(columns={"hud_area_name": "area_name", "hud_area_code": "area_code"})
    frame["fiscal_year"] = frame["fiscal_year"].astype(int)
    frame[FMR_COLUMNS] = frame[FMR_COLUMNS].apply(pd.to_numeric, errors="coerce").astype("Int64")
    frame = frame.replace("", None)
    revised = frame["release"].str.contains("revis", case=False, na=False)
    # within a year: revised rows last, so keeping the last row keeps the revision
    frame = (frame.assign(_revised=revised).sort_values(["fiscal_year", "_revised"], kind="stable")
             .drop_duplicates("fiscal_year", keep="last").drop(columns="_revised").reset_index(drop=True))
    years = frame["fiscal_year"]
    frame.attrs["missing_years"] = sorted(set(range(years.min(), years.max() + 1)) - set(years))
    return frame


def _fiscal_year_from_name(path: str | Path) -> int | None:
    match = re.search(r"fy_?(\d{4}|\d{2})(?!\d)", Path(path).name, flags=re.IGNORECASE)
    if not match:
        return None
    year = int(match.group(1))
    return year if year > 1000 else 2000 + year


def read_fmr_county_file(path: str | Path, county_fips: str, *, fiscal_year: int | None = None) -> pd.DataFrame:
    """The rows of one county in a HUD county-level FMR CSV (``FY23_FMRs_revised.csv`` and later).

    Two header layouts are read: FY2023 (``fips, hud_area_name, hud_area_code, countyname,
    county_town_name, State, state_alpha, metro, pop2020, fmr_0..fmr_4``) and FY2025 (``stusps,
    state, hud_area_code, countyname, county_town_name, metro, hud_area_name, fips, pop2022,
    fmr_0..fmr_4``). ``fips`` is HUD's 10-digit code: state + county + ``99999`` for a whole
    county, + a town code in New England (several rows per county there).

    Parameters
    ----------
    county_fips : str
        5-digit state + county code (``42003``) or HUD's 10-digit code (``4200399999``).
    fiscal_year : int, optional
        Added as a column; read from the file name (``FY23``, ``fy2025``) when not given.

    Returns
    -------
    pandas.DataFrame
        ``fiscal_year``, ``fips``, ``county_name``, ``area_name``, ``area_code``, ``metro`` (bool),
        ``fmr_0..fmr_4`` (Int64).
    """
    raw = csvfile.read_csv(path, error=HUDError, dtype=str, keep_default_na=False)
    required = {"fips", "hud_area_name", "hud_area_code", "countyname", "metro", *FMR_COLUMNS}
    missing = required - set(raw.columns)
    if missing:
        raise HUDError(f"{path}: not a HUD county FMR file, missing {sorted(missing)}")
    code = str(county_fips).strip()
    if not re.fullmatch(r"\d{5}|\d{10}", code):
        raise ValueError(f"county_fips must be 5 or 10 digits, got {county_fips!r}")
    fips = raw["fips"].str.strip().str.zfill(10)
    rows = raw[fips == code] if len(code) == 10 else raw[fips.str[:5] == code]
    if rows.empty:
        raise HUDError(f"{path}: no row for county {code}")
    fiscal_year = fiscal_year or _fiscal_year_from_name(path)
    frame = pd.DataFrame({
        "fiscal_year": fiscal_year,
        "fips": fips[rows.index],
        "county_name": rows["countyname"].str.strip(),
        "area_name": rows["hud_area_name"].str.strip(),
        "area_code": rows["hud_area_code"].str.strip(),
        "metro": rows["metro"].str.strip() == "1",
    })
    for col in FMR_COLUMNS:
        frame[col] = rows[col].map(_dollars).astype("Int64")
    return frame.reset_index(drop=True)


def read_safmr(path: str | Path) -> pd.DataFrame:
    """HUD's Small Area FMR table (FY2022 layout), one row per ZIP code.

    Columns in the file: ``ZIP Code``, ``HUD Area Code``, ``HUD Metro Fair Market Rent Area Name``,
    and for n = 0..4 ``SAFMR nBR``, ``SAFMR nBR - 90% Payment Standard``, ``SAFMR nBR - 110%
    Payment Standard``. The payment-standard columns are 90 % and 110 % of the SAFMR (the range a
    housing authority may set its voucher payment standard in) and are not kept.

    Returns
    -------
    pandas.DataFrame
        ``zip`` (5-character str), ``area_code``, ``area_name``, ``fmr_0..fmr_4`` (Int64).
    """
    raw = csvfile.read_csv(path, error=HUDError, dtype=str, keep_default_na=False)
    raw.columns = [" ".join(str(c).split()) for c in raw.columns]
    sizes = [f"SAFMR {n}BR" for n in range(5)]
    missing = {"ZIP Code", "HUD Area Code", *sizes} - set(raw.columns)
    if missing:
        raise HUDError(f"{path}: not a HUD SAFMR table, missing {sorted(missing)}")
    frame = pd.DataFrame({
        "zip": raw["ZIP Code"].str.strip().str.zfill(5),
        "area_code": raw["HUD Area Code"].str.strip(),
        "area_name": raw.get("HUD Metro Fair Market Rent Area Name", pd.Series("", index=raw.index)).str.strip(),
    })
    for col, size in zip(FMR_COLUMNS, sizes):
        frame[col] = raw[size].map(_dollars).astype("Int64")
    return frame


# --- HUD's national Excel workbooks ---------------------------------------------------------------

#: header names of the workbooks, compared lower case without spaces and underscores; a trailing
#: two-digit year (``CBSASub20``, ``Areaname20``) is matched by :data:`_YEAR_SUFFIXED`
_FMR_HEADERS = {
    "fips": ("fips2010", "fips2000", "fips"),
    "metro_code": ("metrocode", "hudareacode", "cbsasub"),
    "area_name": ("areaname", "hudareaname", "hudmetrofairmarketrentareaname"),
    "county_name": ("countyname", "countytownname"),
    **{f"fmr_{n}": (f"fmr{n}", f"fmr{n}br") for n in range(5)},
}
_SAFMR_HEADERS = {
    "zip": ("zcta", "zipcode", "zip"),
    "area_code": ("cbsasub", "hudareacode", "metrocode"),
    "area_name": ("areaname", "hudmetrofairmarketrentareaname", "hudareaname"),
    **{f"fmr_{n}": (f"safmr{n}br",) for n in range(5)},
}
_YEAR_SUFFIXED = re.compile(r"^(cbsasub|areaname)(\d{2})$")
#: a fiscal year in a sheet name: ``FMR20_INFO``, ``SAFMRs_FY2021``, ``FY22``
_SHEET_YEAR = re.compile(r"(?:s?a?fmrs?|fy)_?(\d{4}|\d{2})(?!\d)", re.IGNORECASE)
#: rows of a sheet searched for the header (HUD puts it on the first row; some years have a title above)
_HEADER_ROWS = 10


def _header_key(name: Any) -> str:
    return re.sub(r"[\s_]+", "", str(name if name is not None else "")).lower()


def _match_headers(header: tuple, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column positions of the ``wanted`` fields in a header row (first alias found wins)."""
    keys = [_header_key(h) for h in header]
    bare = [(_YEAR_SUFFIXED.match(k).group(1) if _YEAR_SUFFIXED.match(k) else k) for k in keys]
    found: dict[str, int] = {}
    for field, aliases in wanted.items():
        for alias in aliases:
            if alias in bare:
                found[field] = bare.index(alias)
                break
    return found


def _workbook_year(header: tuple, sheet: str) -> int | None:
    match = _SHEET_YEAR.search(sheet)
    if match:
        year = int(match.group(1))
        return year if year > 1000 else 2000 + year
    for key in map(_header_key, header):
        suffixed = _YEAR_SUFFIXED.match(key)
        if suffixed:
            return 2000 + int(suffixed.group(2))
    return None


def _open_workbook(path: str | Path, sheet: str | None, wanted: dict[str, tuple[str, ...]],
                   required: list[str], what: str) -> tuple[Any, str, tuple, dict[str, int], Iterator[tuple]]:
    """The workbook, sheet name, header, column positions and an iterator over the data rows.

    Read-only (rows are streamed, never loaded whole); ``sheet=None`` takes the first sheet whose
    header has the ``required`` fields.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    label = Path(path).name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise HUDError(f"{label}: not an Excel workbook (.xlsx) that can be read ({exc})") from None
    names = [sheet] if sheet else book.sheetnames
    if sheet and sheet not in book.sheetnames:
        book.close()
        raise HUDError(f"{label}: no sheet {sheet!r}; the workbook has {', '.join(map(repr, book.sheetnames))}")
    seen = []
    for name in names:
        rows = book[name].iter_rows(values_only=True)
        for _, header in zip(range(_HEADER_ROWS), rows):
            header = tuple(header or ())
            columns = _match_headers(header, wanted)
            if all(f in columns for f in required):
                return book, name, header, columns, rows
            if any(h is not None for h in header):
                seen.append((name, header, columns))
                break
    book.close()
    if not seen:
        raise HUDError(f"{label}: no header row in {'sheet ' + repr(sheet) if sheet else 'any sheet'}")
    name, header, columns = seen[0]
    missing = [f"{f} ({' / '.join(wanted[f])})" for f in required if f not in columns]
    raise HUDError(f"{label}: sheet {name!r} is not a HUD {what} table: no column for {', '.join(missing)} "
                   f"(columns: {', '.join(str(h) for h in header if h is not None)})")


def _resolve_year(path: str | Path, header: tuple, sheet: str, fiscal_year: int | None) -> tuple[int, list[str]]:
    """The fiscal year: as passed, else from the sheet name or header, else from the file name."""
    label = Path(path).name
    in_book = _workbook_year(header, sheet)
    in_name = _fiscal_year_from_name(path)
    notes = []
    if fiscal_year is not None:
        found = in_book or in_name
        if found is not None and found != int(fiscal_year):
            raise HUDError(f"{label}: fiscal_year={fiscal_year} was passed, but the workbook is FY{found} "
                           f"({'sheet ' + repr(sheet) + ' / its header' if in_book else 'its file name'})")
        return int(fiscal_year), notes
    if in_book is not None:
        if in_name is not None and in_name != in_book:
            notes.append(f"{label}: the file name says FY{in_name}, the sheet {sheet!r} FY{in_book}; FY{in_book} "
                         "is used")
        return in_book, notes
    if in_name is not None:
        return in_name, notes
    raise HUDError(f"{label}: the fiscal year is neither in the sheet name, the header nor the file name; "
                   "pass fiscal_year=")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_fmr_workbook(path: str | Path, *, fips: str | None = None, metro_code: str | None = None,
                      sheet: str | None = None, fiscal_year: int | None = None) -> pd.DataFrame:
    """The county rows of HUD's national FMR workbook (e.g. ``FY2020_4050_FMRs_rev.xlsx``).

    The workbook has one sheet (``FMR20_INFO`` for FY2020) with one row per county (per town in New
    England): ``fips2010`` (HUD's 10-digit code: state + county + ``99999``, or + a town code),
    ``fmr_0`` ... ``fmr_4``, ``state``, ``metro_code`` (the HUD area, ``METROnnnnnMnnnnn``, or
    ``NCNTY...`` for a non-metropolitan county), ``areaname``, ``county``, ``cousub``,
    ``countyname``, ``county_town_name``, ``pop2017``, ``acs_2019_2``, ``state_alpha``, ``fmr_type``
    (40: 40th-percentile FMRs), ``metro``, ``fmr_pct_chg``, ``fmr_dollar_chg``. Other years name the
    same columns ``fips2000``, ``fmr0``, ``Metro_code``, ``Areaname``: headers are matched without
    case, spaces or underscores. Only the columns needed are read, the rows streamed.

    Parameters
    ----------
    fips : str, optional
        HUD's 10-digit code (``4200399999``) or the 5-digit state + county code, whose rows are kept.
    metro_code : str, optional
        The HUD area code, whose counties are kept (every one carries the area's FMRs). One of
        ``fips`` or ``metro_code`` is needed; with both, a row must match both.
    sheet : str, optional
        The sheet; default: the first whose header has the FMR columns.
    fiscal_year : int, optional
        Default: from the sheet name (``FMR20_INFO`` -> 2020), the header, or the file name
        (``FY2020_...``); passing a year the workbook contradicts raises :class:`HUDError`.

    Returns
    -------
    pandas.DataFrame
        ``fiscal_year`` (int), ``fips`` (10-character str), ``county_name``, ``area_name``,
        ``metro_code`` (str), ``fmr_0..fmr_4`` (Int64 dollars), one row per county, in file order;
        ``attrs["sheet"]`` names the sheet read.
    """
    if not fips and not metro_code:
        raise ValueError("read_fmr_workbook needs fips= or metro_code=")
    code = str(fips).strip() if fips else None
    if code is not None and not re.fullmatch(r"\d{5}|\d{10}", code):
        raise ValueError(f"fips must be 5 or 10 digits, got {fips!r}")
    label = Path(path).name
    book, name, header, columns, rows = _open_workbook(
        path, sheet, _FMR_HEADERS, ["fips", "metro_code", "area_name", *FMR_COLUMNS], "FMR")
    try:
        year, notes = _resolve_year(path, header, name, fiscal_year)
        fips_at, metro_at = columns["fips"], columns["metro_code"]
        kept = []
        for row in rows:
            if len(row) <= max(fips_at, metro_at):
                continue
            row_fips = _cell_text(row[fips_at]).zfill(10)
            if code is not None and (row_fips != code if len(code) == 10 else row_fips[:5] != code):
                continue
            if metro_code and _cell_text(row[metro_at]) != str(metro_code).strip():
                continue
            kept.append((row_fips, *(row[columns[f]] if f in columns and columns[f] < len(row) else None
                                     for f in ("county_name", "area_name", "metro_code", *FMR_COLUMNS))))
    finally:
        book.close()
    wanted = " and ".join(x for x in (f"fips {code}" if code else "", f"metro_code {metro_code}" if metro_code
                                       else "") if x)
    if not kept:
        raise HUDError(f"{label}: no row for {wanted} in sheet {name!r}")
    frame = pd.DataFrame(kept, columns=["fips", "county_name", "area_name", "metro_code", *FMR_COLUMNS])
    for column in ("county_name", "area_name", "metro_code"):
        frame[column] = frame[column].map(_cell_text).astype("str")
    for column in FMR_COLUMNS:
        frame[column] = frame[column].map(_dollars).astype("Int64")
    frame.insert(0, "fiscal_year", int(year))
    frame.attrs["sheet"] = name
    frame.attrs["notes"] = notes
    return frame


def read_safmr_workbook(path: str | Path, *, metro_code: str, sheet: str | None = None,
                        fiscal_year: int | None = None) -> pd.DataFrame:
    """The ZIP rows of one HUD area in HUD's national Small Area FMR workbook (``fy2020_safmrs_rev.xlsx``).

    The workbook has one sheet (``SAFMRS``) with one row per ZIP code tabulation area and HUD area:
    ``zcta``, ``CBSASub20`` (the HUD area code, ``METROnnnnnMnnnnn``; the suffix is the fiscal
    year), ``Areaname20``, and for n = 0..4 ``safmr_nbr``, ``safmr_nbr_90pct_pay_std``,
    ``safmr_nbr_110pct_pay_std``. The payment-standard columns are 90 % and 110 % of the SAFMR (the
    range of a housing authority's voucher payment standard) and are not read. A HUD area spans
    several states: the rows of one city are the ZIP codes that lie in it, which the caller selects.
    The FY2022 headers (``ZIP Code``, ``HUD Area Code``, ``SAFMR 0BR``) are matched too.

    Parameters
    ----------
    metro_code : str
        The HUD area code whose ZIP codes are kept.
    sheet, fiscal_year
        As in :func:`read_fmr_workbook` (the FY2020 workbook's year is read from ``CBSASub20``).

    Returns
    -------
    pandas.DataFrame
        ``zip`` (5-character str), ``area_code``, ``area_name``, ``fmr_0..fmr_4`` (Int64 dollars) and
        ``fiscal_year`` (int), one row per ZIP code, sorted by ZIP.
    """
    label = Path(path).name
    book, name, header, columns, rows = _open_workbook(
        path, sheet, _SAFMR_HEADERS, ["zip", "area_code", *FMR_COLUMNS], "Small Area FMR")
    try:
        year, notes = _resolve_year(path, header, name, fiscal_year)
        area_at = columns["area_code"]
        wanted = str(metro_code).strip()
        order = ("zip", "area_code", "area_name", *FMR_COLUMNS)
        kept = [tuple(row[columns[f]] if f in columns and columns[f] < len(row) else None for f in order)
                for row in rows if len(row) > area_at and _cell_text(row[area_at]) == wanted]
    finally:
        book.close()
    if not kept:
        raise HUDError(f"{label}: no ZIP code of HUD area {metro_code!r} in sheet {name!r}")
    frame = pd.DataFrame(kept, columns=list(order))
    frame["zip"] = frame["zip"].map(_cell_text).str.zfill(5).astype("str")
    bad = ~frame["zip"].str.fullmatch(r"\d{5}")
    if bad.any():
        raise HUDError(f"{label}: {header[columns['zip']]!r} values that are not ZIP codes: "
                       f"{', '.join(frame.loc[bad, 'zip'].head(10))}")
    duplicated = frame["zip"][frame["zip"].duplicated()]
    if len(duplicated):
        raise HUDError(f"{label}: ZIP codes listed twice for {metro_code}: {', '.join(duplicated.head(10))}")
    for column in ("area_code", "area_name"):
        frame[column] = frame[column].map(_cell_text).astype("str")
    for column in FMR_COLUMNS:
        frame[column] = frame[column].map(_dollars).astype("Int64")
    frame["fiscal_year"] = int(year)
    frame = frame.sort_values("zip").reset_index(drop=True)
    frame.attrs["sheet"] = name
    frame.attrs["notes"] = notes
    return frame
