"""Figures set beside each other the way a council member may question them: the 90% significance test of the
ACS handbook before any difference is called one, ranks with the range the margins of error allow, and the
geography each figure really describes.

Pure functions over numbers and result frames (:mod:`indicators.core.frames`); the words for them are in
:mod:`indicators.metrics.text`.

- :func:`compare` tests a figure against a reference (the city, or the county where the city has none):
  ``|X₁ − X₂| / √(SE₁² + SE₂²) > 1.645`` with ``SE = MOE / 1.645`` (handbook ch. 7). A difference inside the
  margins is :data:`NOT_DISTINGUISHABLE`; a figure without a published margin of error is :data:`UNTESTED`,
  except for complete counts (census counts, court and police records), which have no sampling error and are
  compared as they are. Ratios with an interval on the log scale (the arrest disparity) are tested on that
  scale.
- :func:`rank_areas` ranks areas (1 = worst) and, from the pairwise tests, gives the range of ranks the
  margins of error allow, and marks unreliable figures.
- :func:`basis` says what geography a figure is: the city, the county, the sum of the city's tracts, tracts or
  ZIP codes apportioned to an area by land area, or the area's own published figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.core import moe as moe_math

Z90 = moe_math.Z90

HIGHER = "higher"
LOWER = "lower"
SAME = "same"
NOT_DISTINGUISHABLE = "not_distinguishable"
UNTESTED = "untested"

#: how an indicator's figures carry uncertainty (catalog key ``uncertainty``)
SAMPLING = "sampling"        # survey estimates: compared with the significance test where margins are published
COUNTS = "counts"            # complete counts and records: no sampling error, compared as they are
UNPUBLISHED = "unpublished"  # estimates whose margins of error are not published: differences cannot be tested
UNCERTAINTIES = (SAMPLING, COUNTS, UNPUBLISHED)


@dataclass(frozen=True)
class Comparison:
    """A figure against its reference: ``kind`` is :data:`HIGHER`, :data:`LOWER` (significant, or exact counts),
    :data:`SAME` (equal counts), :data:`NOT_DISTINGUISHABLE` (inside the margins) or :data:`UNTESTED` (no margin
    of error published; ``difference`` still says which way the figures lie). ``z`` is the test statistic (NaN
    where there is none); ``reference_level`` is ``city`` or ``county``."""

    kind: str
    difference: float
    ratio: float
    z: float
    reference_level: str = "city"

    @property
    def significant(self) -> bool:
        return self.kind in (HIGHER, LOWER) and not math.isnan(self.z)

    @property
    def direction(self) -> str:
        """Which way the figures lie, tested or not: ``higher``, ``lower`` or ``same``."""
        return HIGHER if self.difference > 0 else LOWER if self.difference < 0 else SAME


def _number(x) -> float:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return math.nan
    return value


def compare(estimate, moe, reference, reference_moe, *, uncertainty: str = SAMPLING, log_se=None,
            reference_log_se=None, reference_level: str = "city") -> Comparison | None:
    """``estimate ± moe`` against ``reference ± reference_moe`` at 90%; None where either figure is missing.

    ``uncertainty`` is the catalog's word for the indicator (:data:`SAMPLING`, :data:`COUNTS`,
    :data:`UNPUBLISHED`). ``log_se`` and ``reference_log_se``: standard errors of the natural logarithms of the
    two figures (ratios with a log-scale interval); when both are given the test is on that scale.

    >>> compare(0.536, 0.105, 0.477, 0.008).kind     # Hazelwood's owner share against the city's
    'not_distinguishable'
    >>> round(compare(0.536, 0.105, 0.477, 0.008).z, 3)
    0.922
    """
    x, r = _number(estimate), _number(reference)
    if math.isnan(x) or math.isnan(r):
        return None
    difference = x - r
    ratio = x / r if r else math.nan
    kind_if_true = HIGHER if difference > 0 else LOWER if difference < 0 else SAME
    lx, lr = _number(log_se), _number(reference_log_se)
    if not math.isnan(lx) and not math.isnan(lr) and x > 0 and r > 0:
        se = math.hypot(lx, lr)
        z = abs(math.log(x) - math.log(r)) / se if se else (math.inf if difference else math.nan)
        return Comparison(kind_if_true if z > Z90 else NOT_DISTINGUISHABLE, difference, ratio, z, reference_level)
    m, mr = _number(moe), _number(reference_moe)
    if uncertainty == COUNTS:
        # records and census counts have no sampling error: a margin the figure does not have counts as zero
        m, mr = (0.0 if math.isnan(m) else m), (0.0 if math.isnan(mr) else mr)
    if math.isnan(m) or math.isnan(mr) or uncertainty == UNPUBLISHED:
        return Comparison(UNTESTED, difference, ratio, math.nan, reference_level)
    if m == 0 and mr == 0:
        return Comparison(kind_if_true, difference, ratio, math.inf if difference else math.nan, reference_level)
    z = float(moe_math.difference_z(x, m, r, mr))
    return Comparison(kind_if_true if z > Z90 else NOT_DISTINGUISHABLE, difference, ratio, z, reference_level)


def log_standard_error(row) -> float:
    """Standard error of ``ln(estimate)`` from a result row's 90% interval (``lower``, ``upper``), else NaN."""
    lower, upper = _number(row.get("lower")), _number(row.get("upper"))
    if math.isnan(lower) or math.isnan(upper) or lower <= 0 or upper <= 0:
        return math.nan
    return (math.log(upper) - math.log(lower)) / (2 * Z90)


def compare_rows(row, reference_row, *, uncertainty: str = SAMPLING) -> Comparison | None:
    """:func:`compare` for two result rows (dicts or Series); the reference's ``geo_level`` names it."""
    if reference_row is None or row is None:
        return None
    level = reference_row.get("geo_level") or "city"
    return compare(row.get("estimate"), row.get("moe"), reference_row.get("estimate"), reference_row.get("moe"),
                   uncertainty=uncertainty, log_se=log_standard_error(row),
                   reference_log_se=log_standard_error(reference_row),
                   reference_level="county" if level == "county" else "city")


# ---------------------------------------------------------------------------------------------------------- ranks
#: the mark of a rank whose figure is unreliable (CV over 30%, or too few records)
UNRELIABLE_RANK = "unreliable"
#: the mark of a rank whose figure has no margin of error published (its uncertainty is unknown)
UNKNOWN_RANK = "no margin of error"
#: pairwise tests are not run for more areas than this (the table would be n²): ranks then carry no range
MAX_AREAS_FOR_RANGES = 4000


def rank_areas(frame: pd.DataFrame, *, direction: str, uncertainty: str = SAMPLING) -> pd.DataFrame:
    """Ranks of the areas of a result frame, with the range their margins of error allow.

    Adds ``rank`` (1 = the area where the figure is worst; for context measures, the highest), ``n`` (areas with
    a figure), ``rank_low`` and ``rank_high`` (the best and worst ranks consistent with the 90% tests: an area
    cannot rank above the areas significantly worse than it, nor below those significantly better), and
    ``rank_mark`` (:data:`UNRELIABLE_RANK` for an unreliable figure, :data:`UNKNOWN_RANK` for one without a
    published margin of error, else None). Areas without a figure get no rank.

    For complete counts (``uncertainty="counts"``) the range is the rank itself (ties aside).

    >>> f = pd.DataFrame({"estimate": [0.30, 0.25, 0.10], "moe": [0.06, 0.06, 0.01], "reliability": "reliable"})
    >>> rank_areas(f, direction="higher_is_worse")[["rank", "rank_low", "rank_high"]].values.tolist()
    [[1.0, 1.0, 2.0], [2.0, 1.0, 2.0], [3.0, 3.0, 3.0]]
    """
    out = frame.copy()
    est = out["estimate"].to_numpy(float)
    worse_high = direction != "higher_is_better"
    out["rank"] = out["estimate"].rank(ascending=not worse_high, method="min")
    known = ~np.isnan(est)
    n = int(known.sum())
    out["n"] = n
    moe = out["moe"].to_numpy(float) if "moe" in out else np.full(len(out), np.nan)
    if "lower" in out and "upper" in out and out["lower"].notna().any():
        # ratios with an interval on the log scale (the arrest disparity): tested on that scale
        with np.errstate(divide="ignore", invalid="ignore"):
            est = np.log(np.where(est > 0, est, np.nan))
            moe = (np.log(out["upper"].to_numpy(float)) - np.log(out["lower"].to_numpy(float))) / 2
        known = ~np.isnan(est)
    elif uncertainty == COUNTS:
        moe = np.where(np.isnan(moe), 0.0, moe)
    lo = np.full(len(out), np.nan)
    hi = np.full(len(out), np.nan)
    idx = np.flatnonzero(known & ~np.isnan(moe)) if uncertainty != UNPUBLISHED else np.array([], int)
    if len(idx) and n <= MAX_AREAS_FOR_RANGES:
        higher, lower = _significantly_higher_lower(est[idx], moe[idx] / Z90)
        # "worse than me": a higher figure where higher is worse
        worse, better = (higher, lower) if worse_high else (lower, higher)
        # areas with a figure but no margin of error are tested against no one: counted neither worse nor better,
        # they widen every range, as they should
        lo[idx] = 1 + worse
        hi[idx] = n - better
    out["rank_low"] = lo
    out["rank_high"] = hi
    reliability = out["reliability"] if "reliability" in out else pd.Series(moe_math.UNKNOWN, index=out.index)
    mark = np.where(reliability == moe_math.UNRELIABLE, UNRELIABLE_RANK,
                    np.where(np.isnan(moe) & (uncertainty != COUNTS), UNKNOWN_RANK, None))
    out["rank_mark"] = pd.Series(mark, index=out.index, dtype=object).where(known, None)
    return out


def _significantly_higher_lower(x: np.ndarray, se: np.ndarray, rows: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """For each area, how many areas' figures are significantly higher, and how many lower, than its own (90%
    test of each pair; where both standard errors are zero, any difference counts). Every pair is tested once, a
    block of rows at a time against the rows after it: a state's 3,400 tracts make 5.8 million pairs, which as whole
    matrices took a second. The test of (j, i) is the test of (i, j) with its sign turned (floating-point
    subtraction and division change sign exactly, and the sum of the variances is the same either way), so each
    result counts for both areas."""
    n = len(x)
    higher = np.zeros(n, int)
    lower = np.zeros(n, int)
    var = se ** 2
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        diff = x[None, start:] - x[start:stop, None]       # column minus row: > 0 where the column is higher
        spread = np.sqrt(var[start:stop, None] + var[None, start:])
        with np.errstate(divide="ignore", invalid="ignore"):
            z = diff / spread                               # ±inf where the spread is 0 and the figures differ
        up, down = z > Z90, z < -Z90
        # the block's rows against every row from the block on (the block with itself holds both orders of a pair)
        higher[start:stop] += up.sum(axis=1)
        lower[start:stop] += down.sum(axis=1)
        # the rows after the block, against the block's rows: the same tests read the other way
        later = slice(stop - start, None)
        higher[stop:] += down[:, later].sum(axis=0)
        lower[stop:] += up[:, later].sum(axis=0)
    return higher, lower


def rank_is_wide(row, *, at_least: int = 3) -> bool:
    """True where the range of ranks a figure's margin of error allows spans ``at_least`` ranks or more."""
    lo, hi = _number(row.get("rank_low")), _number(row.get("rank_high"))
    return not (math.isnan(lo) or math.isnan(hi)) and hi - lo + 1 >= at_least


# ------------------------------------------------------------------------------------------------------ geography
CITY = "city"
COUNTY = "county"
CITY_FROM_TRACTS = "city from tracts"
FROM_TRACTS = "tracts apportioned"
FROM_ZIPS = "ZIP codes apportioned"
PUBLISHED = "as published"
TRACT = "tract"
ZIP = "ZIP code"
#: every geography :func:`basis` can name
BASES = (CITY, COUNTY, CITY_FROM_TRACTS, FROM_TRACTS, FROM_ZIPS, PUBLISHED, TRACT, ZIP)


def basis(row) -> str:
    """What geography a figure of a result frame describes, from its level, sources and note (not from the
    column a page puts it in): one of :data:`BASES`.

    >>> basis({"geo_level": "county", "source_ids": "eviction_lab_ets", "note": None})
    'county'
    >>> basis({"geo_level": "neighborhood", "source_ids": "eviction_lab_ets, acs5_tracts",
    ...        "note": "ZIP filings apportioned to neighborhoods by land area"})
    'ZIP codes apportioned'
    """
    level = str(row.get("geo_level") or "")
    note = str(row.get("note") or "")
    sources = str(row.get("source_ids") or "")
    if level == "county":
        return COUNTY
    if level == "city":
        return CITY_FROM_TRACTS if "from_tracts" in sources or "sum of the city's tracts" in note else CITY
    if level == "tract":
        return TRACT
    if level == "zip":
        return ZIP
    if "ZIP" in note:
        return FROM_ZIPS
    if "apportioned" in note or "tract counts" in note or "acs5" in sources:
        return FROM_TRACTS
    return PUBLISHED
