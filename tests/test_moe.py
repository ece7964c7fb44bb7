"""ACS margin-of-error arithmetic: the handbook's worked examples, real Allegheny County tracts, properties."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.core import moe
from indicators.core.moe import (
    CAUTION, RELIABLE, SENTINELS, UNKNOWN, UNRELIABLE, Z90, clean_sentinels, coefficient_of_variation,
    difference_z, median_from_distribution, median_moe_from_distribution, moe_difference, moe_product,
    moe_proportion, moe_ratio, moe_sum, moe_sum_of, moe_weighted_sum, periods_overlap, reliability,
    share_below_from_distribution, significant_difference, standard_error,
)

SHARED_ACS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "pittsburgh" / "acs"
TRACTS_2024 = SHARED_ACS / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv"
MEDIAN_INCOME_2016 = SHARED_ACS / "acs5_2012-2016_census_api_tracts2010" / "median_income.csv"


def _tracts() -> pd.DataFrame:
    if not TRACTS_2024.exists():
        pytest.skip("shared ACS tract file not present")
    return pd.read_csv(TRACTS_2024, dtype={"GEOID": str}).set_index("GEOID")


# --- ACS General Handbook, chapter 8 worked examples (never-married people in Fairfax County,
# --- Arlington County and Alexandria city, Virginia; owner-occupied units in the United States)

NEVER_MARRIED_FEMALE_MOES = (3860, 2642, 1957)           # estimates 135,173 + 43,104 + 24,842 = 203,119
FEMALES_15_PLUS_MOES = (391, 572, 459)                   # estimates 466,037 + 97,360 + 67,101 = 630,498
NEVER_MARRIED_MALE_MOES = (4222, 2819, 2259)             # estimates 156,720 + 44,613 + 25,507 = 226,840


def test_moe_of_a_sum_matches_the_handbook_aggregation_example():
    # √(3860² + 2642² + 1957²) = √(14,899,600 + 6,980,164 + 3,829,849) = √25,709,613 = 5,070.46
    assert moe_sum(*NEVER_MARRIED_FEMALE_MOES) == pytest.approx(5070.46, abs=0.01)
    assert moe_sum_of(NEVER_MARRIED_FEMALE_MOES) == pytest.approx(5070.46, abs=0.01)
    assert moe_sum_of(pd.Series(NEVER_MARRIED_FEMALE_MOES)) == pytest.approx(5070.46, abs=0.01)


def test_moe_of_a_proportion_matches_the_handbook_example():
    # denominator MOE √(391² + 572² + 459²) = √690,746 = 831.11
    # p = 203,119 / 630,498 = 0.32216
    # √(5,070.46² − 0.32216² × 831.11²) / 630,498 = √(25,709,613 − 71,690) / 630,498 = 5,063.4 / 630,498 = 0.0080
    den_moe = moe_sum(*FEMALES_15_PLUS_MOES)
    assert den_moe == pytest.approx(831.11, abs=0.01)
    result = moe_proportion(203119, 630498, moe_sum(*NEVER_MARRIED_FEMALE_MOES), den_moe)
    assert result == pytest.approx(0.00803, abs=0.00001)
    assert round(result, 3) == 0.008


def test_moe_of_a_ratio_matches_the_handbook_example():
    # numerator 226,840 ± √(4222² + 2819² + 2259²) = ± √30,875,126 = ± 5,556.5
    # R = 226,840 / 203,119 = 1.11678
    # √(5,556.5² + 1.11678² × 5,070.46²) / 203,119 = √(30,875,126 + 32,064,982) / 203,119 = 7,933.5 / 203,119 = 0.0391
    num_moe = moe_sum(*NEVER_MARRIED_MALE_MOES)
    assert num_moe == pytest.approx(5556.5, abs=0.1)
    result = moe_ratio(226840, 203119, num_moe, moe_sum(*NEVER_MARRIED_FEMALE_MOES))
    assert result == pytest.approx(0.03906, abs=0.00001)


def test_moe_of_a_product_matches_the_handbook_example():
    # 74,506,512 ± 228,238 owner-occupied units × 0.824 ± 0.001 single-unit detached
    # √(74,506,512² × 0.001² + 0.824² × 228,238²) = √(74,506.5² + 188,068.1²) = √(5.5512e9 + 3.5370e10) = 202,289
    assert moe_product(74506512, 0.824, 228238, 0.001) == pytest.approx(202289, abs=1)


def test_moe_of_a_difference_uses_the_sum_formula():
    # √(3² + 4²) = 5
    assert moe_difference(3, 4) == 5.0


def test_weighted_sum_scales_each_margin_by_its_weight():
    # a neighborhood with half of tract A (MOE 120) and all of tract B (MOE 50):
    # √((0.5 × 120)² + (1 × 50)²) = √(3,600 + 2,500) = √6,100 = 78.10
    assert moe_weighted_sum([0.5, 1.0], [120, 50]) == pytest.approx(78.102, abs=0.001)


# --- several zero estimates in a sum: only the largest of their MOEs is included (Census Bureau guidance, e.g.
# its 2016 ACS training slides on MOEs of derived estimates, slide 26, and tidycensus's moe_sum; the handbook's
# ch. 8 example could not be found in the sources at hand, so the worked cases below are tidycensus's tests and
# real Allegheny County tracts)


def test_sum_with_zero_estimates_keeps_only_the_largest_zero_moe():
    # tidycensus test "moe_sum handles zero estimates correctly": MOEs 100, 200, 150, 50 of estimates 500, 0, 0,
    # 400; the zero cells' MOEs are 200 and 150, only 200 is kept: √(200² + 100² + 50²) = √52,500 = 229.13
    assert moe_sum(100, 200, 150, 50, estimates=[500, 0, 0, 400]) == pytest.approx(math.sqrt(52500))
    assert moe_sum(100, 200, 150, 50, estimates=[500, 0, 0, 400]) == pytest.approx(229.129, abs=0.001)
    # without the estimates every MOE is added: √(52,500 + 150²) = 273.86
    assert moe_sum(100, 200, 150, 50) == pytest.approx(math.sqrt(75000))
    # all zero: the largest MOE; no zero: the plain formula
    assert moe_sum(100, 200, 150, estimates=[0, 0, 0]) == 200.0
    assert moe_sum(100, 200, 150, estimates=[500, 300, 400]) == pytest.approx(math.sqrt(100**2 + 200**2 + 150**2))
    assert moe_sum_of([100, 200, 150, 50], estimates=[500, 0, 0, 400]) == pytest.approx(math.sqrt(52500))


def test_zero_rule_reproduces_the_published_moe_of_tracts_without_households():
    # the 10 Allegheny tracts (2020-2024) without households: 0 ± 12 owners and 0 ± 12 renters, and the published
    # households 0 ± 12. Owners + renters with the zero rule: 12; the plain formula would give √(12² + 12²) = 16.97
    tracts = _tracts()
    empty = tracts[(tracts["owner_hh"] == 0) & (tracts["renter_hh"] == 0)]
    assert len(empty) == 10
    ours = moe_sum(empty["owner_hh_moe"], empty["renter_hh_moe"], estimates=[empty["owner_hh"], empty["renter_hh"]])
    assert isinstance(ours, pd.Series) and ours.index.equals(empty.index)
    assert (ours == empty["households_moe"]).all() and (ours == 12).all()
    assert moe_sum(12, 12) == pytest.approx(16.97, abs=0.01)


def test_zero_rule_is_vectorised_and_keeps_missing_values_missing():
    owners, renters = np.array([0.0, 211.0, 0.0]), np.array([0.0, 2273.0, 5.0])
    result = moe_sum(np.array([12.0, 112.0, np.nan]), np.array([12.0, 354.0, 7.0]), estimates=[owners, renters])
    assert isinstance(result, np.ndarray)
    assert result[0] == 12.0 and result[1] == pytest.approx(math.hypot(112, 354)) and np.isnan(result[2])
    # one zero estimate alone is kept as it is: 0 ± 12 and 5 ± 7 give √(12² + 7²)
    assert moe_sum(12, 7, estimates=[0, 5]) == pytest.approx(math.hypot(12, 7))
    # weighted sums (tracts apportioned to a neighborhood): among zero tracts only the largest weighted MOE
    assert moe_weighted_sum([1.0, 0.5, 1.0], [12, 30, 40], estimates=[0, 0, 100]) == pytest.approx(math.hypot(15, 40))
    with pytest.raises(ValueError, match="2 margins of error but 1 estimates"):
        moe_sum(1, 2, estimates=[0])


# --- real tracts: the published renter share and its MOE were made with these formulas


def test_renter_share_is_renters_over_households_in_every_tract():
    tracts = _tracts()
    published = tracts["renter_share"].dropna()
    computed = (tracts["renter_hh"] / tracts["households"]).loc[published.index]
    assert len(published) == 384   # 394 tracts less the 10 without households
    assert (computed - published).abs().max() <= 0.00005 + 1e-12


def test_moe_proportion_reproduces_the_published_renter_share_moe():
    tracts = _tracts()
    rows = tracts.dropna(subset=["renter_share_moe"])
    ours = moe_proportion(rows["renter_hh"], rows["households"], rows["renter_hh_moe"], rows["households_moe"])
    assert isinstance(ours, pd.Series) and ours.index.equals(rows.index)
    assert (ours - rows["renter_share_moe"]).abs().max() <= 0.00005 + 1e-12

    # tract 42003020100: 2,273 ± 354 renters of 2,484 ± 369 households; p = 0.915056
    # √(354² − 0.915056² × 369²) / 2,484 = √(125,316 − 114,011.6) / 2,484 = 106.32 / 2,484 = 0.0428 (published 0.0428)
    assert round(ours["42003020100"], 4) == 0.0428 == tracts.loc["42003020100", "renter_share_moe"]


def test_proportion_falls_back_to_the_ratio_formula_where_the_radicand_is_negative():
    tracts = _tracts()
    # tract 42003070600: 755 ± 132 renters of 1,239 ± 241 households; p = 0.609362
    # 132² − p² × 241² = 17,424 − 21,567.0 < 0, so the ratio formula:
    # √(17,424 + 21,567.0) / 1,239 = 197.46 / 1,239 = 0.1594 (published 0.1594)
    row = tracts.loc["42003070600"]
    assert row["renter_hh_moe"] ** 2 < (row["renter_hh"] / row["households"]) ** 2 * row["households_moe"] ** 2
    result = moe_proportion(row["renter_hh"], row["households"], row["renter_hh_moe"], row["households_moe"])
    assert result == pytest.approx(moe_ratio(row["renter_hh"], row["households"], row["renter_hh_moe"],
                                             row["households_moe"]))
    assert round(result, 4) == 0.1594 == row["renter_share_moe"]


def test_coefficient_of_variation_matches_the_published_cv():
    tracts = _tracts()
    # the file stores CV as a fraction: 0.0428 / 1.645 / 0.9151 = 0.0284 → 0.028; ours is in percent: 2.84
    row = tracts.loc["42003020100"]
    cv = coefficient_of_variation(row["renter_share"], row["renter_share_moe"])
    assert cv == pytest.approx(2.843, abs=0.001)
    assert round(cv / 100, 3) == row["renter_share_cv"]
    assert reliability(cv) == RELIABLE


def test_rents_of_two_tracts_differ_significantly_but_their_renter_shares_do_not():
    tracts = _tracts()
    a, b = tracts.loc["42003020100"], tracts.loc["42003020300"]
    # rent 1,678 ± 120 vs 2,312 ± 93: SE 72.95 and 56.53; |1,678 − 2,312| / √(72.95² + 56.53²) = 634 / 92.29 = 6.87
    assert difference_z(a["med_gross_rent"], a["med_gross_rent_moe"], b["med_gross_rent"], b["med_gross_rent_moe"]) \
        == pytest.approx(6.870, abs=0.001)
    assert significant_difference(a["med_gross_rent"], a["med_gross_rent_moe"],
                                  b["med_gross_rent"], b["med_gross_rent_moe"]) is True
    # renter share 0.9151 ± 0.0428 vs 0.9112 ± 0.0691: 0.0039 / √(0.02602² + 0.04201²) = 0.0039 / 0.04941 = 0.079
    assert difference_z(a["renter_share"], a["renter_share_moe"], b["renter_share"], b["renter_share_moe"]) \
        == pytest.approx(0.0789, abs=0.0001)
    assert significant_difference(a["renter_share"], a["renter_share_moe"],
                                  b["renter_share"], b["renter_share_moe"]) is False


def test_sentinel_income_becomes_missing_with_reason():
    if not MEDIAN_INCOME_2016.exists():
        pytest.skip("shared ACS 2012-2016 API extract not present")
    raw = pd.read_csv(MEDIAN_INCOME_2016, dtype={"tract": str})
    income, reasons = clean_sentinels(raw["B19013_001E"])
    # 11 of the 402 tracts carry −666666666 (e.g. tract 980100); the rest are real medians
    flagged = raw["B19013_001E"] == -666666666
    assert flagged.sum() == 11
    assert income[flagged].isna().all() and income[~flagged].notna().all()
    assert (reasons[flagged] == SENTINELS[-666666666]).all()
    assert reasons[~flagged].isna().all()
    assert income[raw["tract"] == "020100"].item() == 72642


# --- units, scalars, vectors


def test_standard_error_is_moe_over_1645():
    assert Z90 == 1.645
    assert standard_error(16.45) == pytest.approx(10.0)


def test_zero_estimate_has_no_coefficient_of_variation():
    assert math.isnan(coefficient_of_variation(0, 12))
    assert reliability(coefficient_of_variation(0, 12)) == UNKNOWN


def test_reliability_classes_at_their_boundaries():
    cv = pd.Series([0.0, 14.99, 15.0, 30.0, 30.01, np.nan, np.inf], index=list("abcdefg"))
    labels = reliability(cv)
    assert labels.index.equals(cv.index) and labels.dtype == object
    assert labels.tolist() == [RELIABLE, RELIABLE, CAUTION, CAUTION, UNRELIABLE, UNKNOWN, UNRELIABLE]
    assert reliability(np.array([40.0])).tolist() == [UNRELIABLE]


def test_series_keep_their_index_and_missing_values_stay_missing():
    num = pd.Series([50.0, np.nan, 10.0], index=["x", "y", "z"])
    den = pd.Series([100.0, 100.0, 0.0], index=["x", "y", "z"])
    result = moe_proportion(num, den, pd.Series(5.0, index=num.index), pd.Series(3.0, index=num.index))
    assert isinstance(result, pd.Series) and list(result.index) == ["x", "y", "z"]
    # x: p = 0.5; √(25 − 0.25 × 9) / 100 = √22.75 / 100 = 0.04770
    assert result["x"] == pytest.approx(0.047697, abs=1e-6)
    assert np.isnan(result["y"]) and np.isnan(result["z"])   # missing numerator; zero denominator
    array_result = moe_sum(np.array([3.0, np.nan]), np.array([4.0, 1.0]))
    assert isinstance(array_result, np.ndarray)
    assert array_result[0] == 5.0 and np.isnan(array_result[1])
    assert isinstance(moe_sum(3, 4), float)
    assert math.isnan(moe_sum_of([3, None, 4]))


def test_missing_inputs_are_never_significant_but_keep_a_missing_statistic():
    z = difference_z(pd.Series([10.0, np.nan]), 1.0, 12.0, 1.0)
    assert np.isnan(z.iloc[1])
    assert significant_difference(pd.Series([10.0, np.nan]), 1.0, 12.0, 1.0).tolist() == [True, False]


def test_five_year_periods_overlap_when_they_share_a_year():
    assert periods_overlap(2024, 2020) is True               # 2020–24 and 2016–20 share 2020
    assert periods_overlap(2024, 2019) is False              # 2020–24 and 2015–19
    assert periods_overlap((2010, 2014), 2019) is False      # 2010–14 and 2015–19
    assert periods_overlap((2020, 2024), (2024, 2024)) is True
    with pytest.raises(TypeError):
        periods_overlap("2020-2024", 2019)


def test_clean_sentinels_reads_api_strings_and_can_zero_controlled_moes():
    values, reasons = clean_sentinels(["-555555555", "120", "-888888888"], controlled_moe_as_zero=True)
    assert values.tolist()[:2] == [0.0, 120.0] and np.isnan(values[2])
    assert reasons[0] == SENTINELS[-555555555] and reasons[1] is None and reasons[2] == SENTINELS[-888888888]
    value, reason = clean_sentinels(-222222222)
    assert math.isnan(value) and reason == SENTINELS[-222222222]
    assert set(SENTINELS) == {-666666666, -999999999, -888888888, -222222222, -555555555, -333333333}


# --- medians from distributions

# B19001-style bins: under $10k, $10–15k, $15–25k, $25–50k, $50k or more (open-ended)
LOWER = [0, 10000, 15000, 25000, 50000]
UPPER = [10000, 15000, 25000, 50000, np.inf]


def test_median_is_interpolated_inside_the_bin_holding_the_middle_household():
    # 1,000 households; the 500th lies in $25–50k (300 below it, 400 in it):
    # 25,000 + (500 − 300) / 400 × 25,000 = 25,000 + 12,500 = 37,500
    median, note = median_from_distribution(LOWER, UPPER, [100, 50, 150, 400, 300])
    assert median == pytest.approx(37500.0) and note is None


def test_median_in_the_open_top_bin_is_missing_with_a_note():
    median, note = median_from_distribution(LOWER, UPPER, [10, 10, 10, 10, 100])
    assert math.isnan(median) and note == moe.NOTE_OPEN_TOP


def test_neighborhood_median_comes_from_summed_counts_not_averaged_medians():
    tracts = pd.DataFrame([[100, 50, 150, 400, 300], [900, 300, 300, 0, 0]], index=["A", "B"])
    medians, notes = median_from_distribution(LOWER, UPPER, tracts)
    # A: 37,500 (above). B: the 750th of 1,500 lies among the 900 under $10k: 750 / 900 × 10,000 = 8,333.33
    assert medians.tolist() == pytest.approx([37500.0, 8333.333], abs=0.001)
    assert notes.isna().all()
    combined, note = median_from_distribution(LOWER, UPPER, tracts.sum())
    # summed [1000, 350, 450, 400, 300]: the 1,250th of 2,500 lies in $10–15k, 1,000 below it:
    # 10,000 + (1,250 − 1,000) / 350 × 5,000 = 13,571.43 — not the 22,916.67 average of the two medians
    assert combined == pytest.approx(13571.429, abs=0.001) and note is None


def test_median_moe_follows_the_census_standard_error_of_a_median():
    # B = 1,000; SE(50%) = 1.5 × √(95 / (5 × 1,000) × 50²) = 1.5 × √47.5 = 10.338
    # p_lower = 39.662 and p_upper = 60.338 both lie in $25–50k, which holds 30%–70% of households:
    # bounds 25,000 + (p − 30) / 40 × 25,000; SE = ½ × (2 × 10.338) / 40 × 25,000 = 6,461.3
    # MOE = 1.645 × 6,461.3 = 10,628.8
    result, note = median_moe_from_distribution(LOWER, UPPER, [100, 50, 150, 400, 300], design_factor=1.5)
    assert result == pytest.approx(1.645 * 1.5 * math.sqrt(47.5) * 25000 / 40, rel=1e-12)
    assert result == pytest.approx(10628.8, abs=0.1) and note is None


def test_median_moe_is_missing_when_a_bound_falls_in_the_open_top_bin():
    # the 50% ± 10.3% interval reaches past 60%, into the open $50k+ bin
    result, note = median_moe_from_distribution(LOWER, UPPER, [100, 50, 150, 300, 400])
    assert math.isnan(result) and note == moe.NOTE_OPEN_TOP


def test_share_below_a_threshold_interpolates_inside_its_bin():
    # below $20,000: 100 + 50 + half of the $15–25k bin's 150 = 225 of 1,000
    assert share_below_from_distribution(LOWER, UPPER, [100, 50, 150, 400, 300], 20000) == pytest.approx(0.225)
    assert math.isnan(share_below_from_distribution(LOWER, UPPER, [100, 50, 150, 400, 300], 60000))


# --- properties

moes = st.floats(min_value=0, max_value=1e7, allow_nan=False)
estimates = st.floats(min_value=1, max_value=1e7, allow_nan=False)


@given(st.lists(moes, min_size=1, max_size=20))
def test_sum_moe_is_at_least_the_largest_component(values):
    assert moe_sum(*values) >= max(values) * (1 - 1e-12)
    assert moe_sum_of(values) == pytest.approx(moe_sum(*values))


@given(estimates, estimates, moes, moes)
def test_proportion_moe_never_exceeds_ratio_moe(x, y, mx, my):
    x, y = min(x, y), max(x, y)
    assert moe_proportion(x, y, mx, my) <= moe_ratio(x, y, mx, my) * (1 + 1e-12) + 1e-12


@given(st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=2, max_size=30))
def test_reliability_class_never_improves_as_cv_grows(cvs):
    rank = {RELIABLE: 0, CAUTION: 1, UNRELIABLE: 2}
    ordered = [rank[label] for label in reliability(np.sort(np.array(cvs)))]
    assert ordered == sorted(ordered)


@given(estimates, moes, estimates, moes)
def test_significance_is_symmetric(a, ma, b, mb):
    assert significant_difference(a, ma, b, mb) == significant_difference(b, mb, a, ma)
    z1, z2 = difference_z(a, ma, b, mb), difference_z(b, mb, a, ma)
    assert (np.isnan(z1) and np.isnan(z2)) or z1 == z2


@given(st.lists(moes, min_size=1, max_size=20))
def test_weighted_sum_with_unit_weights_is_the_plain_sum(values):
    assert moe_weighted_sum([1.0] * len(values), values) == pytest.approx(moe_sum_of(values))


@settings(max_examples=200)
@given(st.lists(st.tuples(st.floats(min_value=0.5, max_value=1000, allow_nan=False),
                          st.integers(min_value=0, max_value=10_000)), min_size=1, max_size=12),
       st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_median_lies_within_the_median_bin(bins, start):
    widths = [w for w, _ in bins]
    counts = np.array([c for _, c in bins], dtype=float)
    if counts.sum() == 0:
        counts[0] = 1
    lower = start + np.concatenate([[0.0], np.cumsum(widths)[:-1]])
    upper = start + np.cumsum(widths)
    median, note = median_from_distribution(lower, upper, counts)
    cumulative = np.cumsum(counts)
    median_bin = int(np.argmax(cumulative >= counts.sum() / 2))
    assert note is None
    assert lower[median_bin] - 1e-9 <= median <= upper[median_bin] + 1e-9


@given(st.lists(st.tuples(moes, st.sampled_from([0.0, 1.0, 50.0])), min_size=1, max_size=20))
def test_zero_rule_never_exceeds_the_plain_sum_and_is_at_least_the_largest_moe(pairs):
    margins = [m for m, _ in pairs]
    estimates = [e for _, e in pairs]
    with_rule = moe_sum(*margins, estimates=estimates)
    assert with_rule <= moe_sum(*margins) * (1 + 1e-12) + 1e-9
    assert with_rule >= max(margins) * (1 - 1e-12)
