"""Urban Displacement Project (UDP) displacement typology, as a pure function over a tract frame.

Source of the method: Urban Displacement Project (UC Berkeley), *Displacement Typologies*, code and
documentation in the public repository ``urban-displacement/displacement-typologies`` (Thomas, Cash,
Driscoll, Picado Aguilar, Hartman, Greenberg, Ramiller, Reifsnyder, Zuk and Chapple, Release 1.1,
doi:10.5281/zenodo.4356684), and the "UDP Replication Project methodology" note (10/16/2020):
``code/2_data_curation.py`` defines the income interpolation, income and housing-affordability
categories, market types and the regional-median flags; ``code/3_create_lag_vars.r`` the rent gap,
nearby rent change and density flag; ``code/4_typology.py`` vulnerability, hot market,
gentrification and the nine types. The rules below restate those definitions; where this module
departs from the code, the docstring says so.

Terms. "RM" is the regional median: the median over all tracts of the region (here, the tracts in the
frame given to :func:`regional_medians`; compute it over the whole region even when only a city is
shown). "RMI" is the regional median income: UDP takes the median of the tracts' median household
incomes. "start" and "end" are the two times compared (UDP: 2000 and 2014–2018).

Input frame (one row per tract; column names from :data:`INPUT_COLUMNS`). Dollar columns at both
times must be in the same (end-year, "real") dollars: convert with the CPI before calling. Missing
columns are allowed: every flag is decided only where the known inputs settle it (three-valued logic,
pandas ``boolean`` dtype with ``<NA>``), and a tract whose type cannot be settled is
:data:`INSUFFICIENT_DATA`. UDP's code instead counts a missing value as failing a comparison; here a
missing value never counts either way. :func:`available_steps` says which inputs a frame lacks.

Low-income share. ``low_income_share_<time>`` is the share of households with income below 80% of
RMI, UDP's ``per_all_li`` (their ``inc80``), interpolated inside the B19001 income bins
(:func:`indicators.core.moe.share_below_from_distribution` does this). It is **not** the poverty rate.
``below_120pct_income_share_<time>`` is the share below 120% of RMI (``inc120``).
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Iterable

import numpy as np
import pandas as pd

TRACT_ID = "GEOID"
START = "start"
END = "end"
TIMES = (START, END)

# measures observed at both times: column name is f"{measure}_{time}"
MEDIAN_RENT = "median_rent"
MEDIAN_HOME_VALUE = "median_home_value"
MEDIAN_INCOME = "median_income"
LOW_INCOME_SHARE = "low_income_share"
BELOW_120PCT_INCOME_SHARE = "below_120pct_income_share"
LOW_INCOME_HOUSEHOLDS = "low_income_households"
NONWHITE_SHARE = "nonwhite_share"
RENTER_SHARE = "renter_share"
COLLEGE_SHARE = "college_share"
LOW_INCOME_MOVER_SHARE = "low_income_mover_share"

# single columns
POPULATION_START = "population_start"
DENSE = "dense"
AFFORDABLE_TO_LOW_SHARE = "affordable_to_low_share_end"
AFFORDABLE_TO_MODERATE_SHARE = "affordable_to_moderate_share_end"
MEDIAN_HOUSING_COST = "median_housing_cost_end"
NEARBY_MEDIAN_RENT = "nearby_median_rent_end"
NEARBY_RENT_PCT_CHANGE = "nearby_rent_pct_change"
GENTRIFIED_EARLIER = "gentrified_earlier"


def column(measure: str, time: str) -> str:
    """Column name of a measure at a time: ``column("renter_share", "end") == "renter_share_end"``."""
    if time not in TIMES:
        raise ValueError(f"time must be one of {TIMES}, not {time!r}")
    return f"{measure}_{time}"


_TIMED = {
    MEDIAN_RENT: "median gross rent (B25064), real dollars",
    MEDIAN_HOME_VALUE: "median value of owner-occupied homes (B25077), real dollars",
    MEDIAN_INCOME: "median household income (B19013), real dollars",
    LOW_INCOME_SHARE: "share of households with income below 80% of RMI (from B19001 bins)",
    BELOW_120PCT_INCOME_SHARE: "share of households with income below 120% of RMI (from B19001 bins)",
    LOW_INCOME_HOUSEHOLDS: "number of households below 80% of RMI (low_income_share × households)",
    NONWHITE_SHARE: "share of residents who are not non-Hispanic white (1 − B03002_003/B03002_001)",
    RENTER_SHARE: "share of occupied homes that are rented (B25003_003/B25003_001)",
    COLLEGE_SHARE: "share of adults 25+ with a bachelor's degree or higher (B15003)",
    LOW_INCOME_MOVER_SHARE: "share of recent movers with income below 80% of the regional median "
                            "individual income (B07010 by mobility)",
}

INPUT_COLUMNS: dict[str, str] = {
    TRACT_ID: "tract identifier (11-digit GEOID)",
    **{column(m, t): f"{d}, at the {t}" for m, d in _TIMED.items() for t in TIMES},
    POPULATION_START: "population at the start; UDP classifies only tracts with more than 500",
    DENSE: "True where the tract's PUMA has 3,000+ residents per square mile (UDP's density flag)",
    AFFORDABLE_TO_LOW_SHARE: "share of occupied homes whose monthly cost is below 60% of the cost "
                             "affordable at RMI (0.3 × RMI / 12), at the end",
    AFFORDABLE_TO_MODERATE_SHARE: "share of occupied homes whose monthly cost is 60–120% of the cost "
                                  "affordable at RMI, at the end",
    MEDIAN_HOUSING_COST: "median monthly housing cost of occupied homes (B25105), at the end",
    NEARBY_MEDIAN_RENT: "inverse-distance-weighted mean of nearby tracts' median rent, at the end",
    NEARBY_RENT_PCT_CHANGE: "inverse-distance-weighted mean of nearby tracts' rent change (fraction)",
    GENTRIFIED_EARLIER: "optional: True where the tract gentrified in an earlier window (UDP: 1990–2000)",
}
"""Every column the typology reads, with what it must hold."""


def _vulnerability_inputs(time: str) -> tuple[str, ...]:
    return tuple(column(m, time) for m in (MEDIAN_RENT, MEDIAN_HOME_VALUE, LOW_INCOME_SHARE,
                                           NONWHITE_SHARE, RENTER_SHARE, COLLEGE_SHARE))


def _income_inputs(time: str) -> tuple[str, ...]:
    return tuple(column(m, time) for m in (LOW_INCOME_SHARE, BELOW_120PCT_INCOME_SHARE, MEDIAN_INCOME))


_MARKET_INPUTS = tuple(column(m, t) for m in (MEDIAN_RENT, MEDIAN_HOME_VALUE) for t in TIMES)

# required input columns of each step (the optional ``gentrified_earlier`` is listed nowhere)
STEP_INPUTS: dict[str, tuple[str, ...]] = {
    "vulnerable_start": _vulnerability_inputs(START),
    "vulnerable_end": _vulnerability_inputs(END),
    "income_category_start": _income_inputs(START),
    "income_category_end": _income_inputs(END),
    "housing_affordability": (AFFORDABLE_TO_LOW_SHARE, AFFORDABLE_TO_MODERATE_SHARE, MEDIAN_HOUSING_COST,
                              column(MEDIAN_INCOME, END)),
    "market_change": _MARKET_INPUTS,
    "hot_market": _MARKET_INPUTS,
    "gentrified": tuple(dict.fromkeys(
        _vulnerability_inputs(START) + _MARKET_INPUTS
        + tuple(column(m, t) for m in (COLLEGE_SHARE, MEDIAN_INCOME, LOW_INCOME_HOUSEHOLDS) for t in TIMES)
        + (DENSE,))),
    "rent_pressure": (column(MEDIAN_RENT, START), column(MEDIAN_RENT, END), NEARBY_MEDIAN_RENT,
                      NEARBY_RENT_PCT_CHANGE),
}
STEP_INPUTS["typology"] = tuple(dict.fromkeys(
    sum(STEP_INPUTS.values(), ())
    + (POPULATION_START, column(LOW_INCOME_MOVER_SHARE, START), column(LOW_INCOME_MOVER_SHARE, END))))

# income categories (UDP inc_cat_medhhinc) and housing-affordability categories (UDP lmh_flag)
LOW = "low"
MIXED_LOW = "mixed_low"
MODERATE = "moderate"
MIXED_MODERATE = "mixed_moderate"
MIXED_HIGH = "mixed_high"
HIGH = "high"
LOW_INCOME_GROUP = (LOW, MIXED_LOW)
MODERATE_HIGH_GROUP = (MODERATE, MIXED_MODERATE, MIXED_HIGH, HIGH)

# market types (UDP change_flag_encoded 1/2/3)
DECREASE_OR_MARGINAL = "decrease_or_marginal"
INCREASE = "increase"
RAPID_INCREASE = "rapid_increase"
_MARKET_LEVELS = {1: DECREASE_OR_MARGINAL, 2: INCREASE, 3: RAPID_INCREASE}

PREDOMINANT_SHARE = 0.55
MINORITY_SHARE = 0.45
LOW_INCOME_CUTOFF = 0.8
HIGH_INCOME_CUTOFF = 1.2
MARGINAL_CHANGE = 0.05
MIN_POPULATION = 500

LOW_INCOME_SUSCEPTIBLE = "Low-Income/Susceptible to Displacement"
ONGOING_DISPLACEMENT = "Ongoing Displacement"
AT_RISK_OF_GENTRIFICATION = "At Risk of Gentrification"
EARLY_ONGOING_GENTRIFICATION = "Early/Ongoing Gentrification"
ADVANCED_GENTRIFICATION = "Advanced Gentrification"
STABLE_MODERATE_MIXED_INCOME = "Stable Moderate/Mixed Income"
AT_RISK_OF_BECOMING_EXCLUSIVE = "At Risk of Becoming Exclusive"
BECOMING_EXCLUSIVE = "Becoming Exclusive"
STABLE_ADVANCED_EXCLUSIVE = "Stable/Advanced Exclusive"
INSUFFICIENT_DATA = "insufficient data"

CATEGORY_FLAGS: dict[str, str] = {
    "low_income_susceptible": LOW_INCOME_SUSCEPTIBLE,
    "ongoing_displacement": ONGOING_DISPLACEMENT,
    "at_risk_of_gentrification": AT_RISK_OF_GENTRIFICATION,
    "early_ongoing_gentrification": EARLY_ONGOING_GENTRIFICATION,
    "advanced_gentrification": ADVANCED_GENTRIFICATION,
    "stable_moderate_mixed_income": STABLE_MODERATE_MIXED_INCOME,
    "at_risk_of_becoming_exclusive": AT_RISK_OF_BECOMING_EXCLUSIVE,
    "becoming_exclusive": BECOMING_EXCLUSIVE,
    "stable_advanced_exclusive": STABLE_ADVANCED_EXCLUSIVE,
}
"""Flag column in :func:`classify`'s result → published category name, in UDP's order."""
CATEGORIES = tuple(CATEGORY_FLAGS.values())


def available_steps(columns: Iterable[str]) -> dict[str, tuple[bool, list[str]]]:
    """For each step, whether every input column is present and which are missing.

    ``available_steps(frame.columns)["vulnerable_end"] == (False, ["low_income_share_end"])`` lets a
    page say exactly which inputs the snapshot lacks. A step with missing columns still runs; its
    flags are decided only where the present inputs settle them.
    """
    present = set(columns)
    return {step: (not missing, missing)
            for step, needed in STEP_INPUTS.items()
            for missing in [[c for c in needed if c not in present]]}


# ---------------------------------------------------------------------------------------------------
# three-valued helpers


def _values(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as floats; an absent column is all missing."""
    if name not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").astype(float)


def _truth(frame: pd.DataFrame, name: str) -> pd.Series:
    """A flag column (True/False, 1/0, missing) as ``boolean``; an absent column is all <NA>."""
    if name not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")
    raw = frame[name]
    if raw.dtype == "boolean":
        return raw
    numbers = pd.to_numeric(raw.map(lambda v: v if not isinstance(v, (bool, np.bool_)) else int(v)),
                            errors="coerce")
    return _known(numbers.to_numpy(float) != 0, numbers.notna().to_numpy(), frame.index)


def _known(values: np.ndarray, known: np.ndarray, index: pd.Index) -> pd.Series:
    out = pd.array(np.asarray(values, dtype=bool), dtype="boolean")
    out[~np.asarray(known, dtype=bool)] = pd.NA
    return pd.Series(out, index=index)


def _compare(left: pd.Series, op, right) -> pd.Series:
    """``left op right`` as ``boolean``, <NA> where either side is missing."""
    x = np.asarray(left, dtype=float)
    y = np.broadcast_to(np.asarray(right, dtype=float), x.shape)
    known = ~np.isnan(x) & ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        values = op(np.where(known, x, 0.0), np.where(known, y, 0.0))
    return _known(values, known, left.index)


def _isin(categories: pd.Series, allowed: Iterable[str]) -> pd.Series:
    known = categories.notna().to_numpy()
    return _known(categories.isin(list(allowed)).to_numpy(), known, categories.index)


def _all(*flags: pd.Series) -> pd.Series:
    return reduce(operator.and_, flags)


def _any(*flags: pd.Series) -> pd.Series:
    return reduce(operator.or_, flags)


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


def _categories(values: np.ndarray, known: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(np.where(known, values, None), index=index, dtype=object)


# ---------------------------------------------------------------------------------------------------
# regional medians and tract changes


def tract_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-tract changes between start and end that the flags compare with the region.

    Percent changes are fractions (0.12 = +12%): rent, home value and real income; the change in
    college share is a difference of shares; the change in low-income households a difference of
    counts; ``rent_gap`` is UDP's ``(nearby rent − rent) / mean of the two`` at the end.
    """
    rent_end = _values(frame, column(MEDIAN_RENT, END))
    nearby = _values(frame, NEARBY_MEDIAN_RENT)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (nearby - rent_end) / ((rent_end + nearby) / 2)
    return pd.DataFrame({
        "median_rent_pct_change": _pct_change(_values(frame, column(MEDIAN_RENT, START)), rent_end),
        "median_home_value_pct_change": _pct_change(_values(frame, column(MEDIAN_HOME_VALUE, START)),
                                                    _values(frame, column(MEDIAN_HOME_VALUE, END))),
        "median_income_pct_change": _pct_change(_values(frame, column(MEDIAN_INCOME, START)),
                                                _values(frame, column(MEDIAN_INCOME, END))),
        "college_share_change": _values(frame, column(COLLEGE_SHARE, END)) - _values(frame, column(COLLEGE_SHARE, START)),
        "low_income_households_change": (_values(frame, column(LOW_INCOME_HOUSEHOLDS, END))
                                         - _values(frame, column(LOW_INCOME_HOUSEHOLDS, START))),
        "rent_gap": gap.astype(float),
        NEARBY_RENT_PCT_CHANGE: _values(frame, NEARBY_RENT_PCT_CHANGE),
    }, index=frame.index)


def regional_medians(frame: pd.DataFrame) -> pd.Series:
    """Regional figures the flags compare tracts with, computed over every tract in ``frame``.

    Holds the regional median (missing values skipped) of every level column present (e.g.
    ``renter_share_end``), the medians of the tract changes of :func:`tract_changes` (keys
    ``median_rent_pct_change`` …), and for the market types the median of the rent and home-value
    changes above +5% (``…_pct_change_increases``) and the 90th percentile of the home-value change
    (``median_home_value_pct_change_p90``). Pass the whole region; the result can then classify any
    subset of it.
    """
    out: dict[str, float] = {}
    for measure in _TIMED:
        for time in TIMES:
            name = column(measure, time)
            if name in frame:
                out[name] = _median(_values(frame, name))
    changes = tract_changes(frame)
    for name in changes:
        out[name] = _median(changes[name])
    for name in ("median_rent_pct_change", "median_home_value_pct_change"):
        rising = changes[name][changes[name] > MARGINAL_CHANGE]
        out[f"{name}_increases"] = _median(rising)
    home = changes["median_home_value_pct_change"].dropna()
    out["median_home_value_pct_change_p90"] = float(home.quantile(0.9)) if len(home) else float("nan")
    return pd.Series(out, dtype=float)


def _rm(medians: pd.Series, key: str) -> float:
    return float(medians.get(key, np.nan))


def _rm_change(medians: pd.Series, measure: str) -> float:
    """Percent change of the regional median itself (UDP ``pctch_rm_…``), as a fraction."""
    start, end = _rm(medians, column(measure, START)), _rm(medians, column(measure, END))
    return (end - start) / start if start else float("nan")


# ---------------------------------------------------------------------------------------------------
# categories


def income_category(low_income_share, below_120pct_income_share, median_income, regional_median_income):
    """UDP income category of each tract (``inc_cat_medhhinc``).

    With ``low = low_income_share`` (below 80% of RMI), ``moderate = below_120 − low`` and
    ``high = 1 − below_120``: a tract is predominantly :data:`LOW` when ``low ≥ 0.55`` and the other
    two are below 0.45, likewise :data:`MODERATE` and :data:`HIGH`. Otherwise it is mixed, by its
    median household income against RMI: :data:`MIXED_LOW` below 80%, :data:`MIXED_MODERATE` from 80%
    to below 120%, :data:`MIXED_HIGH` at 120% or more. Missing shares (or, for a mixed tract, a missing
    or non-positive median income) give None.

    Accepts Series (result: Series of strings on the same index) or arrays (result: object array).
    """
    as_series = isinstance(low_income_share, pd.Series)
    index = low_income_share.index if as_series else None
    low = np.asarray(low_income_share, dtype=float)
    below_120 = np.asarray(below_120pct_income_share, dtype=float)
    income = np.broadcast_to(np.asarray(median_income, dtype=float), low.shape)
    labels, known = _three_band_category(low, below_120 - low, 1 - below_120, income,
                                         LOW_INCOME_CUTOFF * regional_median_income,
                                         HIGH_INCOME_CUTOFF * regional_median_income)
    known &= ~(np.isin(labels, (MIXED_LOW, MIXED_MODERATE, MIXED_HIGH)) & ~(income > 0))
    if as_series:
        return _categories(labels, known, index)
    return np.where(known, labels, None).astype(object)


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


def housing_affordability_category(affordable_to_low_share, affordable_to_moderate_share,
                                   median_housing_cost, regional_median_income):
    """UDP housing-affordability category of each tract (``lmh_flag``), at the end.

    UDP's affordable monthly cost is ``0.3 × RMI / 12``. With ``low`` the share of homes costing less
    than 60% of it, ``moderate`` the share at 60–120% and ``high = 1 − low − moderate``, the 55%/45%
    rule gives predominantly :data:`LOW`, :data:`MODERATE` or :data:`HIGH`; otherwise the tract is
    :data:`MIXED_LOW`, :data:`MIXED_MODERATE` or :data:`MIXED_HIGH` as its median monthly housing cost
    is below 60%, 60% to below 120%, or 120%+ of the affordable cost.
    """
    affordable = 0.3 * regional_median_income / 12
    as_series = isinstance(affordable_to_low_share, pd.Series)
    low = np.asarray(affordable_to_low_share, dtype=float)
    moderate = np.asarray(affordable_to_moderate_share, dtype=float)
    cost = np.broadcast_to(np.asarray(median_housing_cost, dtype=float), low.shape)
    labels, known = _three_band_category(low, moderate, 1 - low - moderate, cost,
                                         0.6 * affordable, 1.2 * affordable)
    if as_series:
        return _categories(labels, known, affordable_to_low_share.index)
    return np.where(known, labels, None).astype(object)


def market_change(frame: pd.DataFrame, medians: pd.Series) -> pd.Series:
    """UDP market type (``change_flag``) from the real changes in rent and home value.

    For each of rent and home value: a change below +5% (falling or marginal) is level 1, +5% or more
    but below the regional median of the increases above +5% is level 2, at or above it level 3. The
    tract takes the higher level of the two: :data:`DECREASE_OR_MARGINAL`, :data:`INCREASE` or
    :data:`RAPID_INCREASE`. With one change missing the type is known only if the other is level 3.
    (UDP measured rent over 2012–2018 and home value over 2000–2018; here both span start → end.)
    """
    changes = tract_changes(frame)
    levels = []
    for name in ("median_rent_pct_change", "median_home_value_pct_change"):
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


# ---------------------------------------------------------------------------------------------------
# flags


def vulnerability_criteria(frame: pd.DataFrame, medians: pd.Series, time: str = END) -> pd.DataFrame:
    """The five tests behind :func:`vulnerable`, each True/False/<NA>, plus ``vulnerable``.

    ``housing_below_rm``: median rent < RM or median home value < RM. Then the four demographic tests:
    low-income share ≥ RM, non-white share ≥ RM, renter share ≥ RM, college share < RM.
    """
    rent, value, low_income, nonwhite, renter, college = _vulnerability_inputs(time)
    out = pd.DataFrame({
        "housing_below_rm": _any(_compare(_values(frame, rent), operator.lt, _rm(medians, rent)),
                                 _compare(_values(frame, value), operator.lt, _rm(medians, value))),
        "low_income_share_at_or_above_rm": _compare(_values(frame, low_income), operator.ge, _rm(medians, low_income)),
        "nonwhite_share_at_or_above_rm": _compare(_values(frame, nonwhite), operator.ge, _rm(medians, nonwhite)),
        "renter_share_at_or_above_rm": _compare(_values(frame, renter), operator.ge, _rm(medians, renter)),
        "college_share_below_rm": _compare(_values(frame, college), operator.lt, _rm(medians, college)),
    }, index=frame.index)
    demographic = [out[c] for c in out.columns[1:]]
    out["vulnerable"] = out["housing_below_rm"] & _at_least(demographic, 3)
    return out


def vulnerable(frame: pd.DataFrame, medians: pd.Series, time: str = END) -> pd.Series:
    """UDP "vulnerable to gentrification" flag at ``time`` (``vul_gent``).

    Vulnerable: median rent **or** median home value below RM, **and** at least 3 of 4: low-income
    share ≥ RM, non-white share ≥ RM, renter share ≥ RM, college-educated share < RM. Without a
    low-income share (as in a snapshot that lacks B19001) a tract meeting all three other tests is
    still vulnerable and one meeting at most one is not; one meeting exactly two is <NA>.
    """
    return vulnerability_criteria(frame, medians, time)["vulnerable"]


def hot_market(frame: pd.DataFrame, medians: pd.Series) -> pd.Series:
    """UDP hot market (``hotmarket``): real change in home value or in rent at least the change of the
    regional median (``(RM_end − RM_start) / RM_start``)."""
    changes = tract_changes(frame)
    return _any(
        _compare(changes["median_home_value_pct_change"], operator.ge, _rm_change(medians, MEDIAN_HOME_VALUE)),
        _compare(changes["median_rent_pct_change"], operator.ge, _rm_change(medians, MEDIAN_RENT)))


def gentrified(frame: pd.DataFrame, medians: pd.Series, *, dense_rule: bool = True) -> pd.Series:
    """UDP gentrification between start and end (``gent``).

    All of: vulnerable at the start; change in college share above the change of the regional median
    college share; real median-income change above the change of the regional median income; an
    absolute loss of low-income households; a hot market. With ``dense_rule`` (UDP's ``gent_urban``
    for dense tracts) the loss test is dropped where ``dense`` is True. A ``gentrified_earlier``
    column is not read here; :func:`classify` combines it.
    """
    changes = tract_changes(frame)
    rm_college_change = _rm(medians, column(COLLEGE_SHARE, END)) - _rm(medians, column(COLLEGE_SHARE, START))
    lost_low_income = _compare(changes["low_income_households_change"], operator.lt, 0.0)
    if dense_rule:
        lost_low_income = lost_low_income | _truth(frame, DENSE)
    return _all(vulnerable(frame, medians, START),
                _compare(changes["college_share_change"], operator.gt, rm_college_change),
                _compare(changes["median_income_pct_change"], operator.gt, _rm_change(medians, MEDIAN_INCOME)),
                lost_low_income,
                hot_market(frame, medians))


def rent_pressure(frame: pd.DataFrame, medians: pd.Series) -> pd.Series:
    """UDP displacement-pressure test of "At Risk of Gentrification" (``dp_PChRent | dp_RentGap``).

    ``dp_PChRent``: the tract's rent change is positive and above the regional median change, or the
    nearby tracts' rent change is above its regional median. ``dp_RentGap``: the rent gap (nearby rent
    above the tract's) is positive and above its regional median.
    """
    changes = tract_changes(frame)
    rent_change = changes["median_rent_pct_change"]
    rising_rent = _any(
        _all(_compare(rent_change, operator.gt, 0.0),
             _compare(rent_change, operator.gt, _rm(medians, "median_rent_pct_change"))),
        _compare(changes[NEARBY_RENT_PCT_CHANGE], operator.gt, _rm(medians, NEARBY_RENT_PCT_CHANGE)))
    rent_gap = _all(_compare(changes["rent_gap"], operator.gt, 0.0),
                    _compare(changes["rent_gap"], operator.gt, _rm(medians, "rent_gap")))
    return rising_rent | rent_gap


# ---------------------------------------------------------------------------------------------------
# the typology


def classify(frame: pd.DataFrame, medians: pd.Series | None = None) -> pd.DataFrame:
    """Classify every tract into one of the nine UDP types, or :data:`INSUFFICIENT_DATA`.

    ``medians`` defaults to :func:`regional_medians` of ``frame``. The result (same index) has the
    tract id (when present), the intermediate flags and categories, one True/False/<NA> column per type
    (:data:`CATEGORY_FLAGS`), ``typology`` and ``typology_note``. The types, as ``4_typology.py``
    defines them (population at the start above 500 is required throughout; "moderate/high" is any of
    the four moderate-or-high income categories at the end, "low" is low or mixed-low):

    - Stable/Advanced Exclusive: high income at start and end, housing predominantly high-cost, any
      known market type.
    - Advanced Gentrification: moderate/high income; housing moderate, high, mixed-moderate or
      mixed-high; market decrease/marginal or increase; rent or home value rising; gentrified (dense
      rule) now or earlier; not Stable/Advanced Exclusive.
    - At Risk of Becoming Exclusive: as Advanced Gentrification without the rising-cost and gentrified
      tests; neither of the two above.
    - Becoming Exclusive: moderate/high income; same housing; rapid increase; lost low-income
      households; share of low-income movers fell; real median income rose; not Stable/Advanced
      Exclusive.
    - Stable Moderate/Mixed Income: moderate/high income and none of the four above.
    - At Risk of Gentrification: low income; housing predominantly low-cost or mixed-low; market
      decrease/marginal, or home-value change above the regional 90th percentile, or rent up 90%+;
      rent pressure (:func:`rent_pressure`); vulnerable at the end; not gentrified (without the dense
      rule) now or earlier.
    - Early/Ongoing Gentrification: low income; housing predominantly moderate or mixed-moderate;
      market increase or rapid increase, or home-value or rent change above its regional median;
      gentrified (dense rule) now or earlier.
    - Ongoing Displacement: low income; lost low-income households; neither of the two above.
    - Low-Income/Susceptible to Displacement: low income and none of the three above.

    "Earlier" is the optional ``gentrified_earlier`` column (UDP: gentrified 1990–2000); without it
    only the start → end window counts. UDP takes the home-value change of the two "above the regional
    median / 90th percentile" tests from the Zillow home value index; here it is the change in ACS
    median home value.
    """
    if medians is None:
        medians = regional_medians(frame)
    index = frame.index
    changes = tract_changes(frame)
    rmi_start = _rm(medians, column(MEDIAN_INCOME, START))
    rmi_end = _rm(medians, column(MEDIAN_INCOME, END))

    income_start = income_category(_values(frame, column(LOW_INCOME_SHARE, START)),
                                   _values(frame, column(BELOW_120PCT_INCOME_SHARE, START)),
                                   _values(frame, column(MEDIAN_INCOME, START)), rmi_start)
    income_end = income_category(_values(frame, column(LOW_INCOME_SHARE, END)),
                                 _values(frame, column(BELOW_120PCT_INCOME_SHARE, END)),
                                 _values(frame, column(MEDIAN_INCOME, END)), rmi_end)
    housing = housing_affordability_category(_values(frame, AFFORDABLE_TO_LOW_SHARE),
                                             _values(frame, AFFORDABLE_TO_MODERATE_SHARE),
                                             _values(frame, MEDIAN_HOUSING_COST), rmi_end)
    market = market_change(frame, medians)
    vulnerable_start = vulnerable(frame, medians, START)
    vulnerable_end = vulnerable(frame, medians, END)
    hot = hot_market(frame, medians)
    gent_dense = gentrified(frame, medians, dense_rule=True)
    gent_strict = gentrified(frame, medians, dense_rule=False)
    earlier = _truth(frame, GENTRIFIED_EARLIER) if GENTRIFIED_EARLIER in frame else _known(
        np.zeros(len(index), bool), np.ones(len(index), bool), index)
    pressure = rent_pressure(frame, medians)

    population_ok = _compare(_values(frame, POPULATION_START), operator.gt, MIN_POPULATION)
    low_income = _isin(income_end, LOW_INCOME_GROUP)
    moderate_high = _isin(income_end, MODERATE_HIGH_GROUP)
    housing_not_low = _isin(housing, (MODERATE, HIGH, MIXED_MODERATE, MIXED_HIGH))
    market_known = _isin(market, _MARKET_LEVELS.values())
    market_not_rapid = _isin(market, (DECREASE_OR_MARGINAL, INCREASE))
    rent_change = changes["median_rent_pct_change"]
    home_change = changes["median_home_value_pct_change"]
    lost_low_income = _compare(changes["low_income_households_change"], operator.lt, 0.0)
    gentrified_any = gent_dense | earlier

    exclusive = _all(population_ok, _isin(income_start, [HIGH]), _isin(income_end, [HIGH]),
                     _isin(housing, [HIGH]), market_known)
    at_risk_exclusive_base = _all(population_ok, moderate_high, housing_not_low, market_not_rapid)
    advanced = _all(at_risk_exclusive_base,
                    _any(_compare(home_change, operator.gt, 0.0), _compare(rent_change, operator.gt, 0.0)),
                    gentrified_any, ~exclusive)
    at_risk_exclusive = _all(at_risk_exclusive_base, ~advanced, ~exclusive)
    becoming = _all(population_ok, moderate_high, housing_not_low, _isin(market, [RAPID_INCREASE]),
                    lost_low_income,
                    _compare(_values(frame, column(LOW_INCOME_MOVER_SHARE, END)), operator.lt,
                             _values(frame, column(LOW_INCOME_MOVER_SHARE, START))),
                    _compare(_values(frame, column(MEDIAN_INCOME, END)), operator.gt,
                             _values(frame, column(MEDIAN_INCOME, START))),
                    ~exclusive)
    stable_moderate = _all(population_ok, moderate_high, ~at_risk_exclusive, ~becoming, ~exclusive, ~advanced)

    at_risk_gentrification = _all(
        population_ok, low_income, _isin(housing, (LOW, MIXED_LOW)),
        _any(_isin(market, [DECREASE_OR_MARGINAL]),
             _compare(home_change, operator.gt, _rm(medians, "median_home_value_pct_change_p90")),
             _compare(rent_change, operator.ge, 0.9)),
        ~earlier, pressure, vulnerable_end, ~gent_strict)
    early_ongoing = _all(
        population_ok, low_income, _isin(housing, (MODERATE, MIXED_MODERATE)),
        _any(_isin(market, (INCREASE, RAPID_INCREASE)),
             _compare(home_change, operator.gt, _rm(medians, "median_home_value_pct_change")),
             _compare(rent_change, operator.gt, _rm(medians, "median_rent_pct_change"))),
        gentrified_any)
    ongoing_displacement = _all(population_ok, low_income, lost_low_income, ~at_risk_gentrification, ~early_ongoing)
    susceptible = _all(population_ok, low_income, ~ongoing_displacement, ~at_risk_gentrification, ~early_ongoing)

    flags = pd.DataFrame({
        "low_income_susceptible": susceptible,
        "ongoing_displacement": ongoing_displacement,
        "at_risk_of_gentrification": at_risk_gentrification,
        "early_ongoing_gentrification": early_ongoing,
        "advanced_gentrification": advanced,
        "stable_moderate_mixed_income": stable_moderate,
        "at_risk_of_becoming_exclusive": at_risk_exclusive,
        "becoming_exclusive": becoming,
        "stable_advanced_exclusive": exclusive,
    }, index=index)

    typology, note = _assign(frame, flags, population_ok)
    out = pd.DataFrame({
        "income_category_start": income_start,
        "income_category_end": income_end,
        "housing_affordability": housing,
        "market_change": market,
        "vulnerable_start": vulnerable_start,
        "vulnerable_end": vulnerable_end,
        "hot_market": hot,
        "gentrified": gent_dense,
        "gentrified_strict": gent_strict,
        "rent_pressure": pressure,
    }, index=index)
    out = pd.concat([out, flags], axis=1)
    out["typology"] = typology
    out["typology_note"] = note
    if TRACT_ID in frame:
        out.insert(0, TRACT_ID, frame[TRACT_ID])
    return out


def _assign(frame: pd.DataFrame, flags: pd.DataFrame, population_ok: pd.Series) -> tuple[pd.Series, pd.Series]:
    is_true = flags.fillna(False).astype(bool)
    n_true = is_true.sum(axis=1)
    first = is_true.idxmax(axis=1).map(CATEGORY_FLAGS)
    typology = first.where(n_true == 1, INSUFFICIENT_DATA).astype(object)

    inputs = STEP_INPUTS["typology"]
    too_small = (~population_ok.fillna(True)).to_numpy(dtype=bool)
    notes = []
    for i in range(len(frame.index)):
        if n_true.iloc[i] == 1:
            notes.append(None)
        elif n_true.iloc[i] > 1:
            notes.append("matched more than one type: " + ", ".join(flags.columns[is_true.iloc[i].to_numpy()]))
        elif too_small[i]:
            notes.append(f"population at the start of {MIN_POPULATION} or fewer: UDP leaves the tract unclassified")
        else:
            missing = [c for c in inputs if c not in frame or pd.isna(frame[c].iloc[i])]
            notes.append("missing inputs: " + ", ".join(missing) if missing
                         else "the inputs do not settle one type")
    return typology, pd.Series(notes, index=frame.index, dtype=object)


# ---------------------------------------------------------------------------------------------------
# the published ACS tract profile


TRACT_PROFILE_COLUMNS: dict[str, str] = {
    "med_gross_rent": MEDIAN_RENT,
    "med_home_value": MEDIAN_HOME_VALUE,
    "med_hh_income": MEDIAN_INCOME,
    "renter_share": RENTER_SHARE,
    "bachelors_share": COLLEGE_SHARE,
    "low_income_share": LOW_INCOME_SHARE,
}
"""Column of an ACS tract profile (one row per tract, e.g. a county's 2020–24 file) →
typology measure. ``white_nh_share`` gives ``nonwhite_share = 1 − white_nh_share``."""


def inputs_from_tract_profile(profile: pd.DataFrame, time: str = END, *, id_column: str = TRACT_ID) -> pd.DataFrame:
    """Typology inputs at one ``time`` from an ACS tract profile, renaming :data:`TRACT_PROFILE_COLUMNS`.

    Only the columns the profile has are produced; a ``low_income_share`` column is used if given
    (it must be the share below 80% of RMI, not a poverty rate). Estimates only: MOEs are not carried.
    """
    out = pd.DataFrame({TRACT_ID: profile[id_column]} if id_column in profile else {}, index=profile.index)
    for source, measure in TRACT_PROFILE_COLUMNS.items():
        if source in profile:
            out[column(measure, time)] = pd.to_numeric(profile[source], errors="coerce")
    if "white_nh_share" in profile:
        out[column(NONWHITE_SHARE, time)] = 1 - pd.to_numeric(profile["white_nh_share"], errors="coerce")
    return out
