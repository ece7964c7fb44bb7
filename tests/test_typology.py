"""UDP displacement typology: a hand-made five-tract region, variants of its tracts, the real 2020–24 tracts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.metrics import typology as t

TRACTS_2024 = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "pittsburgh" / "acs"
               / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv")


def region() -> pd.DataFrame:
    """Five tracts A–E. With an odd count each regional median (RM) is the middle value."""
    return pd.DataFrame({
        "GEOID": list("ABCDE"),
        "population_start": [2000] * 5,
        "median_rent_start": [800, 900, 1000, 1200, 1500],                       # RM 1,000
        "median_rent_end": [1000, 1300, 1040, 1250, 1500],                       # RM 1,250
        "median_home_value_start": [100_000, 150_000, 200_000, 300_000, 500_000],  # RM 200,000
        "median_home_value_end": [110_000, 240_000, 208_000, 300_000, 450_000],    # RM 240,000
        "low_income_share_start": [.60, .50, .40, .30, .10],                     # RM .40
        "low_income_share_end": [.62, .35, .42, .25, .08],                       # RM .35
        "below_120pct_income_share_start": [.85, .75, .60, .44, .15],
        "below_120pct_income_share_end": [.88, .60, .62, .50, .20],
        "median_income_start": [30_000, 40_000, 60_000, 80_000, 120_000],        # RMI 60,000
        "median_income_end": [31_000, 60_000, 62_400, 84_000, 126_000],          # RMI 62,400
        "low_income_households_start": [600, 500, 400, 300, 100],
        "low_income_households_end": [650, 400, 380, 250, 100],
        "nonwhite_share_start": [.70, .50, .30, .20, .10],                       # RM .30
        "nonwhite_share_end": [.72, .45, .33, .22, .10],                         # RM .33
        "renter_share_start": [.70, .60, .40, .30, .20],                         # RM .40
        "renter_share_end": [.72, .55, .42, .30, .20],                           # RM .42
        "college_share_start": [.10, .35, .30, .50, .70],                        # RM .35
        "college_share_end": [.12, .55, .32, .52, .72],                          # RM .52
        "low_income_mover_share_start": [.50, .40, .45, .30, .10],
        "low_income_mover_share_end": [.55, .30, .40, .20, .08],
        "affordable_to_low_share_end": [.70, .30, .40, .20, .05],
        "affordable_to_moderate_share_end": [.20, .60, .40, .50, .15],
        "median_housing_cost_end": [700, 1200, 900, 1500, 2500],
        "dense": [False] * 5,
        "nearby_median_rent_end": [1300, 1200, 1000, 1300, 1400],
        "nearby_rent_pct_change": [.10, .20, .05, .03, .02],
    }, index=list("ABCDE"))


def flags(series: pd.Series) -> list:
    return [None if pd.isna(v) else bool(v) for v in series]


def test_regional_medians_are_the_middle_tract_and_changes_of_the_median():
    medians = t.regional_medians(region())
    assert medians["median_rent_start"] == 1000 and medians["median_rent_end"] == 1250
    assert medians["college_share_start"] == pytest.approx(.35)   # sorted .10 .30 .35 .50 .70
    # rent changes +25%, +44.4%, +4%, +4.17%, 0%: the increases above 5% are +25% and +44.4%,
    # their median (25% + 44.44%) / 2 = 34.72%
    assert medians["median_rent_pct_change_increases"] == pytest.approx(0.347222, abs=1e-6)
    # home value changes +10%, +60%, +4%, 0%, −10%: 90th percentile between +10% and +60%: 0.1 + 0.6 × 0.5 = 0.40
    assert medians["median_home_value_pct_change_p90"] == pytest.approx(0.40)


def test_vulnerability_needs_cheap_housing_and_three_of_four_demographic_tests():
    frame = region()
    criteria = t.vulnerability_criteria(frame, t.regional_medians(frame), t.START)
    # A: rent 800 < 1,000; low-income .60 ≥ .40, non-white .70 ≥ .30, renters .70 ≥ .40, college .10 < .35: 4 of 4
    # B: rent 900 < 1,000; college .35 is not below .35, the other three hold: 3 of 4
    # C: rent 1,000 and value 200,000 equal the RMs, not below: not vulnerable though all four tests hold
    assert flags(criteria["housing_below_rm"]) == [True, True, False, False, False]
    assert flags(criteria["college_share_below_rm"]) == [True, False, True, False, False]
    assert flags(criteria["vulnerable"]) == [True, True, False, False, False]
    # at the end: C has rent 1,040 < 1,250 and non-white .33 ≥ .33, renters .42 ≥ .42, so it is vulnerable;
    # B's rent 1,300 and value 240,000 are not below 1,250 and 240,000
    assert flags(t.vulnerable(frame, t.regional_medians(frame), t.END)) == [True, False, True, False, False]


def test_vulnerability_without_a_low_income_share_is_decided_where_three_tests_settle_it():
    frame = region().drop(columns=["low_income_share_end"])
    medians = t.regional_medians(frame)
    # A and C meet the other three tests at the end → vulnerable; D meets none and B has dear housing → not
    assert flags(t.vulnerable(frame, medians, t.END)) == [True, False, True, False, False]
    # A tract with cheap housing meeting two of three: its low-income share would decide → <NA>
    frame.loc["A", "college_share_end"] = .60
    assert flags(t.vulnerable(frame, medians, t.END))[0] is None


def test_hot_market_compares_with_the_change_of_the_regional_median():
    frame = region()
    # RM rent rose (1,250 − 1,000) / 1,000 = 25%; RM home value (240,000 − 200,000) / 200,000 = 20%
    # A: rent +25% ≥ 25% (at the threshold counts); B: rent +44%, value +60%; C: +4%/+4%; D: +4.2%/0%; E: 0%/−10%
    assert flags(t.hot_market(frame, t.regional_medians(frame))) == [True, True, False, False, False]


def test_gentrification_needs_all_five_tests():
    frame = region()
    medians = t.regional_medians(frame)
    # B: vulnerable at the start; college +.20 > RM change .52 − .35 = .17; real income +50% > RM change
    # (62,400 − 60,000) / 60,000 = 4%; low-income households 500 → 400; hot market → gentrified
    # A: college +.02 ≤ .17 → not; C, D, E were not vulnerable at the start
    assert flags(t.gentrified(frame, medians)) == [False, True, False, False, False]


def test_dense_tracts_gentrify_without_losing_low_income_households():
    frame = region()
    medians = t.regional_medians(frame)
    frame.loc["B", "low_income_households_end"] = 520       # gained households: 500 → 520
    assert flags(t.gentrified(frame, medians))[1] is False
    frame.loc["B", "dense"] = True
    assert flags(t.gentrified(frame, medians))[1] is True
    assert flags(t.gentrified(frame, medians, dense_rule=False))[1] is False


def test_income_category_applies_the_55_45_rule_then_the_median_income():
    # RMI 62,400: 80% = 49,920, 120% = 74,880
    categories = t.income_category(np.array([.62, .35, .42, .25, .08, np.nan]),
                                   np.array([.88, .60, .62, .50, .20, .50]),
                                   np.array([31_000, 60_000, 62_400, 84_000, 126_000, 50_000]), 62_400)
    # A: low .62 ≥ .55, moderate .26 and high .12 < .45 → low
    # B: .35/.25/.40 → mixed; 60,000 in [49,920, 74,880) → mixed moderate; C likewise at 62,400
    # D: .25/.25/.50 → mixed; 84,000 ≥ 74,880 → mixed high. E: high .80 → high. F: no share → None
    assert categories.tolist() == [t.LOW, t.MIXED_MODERATE, t.MIXED_MODERATE, t.MIXED_HIGH, t.HIGH, None]
    # mixed tract at 45,000 < 49,920 → mixed low; without its median income → None
    assert t.income_category(pd.Series([.40, .40]), pd.Series([.70, .70]), pd.Series([45_000, np.nan]),
                             62_400).tolist() == [t.MIXED_LOW, None]


def test_housing_affordability_uses_the_cost_affordable_at_the_regional_median_income():
    # affordable monthly cost 0.3 × 62,400 / 12 = 1,560; 60% = 936; 120% = 1,872
    categories = t.housing_affordability_category(pd.Series([.70, .30, .40, .20, .05]),
                                                  pd.Series([.20, .60, .40, .50, .15]),
                                                  pd.Series([700, 1200, 900, 1500, 2500]), 62_400)
    # C: .40/.40/.20 mixed, cost 900 < 936 → mixed low; D: .20/.50/.30 mixed, 1,500 in [936, 1,872)
    assert categories.tolist() == [t.LOW, t.MODERATE, t.MIXED_LOW, t.MIXED_MODERATE, t.HIGH]


def test_market_type_takes_the_higher_of_rent_and_home_value():
    frame = region()
    medians = t.regional_medians(frame)
    # rent: rapid from 34.72%; home value: rapid from (10% + 60%) / 2 = 35%
    # A: +25% rent (increase), +10% value (increase); B: +44% and +60% (rapid); C, D, E under +5%
    assert t.market_change(frame, medians).tolist() == [
        t.INCREASE, t.RAPID_INCREASE, t.DECREASE_OR_MARGINAL, t.DECREASE_OR_MARGINAL, t.DECREASE_OR_MARGINAL]
    frame.loc["A", "median_home_value_end"] = np.nan
    frame.loc["B", "median_home_value_end"] = np.nan
    # A's home value could lift it to rapid: unknown; B is rapid on rent alone
    assert t.market_change(frame, medians).tolist()[:2] == [None, t.RAPID_INCREASE]


def test_rent_pressure_from_rent_change_or_rent_gap():
    frame = region()
    medians = t.regional_medians(frame)
    # RM tract rent change 4.17% (D); RM nearby change 5%; rent gaps (nearby − rent) / mean:
    # A 300/1,150 = .261, B −.080, C −.039, D 50/1,275 = .039, E −.069 → RM −.039
    # A, B: rent up more than 4.17% → True. D: gap .039 > 0 and > −.039 → True. C, E: neither
    assert flags(t.rent_pressure(frame, medians)) == [True, True, False, True, False]


def test_each_tract_of_the_region_gets_its_type():
    result = t.classify(region())
    # A: low income (.62/.26/.12), housing predominantly low-cost, no loss of low-income households, market
    #    "increase" (not the decrease/marginal At Risk needs) → Low-Income/Susceptible
    # B: mixed moderate, moderate-cost housing, rapid increase, lost low-income households, low-income movers
    #    .40 → .30, income 40,000 → 60,000 → Becoming Exclusive
    # C: mixed moderate but mixed-low housing: none of the exclusive types → Stable Moderate/Mixed Income
    # D: mixed high, mixed-moderate housing, marginal market, not gentrified → At Risk of Becoming Exclusive
    # E: high income at start and end, predominantly high-cost housing → Stable/Advanced Exclusive
    assert result["typology"].tolist() == [
        t.LOW_INCOME_SUSCEPTIBLE, t.BECOMING_EXCLUSIVE, t.STABLE_MODERATE_MIXED_INCOME,
        t.AT_RISK_OF_BECOMING_EXCLUSIVE, t.STABLE_ADVANCED_EXCLUSIVE]
    assert result["GEOID"].tolist() == list("ABCDE")
    assert result["typology_note"].isna().all()
    assert (result[list(t.CATEGORY_FLAGS)].sum(axis=1) == 1).all()


def variant(tract: str, **changes) -> pd.DataFrame:
    frame = region().loc[[tract]].copy()
    for name, value in changes.items():
        frame[name] = value
    return frame


def test_losing_low_income_households_is_ongoing_displacement():
    medians = t.regional_medians(region())
    # A with low-income households 600 → 550
    assert t.classify(variant("A", low_income_households_end=550), medians)["typology"].item() == t.ONGOING_DISPLACEMENT


def test_cheap_vulnerable_tract_under_rent_pressure_is_at_risk_of_gentrification():
    medians = t.regional_medians(region())
    # A with rent 800 → 820 (+2.5%) and value 100,000 → 102,000 (+2%): both under +5% → decrease/marginal;
    # nearby rents rose 10% > RM 5% → rent pressure; rent 820 < 1,250 and the four tests → vulnerable at the end
    frame = variant("A", median_rent_end=820, median_home_value_end=102_000)
    result = t.classify(frame, medians)
    assert result["market_change"].item() == t.DECREASE_OR_MARGINAL
    assert result["typology"].item() == t.AT_RISK_OF_GENTRIFICATION


def test_gentrified_low_income_tract_with_moderate_cost_housing_is_early_ongoing_gentrification():
    medians = t.regional_medians(region())
    # B (gentrified, moderate-cost housing, rapid market) with low-income share .56 and .80 below 120%:
    # .56 ≥ .55, moderate .24, high .20 → low income
    frame = variant("B", low_income_share_end=.56, below_120pct_income_share_end=.80)
    assert t.classify(frame, medians)["typology"].item() == t.EARLY_ONGOING_GENTRIFICATION


def test_tract_gentrified_earlier_with_rising_rent_is_advanced_gentrification():
    medians = t.regional_medians(region())
    # D: rent +4.17% > 0, marginal market, mixed high income, mixed-moderate housing; gentrified earlier
    assert t.classify(variant("D", gentrified_earlier=True), medians)["typology"].item() == t.ADVANCED_GENTRIFICATION
    assert t.classify(variant("D", gentrified_earlier=False), medians)["typology"].item() == \
        t.AT_RISK_OF_BECOMING_EXCLUSIVE


def test_small_tracts_and_missing_inputs_are_insufficient_data_with_a_reason():
    medians = t.regional_medians(region())
    small = t.classify(variant("E", population_start=400), medians)
    assert small["typology"].item() == t.INSUFFICIENT_DATA
    assert "500 or fewer" in small["typology_note"].item()
    # C is mixed, so its median housing cost decides its housing category; without it nothing settles C
    missing = t.classify(variant("C", median_housing_cost_end=np.nan), medians)
    assert missing["typology"].item() == t.INSUFFICIENT_DATA
    assert missing["typology_note"].item() == "missing inputs: median_housing_cost_end"


def test_available_steps_names_the_missing_columns():
    steps = t.available_steps(region().columns)
    assert all(ok for ok, _ in steps.values())
    steps = t.available_steps(["GEOID", "median_rent_end", "median_home_value_end", "renter_share_end",
                               "college_share_end", "nonwhite_share_end"])
    assert steps["vulnerable_end"] == (False, ["low_income_share_end"])
    assert steps["hot_market"] == (False, ["median_rent_start", "median_home_value_start"])
    assert not steps["typology"][0]


def test_vulnerable_tracts_of_allegheny_county_2020_24():
    if not TRACTS_2024.exists():
        pytest.skip("shared ACS tract file not present")
    profile = pd.read_csv(TRACTS_2024, dtype={"GEOID": str})
    frame = t.inputs_from_tract_profile(profile)
    assert t.available_steps(frame.columns)["vulnerable_end"] == (False, ["low_income_share_end"])
    result = t.vulnerable(frame, t.regional_medians(frame))

    # the same by plain pandas: RMs over the 394 tracts (missing skipped)
    rent, value = profile["med_gross_rent"], profile["med_home_value"]
    nonwhite = 1 - profile["white_nh_share"]
    renter, college = profile["renter_share"], profile["bachelors_share"]
    assert (rent.median(), value.median()) == (1141.5, 206200.0)
    assert (round(nonwhite.median(), 4), renter.median(), college.median()) == (0.1857, 0.34925, 0.4068)
    cheap = (rent < rent.median()) | (value < value.median())          # one known value below its RM
    dear = (rent >= rent.median()) & (value >= value.median())         # both known and not below
    met = (nonwhite >= nonwhite.median()).astype(int) + (renter >= renter.median()) + (college < college.median())
    unknown = 1 + nonwhite.isna().astype(int) + renter.isna() + college.isna()   # 1: no low-income share
    is_true = cheap & (met >= 3)
    is_false = dear | (met + unknown < 3)
    expected_true, expected_false = int(is_true.sum()), int((is_false & ~is_true).sum())

    assert int(result.eq(True).sum()) == expected_true == 86
    assert int(result.eq(False).sum()) == expected_false == 228
    assert int(result.isna().sum()) == 394 - 86 - 228
