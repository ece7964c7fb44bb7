"""Urban Displacement Project (UDP) displacement typology, as UDP released it in November 2020, as pure functions
over a documented tract frame.

Source of the method: Urban Displacement Project (UC Berkeley), *Displacement Typologies*, public repository
``urban-displacement/displacement-typologies``, Release 1.1 (December 2020, doi:10.5281/zenodo.4356684; the
typology as edited on 19 November 2020): ``code/2_data_curation.py`` (income interpolation, income and
housing-cost categories, market types, regional medians and flags), ``code/3_create_lag_vars.r`` (nearby rents by
inverse-distance weights, rent gap, density), ``code/4_typology.py`` (vulnerability, hot market, gentrification,
the nine types and their double counts) and ``code/5_map_creation.r`` (the map step: High Student Population and
the amendments for double counts and earlier gentrification), with the criteria sheet of the repository's README
(``.assets/images/typology_sheet_2018.png``), cited below by type and bullet ("sheet AdvG-3").

Times. UDP compares four moments; each measure is read at the moments its rules need (:data:`MEASURE_TIMES`):

============  ==============  ===================================================================================
time          UDP             used for
============  ==============  ===================================================================================
``early``     1990 census     vulnerability and gentrification in the earlier window (early → base)
``base``      2000 census     vulnerability, income categories, population over 500; home value, income,
                              college and low-income changes base → end
``recent``    ACS 2008–2012   rent change recent → end (market type, rent pressure); low-income movers
``end``       ACS 2014–2018   every category at the end
============  ==============  ===================================================================================

Columns are named ``<measure>_<time>`` (``median_rent_recent``); :data:`INPUT_COLUMNS` documents every column and
the period UDP read it at. A frame may state its own periods in ``frame.attrs["periods"]`` (time → label, e.g.
``{"base": "2000 census", …}``); :func:`periods_of` returns them with UDP's as the default. Dollar columns at every
time must be in end-year ("real") dollars: UDP multiplies 1990 by 2.08, 2000 by 1.53 and 2012 by 1.11 to reach 2018.

Terms. "RM" is the regional median: the median over the tracts of the region (every tract of the frame given to
:func:`regional_medians`; pass the whole region even when a city is shown). "RMI" is the regional median household
income (median of the tracts' medians). The low-income share is the share of households with income below 80% of
RMI (UDP ``per_all_li``/``inc80``), interpolated inside the B19001 income bins
(:func:`indicators.core.moe.share_below_from_distribution`); it is not the poverty rate.

Spatial lags (:func:`inverse_distance_weights`, :func:`spatial_lag`, :func:`rent_lags`): as
``3_create_lag_vars.r``, each tract's neighbours are the tracts whose centroids lie within a tenth of the largest
nearest-neighbour distance of the region, weighted by 1 / distance² and row-standardised; a tract without
neighbours gets 0 (spdep's ``zero.policy``).

Remaining differences from UDP's code, each deliberate:

1. Missing inputs. UDP counts a missing value as failing a test (``np.where`` is False on NaN), then blanks some
   types; here every test is three-valued (pandas ``boolean`` with ``<NA>``): a test is decided only where the
   known inputs settle it, and a tract whose nine flags are not all decided is "Unavailable or Unreliable Data",
   its note naming the missing inputs. With complete inputs both give the same types.
2. Zillow. UDP reads the 2012–2018 change of the Zillow home value index by ZIP code (largest residential overlap)
   for "above the 90th percentile" (ARG) and "above the regional median" (EOG); here that is the optional column
   ``home_value_index_change`` (any index the city has, by tract), compared with its own regional 90th percentile
   and median. Without it those two alternatives are undecided and the other alternatives decide.
3. Regions. UDP's lag script computes the medians of the rent gap and of nearby rent change over the tracts of all
   its cities at once, and finds neighbours among the tracts of fifteen states; here both use the region given.
4. Rent of the lags. UDP's lag script raises 2012 rents by 1.07 (its curation uses 1.11) and fills a missing
   tract rent with its county's median before the lags; :func:`rent_lags` does the same when given ``county``,
   and takes the factor as an argument (default 1.07). The tract's own part of the rent-pressure test uses
   ``local_rent_change`` from :func:`rent_lags` where present, else the rent change of the ``median_rent``
   columns.
5. Centroids. UDP's ``coordinates()`` of a multi-part tract is the label point of its largest part; here the
   caller passes centroids (``shapely`` centroids of the whole tract in :func:`centroids`). Distances are plain
   Euclidean distances in the coordinates given, as spdep's on an unprojected matrix.
6. Dense tracts. UDP flags a tract dense where its PUMA has 3,000 or more residents per square mile (centroid
   in the PUMA); here ``dense`` is an input (:func:`dense_from_density` applies the cut-off).
7. Populations of 500 or fewer at the base year: UDP leaves such tracts without a type (the flags are 0, the
   map says "Unavailable or Unreliable Data"); here the same, with a note.
8. High Student Population: UDP's share is college and graduate enrolment (B14007_017 + 018) over the population
   3 years and over (B14007_001) in the end year; a missing share never triggers the override, as in UDP's
   ``case_when``.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Iterable

import numpy as np
import pandas as pd

TRACT_ID = "GEOID"

EARLY, BASE, RECENT, END = "early", "base", "recent", "end"
TIMES = (EARLY, BASE, RECENT, END)
#: the moments UDP's release compared (the default labels of :func:`periods_of`)
UDP_PERIODS = {EARLY: "1990 census", BASE: "2000 census", RECENT: "ACS 2008–2012", END: "ACS 2014–2018"}

# measures, each read at the times of MEASURE_TIMES: column f"{measure}_{time}"
MEDIAN_RENT = "median_rent"
MEDIAN_HOME_VALUE = "median_home_value"
MEDIAN_INCOME = "median_income"
LOW_INCOME_SHARE = "low_income_share"
BELOW_120PCT_INCOME_SHARE = "below_120pct_income_share"
HOUSEHOLDS = "households"
NONWHITE_SHARE = "nonwhite_share"
RENTER_SHARE = "renter_share"
COLLEGE_SHARE = "college_share"
POPULATION = "population"
LOW_INCOME_MOVER_SHARE = "low_income_mover_share"
AFFORDABLE_TO_LOW_SHARE = "affordable_to_low_share"
AFFORDABLE_TO_MODERATE_SHARE = "affordable_to_moderate_share"
MEDIAN_HOUSING_COST = "median_housing_cost"
STUDENT_SHARE = "student_share"

#: every measure and the times the rules read it at
MEASURE_TIMES: dict[str, tuple[str, ...]] = {
    MEDIAN_RENT: (EARLY, BASE, RECENT, END),
    MEDIAN_HOME_VALUE: (EARLY, BASE, END),
    MEDIAN_INCOME: (EARLY, BASE, END),
    LOW_INCOME_SHARE: (EARLY, BASE, END),
    BELOW_120PCT_INCOME_SHARE: (BASE, END),
    HOUSEHOLDS: (EARLY, BASE, END),
    NONWHITE_SHARE: (EARLY, BASE, END),
    RENTER_SHARE: (EARLY, BASE, END),
    COLLEGE_SHARE: (EARLY, BASE, END),
    POPULATION: (BASE,),
    LOW_INCOME_MOVER_SHARE: (RECENT, END),
    AFFORDABLE_TO_LOW_SHARE: (END,),
    AFFORDABLE_TO_MODERATE_SHARE: (END,),
    MEDIAN_HOUSING_COST: (END,),
    STUDENT_SHARE: (END,),
}

# columns that are not a measure at a time
DENSE = "dense"
HOME_VALUE_INDEX_CHANGE = "home_value_index_change"
LOCAL_RENT_CHANGE = "local_rent_change"
NEARBY_RENT_CHANGE = "nearby_rent_change"
NEARBY_MEDIAN_RENT = "nearby_median_rent_end"
RENT_GAP = "rent_gap"

_MEASURE_WORDS = {
    MEDIAN_RENT: "median gross rent of renter homes paying cash rent (B25064), end-year dollars",
    MEDIAN_HOME_VALUE: "median value of owner-occupied homes (B25077), end-year dollars",
    MEDIAN_INCOME: "median household income (B19013), end-year dollars",
    LOW_INCOME_SHARE: "share of households with income below 80% of RMI (interpolated in the B19001 bins)",
    BELOW_120PCT_INCOME_SHARE: "share of households with income below 120% of RMI (B19001 bins)",
    HOUSEHOLDS: "households (B11001_001)",
    NONWHITE_SHARE: "share of residents who are not non-Hispanic white (1 − B03002_003 / B03002_001)",
    RENTER_SHARE: "share of occupied homes that are rented (B25003_003 / B25003_001)",
    COLLEGE_SHARE: "share of adults 25+ with a bachelor's degree or more (B15003)",
    POPULATION: "residents (B01003_001); UDP types only tracts with more than 500 at the base year",
    LOW_INCOME_MOVER_SHARE: "share of recent movers (B07010) with income below 80% of the regional median "
                            "individual income",
    AFFORDABLE_TO_LOW_SHARE: "share of occupied homes costing less than 60% of the monthly cost affordable at RMI "
                             "(0.3 × RMI / 12; rents B25063, owner costs B25094), no-cash rents counted here",
    AFFORDABLE_TO_MODERATE_SHARE: "share of occupied homes costing 60% to 120% of the cost affordable at RMI",
    MEDIAN_HOUSING_COST: "median monthly housing cost of occupied homes (B25105)",
    STUDENT_SHARE: "college and graduate students (B14007_017 + 018) ÷ residents 3 years and over (B14007_001)",
}

INPUT_COLUMNS: dict[str, str] = {
    TRACT_ID: "tract identifier (11-digit GEOID)",
    **{f"{m}_{t}": f"{_MEASURE_WORDS[m]}, at the {t} time (UDP: {UDP_PERIODS[t]})"
       for m, times in MEASURE_TIMES.items() for t in times},
    DENSE: "True where the tract's PUMA has 3,000+ residents per square mile (UDP's density flag)",
    HOME_VALUE_INDEX_CHANGE: "optional: change of a home value index, recent → end, as a fraction (UDP: Zillow "
                             "ZHVI, January 2012 → January 2018)",
    LOCAL_RENT_CHANGE: "optional: the tract's rent change recent → end as the lag script computes it "
                       "(:func:`rent_lags`)",
    NEARBY_RENT_CHANGE: "inverse-distance-weighted mean of nearby tracts' rent change recent → end (:func:`rent_lags`)",
    NEARBY_MEDIAN_RENT: "inverse-distance-weighted mean of nearby tracts' median rent at the end (:func:`rent_lags`)",
    RENT_GAP: "optional: (nearby rent − rent) ÷ their mean at the end (:func:`rent_lags`); else computed from "
              f"{NEARBY_MEDIAN_RENT} and median_rent_end",
}
"""Every column the typology reads, with what it must hold and the period UDP read it at."""


def column(measure: str, time: str) -> str:
    """Column name of a measure at a time: ``column("renter_share", "end") == "renter_share_end"``."""
    if time not in MEASURE_TIMES.get(measure, TIMES):
        raise ValueError(f"{measure} is not read at the {time} time (it is at {MEASURE_TIMES.get(measure)})")
    return f"{measure}_{time}"


def periods_of(frame: pd.DataFrame) -> dict[str, str]:
    """The periods a frame states for each time (``frame.attrs["periods"]``), UDP's where it states none."""
    return {**UDP_PERIODS, **dict(frame.attrs.get("periods", {}))}


# ------------------------------------------------------------------------------------------------------ the types
LISD, OD, ARG, EOG, ADVG, SMMI, ARE, BE, SAE = "LISD", "OD", "ARG", "EOG", "AdvG", "SMMI", "ARE", "BE", "SAE"
#: UDP's codes in UDP's order, with the published labels
TYPES: dict[str, str] = {
    LISD: "Low-Income/Susceptible to Displacement",
    OD: "Ongoing Displacement",
    ARG: "At Risk of Gentrification",
    EOG: "Early/Ongoing Gentrification",
    ADVG: "Advanced Gentrification",
    SMMI: "Stable Moderate/Mixed Income",
    ARE: "At Risk of Becoming Exclusive",
    BE: "Becoming Exclusive",
    SAE: "Stable/Advanced Exclusive",
}
LOW_INCOME_SUSCEPTIBLE, ONGOING_DISPLACEMENT, AT_RISK_OF_GENTRIFICATION, EARLY_ONGOING_GENTRIFICATION, \
    ADVANCED_GENTRIFICATION, STABLE_MODERATE_MIXED_INCOME, AT_RISK_OF_BECOMING_EXCLUSIVE, BECOMING_EXCLUSIVE, \
    STABLE_ADVANCED_EXCLUSIVE = TYPES.values()
HIGH_STUDENT_POPULATION = "High Student Population"
UNAVAILABLE = "Unavailable or Unreliable Data"
#: the labels of UDP's map, in its order (UDP's ``Typology`` factor levels)
MAP_LABELS = (*TYPES.values(), HIGH_STUDENT_POPULATION, UNAVAILABLE)
#: the typology before the map step, for a tract meeting more than one type (UDP's code 99)
DOUBLE_COUNTED = "double counted"
STUDENT_SHARE_ABOVE = 0.3

# income categories (UDP inc_cat_medhhinc) and housing-affordability categories (UDP lmh_flag)
LOW, MIXED_LOW, MODERATE, MIXED_MODERATE, MIXED_HIGH, HIGH = (
    "low", "mixed_low", "moderate", "mixed_moderate", "mixed_high", "high")
LOW_INCOME_GROUP = (LOW, MIXED_LOW)
MODERATE_HIGH_GROUP = (MODERATE, MIXED_MODERATE, MIXED_HIGH, HIGH)
# market types (UDP change_flag_encoded 1/2/3)
DECREASE_OR_MARGINAL, INCREASE, RAPID_INCREASE = "decrease_or_marginal", "increase", "rapid_increase"
_MARKET_LEVELS = {1: DECREASE_OR_MARGINAL, 2: INCREASE, 3: RAPID_INCREASE}

PREDOMINANT_SHARE = 0.55
MINORITY_SHARE = 0.45
LOW_INCOME_CUTOFF = 0.8
HIGH_INCOME_CUTOFF = 1.2
MARGINAL_CHANGE = 0.05
MIN_POPULATION = 500
RENT_UP_90_PERCENT = 0.9

#: the two gentrification windows
EARLIER, LATER = "early_base", "base_end"


# ----------------------------------------------------------------------------------------------- three-valued helpers
def _values(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as floats; an absent column is all missing."""
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def _known(values, known, index: pd.Index) -> pd.Series:
    out = pd.array(np.asarray(values, dtype=bool), dtype="boolean")
    out[~np.asarray(known, dtype=bool)] = pd.NA
    return pd.Series(out, index=index)


def _truth(frame: pd.DataFrame, name: str) -> pd.Series:
    """A flag column (True/False, 1/0, missing) as ``boolean``; an absent column is all <NA>."""
    if name not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")
    raw = frame[name]
    if raw.dtype == "boolean":
        return raw
    numbers = pd.to_numeric(raw.map(lambda v: int(v) if isinstance(v, (bool, np.bool_)) else v), errors="coerce")
    return _known(numbers.to_numpy(float) != 0, numbers.notna().to_numpy(), frame.index)


def _compare(left: pd.Series, op, right) -> pd.Series:
    """``left op right`` as ``boolean``, <NA> where either side is missing."""
    x = np.asarray(left, dtype=float)
    y = np.broadcast_to(np.asarray(right, dtype=float), x.shape)
    known = ~np.isnan(x) & ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        values = op(np.where(known, x, 0.0), np.where(known, y, 0.0))
    return _known(values, known, left.index)


def _isin(categories: pd.Series, allowed: Iterable[str]) -> pd.Series:
    return _known(categories.isin(list(allowed)).to_numpy(), categories.notna().to_numpy(), categories.index)


def _all(*flags: pd.Series) -> pd.Series:
    return reduce(operator.and_, flags)


def _any(*flags: pd.Series) -> pd.Series:
    return reduce(operator.or_, flags)


def _false(index: pd.Index) -> pd.Series:
    return _known(np.zeros(len(index), bool), np.ones(len(index), bool), index)


def _at_least(flags: list[pd.Series], needed: int) -> pd.Series:
    """True where at least ``needed`` flags are True, False where that is impossible, else <NA>."""
    true = sum(f.fillna(False).astype(int) for f in flags)
    unknown = sum(f.isna().astype(int) for f in flags)
    decided = (true >= needed) | (true + unknown < needed)
    return _known((true >= needed).to_numpy(), decided.to_numpy(), flags[0].index)


def _pct_change(start: pd.Series, end: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return ((end - start) / start.where(start != 0)).astype(float)


def _median(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.median()) if len(values) else float("nan")


def _categories(values, known, index: pd.Index) -> pd.Series:
    return pd.Series(np.where(known, values, None), index=index, dtype=object)


# ---------------------------------------------------------------------------------------------------- changes
def tract_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-tract changes the flags compare with the region, each over its own window (fractions: 0.12 = +12%).

    ``rent_change`` recent → end and ``home_value_change`` base → end (UDP's market windows); the earlier window's
    ``rent_change_early_base`` and ``home_value_change_early_base`` (hot market 1990–2000); ``income_change`` and
    ``college_change`` (a difference of shares) in both windows; the change in low-income households (a
    difference of counts, share × households) in both; the rent gap; the home value index change; the lag
    columns as given.
    """
    def v(measure, time):
        return _values(frame, column(measure, time))

    li = {t: v(LOW_INCOME_SHARE, t) * v(HOUSEHOLDS, t) for t in (EARLY, BASE, END)}
    rent_end = v(MEDIAN_RENT, END)
    nearby = _values(frame, NEARBY_MEDIAN_RENT)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (nearby - rent_end) / ((rent_end + nearby) / 2)
    if RENT_GAP in frame:
        gap = _values(frame, RENT_GAP).where(_values(frame, RENT_GAP).notna(), gap)
    rent_change = _pct_change(v(MEDIAN_RENT, RECENT), rent_end)
    local = _values(frame, LOCAL_RENT_CHANGE)
    return pd.DataFrame({
        "rent_change": rent_change,
        "home_value_change": _pct_change(v(MEDIAN_HOME_VALUE, BASE), v(MEDIAN_HOME_VALUE, END)),
        "rent_change_early_base": _pct_change(v(MEDIAN_RENT, EARLY), v(MEDIAN_RENT, BASE)),
        "home_value_change_early_base": _pct_change(v(MEDIAN_HOME_VALUE, EARLY), v(MEDIAN_HOME_VALUE, BASE)),
        "income_change_early_base": _pct_change(v(MEDIAN_INCOME, EARLY), v(MEDIAN_INCOME, BASE)),
        "income_change": _pct_change(v(MEDIAN_INCOME, BASE), v(MEDIAN_INCOME, END)),
        "college_change_early_base": v(COLLEGE_SHARE, BASE) - v(COLLEGE_SHARE, EARLY),
        "college_change": v(COLLEGE_SHARE, END) - v(COLLEGE_SHARE, BASE),
        "low_income_households_change_early_base": li[BASE] - li[EARLY],
        "low_income_households_change": li[END] - li[BASE],
        "rent_gap": gap.astype(float),
        "local_rent_change": local.where(local.notna(), rent_change) if LOCAL_RENT_CHANGE in frame else rent_change,
        NEARBY_RENT_CHANGE: _values(frame, NEARBY_RENT_CHANGE),
        HOME_VALUE_INDEX_CHANGE: _values(frame, HOME_VALUE_INDEX_CHANGE),
    }, index=frame.index)


def regional_medians(frame: pd.DataFrame) -> pd.Series:
    """The regional figures the flags compare tracts with, over every tract of ``frame``.

    Holds the RM (missing values skipped) of every ``<measure>_<time>`` column present; the RM of each tract
    change of :func:`tract_changes`; for the market types the median of the rent and home-value changes above +5%
    (``…_increases``); and the 90th percentile of the home value index change (``…_p90``). Pass the whole region;
    the result can then classify any subset of it.
    """
    out: dict[str, float] = {}
    for measure, times in MEASURE_TIMES.items():
        for time in times:
            name = column(measure, time)
            if name in frame:
                out[name] = _median(_values(frame, name))
    changes = tract_changes(frame)
    for name in changes:
        out[name] = _median(changes[name])
    for name in ("rent_change", "home_value_change"):
        out[f"{name}_increases"] = _median(changes[name][changes[name] > MARGINAL_CHANGE])
    index = changes[HOME_VALUE_INDEX_CHANGE].dropna()
    out[f"{HOME_VALUE_INDEX_CHANGE}_p90"] = float(index.quantile(0.9)) if len(index) else float("nan")
    return pd.Series(out, dtype=float)


def _rm(medians: pd.Series, key: str) -> float:
    return float(medians.get(key, np.nan))


def _rm_change(medians: pd.Series, measure: str, start: str, end: str) -> float:
    """Percent change of the regional median itself (UDP ``pctch_rm_…``), as a fraction."""
    a, b = _rm(medians, column(measure, start)), _rm(medians, column(measure, end))
    return (b - a) / a if a else float("nan")


# ------------------------------------------------------------------------------------------------- categories
def _three_band_category(low, moderate, high, level, low_cut, high_cut):
    with np.errstate(invalid="ignore"):
        predominantly_low = (low >= PREDOMINANT_SHARE) & (moderate < MINORITY_SHARE) & (high < MINORITY_SHARE)
        predominantly_moderate = (low < MINORITY_SHARE) & (moderate >= PREDOMINANT_SHARE) & (high < MINORITY_SHARE)
        predominantly_high = (low < MINORITY_SHARE) & (moderate < MINORITY_SHARE) & (high >= PREDOMINANT_SHARE)
        labels = np.select(
            [predominantly_low, predominantly_moderate, predominantly_high,
             level < low_cut, level < high_cut, level >= high_cut],
            [LOW, MODERATE, HIGH, MIXED_LOW, MIXED_MODERATE, MIXED_HIGH], default="").astype(object)
    known = ~np.isnan(low) & ~np.isnan(moderate) & ~np.isnan(high) & (labels != "")
    return labels, known


def income_category(low_income_share, below_120pct_income_share, median_income, regional_median_income):
    """UDP income category of each tract (``inc_cat_medhhinc``).

    With ``low = low_income_share`` (below 80% of RMI), ``moderate = below_120 − low`` and ``high = 1 − below_120``:
    predominantly :data:`LOW` when ``low ≥ 0.55`` and the other two are below 0.45, likewise :data:`MODERATE` and
    :data:`HIGH`; otherwise mixed, by the tract's median household income against RMI: :data:`MIXED_LOW` below
    80%, :data:`MIXED_MODERATE` from 80% to below 120%, :data:`MIXED_HIGH` at 120% or more. UDP blanks the
    category of a tract whose median income is not positive; a missing share gives None too.
    Series in, Series of strings out (same index); arrays in, an object array out.
    """
    as_series = isinstance(low_income_share, pd.Series)
    low = np.asarray(low_income_share, dtype=float)
    below_120 = np.asarray(below_120pct_income_share, dtype=float)
    income = np.broadcast_to(np.asarray(median_income, dtype=float), low.shape)
    labels, known = _three_band_category(low, below_120 - low, 1 - below_120, income,
                                         LOW_INCOME_CUTOFF * regional_median_income,
                                         HIGH_INCOME_CUTOFF * regional_median_income)
    with np.errstate(invalid="ignore"):
        known &= ~(np.isin(labels, (MIXED_LOW, MIXED_MODERATE, MIXED_HIGH)) & ~(income > 0))
        known &= ~(income <= 0)
    if as_series:
        return _categories(labels, known, low_income_share.index)
    return np.where(known, labels, None).astype(object)


def housing_affordability_category(affordable_to_low_share, affordable_to_moderate_share, median_housing_cost,
                                   regional_median_income):
    """UDP housing-affordability category of each tract (``lmh_flag``), at the end.

    UDP's affordable monthly cost is ``0.3 × RMI / 12``. With ``low`` the share of homes costing less than 60% of
    it, ``moderate`` the share at 60–120% and ``high = 1 − low − moderate``, the 55%/45% rule gives predominantly
    :data:`LOW`, :data:`MODERATE` or :data:`HIGH`; otherwise :data:`MIXED_LOW`, :data:`MIXED_MODERATE` or
    :data:`MIXED_HIGH` as the median monthly housing cost is below 60%, 60% to below 120%, or 120%+ of it.
    """
    affordable = 0.3 * regional_median_income / 12
    low = np.asarray(affordable_to_low_share, dtype=float)
    moderate = np.asarray(affordable_to_moderate_share, dtype=float)
    cost = np.broadcast_to(np.asarray(median_housing_cost, dtype=float), low.shape)
    labels, known = _three_band_category(low, moderate, 1 - low - moderate, cost, 0.6 * affordable, 1.2 * affordable)
    if isinstance(affordable_to_low_share, pd.Series):
        return _categories(labels, known, affordable_to_low_share.index)
    return np.where(known, labels, None).astype(object)


def market_change(frame: pd.DataFrame, medians: pd.Series) -> pd.Series:
    """UDP market type (``change_flag_encoded``) from the real rent change (recent → end) and home value change
    (base → end).

    For each: −5% or less is a decrease, under +5% marginal (both level 1), +5% or more an increase (level 2) unless
    at or above the regional median of the increases above +5% (rapid, level 3). The tract takes the highest level
    of the two (UDP assigns 1, then 2, then 3): :data:`DECREASE_OR_MARGINAL`, :data:`INCREASE` or
    :data:`RAPID_INCREASE`. With one change missing the type is known only where the other is level 3.
    """
    changes = tract_changes(frame)
    levels = []
    for name in ("rent_change", "home_value_change"):
        change = changes[name].to_numpy(float)
        rapid_from = _rm(medians, f"{name}_increases")
        with np.errstate(invalid="ignore"):
            level = np.select([change < MARGINAL_CHANGE, change >= rapid_from, change >= MARGINAL_CHANGE],
                              [1.0, 3.0, 2.0], default=np.nan)
        levels.append(np.where(np.isnan(change), np.nan, level))
    stacked = np.vstack(levels)
    top = np.nanmax(np.where(np.isnan(stacked), -np.inf, stacked), axis=0)
    decided = ~np.isnan(stacked).any(axis=0) | (top == 3)
    labels = np.array([_MARKET_LEVELS.get(int(t), "") if np.isfinite(t) else "" for t in top], dtype=object)
    return _categories(labels, decided, frame.index)


# ------------------------------------------------------------------------------------------------------ flags
def vulnerability_criteria(frame: pd.DataFrame, medians: pd.Series, time: str = END) -> pd.DataFrame:
    """The five tests of UDP's ``vul_gent`` at ``time`` (early, base or end), each True/False/<NA>, and
    ``vulnerable``: median rent or median home value below RM (``aboverm_… == 0``), and more than two of four:
    low-income share ≥ RM, non-white share ≥ RM, renter share ≥ RM, college share < RM."""
    def test(measure, op):
        name = column(measure, time)
        return _compare(_values(frame, name), op, _rm(medians, name))

    out = pd.DataFrame({
        "housing_below_rm": _any(test(MEDIAN_RENT, operator.lt), test(MEDIAN_HOME_VALUE, operator.lt)),
        "low_income_share_at_or_above_rm": test(LOW_INCOME_SHARE, operator.ge),
        "nonwhite_share_at_or_above_rm": test(NONWHITE_SHARE, operator.ge),
        "renter_share_at_or_above_rm": test(RENTER_SHARE, operator.ge),
        "college_share_below_rm": test(COLLEGE_SHARE, operator.lt),
    }, index=frame.index)
    out["vulnerable"] = out["housing_below_rm"] & _at_least([out[c] for c in out.columns[1:]], 3)
    return out


def vulnerable(frame: pd.DataFrame, medians: pd.Series, time: str = END) -> pd.Series:
    """UDP "vulnerable to gentrification" (``vul_gent_90/00/18``) at ``time``: see :func:`vulnerability_criteria`.
    Without a low-income share, a tract meeting the three other tests is vulnerable, one meeting at most one is
    not, and one meeting exactly two is <NA>."""
    return vulnerability_criteria(frame, medians, time)["vulnerable"]


def hot_market(frame: pd.DataFrame, medians: pd.Series, window: str = LATER) -> pd.Series:
    """UDP hot market: home value or rent change at least the change of its regional median.

    ``window=LATER`` (``hotmarket_18``): home value base → end, rent recent → end. ``window=EARLIER``
    (``hotmarket_00``): both early → base. UDP blanks the flag where either change is missing; here it is <NA>
    unless the known change settles it.
    """
    changes = tract_changes(frame)
    if window == EARLIER:
        value, rent = changes["home_value_change_early_base"], changes["rent_change_early_base"]
        rm_value = _rm_change(medians, MEDIAN_HOME_VALUE, EARLY, BASE)
        rm_rent = _rm_change(medians, MEDIAN_RENT, EARLY, BASE)
    else:
        value, rent = changes["home_value_change"], changes["rent_change"]
        rm_value = _rm_change(medians, MEDIAN_HOME_VALUE, BASE, END)
        rm_rent = _rm_change(medians, MEDIAN_RENT, RECENT, END)
    return _any(_compare(value, operator.ge, rm_value), _compare(rent, operator.ge, rm_rent))


def gentrified(frame: pd.DataFrame, medians: pd.Series, window: str = LATER, *, dense_rule: bool = False) -> pd.Series:
    """UDP gentrification in a window: ``gent_90_00`` (``window=EARLIER``) or ``gent_00_18`` (``LATER``).

    All of: vulnerable at the window's start; change in college share above the change of the RM college share;
    real median-income change above the change of RMI; an absolute loss of low-income households; a hot market.
    ``dense_rule=True`` is UDP's ``…_urban`` variant, which drops the loss test.
    """
    start, end = (EARLY, BASE) if window == EARLIER else (BASE, END)
    suffix = "_early_base" if window == EARLIER else ""
    changes = tract_changes(frame)
    rm_college = _rm(medians, column(COLLEGE_SHARE, end)) - _rm(medians, column(COLLEGE_SHARE, start))
    tests = [vulnerable(frame, medians, start),
             _compare(changes[f"college_change{suffix}"], operator.gt, rm_college),
             _compare(changes[f"income_change{suffix}"], operator.gt, _rm_change(medians, MEDIAN_INCOME, start, end)),
             hot_market(frame, medians, window)]
    if not dense_rule:
        tests.append(_compare(changes[f"low_income_households_change{suffix}"], operator.lt, 0.0))
    return _all(*tests)


def rent_pressure(frame: pd.DataFrame, medians: pd.Series) -> pd.DataFrame:
    """UDP's two displacement-pressure flags of At Risk of Gentrification (sheet ARG-5), from the lag script:

    ``dp_PChRent``: the tract's rent change is positive and above its RM, or the nearby tracts' rent change is
    above its RM. ``dp_RentGap``: the rent gap (nearby rent above the tract's, as a share of their mean) is
    positive and above its RM.
    """
    changes = tract_changes(frame)
    local = changes["local_rent_change"]
    pch_rent = _any(_all(_compare(local, operator.gt, 0.0),
                         _compare(local, operator.gt, _rm(medians, "local_rent_change"))),
                    _compare(changes[NEARBY_RENT_CHANGE], operator.gt, _rm(medians, NEARBY_RENT_CHANGE)))
    gap = changes["rent_gap"]
    rent_gap = _all(_compare(gap, operator.gt, 0.0), _compare(gap, operator.gt, _rm(medians, "rent_gap")))
    return pd.DataFrame({"dp_PChRent": pch_rent, "dp_RentGap": rent_gap}, index=frame.index)


# ---------------------------------------------------------------------------------------------------- the typology
def _by_density(frame: pd.DataFrame, plain: pd.Series, urban: pd.Series) -> pd.Series:
    """UDP's ``(dense == 0 & gent) | (dense == 1 & gent_urban)``."""
    dense = _truth(frame, DENSE)
    return _any(_all(~dense, plain), _all(dense, urban))


def classify(frame: pd.DataFrame, medians: pd.Series | None = None) -> pd.DataFrame:
    """Every tract's UDP flags and type before the map step (``4_typology.py``, Release 1.1).

    ``medians`` defaults to :func:`regional_medians` of ``frame``. The result (same index) has the tract id (when
    present), the categories and intermediate flags, one True/False/<NA> column per type under UDP's codes
    (:data:`TYPES`), ``types`` (the codes that hold, in UDP's order: its ``typ_cat``), ``double_counted`` (how
    many hold), ``typology`` (the published label, :data:`DOUBLE_COUNTED` where more than one holds, or
    :data:`UNAVAILABLE`) and ``typology_note``. :func:`map_typology` then applies the map step.

    The rules (population at the base year above 500 throughout; "moderate/high" is moderate, mixed moderate,
    mixed high or high income at the end; "low" is low or mixed low):

    - SAE: high income at base and end; housing high or mixed high; any known market type (sheet SAE-1–3).
    - AdvG: moderate/high; housing moderate, high, mixed moderate or mixed high; any known market type; home value
      (base → end) or rent (recent → end) rising; gentrified in either window, by the density rule; not SAE
      (sheet AdvG-1–4).
    - ARE: moderate/high; the same housing; market decrease/marginal or increase; not AdvG, not SAE (ARE-1–3).
    - BE: moderate/high; the same housing; rapid increase; lost low-income households base → end; the share of
      low-income movers fell recent → end; real median income rose base → end; not SAE (BE-1–6).
    - SMMI: moderate/high and none of ARE, BE, SAE, AdvG (SMMI-1).
    - ARG: low; housing low or mixed low; market decrease/marginal, or a home value index change above its
      regional 90th percentile, or rent up 90% or more; not gentrified early → base; dp_PChRent or dp_RentGap;
      vulnerable at the end; not gentrified base → end (ARG-1–5; the gentrification tests without the density
      rule, as UDP's code).
    - EOG: low; housing moderate or mixed moderate; market increase or rapid increase, or a home value index change
      above its RM, or rent change above its RM; gentrified in either window, by the density rule (EOG-1–4).
    - OD: low; lost low-income households base → end; not ARG, not EOG (OD-1–2).
    - LISD: low; not OD, ARG, EOG (LISD-1).
    """
    if medians is None:
        medians = regional_medians(frame)
    index = frame.index
    changes = tract_changes(frame)
    rmi = {t: _rm(medians, column(MEDIAN_INCOME, t)) for t in (BASE, END)}

    def income(time):
        return income_category(_values(frame, column(LOW_INCOME_SHARE, time)),
                               _values(frame, column(BELOW_120PCT_INCOME_SHARE, time)),
                               _values(frame, column(MEDIAN_INCOME, time)), rmi[time])

    income_base, income_end = income(BASE), income(END)
    housing = housing_affordability_category(_values(frame, column(AFFORDABLE_TO_LOW_SHARE, END)),
                                             _values(frame, column(AFFORDABLE_TO_MODERATE_SHARE, END)),
                                             _values(frame, column(MEDIAN_HOUSING_COST, END)), rmi[END])
    market = market_change(frame, medians)
    gent = {(w, urban): gentrified(frame, medians, w, dense_rule=urban) for w in (EARLIER, LATER) for urban in (False, True)}
    gent_either = _any(_by_density(frame, gent[(EARLIER, False)], gent[(EARLIER, True)]),
                       _by_density(frame, gent[(LATER, False)], gent[(LATER, True)]))
    pressure = rent_pressure(frame, medians)
    vul_end = vulnerable(frame, medians, END)

    population_ok = _compare(_values(frame, column(POPULATION, BASE)), operator.gt, MIN_POPULATION)
    low_income = _isin(income_end, LOW_INCOME_GROUP)
    moderate_high = _isin(income_end, MODERATE_HIGH_GROUP)
    not_low_cost = _isin(housing, (MODERATE, HIGH, MIXED_MODERATE, MIXED_HIGH))
    rent_change, value_change = changes["rent_change"], changes["home_value_change"]
    index_change = changes[HOME_VALUE_INDEX_CHANGE]
    lost_low_income = _compare(changes["low_income_households_change"], operator.lt, 0.0)

    sae = _all(population_ok, _isin(income_base, [HIGH]), _isin(income_end, [HIGH]), _isin(housing, (HIGH, MIXED_HIGH)),
               _isin(market, _MARKET_LEVELS.values()))
    advg = _all(population_ok, moderate_high, not_low_cost, _isin(market, _MARKET_LEVELS.values()),
                _any(_compare(value_change, operator.gt, 0.0), _compare(rent_change, operator.gt, 0.0)),
                gent_either, ~sae)
    are = _all(population_ok, moderate_high, not_low_cost, _isin(market, (DECREASE_OR_MARGINAL, INCREASE)), ~advg, ~sae)
    be = _all(population_ok, moderate_high, not_low_cost, _isin(market, [RAPID_INCREASE]), lost_low_income,
              _compare(_values(frame, column(LOW_INCOME_MOVER_SHARE, END)), operator.lt,
                       _values(frame, column(LOW_INCOME_MOVER_SHARE, RECENT))),
              _compare(_values(frame, column(MEDIAN_INCOME, END)), operator.gt,
                       _values(frame, column(MEDIAN_INCOME, BASE))),
              ~sae)
    smmi = _all(population_ok, moderate_high, ~are, ~be, ~sae, ~advg)
    arg = _all(population_ok, low_income, _isin(housing, (LOW, MIXED_LOW)),
               _any(_isin(market, [DECREASE_OR_MARGINAL]),
                    _compare(index_change, operator.gt, _rm(medians, f"{HOME_VALUE_INDEX_CHANGE}_p90")),
                    _compare(rent_change, operator.ge, RENT_UP_90_PERCENT)),
               ~gent[(EARLIER, False)], _any(pressure["dp_PChRent"], pressure["dp_RentGap"]), vul_end,
               ~gent[(LATER, False)])
    eog = _all(population_ok, low_income, _isin(housing, (MODERATE, MIXED_MODERATE)),
               _any(_isin(market, (INCREASE, RAPID_INCREASE)),
                    _compare(index_change, operator.gt, _rm(medians, HOME_VALUE_INDEX_CHANGE)),
                    _compare(rent_change, operator.gt, _rm(medians, "rent_change"))),
               gent_either)
    od = _all(population_ok, low_income, lost_low_income, ~arg, ~eog)
    lisd = _all(population_ok, low_income, ~od, ~arg, ~eog)

    flags = pd.DataFrame({LISD: lisd, OD: od, ARG: arg, EOG: eog, ADVG: advg, SMMI: smmi, ARE: are, BE: be, SAE: sae},
                         index=index)
    out = pd.DataFrame({
        "income_category_base": income_base, "income_category_end": income_end, "housing_affordability": housing,
        "market_change": market,
        "vulnerable_early": vulnerable(frame, medians, EARLY), "vulnerable_base": vulnerable(frame, medians, BASE),
        "vulnerable_end": vul_end,
        "hot_market_early_base": hot_market(frame, medians, EARLIER), "hot_market_base_end": hot_market(frame, medians, LATER),
        "gentrified_early_base": gent[(EARLIER, False)], "gentrified_early_base_urban": gent[(EARLIER, True)],
        "gentrified_base_end": gent[(LATER, False)], "gentrified_base_end_urban": gent[(LATER, True)],
        **{name: pressure[name] for name in pressure},
    }, index=index)
    out = pd.concat([out, flags], axis=1)
    is_true = flags.fillna(False).astype(bool)
    out["types"] = [tuple(c for c in TYPES if row[c]) for _i, row in is_true.iterrows()]
    out["double_counted"] = is_true.sum(axis=1).astype(int)
    decided = flags.notna().all(axis=1)
    out["typology"] = [
        (TYPES[t[0]] if len(t) == 1 else DOUBLE_COUNTED if len(t) > 1 else UNAVAILABLE) if ok else UNAVAILABLE
        for t, ok in zip(out["types"], decided)]
    out["typology_note"] = _notes(frame, out["types"], decided, population_ok)
    if TRACT_ID in frame:
        out.insert(0, TRACT_ID, frame[TRACT_ID])
    return out


def _notes(frame: pd.DataFrame, types: pd.Series, decided: pd.Series, population_ok: pd.Series) -> pd.Series:
    inputs = required_inputs()
    small = (~population_ok.fillna(True)).to_numpy(dtype=bool)
    notes = []
    for i, (found, ok) in enumerate(zip(types, decided)):
        if ok and len(found) == 1:
            notes.append(None)
        elif ok and len(found) > 1:
            notes.append("meets more than one type: " + ", ".join(found))
        elif small[i]:
            notes.append(f"{MIN_POPULATION} residents or fewer at the base year: UDP leaves the tract without a type")
        elif ok:
            notes.append("meets no type")
        else:
            absent = [c for c in inputs if c not in frame or pd.isna(frame[c].iloc[i])]
            notes.append("missing inputs: " + ", ".join(absent) if absent else "the inputs do not settle one type")
    return pd.Series(notes, index=frame.index, dtype=object)


def map_typology(classified: pd.DataFrame, student_share: pd.Series | None = None) -> pd.Series:
    """UDP's map step (``5_map_creation.r``, Release 1.1): the label each tract is drawn with, one of
    :data:`MAP_LABELS`, in this order of precedence:

    1. more than 30% of residents 3 years and over in college or graduate school: High Student Population
       (a missing share does not trigger it);
    2. double counted as Advanced Gentrification and Becoming Exclusive: Advanced Gentrification;
    3. Low-Income/Susceptible or Ongoing Displacement that gentrified early → base (either density rule):
       Advanced Gentrification;
    4. the same that gentrified base → end: Early/Ongoing Gentrification;
    5. exactly one type: its label;
    6. anything else (no type, another double count, undecided): Unavailable or Unreliable Data.
    """
    students = (pd.Series(np.nan, index=classified.index) if student_share is None
                else pd.to_numeric(student_share, errors="coerce").reindex(classified.index))
    earlier = classified["gentrified_early_base"].fillna(False) | classified["gentrified_early_base_urban"].fillna(False)
    later = classified["gentrified_base_end"].fillna(False) | classified["gentrified_base_end_urban"].fillna(False)
    decided = classified[list(TYPES)].notna().all(axis=1)
    labels = []
    for i in classified.index:
        found = classified.at[i, "types"]
        if pd.notna(students[i]) and students[i] > STUDENT_SHARE_ABOVE:
            labels.append(HIGH_STUDENT_POPULATION)
        elif not decided[i]:
            labels.append(UNAVAILABLE)
        elif found == (ADVG, BE):
            labels.append(ADVANCED_GENTRIFICATION)
        elif found in ((LISD,), (OD,)) and earlier[i]:
            labels.append(ADVANCED_GENTRIFICATION)
        elif found in ((LISD,), (OD,)) and later[i]:
            labels.append(EARLY_ONGOING_GENTRIFICATION)
        elif len(found) == 1:
            labels.append(TYPES[found[0]])
        else:
            labels.append(UNAVAILABLE)
    return pd.Series(labels, index=classified.index, dtype=object)


def typology(frame: pd.DataFrame, medians: pd.Series | None = None) -> pd.DataFrame:
    """:func:`classify` then :func:`map_typology` (with the frame's ``student_share_end``): the flags and the
    ``label`` each tract is drawn with."""
    out = classify(frame, medians)
    out["label"] = map_typology(out, _values(frame, column(STUDENT_SHARE, END)) if column(STUDENT_SHARE, END) in frame
                                else None)
    return out


# ---------------------------------------------------------------------------------------------- what a frame lacks
def required_inputs() -> tuple[str, ...]:
    """The input columns every tract needs for a type (the optional ones left out: ``home_value_index_change``,
    the lag script's own rent change and gap, the student share)."""
    optional = {HOME_VALUE_INDEX_CHANGE, LOCAL_RENT_CHANGE, RENT_GAP, column(STUDENT_SHARE, END)}
    return tuple(c for c in INPUT_COLUMNS if c != TRACT_ID and c not in optional)


def missing_inputs(columns: Iterable[str]) -> list[str]:
    """The required input columns a frame lacks, in :data:`INPUT_COLUMNS` order."""
    present = set(columns)
    return [c for c in required_inputs() if c not in present]


STEP_INPUTS: dict[str, tuple[str, ...]] = {
    "vulnerable_end": tuple(column(m, END) for m in (MEDIAN_RENT, MEDIAN_HOME_VALUE, LOW_INCOME_SHARE,
                                                     NONWHITE_SHARE, RENTER_SHARE, COLLEGE_SHARE)),
    "typology": required_inputs(),
}


def available_steps(columns: Iterable[str]) -> dict[str, tuple[bool, list[str]]]:
    """For each step (the end-time vulnerability, the whole typology), whether every input column is present and
    which are missing: ``available_steps(frame.columns)["vulnerable_end"] == (False, ["low_income_share_end"])``."""
    present = set(columns)
    return {step: (not absent, absent) for step, needed in STEP_INPUTS.items()
            for absent in [[c for c in needed if c not in present]]}


# --------------------------------------------------------------------------------------------------- spatial lags
def centroids(geometries) -> pd.DataFrame:
    """``x, y`` of each polygon's centroid (a GeoSeries or a list of shapely geometries), in their coordinates."""
    import shapely

    points = shapely.centroid(np.asarray(list(geometries), dtype=object))
    return pd.DataFrame({"x": shapely.get_x(points), "y": shapely.get_y(points)})


def inverse_distance_weights(ids, x, y, *, share_of_max_nearest: float = 0.1, power: float = 2.0) -> pd.DataFrame:
    """Neighbours and weights as ``3_create_lag_vars.r`` makes them: every pair of tracts whose centroids lie
    within ``share_of_max_nearest`` × the largest nearest-neighbour distance of the region (spdep
    ``dnearneigh(coords, 0, 0.1 * max_1nn)``), weighted 1 / distance^``power`` and row-standardised (style "W").

    Returns ``tract_id, neighbour_id, distance, weight`` (weights of each tract sum to 1; a tract with no
    neighbour has no row). Coordinates are used as given (UDP: degrees of longitude and latitude).
    """
    from scipy.spatial import cKDTree

    ids = np.asarray(list(ids), dtype=object)
    points = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
    tree = cKDTree(points)
    nearest, _ = tree.query(points, k=2)
    max_nearest = float(nearest[:, 1].max()) if len(points) > 1 else 0.0
    radius = share_of_max_nearest * max_nearest
    pairs = tree.query_pairs(radius, output_type="ndarray") if radius > 0 else np.empty((0, 2), int)
    both = np.vstack([pairs, pairs[:, ::-1]]) if len(pairs) else np.empty((0, 2), int)
    distance = np.linalg.norm(points[both[:, 0]] - points[both[:, 1]], axis=1) if len(both) else np.array([])
    keep = distance > 0  # coincident centroids would get an infinite weight
    both, distance = both[keep], distance[keep]
    raw = 1.0 / distance ** power
    frame = pd.DataFrame({"tract_id": ids[both[:, 0]], "neighbour_id": ids[both[:, 1]], "distance": distance,
                          "raw": raw})
    frame["weight"] = frame["raw"] / frame.groupby("tract_id")["raw"].transform("sum")
    return frame.drop(columns="raw").sort_values(["tract_id", "neighbour_id"]).reset_index(drop=True)


def spatial_lag(weights: pd.DataFrame, values: pd.Series) -> pd.Series:
    """Σ weight × neighbour's value for each tract of ``values`` (indexed by tract id), with the weights of
    :func:`inverse_distance_weights`; 0 for a tract without neighbours (spdep's ``zero.policy``). A missing
    neighbour value makes the lag missing (spdep would stop; UDP fills missing rents first, :func:`rent_lags`)."""
    joined = weights.assign(value=weights["neighbour_id"].map(values).astype(float))
    joined["part"] = joined["weight"] * joined["value"]
    grouped = joined.groupby("tract_id")
    lag = grouped["part"].sum()
    lag[grouped["value"].count() < grouped.size()] = np.nan
    out = pd.Series(0.0, index=values.index)
    inside = lag.index.intersection(values.index)
    out[inside] = lag[inside]
    return out


def rent_lags(ids, x, y, rent_recent, rent_end, *, county=None, recent_to_end_dollars: float = 1.07) -> pd.DataFrame:
    """The lag script's rent measures for each tract (index: ``ids``): ``local_rent_change`` (the tract's rent
    change recent → end, the recent rent first raised by ``recent_to_end_dollars``, UDP's 1.07), ``nearby_rent_change``
    and ``nearby_median_rent_end`` (spatial lags of the change and of the end rent, :func:`inverse_distance_weights`)
    and ``rent_gap`` ((nearby rent − rent) ÷ their mean). With ``county`` (one code per tract), a missing rent is
    filled with its county's median first, as UDP does."""
    index = pd.Index(list(ids))
    recent = pd.Series(np.asarray(rent_recent, float) * recent_to_end_dollars, index=index)
    end = pd.Series(np.asarray(rent_end, float), index=index)
    if county is not None:
        groups = pd.Series(list(county), index=index)
        recent = recent.fillna(recent.groupby(groups).transform("median"))
        end = end.fillna(end.groupby(groups).transform("median"))
    change = (end - recent) / recent
    weights = inverse_distance_weights(index, x, y)
    nearby_change = spatial_lag(weights, change)
    nearby_rent = spatial_lag(weights, end)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (nearby_rent - end) / ((end + nearby_rent) / 2)
    return pd.DataFrame({LOCAL_RENT_CHANGE: change, NEARBY_RENT_CHANGE: nearby_change, NEARBY_MEDIAN_RENT: nearby_rent,
                         RENT_GAP: gap}, index=index)


def dense_from_density(residents_per_square_mile) -> pd.Series:
    """UDP's density flag: 3,000 or more residents per square mile (of the tract's PUMA)."""
    density = pd.Series(residents_per_square_mile, dtype=float)
    return _compare(density, operator.ge, 3000.0)


def student_share(college_enrolled, graduate_enrolled, residents_3_and_over):
    """UDP's ``tr_pstudents``: (B14007_017 + B14007_018) ÷ B14007_001, missing enrolment counted as 0 (R's
    ``sum(…, na.rm = TRUE)``)."""
    college = pd.Series(college_enrolled, dtype=float).fillna(0) + pd.Series(graduate_enrolled, dtype=float).fillna(0)
    base = pd.Series(residents_3_and_over, dtype=float)
    return college / base.where(base > 0)
