"""Margin-of-error arithmetic for American Community Survey estimates.

Every formula follows the U.S. Census Bureau, *Understanding and Using American Community Survey Data:
What All Data Users Need to Know* (ACS General Handbook, 2020), chapter 8 "Calculating Measures of
Error for Derived Estimates", and chapter 7 for significance testing. Published ACS margins of error
(MOEs) are at the 90 percent confidence level, so a standard error is ``MOE / 1.645``.

The functions are vectorised: each accepts scalars, numpy arrays or pandas Series and returns the same
kind (a Series keeps its index; Series with different indexes are aligned as pandas arithmetic aligns
them). A missing input (NaN, None, ``pd.NA``) gives a missing output. The reductions
(:func:`moe_sum_of`, :func:`moe_weighted_sum`) return one number.

These formulas assume the estimates' sampling errors are uncorrelated; the handbook calls them
approximations, and they grow less reliable the more estimates are combined.
"""

from __future__ import annotations

from functools import reduce
from typing import Any, Iterable

import numpy as np
import pandas as pd

Z90 = 1.645
"""z value of the ACS 90 percent margins of error."""

RELIABLE = "reliable"
CAUTION = "use with caution"
UNRELIABLE = "unreliable"
UNKNOWN = "unknown"

RELIABLE_CV_BELOW = 15.0
UNRELIABLE_CV_ABOVE = 30.0

SENTINELS: dict[int, str] = {
    -666666666: "estimate could not be computed: too few sample observations, or a median in an "
                "open-ended interval of its distribution",
    -999999999: "estimate or margin of error cannot be displayed: too few sample cases in the area",
    -888888888: "estimate or margin of error is not applicable or not available",
    -222222222: "margin of error could not be computed: too few sample observations",
    -555555555: "no margin of error: the estimate is controlled to an independent population or "
                "housing estimate (it has no sampling error; its MOE may be treated as zero)",
    -333333333: "margin of error could not be computed: the median falls in the lowest or highest "
                "interval of an open-ended distribution",
}
"""Census API annotation values ("ACS annotation values") mapped to their meaning."""

CONTROLLED_ESTIMATE = -555555555

NOTE_NO_OBSERVATIONS = "no observations in the distribution"
NOTE_OPEN_TOP = "falls in the open-ended top bin of the distribution: not estimable by interpolation"
NOTE_OPEN_BOTTOM = "falls in the open-ended bottom bin of the distribution: not estimable by interpolation"
NOTE_TOO_FEW = "too few observations: the interval around 50 percent leaves the distribution"


# ---------------------------------------------------------------------------------------------------
# input handling


def _as_float(value: Any) -> np.ndarray:
    if isinstance(value, pd.Series):
        return value.to_numpy(dtype=float, na_value=np.nan)
    if value is None or value is pd.NA:
        return np.asarray(np.nan)
    array = np.asarray(value, dtype=object if isinstance(value, (list, tuple)) else None)
    if array.dtype == object:
        array = np.array([np.nan if v is None or v is pd.NA else v for v in array.ravel()],
                         dtype=float).reshape(array.shape)
    return array.astype(float)


def _prepare(*values: Any):
    """Return the inputs as broadcastable float arrays and a function wrapping a result like them.

    Series inputs are aligned on the union of their indexes; the result is a Series on that index.
    All-scalar inputs give a Python scalar; anything else gives a numpy array.
    """
    series = [v for v in values if isinstance(v, pd.Series)]
    if series:
        index = series[0].index
        for s in series[1:]:
            if not s.index.equals(index):
                index = index.union(s.index, sort=False)
        arrays = [_as_float(v.reindex(index)) if isinstance(v, pd.Series) else _as_float(v) for v in values]

        def wrap(result, dtype=None):
            return pd.Series(np.asarray(result), index=index, dtype=dtype)

        return arrays, wrap
    arrays = [_as_float(v) for v in values]
    if all(a.ndim == 0 for a in arrays):
        def wrap(result, dtype=None):
            item = np.asarray(result).item()
            return float(item) if isinstance(item, float) else item

        return arrays, wrap

    def wrap(result, dtype=None):
        return np.asarray(result, dtype=dtype)

    return arrays, wrap


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise division where a zero denominator gives NaN (no share or ratio of nothing)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator == 0, np.nan, numerator / np.where(denominator == 0, 1.0, denominator))


# ---------------------------------------------------------------------------------------------------
# sums, differences, proportions, ratios, products


ZERO_ESTIMATE_RULE = (
    "when several of the estimates added up are zero, only the largest of their margins of error is "
    "included (Census Bureau ACS guidance; tidycensus moe_sum)")
"""How the sums treat zero estimates, for method notes."""


def _root_sum_with_zero_rule(moes: np.ndarray, estimates: np.ndarray, axis: int) -> np.ndarray:
    """``√(Σ MOEᵢ²)`` along ``axis``, where the zero estimates add only the largest of their MOEs.

    A zero estimate's published MOE is modelled for the area, not measured from its sample, so
    adding the MOEs of many zero cells would inflate the total's MOE (the Census Bureau's guidance:
    only the largest MOE of the zero estimates is included). A missing MOE keeps the result missing;
    a missing estimate is not taken as zero (its MOE is added as it is). Computed with ``hypot``, as
    :func:`moe_sum` is, so that squaring neither underflows nor overflows.
    """
    zero = estimates == 0
    nonzero_part = np.hypot.reduce(np.where(zero, 0.0, moes), axis=axis)
    with np.errstate(invalid="ignore"):
        # NaN MOEs of zero estimates stay NaN: max propagates them
        zero_part = np.where(zero, moes, -np.inf).max(axis=axis, initial=-np.inf)
    zero_part = np.where(np.isneginf(zero_part), 0.0, zero_part)
    return np.hypot(nonzero_part, zero_part)


def moe_sum(*moes: Any, estimates: Iterable[Any] | None = None):
    """MOE of a sum (or difference) of estimates: ``√(Σ MOEᵢ²)`` (handbook ch. 8, formula 1).

    Each argument is one component's MOE, elementwise (e.g. ``moe_sum(df.a_moe, df.b_moe)`` for
    ``df.a + df.b``). To aggregate down a column use :func:`moe_sum_of`.

    ``estimates``, one per MOE in the same order (each elementwise like its MOE), switches on the
    Census Bureau's rule for zero estimates (:data:`ZERO_ESTIMATE_RULE`): where several components
    are zero, only the largest of their MOEs enters the sum, e.g. 0 ± 200, 0 ± 150, 500 ± 100 and
    400 ± 50 give ``√(200² + 100² + 50²)``, not ``√(200² + 150² + 100² + 50²)``. Without
    ``estimates`` every MOE is added (the zero cells cannot be told apart), which overstates the MOE
    of a sum of several zero cells.
    """
    if not moes:
        raise TypeError("moe_sum needs at least one margin of error")
    if estimates is None:
        arrays, wrap = _prepare(*moes)
        # hypot avoids squaring under- or overflow; it is √(a² + b²) exactly otherwise
        return wrap(reduce(np.hypot, arrays))
    estimates = list(estimates)
    if len(estimates) != len(moes):
        raise ValueError(f"moe_sum got {len(moes)} margins of error but {len(estimates)} estimates")
    arrays, wrap = _prepare(*moes, *estimates)
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    stacked = np.stack([np.broadcast_to(a, shape) for a in arrays])
    m, e = stacked[:len(moes)], stacked[len(moes):]
    return wrap(_root_sum_with_zero_rule(m, e, axis=0))


def moe_sum_of(moes: Iterable[float] | pd.Series | pd.DataFrame,
               estimates: Iterable[float] | pd.Series | pd.DataFrame | None = None):
    """MOE of the total of all the given estimates: ``√(Σ MOEᵢ²)`` over the whole iterable.

    A Series (or any iterable) gives one number, so this fits ``groupby(...).agg(moe_sum_of)``; a
    DataFrame gives one number per column. A missing MOE makes the total's MOE missing. With
    ``estimates`` (same length and order; a DataFrame of the same columns for a DataFrame), several
    zero estimates add only the largest of their MOEs (:func:`moe_sum`).
    """
    if isinstance(moes, pd.DataFrame):
        if estimates is None:
            return moes.apply(moe_sum_of, axis=0)
        return pd.Series({c: moe_sum_of(moes[c], estimates[c]) for c in moes.columns})
    values = _as_float(list(moes) if not isinstance(moes, (pd.Series, np.ndarray)) else moes).ravel()
    if estimates is None:
        return float(np.hypot.reduce(values)) if values.size else 0.0
    est = _as_float(list(estimates) if not isinstance(estimates, (pd.Series, np.ndarray)) else estimates).ravel()
    if est.shape != values.shape:
        raise ValueError(f"margins of error ({values.size}) and estimates ({est.size}) differ in length")
    return float(_root_sum_with_zero_rule(values, est, axis=0)) if values.size else 0.0


def moe_difference(moe_a: Any, moe_b: Any):
    """MOE of ``A − B``: ``√(MOE_A² + MOE_B²)``, the same formula as for a sum."""
    return moe_sum(moe_a, moe_b)


def moe_weighted_sum(weights: Iterable[float] | pd.Series, moes: Iterable[float] | pd.Series,
                     estimates: Iterable[float] | pd.Series | None = None):
    """MOE of ``Σ wᵢ·Xᵢ`` with fixed weights: ``√(Σ (wᵢ·MOEᵢ)²)``.

    Used when tract counts are apportioned to neighborhoods with weights (a tract's share in the
    neighborhood); weights are treated as known constants, as the handbook treats a constant factor.
    Two Series are paired by index; anything else is paired by position. With ``estimates`` (the
    unweighted ``Xᵢ``), several zero estimates add only the largest of their weighted MOEs
    (:func:`moe_sum`).
    """
    if isinstance(weights, pd.Series) and isinstance(moes, pd.Series):
        if isinstance(estimates, pd.Series):
            (w, m, e), _ = _prepare(weights, moes, estimates)
        else:
            (w, m), _ = _prepare(weights, moes)
            e = None if estimates is None else _as_float(list(estimates)).ravel()
    else:
        w = _as_float(weights if isinstance(weights, (pd.Series, np.ndarray)) else list(weights)).ravel()
        m = _as_float(moes if isinstance(moes, (pd.Series, np.ndarray)) else list(moes)).ravel()
        e = (None if estimates is None else
             _as_float(estimates if isinstance(estimates, (pd.Series, np.ndarray)) else list(estimates)).ravel())
    if w.shape != m.shape:
        raise ValueError(f"weights ({w.shape}) and margins of error ({m.shape}) differ in length")
    weighted = (w * m).ravel()
    if e is None:
        return float(np.hypot.reduce(weighted)) if weighted.size else 0.0
    e = np.asarray(e, dtype=float).ravel()
    if e.shape != weighted.shape:
        raise ValueError(f"estimates ({e.shape}) and margins of error ({weighted.shape}) differ in length")
    return float(_root_sum_with_zero_rule(weighted, e, axis=0)) if weighted.size else 0.0


def moe_ratio(num: Any, den: Any, moe_num: Any, moe_den: Any):
    """MOE of a ratio ``R = X / Y`` where X is not a subset of Y: ``√(MOE_X² + R²·MOE_Y²) / Y``.

    Handbook ch. 8, "Calculating MOEs for derived ratios". A zero denominator gives NaN.
    """
    (x, y, mx, my), wrap = _prepare(num, den, moe_num, moe_den)
    r = _divide(x, y)
    return wrap(_divide(np.sqrt(mx ** 2 + r ** 2 * my ** 2), np.abs(y)))


def moe_proportion(num: Any, den: Any, moe_num: Any, moe_den: Any):
    """MOE of a proportion ``p = X / Y`` where X is a subset of Y: ``√(MOE_X² − p²·MOE_Y²) / Y``.

    Handbook ch. 8, "Calculating MOEs for derived proportions and percentages". Where the term under
    the root is negative the handbook says to use the ratio formula instead (:func:`moe_ratio`); that
    fallback is applied element by element. A zero denominator gives NaN.
    """
    (x, y, mx, my), wrap = _prepare(num, den, moe_num, moe_den)
    p = _divide(x, y)
    radicand = mx ** 2 - p ** 2 * my ** 2
    ratio_radicand = mx ** 2 + p ** 2 * my ** 2
    chosen = np.where(radicand < 0, ratio_radicand, radicand)
    return wrap(_divide(np.sqrt(chosen), np.abs(y)))


def moe_product(a: Any, b: Any, moe_a: Any, moe_b: Any):
    """MOE of a product ``A·B``: ``√(A²·MOE_B² + B²·MOE_A²)`` (handbook ch. 8, products)."""
    (a_, b_, ma, mb), wrap = _prepare(a, b, moe_a, moe_b)
    return wrap(np.sqrt(a_ ** 2 * mb ** 2 + b_ ** 2 * ma ** 2))


# ---------------------------------------------------------------------------------------------------
# standard errors, coefficients of variation, reliability


def standard_error(moe: Any, z: float = Z90):
    """Standard error from a margin of error: ``SE = MOE / z`` (z = 1.645 for the ACS 90% MOEs)."""
    (m,), wrap = _prepare(moe)
    return wrap(m / z)


def coefficient_of_variation(estimate: Any, moe: Any, z: float = Z90):
    """Coefficient of variation in percent: ``CV = SE / estimate × 100`` with ``SE = MOE / z``.

    An estimate of zero has no CV (NaN). The absolute value of the estimate is used, so a negative
    derived estimate (a change) gets the CV of its size.
    """
    (est, m), wrap = _prepare(estimate, moe)
    return wrap(_divide(m / z, np.abs(est)) * 100.0)


def reliability(cv: Any):
    """Reliability class of an estimate from its CV in percent.

    ``CV < 15`` → :data:`RELIABLE`; ``15 ≤ CV ≤ 30`` → :data:`CAUTION`; ``CV > 30`` →
    :data:`UNRELIABLE`; a missing CV → :data:`UNKNOWN`. These are the thresholds commonly used with
    the ACS (the handbook leaves the cut-offs to the user); show the class and grey unreliable values.
    Returns strings (in an object Series or array for vector input).
    """
    (c,), wrap = _prepare(cv)
    labels = np.select([np.isnan(c), c < RELIABLE_CV_BELOW, c <= UNRELIABLE_CV_ABOVE],
                       [UNKNOWN, RELIABLE, CAUTION], default=UNRELIABLE).astype(object)
    return wrap(labels, dtype=object)


# ---------------------------------------------------------------------------------------------------
# comparisons


def difference_z(est1: Any, moe1: Any, est2: Any, moe2: Any, z: float = Z90):
    """Test statistic of a difference: ``|X₁ − X₂| / √(SE₁² + SE₂²)`` (handbook ch. 7).

    Two estimates without sampling error that differ give ``inf``; equal ones give NaN.
    """
    (x1, m1, x2, m2), wrap = _prepare(est1, moe1, est2, moe2)
    se = np.sqrt((m1 / z) ** 2 + (m2 / z) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(np.abs(x1 - x2) / se)


def significant_difference(est1: Any, moe1: Any, est2: Any, moe2: Any, z: float = Z90):
    """True where two estimates differ significantly at 90%: ``difference_z > 1.645``.

    Returns booleans. Where an input is missing the difference cannot be shown to be significant and
    the answer is False; :func:`difference_z` keeps NaN there if the distinction matters.
    """
    (x1, m1, x2, m2), wrap = _prepare(est1, moe1, est2, moe2)
    stat = _as_float(difference_z(x1, m1, x2, m2, z=z))
    with np.errstate(invalid="ignore"):
        result = np.where(np.isnan(stat), False, stat > z)
    out = wrap(result, dtype=bool)
    return bool(out) if isinstance(out, (np.bool_, bool)) else out


def _period_years(period: Any) -> tuple[int, int]:
    if isinstance(period, (tuple, list)) and len(period) == 2:
        start, end = int(period[0]), int(period[1])
    elif isinstance(period, (int, np.integer)):
        start, end = int(period) - 4, int(period)
    else:
        raise TypeError(f"an ACS period is an end year or a (start_year, end_year) pair, not {period!r}")
    if start > end:
        raise ValueError(f"ACS period {period!r} starts after it ends")
    return start, end


def periods_overlap(period_a: Any, period_b: Any) -> bool:
    """True when two ACS periods share at least one year.

    A period is ``(start_year, end_year)`` or an end year, read as a 5-year period (2024 → 2020–2024).
    The Census Bureau advises against comparing overlapping 5-year periods (they share most of their
    sample), so a page comparing them should say so instead of testing a difference.
    """
    a_start, a_end = _period_years(period_a)
    b_start, b_end = _period_years(period_b)
    return a_start <= b_end and b_start <= a_end


# ---------------------------------------------------------------------------------------------------
# Census annotation values


def clean_sentinels(values: Any, *, controlled_moe_as_zero: bool = False):
    """Replace Census annotation values (:data:`SENTINELS`) by missing values, keeping the reason.

    Returns ``(clean, reasons)``: ``clean`` has NaN where a sentinel was, ``reasons`` holds the
    sentinel's meaning there and None elsewhere. Numeric strings (as the Census API sends them) are
    read as numbers. With ``controlled_moe_as_zero=True`` the code −555555555 becomes 0 instead of
    NaN (use it for MOE columns only: the Bureau says such an estimate has no sampling error), and the
    reason is still kept. A DataFrame of numeric columns gives two DataFrames.
    """
    if isinstance(values, pd.DataFrame):
        pairs = {c: clean_sentinels(values[c], controlled_moe_as_zero=controlled_moe_as_zero)
                 for c in values.columns}
        return (pd.DataFrame({c: p[0] for c, p in pairs.items()}, index=values.index),
                pd.DataFrame({c: p[1] for c, p in pairs.items()}, index=values.index, dtype=object))
    if isinstance(values, pd.Series):
        numbers = pd.to_numeric(values, errors="coerce")
    elif isinstance(values, str):
        numbers = pd.to_numeric(pd.Series([values]), errors="coerce").iloc[0]
    elif isinstance(values, (list, tuple, np.ndarray)) and np.asarray(values).dtype.kind in "OUS":
        numbers = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce"
                                ).to_numpy(float).reshape(np.shape(values))
    else:
        numbers = values
    (x,), wrap = _prepare(numbers)
    reasons = np.full(x.shape, None, dtype=object)
    clean = x.copy()
    for code, meaning in SENTINELS.items():
        hit = x == code
        reasons = np.where(hit, meaning, reasons)
        replacement = 0.0 if (controlled_moe_as_zero and code == CONTROLLED_ESTIMATE) else np.nan
        clean = np.where(hit, replacement, clean)
    return wrap(clean), wrap(reasons, dtype=object)


# ---------------------------------------------------------------------------------------------------
# distributions: medians re-estimated from binned counts


def _distribution(bin_lower_bounds, bin_upper_bounds, counts):
    lower = _as_float(bin_lower_bounds).ravel()
    upper = _as_float(bin_upper_bounds).ravel()
    if lower.shape != upper.shape:
        raise ValueError("bin_lower_bounds and bin_upper_bounds differ in length")
    index = counts.index if isinstance(counts, pd.DataFrame) else None
    c = counts.to_numpy(dtype=float, na_value=np.nan) if isinstance(counts, pd.DataFrame) else _as_float(counts)
    single = c.ndim == 1
    c = np.atleast_2d(c)
    if c.shape[1] != lower.size:
        raise ValueError(f"{c.shape[1]} counts per distribution but {lower.size} bins")
    finite_lower = lower[np.isfinite(lower)]
    if np.any(np.diff(finite_lower) <= 0):
        raise ValueError("bins must be in ascending order")
    if np.any((np.isfinite(lower) & np.isfinite(upper)) & (upper <= lower)):
        raise ValueError("each bin's upper bound must exceed its lower bound")
    if np.any(c < 0):
        raise ValueError("counts cannot be negative")
    return lower, upper, c, single, index


def _value_at_percent(lower, upper, c, percent):
    """Value below which ``percent`` of each row's counts lie, by linear interpolation in its bin.

    Returns ``(values, notes)`` for every row; ``percent`` is one number per row.
    """
    total = c.sum(axis=1)
    target = total * percent / 100.0
    cumulative = np.cumsum(c, axis=1)
    before = cumulative - c
    with np.errstate(invalid="ignore"):
        reached = cumulative >= target[:, None]
    rows = np.arange(c.shape[0])
    i = np.argmax(reached, axis=1)
    count = c[rows, i]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = (target - before[rows, i]) / count
    lo, hi = lower[i], upper[i]
    values = lo + fraction * (hi - lo)
    notes = np.full(c.shape[0], None, dtype=object)

    open_top = ~np.isfinite(hi) & (fraction > 0)
    open_bottom = ~np.isfinite(lo) & (fraction < 1)
    values = np.where(fraction == 0, lo, values)
    values = np.where(fraction == 1, hi, values)
    values = np.where(open_top | open_bottom, np.nan, values)
    notes = np.where(open_top, NOTE_OPEN_TOP, notes)
    notes = np.where(open_bottom, NOTE_OPEN_BOTTOM, notes)

    empty = ~(total > 0) | np.isnan(c).any(axis=1)
    values = np.where(empty, np.nan, values)
    notes = np.where(empty, NOTE_NO_OBSERVATIONS, notes)
    return values, notes


def _shape_result(values, notes, single, index):
    if index is not None:
        return pd.Series(values, index=index), pd.Series(notes, index=index, dtype=object)
    if single:
        value = float(values[0])
        return value, notes[0]
    return values, notes


def median_from_distribution(bin_lower_bounds, bin_upper_bounds, counts):
    """Re-estimate a median from a binned distribution (e.g. B19001 income, B25063 rent).

    Medians do not add up: when tracts are combined into a neighborhood, sum the bin counts first,
    then interpolate. The median lies in the first bin whose cumulative count reaches half the total;
    inside it the values are taken as evenly spread (linear interpolation, as the Census Bureau does
    for most ACS medians; Pareto interpolation is not used)::

        median = L + (N/2 − C) / f × (U − L)

    with ``L, U`` the bin's bounds, ``f`` its count, ``C`` the count below it and ``N`` the total.
    Bins are read as continuous intervals ``[L, U)``: for a Census bin "$10,000 to $14,999" pass
    ``L = 10000, U = 15000``. An open-ended bin has an infinite (or NaN) bound; a median falling in it
    cannot be interpolated and is returned as NaN with a note.

    Parameters
    ----------
    bin_lower_bounds, bin_upper_bounds
        One bound per bin, bins in ascending order.
    counts
        One distribution (1-D), several (2-D array: one row per area) or a DataFrame (rows = areas,
        columns = bins in the same order as the bounds).

    Returns
    -------
    (median, note)
        A float and a note (None when the median is estimated) for one distribution; arrays, or
        Series on the DataFrame's index, for several.
    """
    lower, upper, c, single, index = _distribution(bin_lower_bounds, bin_upper_bounds, counts)
    values, notes = _value_at_percent(lower, upper, c, np.full(c.shape[0], 50.0))
    return _shape_result(values, notes, single, index)


def median_moe_from_distribution(bin_lower_bounds, bin_upper_bounds, counts, *,
                                 design_factor: float = 1.5, sample_percent: float = 5.0, z: float = Z90):
    """Approximate 90% MOE of a median re-estimated from a distribution.

    Follows the Census Bureau's "standard error of a median" method (ACS accuracy documentation, used
    by the handbook for medians derived from a distribution):

    1. ``B`` = total count of the distribution.
    2. Standard error of a 50 percent proportion:
       ``SE(50%) = DF × √( (100 − f) / (f·B) × 50² )``, with ``f`` the sampling percent
       (``95/(5B)`` for the 5-year formula: ``sample_percent=5``; use 1 for 1-year data) and ``DF`` the
       design factor.
    3. ``p_lower = 50 − SE(50%)`` and ``p_upper = 50 + SE(50%)``.
    4. The values at the cumulative percents ``p_lower`` and ``p_upper`` are found by linear
       interpolation inside their bins, as for the median itself.
    5. ``SE(median) = ½ × (upper bound − lower bound)`` and ``MOE = 1.645 × SE(median)``.

    The design factor measures how much the ACS design inflates the variance over simple random
    sampling for the characteristic and area; the proper value comes from the Census Bureau's
    "Design factors" tables for the ACS release (by state and characteristic, e.g. household
    income). The default 1.5 is only a placeholder for when that table is not at hand: say so.

    Returns ``(moe, note)`` shaped like :func:`median_from_distribution`: NaN with a note when the
    distribution is empty, when ``p_lower``/``p_upper`` leave 0–100, or when a bound falls in an
    open-ended bin.
    """
    lower, upper, c, single, index = _distribution(bin_lower_bounds, bin_upper_bounds, counts)
    total = c.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        se50 = design_factor * np.sqrt((100.0 - sample_percent) / (sample_percent * total) * 50.0 ** 2)
    p_low, p_high = 50.0 - se50, 50.0 + se50
    too_few = ~(p_low >= 0) | ~(p_high <= 100)
    low_value, low_note = _value_at_percent(lower, upper, c, np.where(too_few, 50.0, p_low))
    high_value, high_note = _value_at_percent(lower, upper, c, np.where(too_few, 50.0, p_high))
    moe = z * 0.5 * (high_value - low_value)
    notes = np.where(pd.isna(low_note), high_note, low_note)
    notes = np.where(too_few & (total > 0), NOTE_TOO_FEW, notes)
    moe = np.where(too_few, np.nan, moe)
    return _shape_result(moe, notes, single, index)


def share_below_from_distribution(bin_lower_bounds, bin_upper_bounds, counts, threshold):
    """Share of a distribution's count below ``threshold``, interpolating linearly inside its bin.

    E.g. the share of households with income below 80% of the regional median from B19001 (the
    Urban Displacement Project's low-income share). ``threshold`` is one number or one per row.
    A threshold inside an open-ended bin that holds households gives NaN (the split is unknown);
    an empty distribution gives NaN.
    """
    lower, upper, c, single, index = _distribution(bin_lower_bounds, bin_upper_bounds, counts)
    t = np.broadcast_to(_as_float(threshold), (c.shape[0],))[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = np.clip((t - lower) / (upper - lower), 0.0, 1.0)
    open_top = ~np.isfinite(upper)
    open_bottom = ~np.isfinite(lower)
    inside = np.where(open_top, np.where(t <= lower, 0.0, np.nan), inside)
    inside = np.where(open_bottom, np.where(t >= upper, 1.0, np.nan), inside)
    below = np.where(c == 0, 0.0, c * inside).sum(axis=1)
    total = c.sum(axis=1)
    share = _divide(below, total)
    if index is not None:
        return pd.Series(share, index=index)
    return float(share[0]) if single else share
