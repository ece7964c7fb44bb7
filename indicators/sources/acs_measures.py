"""ACS 5-year tract measures computed from Census cells, with 90% margins of error.

The offline build reads a published table of 37 derived measures (:mod:`indicators.sources.acs_tables`)
or the Census Bureau's own tables (:mod:`indicators.sources.census_tables`); an online build fetches
the detailed-table cells from the Census Data API. All of them give the long layout
``area_id, measure, estimate, moe, note`` and the snapshot stores them alike.

Each measure is data (:class:`Measure`): the ACS cells added up as its numerator (less those
subtracted), those added up as its denominator (less those subtracted), and its kind:

- ``count``: the sum of the numerator cells, ``MOE = √(Σ MOEᵢ²)``, where several zero estimates add
  only the largest of their MOEs (:func:`indicators.core.moe.moe_sum` with ``estimates``);
- ``share``: ``p = ΣX / ΣY`` with the ACS proportion MOE ``√(MOE_X² − p²·MOE_Y²) / Y``, and the ratio
  formula where the term under the root is negative (:func:`indicators.core.moe.moe_proportion`); the
  share is clipped to [0, 1] (its MOE is not) and a denominator of 0 gives no share;
- ``median`` and ``mean``: one published cell, estimate and MOE as published (a median cannot be
  derived from other cells; a top- or bottom-coded one keeps its bound and gets no MOE);
- ``percent``: one published percent cell of a data profile (``DP03_0128PE``), divided by 100, its
  ``PM`` likewise.

Two definitions per measure, side by side. Every measure has its detailed-table definition
(``B25003_003 / B25003_001``); where the 2015-2019 data profiles (DP02-DP05, 2019 layout:
:data:`PROFILE_LAYOUT_YEAR`) carry the same quantity, :data:`PROFILE_MEASURES_2019` defines it from
those cells (``DP04_0047 / DP04_0045``). :func:`compute_measures` takes, measure by measure, the
first definition whose cells are all in the input (detailed tables first) and lists in
``attrs["missing"]`` what the others would need. Profile cells are numbered anew in most releases,
so the profile definitions are offered for the 2019 release only.

The 37 measures follow their publisher (a published compilation's "ACS variables", MIT licence) except rent
burden: the Census Bureau computes gross rent as a percentage of income only where it can, so both
rent burden shares divide by the renter households for whom it is computed,
``B25070_001 − B25070_011`` ("not computed"): ``rent_burden30_share = (B25070_007 + 008 + 009 + 010)
/ (B25070_001 − B25070_011)`` and ``rent_burden50_share = B25070_010 / (B25070_001 − B25070_011)``
(the published table divides by ``B25070_001``, which reads slightly low). That base is the measure
``rent_burden_universe`` (``DP04_0136`` in the profile). The owner burden share still divides by all
owners (``B25091_001``), as published. Census special values are decoded by
:mod:`indicators.sources.census` (missing, with their meaning; an MOE of ``-555555555`` becomes 0) and
their meaning is carried into ``note``.

Added for the dashboard, not in the published table:

- ``same_house_1yr_share``: people 1 year and over living in the same house a year before
  (``B07003_004 / B07003_001``; ``DP02_0080 / DP02_0079``);
- ``long_tenure_share``: households whose householder moved in at least :data:`LONG_TENURE_YEARS`
  years before the last year of the survey period (``B25038`` bins, read from that release's labels
  because the bins move, over ``B25038_001``; in the 2019 profile ``DP04_0054 + 0055 + 0056`` over
  ``DP04_0050``, see :data:`PROFILE_LONG_TENURE_NOTE`);
- ``rent_burden_universe``: renter households whose rent burden is computed;
- ``b19001_001`` ... ``b19001_017`` (household income) and ``b25063_001`` ... (gross rent; 27 cells
  from 2015 on, 24 before): the distributions as raw counts, so that medians of neighbourhoods can be
  re-estimated from summed bins (:func:`distribution_bins`, :func:`indicators.core.moe.median_from_distribution`).

Race counts for rates by race (:func:`race_counts`): non-Hispanic white, Black and Asian alone,
Hispanic or Latino of any race, and everyone else (``B03002``; ``DP05_0070``-``0083`` in 2019).

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
from indicators.sources import census, census_tables

log = logging.getLogger(__name__)

DATASET = "acs/acs5"
COUNT, SHARE, MEDIAN, MEAN, PERCENT = "count", "share", "median", "mean", "percent"
KINDS = (COUNT, SHARE, MEDIAN, MEAN, PERCENT)

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

    ``numerator`` cells are added up (less the ``numerator_minus`` cells, for a count); for a
    ``share`` the ``denominator`` cells are added up too (less the ``denominator_minus`` cells) and the
    numerator is a subset of the denominator (so the proportion MOE formula applies). ``caveat`` is
    said in the note of every value the measure gives (an approximation of its definition).
    """

    name: str
    kind: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    label: str = ""
    numerator_minus: tuple[str, ...] = ()
    denominator_minus: tuple[str, ...] = ()
    caveat: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if (self.kind == SHARE) != bool(self.denominator):
            raise ValueError(f"{self.name}: a share needs a denominator, and only a share has one")
        if self.kind in (MEDIAN, MEAN, PERCENT) and len(self.numerator) != 1:
            raise ValueError(f"{self.name}: a {self.kind} is one published cell")
        if self.numerator_minus and self.kind != COUNT:
            raise ValueError(f"{self.name}: only a count subtracts cells from its numerator")
        if self.denominator_minus and self.kind != SHARE:
            raise ValueError(f"{self.name}: only a share subtracts cells from its denominator")

    @property
    def variables(self) -> tuple[str, ...]:
        """Every cell the measure needs, numerator first, each once."""
        return tuple(dict.fromkeys(self.numerator + self.numerator_minus + self.denominator
                                   + self.denominator_minus))

    @property
    def table(self) -> str:
        """The ACS table of the measure's cells (``B25070``, ``DP04``)."""
        return self.numerator[0].split("_")[0]

    @property
    def source(self) -> str:
        """``"data profile"`` for DP cells, ``"detailed tables"`` otherwise."""
        return "data profile" if self.table.startswith("DP") else "detailed tables"


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
    # the Census definition: over the renter households whose rent burden is computed (B25070_011 is
    # "not computed"); the published table divides by B25070_001
    Measure("rent_burden30_share", SHARE, _span("B25070", 7, 10), _cells("B25070", 1),
            denominator_minus=_cells("B25070", 11), label="Renters paying 30% or more of income on rent"),
    Measure("rent_burden50_share", SHARE, _cells("B25070", 10), _cells("B25070", 1),
            denominator_minus=_cells("B25070", 11), label="Renters paying 50% or more of income on rent"),
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
POP_1YR_OVER = Measure("pop_1yr_over", COUNT, _cells("B07003", 1),
                       label="People 1 year and over (the universe of residence a year before)")
RENT_BURDEN_UNIVERSE = Measure("rent_burden_universe", COUNT, _cells("B25070", 1),
                               numerator_minus=_cells("B25070", 11),
                               label="Renter households whose rent as a percentage of income is computed")

# ------------------------------------------------------------------------ data profiles, 2019 layout

#: the release whose data-profile layout :data:`PROFILE_MEASURES_2019` follows (ACS 2015-2019 5-year)
PROFILE_LAYOUT_YEAR = 2019


def _dp(table: str, *numbers: int) -> tuple[str, ...]:
    return tuple(f"{table}_{n:04d}" for n in numbers)


#: what the 2019 DP04 "year householder moved into unit" bins allow for ``long_tenure_share``
PROFILE_LONG_TENURE_NOTE = (
    "moved in 2009 or earlier (DP04 bins 2000 to 2009, 1990 to 1999, 1989 and earlier): 10 or more years "
    "by 2019, the last year of the 2015-2019 survey; households interviewed in 2015-2018 who moved in "
    "2006-2009 had lived there 6 to 9 years")

#: The 2015-2019 data-profile cells of the measures that have them. Every cell number was checked
#: twice. Against the labels of the 2019 ACS 5-year profile API (api.census.gov/data/2019/acs/acs5/profile):
#: DP02_0059-0086, DP03_0051-0063 and 0119-0137, DP04_0001-0079 and 0110-0143, DP05_0001-0089 as
#: listed in a public data dictionary of that API; DP03_0062, DP04_0089 ("VALUE!!Owner-occupied
#: units!!Median (dollars)") and DP04_0134 ("GROSS RENT!!Occupied units paying rent!!Median
#: (dollars)") as quoted with their 2019 labels in a public script; DP02_0001 ("HOUSEHOLDS BY
#: TYPE!!Total households") under that number in the 2009, 2015 and 2018 layouts. And against the
#: sums of the DC files, which hold in all 179 tracts: DP04_0046 + 0047 = DP04_0045 = DP04_0002 =
#: DP02_0001; DP04_0051..0056 = DP04_0050; DP04_0137..0142 = DP04_0136 and DP04_0136 + 0143 =
#: DP04_0047; DP04_0081..0088 = DP04_0046 (the value bins before the median DP04_0089);
#: DP04_0127..0133 = DP04_0126 (the gross rent bins before the median DP04_0134); DP02_0080 + 0081
#: + 0086 = DP02_0079; DP02_0065 + 0066 = DP02_0068; DP02_0060..0066 = DP02_0059; DP05_0071 + 0076 =
#: DP05_0070 = DP05_0001; DP05_0077..0083 = DP05_0076; DP04_0002 + 0003 = DP04_0001.
PROFILE_MEASURES_2019: tuple[Measure, ...] = (
    Measure("pop", COUNT, _dp("DP05", 1), label="Total population"),
    Measure("households", COUNT, _dp("DP02", 1), label="Households"),
    Measure("white_nh_share", SHARE, _dp("DP05", 77), _dp("DP05", 70), label="White alone, not Hispanic"),
    Measure("black_nh_share", SHARE, _dp("DP05", 78), _dp("DP05", 70),
            label="Black or African American alone, not Hispanic"),
    Measure("asian_nh_share", SHARE, _dp("DP05", 80), _dp("DP05", 70), label="Asian alone, not Hispanic"),
    Measure("hispanic_share", SHARE, _dp("DP05", 71), _dp("DP05", 70), label="Hispanic or Latino"),
    Measure("med_hh_income", MEDIAN, _dp("DP03", 62), label="Median household income"),
    Measure("poverty_share", PERCENT, ("DP03_0128P",),
            label="People below the poverty line (published percent, one decimal)"),
    Measure("bachelors_share", SHARE, _dp("DP02", 68), _dp("DP02", 59),
            label="Bachelor's degree or higher, people 25 and over"),
    Measure("housing_units", COUNT, _dp("DP04", 1), label="Housing units"),
    Measure("vacancy_share", SHARE, _dp("DP04", 3), _dp("DP04", 1), label="Vacant housing units"),
    Measure("renter_share", SHARE, _dp("DP04", 47), _dp("DP04", 45), label="Renter households"),
    Measure("renter_hh", COUNT, _dp("DP04", 47), label="Renter households (count)"),
    Measure("owner_hh", COUNT, _dp("DP04", 46), label="Owner households (count)"),
    Measure("med_gross_rent", MEDIAN, _dp("DP04", 134), label="Median gross rent"),
    Measure("med_home_value", MEDIAN, _dp("DP04", 89), label="Median home value"),
    Measure("rent_burden30_share", SHARE, _dp("DP04", 141, 142), _dp("DP04", 136),
            label="Renters paying 30% or more of income on rent"),
    Measure("same_house_1yr_share", SHARE, _dp("DP02", 80), _dp("DP02", 79),
            label="People in the same house a year before"),
    Measure("pop_1yr_over", COUNT, _dp("DP02", 79),
            label="People 1 year and over (the universe of residence a year before)"),
    Measure(LONG_TENURE, SHARE, _dp("DP04", 54, 55, 56), _dp("DP04", 50),
            label="Households that moved in 10 or more years before", caveat=PROFILE_LONG_TENURE_NOTE),
    Measure("rent_burden_universe", COUNT, _dp("DP04", 136),
            label="Renter households whose rent as a percentage of income is computed"),
)

#: measures that the data profiles cannot give, and why
NO_PROFILE_DEFINITION: dict[str, str] = {
    "rent_burden50_share": "DP04 has no 50%-or-more bin of gross rent as a percentage of income: its top bin "
                           "is 35.0 percent or more",
}

#: race and Hispanic origin groups of :func:`race_counts`: non-Hispanic white, Black and Asian alone,
#: Hispanic or Latino of any race, and every other non-Hispanic person (American Indian and Alaska
#: Native, Native Hawaiian and Other Pacific Islander, some other race alone, two or more races)
RACE_GROUPS = ("white", "black", "asian", "hispanic", "other")
RACE_CELLS: dict[str, tuple[str, ...]] = {
    "white": _cells("B03002", 3), "black": _cells("B03002", 4), "asian": _cells("B03002", 6),
    "hispanic": _cells("B03002", 12), "other": _cells("B03002", 5, 7, 8, 9),
}
RACE_CELLS_PROFILE_2019: dict[str, tuple[str, ...]] = {
    "white": _dp("DP05", 77), "black": _dp("DP05", 78), "asian": _dp("DP05", 80),
    "hispanic": _dp("DP05", 71), "other": _dp("DP05", 79, 81, 82, 83),
}

#: how the Census Bureau writes a median in the open top interval of its distribution, by cell: the
#: value and the interval (seen in the API answers and the DC files: 250,001 for "250,000+" household
#: income, 3,501 for "3,500+" gross rent from 2015)
OPEN_TOP_MEDIANS: dict[str, tuple[float, str, int]] = {
    "B19013_001": (250001, "250,000+", FIRST_ACS5_YEAR), "DP03_0062": (250001, "250,000+", PROFILE_LAYOUT_YEAR),
    "B25064_001": (3501, "3,500+", B25063_WIDE_FROM), "DP04_0134": (3501, "3,500+", PROFILE_LAYOUT_YEAR),
}

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

    The 37 published measures, ``same_house_1yr_share``, ``rent_burden_universe``,
    ``long_tenure_share`` (only when the B25038 labels of that release are given) and the
    distribution cells, all from the detailed tables (what :func:`fetch_tract_measures` asks the API
    for). :func:`measure_alternatives` adds the data-profile definitions.
    """
    year = _check_year(year)
    measures = list(PUBLISHED_MEASURES) + [SAME_HOUSE, POP_1YR_OVER, RENT_BURDEN_UNIVERSE]
    if moved_in_labels is not None:
        measures.append(long_tenure_measure(moved_in_labels, year))
    measures += distribution_measures(year)
    return {m.name: m for m in measures}


def profile_definitions(year: int) -> dict[str, Measure]:
    """The data-profile definitions of the release ending in ``year``: :data:`PROFILE_MEASURES_2019`
    for 2019, none for other releases (their DP cells are numbered otherwise)."""
    year = _check_year(year)
    if year != PROFILE_LAYOUT_YEAR:
        return {}
    return {m.name: m for m in PROFILE_MEASURES_2019}


def measure_alternatives(year: int, *, moved_in_labels: pd.DataFrame | Mapping[str, str] | None = None
                         ) -> dict[str, tuple[Measure, ...]]:
    """Every measure of the release ending in ``year`` with its definitions, preferred first.

    The detailed-table definition (:func:`measure_definitions`) comes first, the data-profile one
    (:func:`profile_definitions`) second where there is one.
    """
    detailed = measure_definitions(year, moved_in_labels=moved_in_labels)
    profile = profile_definitions(year)
    names = list(detailed) + [n for n in profile if n not in detailed]
    return {n: tuple(d[n] for d in (detailed, profile) if n in d) for n in names}


def required_variables(measures: Iterable[Measure]) -> list[str]:
    """The ACS cells the measures need, each once, in the order the measures name them."""
    return list(dict.fromkeys(v for m in measures for v in m.variables))


def _select(definitions: dict, names: Sequence[str] | None) -> dict:
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

NO_MOE_NOTE = "no margin of error published"
ABSENT_CELL_NOTE = "the input has no value of this cell for this area"


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


def _sum(est: pd.DataFrame, moes: pd.DataFrame, plus: Sequence[str], minus: Sequence[str] = ()):
    """``Σ plus − Σ minus`` and its MOE (zero estimates: only the largest of their MOEs)."""
    total = est[list(plus)].sum(axis=1, skipna=False)
    if minus:
        total = total - est[list(minus)].sum(axis=1, skipna=False)
    cells = list(plus) + list(minus)
    margin = moe.moe_sum(*(moes[v] for v in cells), estimates=[est[v] for v in cells])
    return total, margin


def _open_top_note(measure: Measure, estimate: pd.Series, year: int) -> pd.Series:
    notes = pd.Series(None, index=estimate.index, dtype=object)
    coded = OPEN_TOP_MEDIANS.get(measure.numerator[0])
    if measure.kind != MEDIAN or coded is None or year < coded[2]:
        return notes
    value, interval, _ = coded
    hit = estimate == value
    notes[hit] = (f"{measure.numerator[0]} = {value:,.0f}: the value the Census Bureau writes for a median in the "
                  f"open top interval (\"{interval}\"); the estimate is that bound, not a measured median")
    return notes


def _compute_one(measure: Measure, est: pd.DataFrame, moes: pd.DataFrame, est_notes: pd.DataFrame,
                 moe_notes: pd.DataFrame, year: int) -> pd.DataFrame:
    several = len(measure.variables) > 1
    note = _first_note(est_notes, measure.variables, name_variable=several)
    if measure.kind == PERCENT:
        cell = measure.numerator[0]
        estimate, margin = est[cell] / 100.0, moes[cell] / 100.0
    else:
        num, num_moe = _sum(est, moes, measure.numerator, measure.numerator_minus)
        estimate, margin = num, num_moe
    if measure.kind == SHARE:
        den, den_moe = _sum(est, moes, measure.denominator, measure.denominator_minus)
        with np.errstate(divide="ignore", invalid="ignore"):
            estimate = (num / den.where(den != 0)).clip(0.0, 1.0)
        margin = moe.moe_proportion(num, den, num_moe, den_moe)
        empty = note.isna() & (den == 0)
        base = " + ".join(measure.denominator) + "".join(f" − {v}" for v in measure.denominator_minus)
        note[empty] = f"no share: the denominator ({base}) is 0 in this area"
    # an MOE note explains a missing MOE, or one of 0 (a controlled estimate)
    explain_moe = note.isna() & estimate.notna() & (margin.isna() | (margin == 0))
    if explain_moe.any():
        moe_note = _first_note(moe_notes, measure.variables, name_variable=several)
        note[explain_moe] = ("MOE: " + moe_note[explain_moe].astype(str)).where(moe_note[explain_moe].notna())
    coded = _open_top_note(measure, estimate, year)
    note = note.where(note.notna(), coded)
    # files that publish estimates only (the DC data profiles): nothing is padded, the MOE stays missing
    no_moe = note.isna() & estimate.notna() & margin.isna()
    note[no_moe] = NO_MOE_NOTE
    if measure.caveat:
        note = note.map(lambda n: measure.caveat if n is None or n != n else f"{n}; {measure.caveat}")
    return pd.DataFrame({"area_id": est.index.to_numpy(), "measure": measure.name,
                         "estimate": estimate.to_numpy(dtype=float), "moe": margin.to_numpy(dtype=float),
                         "note": note.to_numpy(dtype=object)})


def _standard_tidy(tidy: pd.DataFrame) -> pd.DataFrame:
    """``GEOID, variable, estimate, moe, estimate_note, moe_note`` from either tidy layout.

    :func:`census.fetch_acs` gives the two note columns; :func:`census_tables.read_table_file` gives
    one ``note`` (estimate reason, then ``MOE: `` and the margin's reason).
    """
    missing = [c for c in ("GEOID", "variable", "estimate", "moe") if c not in tidy.columns]
    if missing:
        raise ValueError(f"not a tidy Census frame: no column {', '.join(missing)}")
    out = tidy[["GEOID", "variable", "estimate", "moe"]].copy()
    out["GEOID"] = out["GEOID"].astype(str)
    if "estimate_note" in tidy.columns and "moe_note" in tidy.columns:
        out["estimate_note"], out["moe_note"] = tidy["estimate_note"], tidy["moe_note"]
    elif "note" in tidy.columns:
        out["estimate_note"], out["moe_note"] = census_tables.split_notes(tidy["note"])
    else:
        out["estimate_note"], out["moe_note"] = None, None
    for column in ("estimate_note", "moe_note"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def _empty_measures() -> pd.DataFrame:
    return pd.DataFrame({"area_id": pd.Series(dtype=object), "measure": pd.Series(dtype=object),
                         "estimate": pd.Series(dtype=float), "moe": pd.Series(dtype=float),
                         "note": pd.Series(dtype=object)})


def _needs(name: str, options: Sequence[Measure], *, labels_given: bool) -> str:
    """What a measure needs, each definition's cells joined by "or" (for ``attrs["missing"]``)."""
    parts = [", ".join(sorted(m.variables)) for m in options]
    if name == LONG_TENURE and not labels_given:
        parts.insert(0, "the B25038 cells with that release's bin labels (moved_in_labels)")
    text = "needs " + " or ".join(parts)
    if name in NO_PROFILE_DEFINITION:
        text += f" ({NO_PROFILE_DEFINITION[name]})"
    return text


def _compute(cells: pd.DataFrame, chosen: Mapping[str, Measure], year: int) -> pd.DataFrame:
    needed = required_variables(chosen.values())
    # every area of the input gets a row for every measure, with a reason where its cells are absent
    areas = pd.Index(sorted(cells["GEOID"].unique()), name="GEOID")
    cells = cells[cells["variable"].isin(needed)]
    duplicated = cells.duplicated(["GEOID", "variable"])
    if duplicated.any():
        first = cells[duplicated].iloc[0]
        raise ValueError(f"the Census frame holds {first['variable']} twice for {first['GEOID']}")
    if not chosen or cells.empty:
        return _empty_measures()
    wide = {column: cells.pivot(index="GEOID", columns="variable", values=column).reindex(areas)
            for column in ("estimate", "moe", "estimate_note", "moe_note")}
    est = wide["estimate"].astype(float)
    moes = wide["moe"].astype(float)
    # an area without a row for a cell (a file that lists some areas only) gets a reason, not a silent gap
    present = cells.assign(_x=1.0).pivot(index="GEOID", columns="variable", values="_x").reindex(areas).notna()
    est_notes = wide["estimate_note"].astype(object).where(wide["estimate_note"].notna(), None)
    est_notes = est_notes.where(present, ABSENT_CELL_NOTE)
    moe_notes = wide["moe_note"].astype(object).where(wide["moe_note"].notna(), None)
    parts = [_compute_one(m, est, moes, est_notes, moe_notes, year) for m in chosen.values()]
    out = pd.concat(parts, ignore_index=True)[MEASURE_COLUMNS]
    out["note"] = out["note"].astype(object).where(out["note"].notna(), None)
    return out


def compute_measures(tidy: pd.DataFrame, year: int | None = None, *, names: Sequence[str] | None = None,
                     moved_in_labels: pd.DataFrame | Mapping[str, str] | None = None,
                     measures: Sequence[str] | None = None, strict: bool | None = None) -> pd.DataFrame:
    """The measures of every area of a tidy Census frame, each from the definition its cells allow.

    Parameters
    ----------
    tidy : pandas.DataFrame
        ``GEOID, variable, estimate, moe`` and the notes: ``estimate_note, moe_note`` as
        :func:`census.fetch_acs` (or :func:`census.parse_api_response`) gives them, or ``note`` as
        :func:`indicators.sources.census_tables.read_table_file` does; special values already missing,
        with their reasons.
    year : int
        Last year of the 5-year period (2024 for 2020-2024): it fixes the B25063 layout, the
        long-tenure bins and whether the 2019 data-profile definitions apply. Required (a keyword
        is clearest: ``year=2019``).
    names : list of str, optional
        Names of the measures wanted; default all of :func:`measure_alternatives`.
    moved_in_labels : DataFrame or mapping, optional
        B25038 labels of that release (:func:`census.fetch_variable_labels`); without them
        ``long_tenure_share`` has no detailed-table definition.
    measures : list of str, optional
        The former name of ``names``; given this way, a measure whose cells are absent raises as it
        always did (``strict``).
    strict : bool, optional
        Raise :class:`ValueError` when a wanted measure's cells are absent instead of leaving it out;
        default True with ``measures``, False otherwise.

    Returns
    -------
    pandas.DataFrame
        ``area_id, measure, estimate, moe, note``: one row per measure and area (``area_id`` the
        GEOID), measures in definition order. Each measure is computed from its first definition whose
        cells are all in ``tidy``: the detailed tables, else the 2019 data profile. ``note`` says why
        an estimate or MOE is missing (the Census special value of the cell, named by its code when
        the measure adds several, a denominator of 0, or "no margin of error published" where the
        input has none: nothing is padded), why an MOE is 0, that a median is top- or bottom-coded, or
        the approximation a definition makes (:data:`PROFILE_LONG_TENURE_NOTE`).

        ``attrs["missing"]`` maps each measure left out to what it needs (``{"same_house_1yr_share":
        "needs B07003_001, B07003_004 or DP02_0079, DP02_0080"}``); ``attrs["definitions"]`` maps
        each measure computed to ``"detailed tables"`` or ``"data profile"``.

    Raises
    ------
    ValueError
        For an unknown measure, a cell given twice for an area, or (``strict``) absent cells.
    """
    if year is None:
        raise TypeError("compute_measures needs the release: year=2019 for ACS 2015-2019")
    if names is not None and measures is not None:
        raise TypeError("give the measures wanted as names= (or the older measures=), not both")
    strict = (measures is not None) if strict is None else strict
    wanted = names if names is not None else measures
    year = _check_year(year)
    alternatives = _select(measure_alternatives(year, moved_in_labels=moved_in_labels), wanted)
    cells = _standard_tidy(tidy)
    present = set(cells["variable"])
    chosen: dict[str, Measure] = {}
    missing: dict[str, str] = {}
    for name, options in alternatives.items():
        usable = next((m for m in options if set(m.variables) <= present), None)
        if usable is None:
            missing[name] = _needs(name, options, labels_given=moved_in_labels is not None)
        else:
            chosen[name] = usable
    if strict and missing:
        lacking = sorted({v for n in missing for v in alternatives[n][0].variables} - present)
        raise ValueError(f"the Census frame lacks {len(lacking)} cells the measures need: {', '.join(lacking[:12])}"
                         + (" ..." if len(lacking) > 12 else ""))
    if wanted is None and LONG_TENURE not in alternatives:
        # without the release's B25038 labels (and no data profile of that layout) it has no definition
        missing[LONG_TENURE] = _needs(LONG_TENURE, (), labels_given=False)
    for name, text in missing.items():
        log.debug("ACS measure %s not computed: %s", name, text)
    out = _compute(cells, chosen, year)
    out.attrs["missing"] = missing
    out.attrs["definitions"] = {n: m.source for n, m in chosen.items()}
    return out


def race_counts(tidy: pd.DataFrame, *, year: int = PROFILE_LAYOUT_YEAR) -> pd.DataFrame:
    """Residents by race and Hispanic origin, per area, for rates by race (arrests per resident ...).

    Groups (:data:`RACE_GROUPS`): ``white``, ``black``, ``asian`` (each alone and not Hispanic),
    ``hispanic`` (of any race) and ``other`` (every other non-Hispanic resident), which add up to the
    total population. Cells: ``B03002_003, _004, _006, _012`` and ``_005 + _007 + _008 + _009``;
    without them, for the 2019 release, ``DP05_0077, 0078, 0080, 0071`` and ``0079 + 0081 + 0082 +
    0083`` (:data:`RACE_CELLS_PROFILE_2019`).

    Returns ``area_id, group, count, moe, note`` (one row per area and group; ``moe`` NaN where the
    input has none). A group whose cells are absent is left out and listed in ``attrs["missing"]``.
    """
    year = _check_year(year)
    cells = _standard_tidy(tidy)
    present = set(cells["variable"])
    chosen: dict[str, Measure] = {}
    missing: dict[str, str] = {}
    for group in RACE_GROUPS:
        options = [Measure(group, COUNT, RACE_CELLS[group])]
        if year == PROFILE_LAYOUT_YEAR:
            options.append(Measure(group, COUNT, RACE_CELLS_PROFILE_2019[group]))
        usable = next((m for m in options if set(m.variables) <= present), None)
        if usable is None:
            missing[group] = _needs(group, options, labels_given=True)
        else:
            chosen[group] = usable
    counts = _compute(cells, chosen, year)
    out = counts.rename(columns={"measure": "group", "estimate": "count"})[["area_id", "group", "count", "moe", "note"]]
    out.attrs["missing"] = missing
    out.attrs["definitions"] = {g: m.source for g, m in chosen.items()}
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
