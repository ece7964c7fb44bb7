"""ACS 5-year tract measures computed from Census Data API cells, with 90% margins of error.

The offline build reads a published table of 37 derived measures (:mod:`indicators.sources.acs_tables`);
an online build computes the same measures here from the detailed-table cells, so both give the long
layout ``area_id, measure, estimate, moe, note`` and the snapshot stores them alike.

Each measure is data (:class:`Measure`): the ACS variables added up as its numerator, those added up
as its denominator, and its kind:

- ``count``: the sum of the numerator cells, ``MOE = √(Σ MOEᵢ²)`` (:func:`indicators.core.moe.moe_sum`);
- ``share``: ``p = ΣX / ΣY`` with the ACS proportion MOE ``√(MOE_X² − p²·MOE_Y²) / Y``, and the ratio
  formula where the term under the root is negative (:func:`indicators.core.moe.moe_proportion`); the
  share is clipped to [0, 1] (its MOE is not) and a denominator of 0 gives no share;
- ``median`` and ``mean``: one published cell, estimate and MOE as published (a median cannot be
  derived from other cells; a top- or bottom-coded one keeps its bound and gets no MOE).

The 37 measures are defined as their publisher documents them (VisionPitts, "ACS variables",
MIT licence): rent burden shares divide by all renter households (``B25070_001``), which includes
those whose burden is not computed, and owner burden likewise by ``B25091_001``. Census special
values are decoded by :mod:`indicators.sources.census` (missing, with their meaning; an MOE of
``-555555555`` becomes 0) and their meaning is carried into ``note``.

Added for the dashboard, not in the published table:

- ``same_house_1yr_share``: people 1 year and over living in the same house a year before
  (``B07003_004 / B07003_001``);
- ``long_tenure_share``: households whose householder moved in at least :data:`LONG_TENURE_YEARS`
  years before the last year of the survey period (``B25038`` bins, read from that release's labels
  because the bins move, over ``B25038_001``);
- ``b19001_001`` ... ``b19001_017`` (household income) and ``b25063_001`` ... (gross rent; 27 cells
  from 2015 on, 24 before): the distributions as raw counts, so that medians of neighbourhoods can be
  re-estimated from summed bins (:func:`distribution_bins`, :func:`indicators.core.moe.median_from_distribution`).

Estimates are not rounded here (the published table rounds counts to whole numbers and shares to
4 decimals).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import requests

from indicators.core import moe
from indicators.sources import census

log = logging.getLogger(__name__)

DATASET = "acs/acs5"
COUNT, SHARE, MEDIAN, MEAN = "count", "share", "median", "mean"
KINDS = (COUNT, SHARE, MEDIAN, MEAN)

#: columns of :func:`compute_measures`, as :func:`indicators.sources.acs_tables.read_measure_table` gives them
MEASURE_COLUMNS = ["area_id", "measure", "estimate", "moe", "note"]

#: a household counts as long-tenure when its householder moved in at least this many years before the
#: last year of the survey period
LONG_TENURE_YEARS = 10
LONG_TENURE = "long_tenure_share"
#: the first release whose gross rent distribution (B25063) runs to "$3,500 or more" (27 cells)
B25063_WIDE_FROM = 2015
#: the first 5-year release published for tracts
FIRST_ACS5_YEAR = 2009


@dataclass(frozen=True)
class Measure:
    """One measure: what it is for a reader, and the ACS cells it is made of.

    ``numerator`` cells are added up; for a ``share`` the ``denominator`` cells are added up too and
    the numerator is a subset of the denominator (so the proportion MOE formula applies).
    """

    name: str
    kind: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    label: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if (self.kind == SHARE) != bool(self.denominator):
            raise ValueError(f"{self.name}: a share needs a denominator, and only a share has one")
        if self.kind in (MEDIAN, MEAN) and len(self.numerator) != 1:
            raise ValueError(f"{self.name}: a {self.kind} is one published cell")

    @property
    def variables(self) -> tuple[str, ...]:
        """Every cell the measure needs, numerator first, each once."""
        return tuple(dict.fromkeys(self.numerator + self.denominator))

    @property
    def table(self) -> str:
        """The ACS table of the measure's cells (``B25070``)."""
        return self.numerator[0].split("_")[0]


def _cells(table: str, *numbers: int) -> tuple[str, ...]:
    return tuple(f"{table}_{n:03d}" for n in numbers)


def _span(table: str, first: int, last: int) -> tuple[str, ...]:
    return _cells(table, *range(first, last + 1))


#: the 37 measures of the published tract, city and county tables, in their column order
PUBLISHED_MEASURES: tuple[Measure, ...] = (
    Measure("pop", COUNT, _cells("B01003", 1), label="Total population"),
    Measure("households", COUNT, _cells("B11001", 1), label="Households"),
    Measure("median_age", MEDIAN, _cells("B01002", 1), label="Median age"),
    Measure("under18_share", SHARE, _span("B01001", 3, 6) + _span("B01001", 27, 30), _cells("B01001", 1),
            label="People under 18"),
    Measure("age65_share", SHARE, _span("B01001", 20, 25) + _span("B01001", 44, 49), _cells("B01001", 1),
            label="People 65 and over"),
    Measure("white_nh_share", SHARE, _cells("B03002", 3), _cells("B03002", 1), label="White alone, not Hispanic"),
    Measure("black_nh_share", SHARE, _cells("B03002", 4), _cells("B03002", 1),
            label="Black or African American alone, not Hispanic"),
    Measure("asian_nh_share", SHARE, _cells("B03002", 6), _cells("B03002", 1), label="Asian alone, not Hispanic"),
    Measure("hispanic_share", SHARE, _cells("B03002", 12), _cells("B03002", 1), label="Hispanic or Latino"),
    Measure("med_hh_income", MEDIAN, _cells("B19013", 1), label="Median household income"),
    Measure("per_capita_income", MEAN, _cells("B19301", 1), label="Per-capita income"),
    Measure("poverty_share", SHARE, _cells("C17002", 2, 3), _cells("C17002", 1),
            label="People below the poverty line"),
    Measure("unemployment_rate", SHARE, _cells("B23025", 5), _cells("B23025", 3),
            label="Unemployed, of the civilian labour force"),
    Measure("lfpr", SHARE, _cells("B23025", 2), _cells("B23025", 1), label="In the labour force, people 16 and over"),
    Measure("bachelors_share", SHARE, _span("B15003", 22, 25), _cells("B15003", 1),
            label="Bachelor's degree or higher, people 25 and over"),
    Measure("housing_units", COUNT, _cells("B25001", 1), label="Housing units"),
    Measure("vacancy_share", SHARE, _cells("B25002", 3), _cells("B25002", 1), label="Vacant housing units"),
    Measure("median_year_built", MEDIAN, _cells("B25035", 1), label="Median year built"),
    Measure("sfd_share", SHARE, _cells("B25024", 2), _cells("B25024", 1), label="Single-family detached homes"),
    Measure("units_2_4_share", SHARE, _cells("B25024", 4, 5), _cells("B25024", 1), label="Homes in 2-4 unit buildings"),
    Measure("units_5_19_share", SHARE, _cells("B25024", 6, 7), _cells("B25024", 1),
            label="Homes in 5-19 unit buildings"),
    Measure("units_20plus_share", SHARE, _cells("B25024", 8, 9), _cells("B25024", 1),
            label="Homes in buildings of 20 or more units"),
    Measure("renter_share", SHARE, _cells("B25003", 3), _cells("B25003", 1), label="Renter households"),
    Measure("renter_hh", COUNT, _cells("B25003", 3), label="Renter households (count)"),
    Measure("owner_hh", COUNT, _cells("B25003", 2), label="Owner households (count)"),
    Measure("pop_renter_share", SHARE, _cells("B25008", 3), _cells("B25008", 1), label="People living in rented homes"),
    Measure("med_gross_rent", MEDIAN, _cells("B25064", 1), label="Median gross rent"),
    Measure("med_home_value", MEDIAN, _cells("B25077", 1), label="Median home value"),
    Measure("rent_burden30_share", SHARE, _span("B25070", 7, 10), _cells("B25070", 1),
            label="Renters paying 30% or more of income on rent"),
    Measure("rent_burden50_share", SHARE, _cells("B25070", 10), _cells("B25070", 1),
            label="Renters paying 50% or more of income on rent"),
    Measure("owner_burden30_share", SHARE, _span("B25091", 8, 11) + _span("B25091", 19, 22), _cells("B25091", 1),
            label="Owners paying 30% or more of income on housing costs"),
    Measure("drive_alone_share", SHARE, _cells("B08301", 3), _cells("B08301", 1), label="Workers driving alone"),
    Measure("transit_share", SHARE, _cells("B08301", 10), _cells("B08301", 1), label="Workers taking public transit"),
    Measure("walk_share", SHARE, _cells("B08301", 19), _cells("B08301", 1), label="Workers walking to work"),
    Measure("bike_share", SHARE, _cells("B08301", 18), _cells("B08301", 1), label="Workers cycling to work"),
    Measure("wfh_share", SHARE, _cells("B08301", 21), _cells("B08301", 1), label="Workers working from home"),
    Measure("no_vehicle_share", SHARE, _cells("B25044", 3, 10), _cells("B25044", 1),
            label="Households without a vehicle"),
)

SAME_HOUSE = Measure("same_house_1yr_share", SHARE, _cells("B07003", 4), _cells("B07003", 1),
                     label="People in the same house a year before")

#: income bins of B19001 (cells 002-017) as [lower, upper) dollars; the first also holds zero and losses
_B19001_BOUNDS = (0, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 60_000, 75_000,
                  100_000, 125_000, 150_000, 200_000, np.inf)
#: gross rent bins of B25063 with cash rent (cells 003-026 from 2015, 003-023 before), [lower, upper) dollars
_B25063_BOUNDS = (0, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 800, 900, 1_000, 1_250,
                  1_500, 2_000, 2_500, 3_000, 3_500, np.inf)


def _check_year(year: int) -> int:
    year = int(year)
    if year < FIRST_ACS5_YEAR:
        raise ValueError(f"no ACS 5-year tract release ends in {year}: the first is {FIRST_ACS5_YEAR} (2005-2009)")
    return year


def _b25063_cells(year: int) -> int:
    return 27 if year >= B25063_WIDE_FROM else 24


def distribution_measures(year: int) -> tuple[Measure, ...]:
    """The B19001 and B25063 cells of the release ending in ``year``, each a ``count`` measure."""
    year = _check_year(year)
    income = tuple(Measure(f"b19001_{n:03d}", COUNT, _cells("B19001", n), label="Households by income")
                   for n in range(1, 18))
    rent = tuple(Measure(f"b25063_{n:03d}", COUNT, _cells("B25063", n), label="Renter households by gross rent")
                 for n in range(1, _b25063_cells(year) + 1))
    return income + rent


def distribution_bins(table: str, year: int) -> pd.DataFrame:
    """Bounds of the bins of a distribution measured by :func:`distribution_measures`.

    Returns ``measure, variable, lower, upper``: dollars, each bin read as ``[lower, upper)`` (so
    "$10,000 to $14,999" is 10,000-15,000) and the top bin open (``upper`` infinite). The lowest bins
    start at 0. Totals and the "no cash rent" cell are not bins. The bounds go with the counts to
    :func:`indicators.core.moe.median_from_distribution` once the counts of several tracts are added up.
    """
    year = _check_year(year)
    if table == "B19001":
        first, bounds = 2, _B19001_BOUNDS
    elif table == "B25063":
        first = 3
        # before 2015 the top bin is "$2,000 or more"
        bounds = _B25063_BOUNDS if year >= B25063_WIDE_FROM else _B25063_BOUNDS[:21] + (np.inf,)
    else:
        raise ValueError(f"no bins for {table!r}: use 'B19001' or 'B25063'")
    cells = range(first, first + len(bounds) - 1)
    return pd.DataFrame({"measure": [f"{table.lower()}_{n:03d}" for n in cells],
                         "variable": [f"{table}_{n:03d}" for n in cells],
                         "lower": np.asarray(bounds[:-1], dtype=float), "upper": np.asarray(bounds[1:], dtype=float)})


def long_tenure_measure(moved_in_labels: pd.DataFrame | Mapping[str, str], year: int) -> Measure:
    """``long_tenure_share`` for the release ending in ``year``, from that release's B25038 labels.

    The numerator is every owner and renter bin whose latest move-in year lies at least
    :data:`LONG_TENURE_YEARS` before ``year`` (:func:`indicators.sources.census.moved_in_bins`); e.g.
    for 2018-2022, "2000 to 2009", "1990 to 1999" and "1989 or earlier" of both tenures. A bin that
    straddles the line ("2010 to 2017" in 2022) is left out, so the share is a lower bound.
    """
    bins = census.moved_in_bins(moved_in_labels, _check_year(year))
    long = bins.loc[bins["min_years_in_unit"] >= LONG_TENURE_YEARS, "variable"]
    if long.empty:
        raise ValueError(f"no B25038 bin ends {LONG_TENURE_YEARS} or more years before {year}")
    return Measure(LONG_TENURE, SHARE, tuple(long), _cells("B25038", 1),
                   label=f"Households that moved in {LONG_TENURE_YEARS} or more years before")


def measure_definitions(year: int, *, moved_in_labels: pd.DataFrame | Mapping[str, str] | None = None
                        ) -> dict[str, Measure]:
    """Every measure of the release ending in ``year``, by name.

    The 37 published measures, ``same_house_1yr_share``, ``long_tenure_share`` (only when the B25038
    labels of that release are given) and the distribution cells.
    """
    year = _check_year(year)
    measures = list(PUBLISHED_MEASURES) + [SAME_HOUSE]
    if moved_in_labels is not None:
        measures.append(long_tenure_measure(moved_in_labels, year))
    measures += distribution_measures(year)
    return {m.name: m for m in measures}


def required_variables(measures: Iterable[Measure]) -> list[str]:
    """The ACS cells the measures need, each once, in the order the measures name them."""
    return list(dict.fromkeys(v for m in measures for v in m.variables))


def _select(definitions: dict[str, Measure], names: Sequence[str] | None) -> dict[str, Measure]:
    if names is None:
        return definitions
    if isinstance(names, str):
        names = [names]
    unknown = [n for n in names if n not in definitions]
    if unknown:
        hint = (" (long_tenure_share needs the B25038 labels: pass moved_in_labels)"
                if LONG_TENURE in unknown else "")
        raise ValueError(f"unknown ACS measures: {', '.join(unknown)}{hint}")
    return {n: definitions[n] for n in dict.fromkeys(names)}


# ------------------------------------------------------------------------------------------ computing


def _first_note(notes: pd.DataFrame, variables: Sequence[str], *, name_variable: bool) -> pd.Series:
    """Per area, the note of the first of ``variables`` that has one (prefixed with its code)."""
    first = pd.Series(None, index=notes.index, dtype=object)
    for variable in variables:
        column = notes[variable]
        take = first.isna() & column.notna()
        if take.any():
            text = column[take].astype(str)
            first[take] = (variable + ": " + text) if name_variable else text
    return first


def _compute_one(measure: Measure, est: pd.DataFrame, moes: pd.DataFrame, est_notes: pd.DataFrame,
                 moe_notes: pd.DataFrame) -> pd.DataFrame:
    several = len(measure.variables) > 1
    num = est[list(measure.numerator)].sum(axis=1, skipna=False)
    num_moe = moe.moe_sum(*(moes[v] for v in measure.numerator))
    note = _first_note(est_notes, measure.variables, name_variable=several)
    if measure.kind == SHARE:
        den = est[list(measure.denominator)].sum(axis=1, skipna=False)
        den_moe = moe.moe_sum(*(moes[v] for v in measure.denominator))
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (num / den.where(den != 0)).clip(0.0, 1.0)
        margin = moe.moe_proportion(num, den, num_moe, den_moe)
        empty = note.isna() & (den == 0)
        note[empty] = f"no share: the denominator ({' + '.join(measure.denominator)}) is 0 in this area"
        estimate = share
    else:
        estimate, margin = num, num_moe
    # an MOE note explains a missing MOE, or one of 0 (a controlled estimate)
    explain_moe = note.isna() & estimate.notna() & (margin.isna() | (margin == 0))
    if explain_moe.any():
        moe_note = _first_note(moe_notes, measure.variables, name_variable=several)
        note[explain_moe] = ("MOE: " + moe_note[explain_moe].astype(str)).where(moe_note[explain_moe].notna())
    return pd.DataFrame({"area_id": est.index.to_numpy(), "measure": measure.name,
                         "estimate": estimate.to_numpy(dtype=float), "moe": margin.to_numpy(dtype=float),
                         "note": note.to_numpy(dtype=object)})


def compute_measures(tidy: pd.DataFrame, year: int, *,
                     moved_in_labels: pd.DataFrame | Mapping[str, str] | None = None,
                     measures: Sequence[str] | None = None) -> pd.DataFrame:
    """The measures of every area of a tidy Census frame.

    Parameters
    ----------
    tidy : pandas.DataFrame
        ``GEOID, variable, estimate, moe, estimate_note, moe_note`` as :func:`census.fetch_acs` (or
        :func:`census.parse_api_response`) returns it: special values already missing, with notes.
    year : int
        Last year of the 5-year period (2024 for 2020-2024): it fixes the B25063 layout and the
        long-tenure bins.
    moved_in_labels : DataFrame or mapping, optional
        B25038 labels of that release (:func:`census.fetch_variable_labels`); without them
        ``long_tenure_share`` is not defined.
    measures : list of str, optional
        Names of the measures wanted; default all of :func:`measure_definitions`.

    Returns
    -------
    pandas.DataFrame
        ``area_id, measure, estimate, moe, note``: one row per measure and area (``area_id`` the
        GEOID), measures in definition order. ``note`` says why an estimate or MOE is missing (the
        Census special value of the cell, named by its code when the measure adds several, or a
        denominator of 0), why an MOE is 0, or that a median is top- or bottom-coded.

    Raises
    ------
    ValueError
        For an unknown measure, or when the frame lacks cells a wanted measure needs.
    """
    definitions = _select(measure_definitions(year, moved_in_labels=moved_in_labels), measures)
    needed = required_variables(definitions.values())
    missing = sorted(set(needed) - set(tidy["variable"]))
    if missing:
        raise ValueError(f"the Census frame lacks {len(missing)} cells the measures need: {', '.join(missing[:12])}"
                         + (" ..." if len(missing) > 12 else ""))
    cells = tidy[tidy["variable"].isin(needed)]
    duplicated = cells.duplicated(["GEOID", "variable"])
    if duplicated.any():
        first = cells[duplicated].iloc[0]
        raise ValueError(f"the Census frame holds {first['variable']} twice for {first['GEOID']}")
    wide = {column: cells.pivot(index="GEOID", columns="variable", values=column)
            for column in ("estimate", "moe", "estimate_note", "moe_note")}
    est = wide["estimate"].astype(float)
    moes = wide["moe"].astype(float)
    est_notes = wide["estimate_note"].astype(object).where(wide["estimate_note"].notna(), None)
    moe_notes = wide["moe_note"].astype(object).where(wide["moe_note"].notna(), None)
    parts = [_compute_one(m, est, moes, est_notes, moe_notes) for m in definitions.values()]
    if not parts or est.empty:
        return pd.DataFrame({"area_id": pd.Series(dtype=object), "measure": pd.Series(dtype=object),
                             "estimate": pd.Series(dtype=float), "moe": pd.Series(dtype=float),
                             "note": pd.Series(dtype=object)})
    out = pd.concat(parts, ignore_index=True)[MEASURE_COLUMNS]
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    return out


# ------------------------------------------------------------------------------------------ fetching


def fetch_tract_measures(*, year: int, state, county, key: str | None = None,
                         session: requests.Session | None = None,
                         measures: Sequence[str] | None = None) -> pd.DataFrame:
    """The measures of every tract of a county, from the Census Data API.

    Reads the B25038 labels of the release when ``long_tenure_share`` is wanted
    (:func:`census.fetch_variable_labels`), asks :func:`census.fetch_acs` for every cell the measures
    need (in calls of at most 50 columns) and returns :func:`compute_measures` of the answer.

    Parameters
    ----------
    year : int
        Last year of the ACS 5-year period (2024 for 2020-2024).
    state, county : str or int
        FIPS codes (``"42"``, ``"003"``).
    key : str, optional
        Census API key; default the ``CENSUS_API_KEY`` environment variable.
    session : requests.Session, optional
        Default the library's cached session (offline mode included).
    measures : list of str, optional
        Names of the measures wanted; default all.

    Returns
    -------
    pandas.DataFrame
        ``area_id, measure, estimate, moe, note``, as :func:`compute_measures`.
    """
    year = _check_year(year)
    wanted = [measures] if isinstance(measures, str) else (list(measures) if measures is not None else None)
    labels = None
    if wanted is None or LONG_TENURE in wanted:
        labels = census.fetch_variable_labels(year, DATASET, "B25038", session=session, key=key)
    definitions = _select(measure_definitions(year, moved_in_labels=labels), wanted)
    variables = required_variables(definitions.values())
    log.info("ACS %d tract measures for %s-%s: %d measures from %d cells", year, state, county,
             len(definitions), len(variables))
    tidy = census.fetch_acs(variables, year=year, geography="tract", state=state, county=county,
                            dataset=DATASET, key=key, session=session)
    return compute_measures(tidy, year, moved_in_labels=labels, measures=list(definitions))
