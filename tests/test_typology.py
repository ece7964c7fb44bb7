"""The Urban Displacement Project typology as UDP released it (Release 1.1, November 2020), rule by rule.

Each test feeds UDP-style inputs (every measure at the time UDP reads it) for a hand-made tract, classifies it
against the regional medians of a hand-made five-tract region, and cites the line of UDP's criteria sheet
(README image ``typology_sheet_2018.png``: type, bullet number) or of its code that the rule comes from. The
arithmetic is in the comments. The last tests run the vulnerability step on the real 2020–24 Allegheny tracts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.metrics import typology as t

TRACTS_2024 = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "pittsburgh" / "acs"
               / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv")


def region() -> pd.DataFrame:
    """Five tracts R1–R5; with an odd count each regional median (RM) is the middle tract's value (R3)."""
    five = lambda *v: list(v)  # noqa: E731
    return pd.DataFrame({
        "GEOID": ["R1", "R2", "R3", "R4", "R5"],
        "median_rent_early": five(600, 700, 800, 900, 1000),            # RM 800
        "median_rent_base": five(700, 800, 900, 1000, 1100),            # RM 900
        "median_rent_recent": five(800, 900, 1000, 1100, 1200),         # RM 1,000
        "median_rent_end": five(900, 1000, 1100, 1200, 1300),           # RM 1,100
        "median_home_value_early": five(80e3, 90e3, 100e3, 110e3, 120e3),    # RM 100,000
        "median_home_value_base": five(100e3, 110e3, 120e3, 130e3, 140e3),   # RM 120,000
        "median_home_value_end": five(130e3, 140e3, 150e3, 160e3, 170e3),    # RM 150,000
        "median_income_early": five(30e3, 35e3, 40e3, 45e3, 50e3),      # RM 40,000
        "median_income_base": five(40e3, 45e3, 50e3, 55e3, 60e3),       # RMI 50,000
        "median_income_end": five(45e3, 50e3, 55e3, 60e3, 65e3),        # RMI 55,000
        "low_income_share_early": five(.5, .45, .4, .35, .3),           # RM .40
        "low_income_share_base": five(.5, .45, .4, .35, .3),            # RM .40
        "low_income_share_end": five(.5, .45, .4, .35, .3),             # RM .40
        "below_120pct_income_share_base": five(.7, .65, .6, .55, .5),
        "below_120pct_income_share_end": five(.7, .65, .6, .55, .5),
        **{f"households_{time}": [1000] * 5 for time in ("early", "base", "end")},
        **{f"nonwhite_share_{time}": five(.6, .5, .4, .3, .2) for time in ("early", "base", "end")},   # RM .40
        **{f"renter_share_{time}": five(.6, .5, .4, .3, .2) for time in ("early", "base", "end")},     # RM .40
        "college_share_early": five(.1, .15, .2, .25, .3),              # RM .20
        "college_share_base": five(.15, .2, .25, .3, .35),              # RM .25
        "college_share_end": five(.2, .25, .3, .35, .4),                # RM .30
        "population_base": [2000] * 5,
        "low_income_mover_share_recent": [.5] * 5,
        "low_income_mover_share_end": [.5] * 5,
        "affordable_to_low_share_end": five(.7, .5, .3, .2, .1),
        "affordable_to_moderate_share_end": five(.2, .3, .5, .5, .3),
        "median_housing_cost_end": five(700, 900, 1100, 1300, 1500),
        "student_share_end": [.1] * 5,
        "dense": [False] * 5,
        "home_value_index_change": five(.1, .2, .3, .4, .5),            # RM .30; 90th percentile .46
        "local_rent_change": five(.02, .05, .10, .15, .20),             # RM .10
        "nearby_rent_change": five(.02, .05, .10, .15, .20),            # RM .10
        "nearby_median_rent_end": five(900, 1000, 1100, 1200, 1300),
        "rent_gap": five(-.1, -.05, 0, .05, .1),                        # RM 0
    }, index=["R1", "R2", "R3", "R4", "R5"])


MEDIANS = t.regional_medians(region())


def low_income_quiet_tract(**changes) -> pd.DataFrame:
    """A low-income, low-cost tract where nothing happens (Low-Income/Susceptible), to vary one rule at a time.

    Income at the end: low .60, under 120% .80 → moderate .20, high .20: predominantly low (≥ .55, others < .45).
    Housing: affordable to low .70, moderate .20, high .10: predominantly low-cost. Rent 800 → 820 (+2.5%) and
    home value 100,000 → 102,000 (+2%): both under +5%, a marginal market. 600 low-income households at every
    time (.60 × 1,000): none lost. Vulnerable at the end (rent 820 < 1,100; low income .60, residents of color .60
    and renters .60 ≥ .40; college .10 < .30). No rent pressure: its rent change .025 is under the RM .10, nearby
    .05 under .10, rent gap −.10 under 0.
    """
    tract = {
        "GEOID": "T",
        "median_rent_early": 700, "median_rent_base": 780, "median_rent_recent": 800, "median_rent_end": 820,
        "median_home_value_early": 90e3, "median_home_value_base": 100e3, "median_home_value_end": 102e3,
        "median_income_early": 30e3, "median_income_base": 30e3, "median_income_end": 30e3,
        "low_income_share_early": .6, "low_income_share_base": .6, "low_income_share_end": .6,
        "below_120pct_income_share_base": .8, "below_120pct_income_share_end": .8,
        "households_early": 1000, "households_base": 1000, "households_end": 1000,
        "nonwhite_share_early": .6, "nonwhite_share_base": .6, "nonwhite_share_end": .6,
        "renter_share_early": .6, "renter_share_base": .6, "renter_share_end": .6,
        "college_share_early": .1, "college_share_base": .1, "college_share_end": .1,
        "population_base": 2000,
        "low_income_mover_share_recent": .5, "low_income_mover_share_end": .5,
        "affordable_to_low_share_end": .7, "affordable_to_moderate_share_end": .2, "median_housing_cost_end": 700,
        "student_share_end": .1, "dense": False, "home_value_index_change": .1,
        "local_rent_change": .025, "nearby_rent_change": .05, "nearby_median_rent_end": 670, "rent_gap": -.1,
    }
    tract.update(changes)
    return pd.DataFrame([tract], index=["T"])


def gentrified_in_later_window(**changes) -> dict:
    """Changes that make the quiet tract gentrify base → end (``gent_00_18``): vulnerable at the base (rent 780 <
    900; low income .60, residents of color .60, renters .60 ≥ .40; college .10 < .25); college share .10 → .20,
    +.10 > the RM change .30 − .25 = .05; real income 30,000 → 36,000, +20% > the RMI change (55,000 − 50,000) /
    50,000 = 10%; low-income households .60 × 1,000 → .56 × 1,000, 600 → 560, a loss; rent 800 → 900, +12.5% ≥ the
    RM rent's change (1,100 − 1,000) / 1,000 = 10%: a hot market."""
    return {"college_share_end": .2, "median_income_end": 36e3, "low_income_share_end": .56,
            "median_rent_end": 900, "local_rent_change": .125, **changes}


def moderate_income(**changes) -> dict:
    """Moderate income at the end: low .30, under 120% .90 → moderate .60 ≥ .55, low and high (.10) < .45;
    median income 50,000."""
    return {"low_income_share_end": .3, "below_120pct_income_share_end": .9, "median_income_end": 50e3, **changes}


MODERATE_COST_HOUSING = {"affordable_to_low_share_end": .2, "affordable_to_moderate_share_end": .6,
                         "median_housing_cost_end": 1200}   # .20 / .60 / .20: predominantly moderate-cost


def classify(frame: pd.DataFrame) -> pd.Series:
    return t.typology(frame, MEDIANS).iloc[0]


# ------------------------------------------------------------------------------------------- regional medians
def test_regional_medians_and_the_changes_each_window_compares_with():
    assert (MEDIANS["median_rent_recent"], MEDIANS["median_rent_end"]) == (1000, 1100)
    assert MEDIANS["median_income_base"] == 50e3 and MEDIANS["median_income_end"] == 55e3
    # the RM rent rose (1,100 − 1,000) / 1,000 = 10% recent → end, the RM home value (150,000 − 120,000) / 120,000 =
    # 25% base → end, and (900 − 800) / 800 = 12.5% and (120,000 − 100,000) / 100,000 = 20% early → base
    assert t._rm_change(MEDIANS, t.MEDIAN_RENT, t.RECENT, t.END) == pytest.approx(.10)
    assert t._rm_change(MEDIANS, t.MEDIAN_HOME_VALUE, t.BASE, t.END) == pytest.approx(.25)
    assert t._rm_change(MEDIANS, t.MEDIAN_RENT, t.EARLY, t.BASE) == pytest.approx(.125)
    # tract rent changes recent → end: 900/800, 1000/900, 1100/1000, 1200/1100, 1300/1200 − 1 = +12.5%, +11.1%,
    # +10%, +9.1%, +8.3%: all above +5%, their median 10% is where a "rapid increase" starts
    assert MEDIANS["rent_change_increases"] == pytest.approx(.10)
    # home values base → end +30%, +27.3%, +25%, +23.1%, +21.4%: rapid from 25%
    assert MEDIANS["home_value_change_increases"] == pytest.approx(.25)
    # the index changes .1 … .5: 90th percentile .1 + .4 × .9 = .46
    assert MEDIANS["home_value_index_change_p90"] == pytest.approx(.46)


# ----------------------------------------------------------------------------------------------- the nine types
def test_low_or_mixed_low_income_tract_is_low_income_susceptible():
    """Sheet LISD-1: "Low or mixed low-income tract in 2018"."""
    assert classify(low_income_quiet_tract())["label"] == t.LOW_INCOME_SUSCEPTIBLE
    # mixed low: low .50, moderate .20, high .30 (none ≥ .55), median income 30,000 < 80% of 55,000 = 44,000;
    # 500 low-income households at the base and the end, none lost
    mixed = classify(low_income_quiet_tract(low_income_share_base=.5, low_income_share_end=.5,
                                            below_120pct_income_share_end=.7))
    assert mixed["income_category_end"] == t.MIXED_LOW and mixed["label"] == t.LOW_INCOME_SUSCEPTIBLE


def test_low_income_tract_losing_low_income_households_is_ongoing_displacement():
    """Sheet OD-1 and OD-2: low or mixed low income; "absolute loss of low-income households, 2000-2018"."""
    # low-income share .60 → .55 of 1,000 households: 600 → 550 (still low: .55 ≥ .55, moderate .25, high .20)
    result = classify(low_income_quiet_tract(low_income_share_end=.55))
    assert result["types"] == (t.OD,) and result["label"] == t.ONGOING_DISPLACEMENT


def test_cheap_vulnerable_tract_with_rising_nearby_rents_is_at_risk_of_gentrification():
    """Sheet ARG-1, 2, 4, 5 (code ``dp_PChRent``): low income, low-cost housing, a marginal market, nearby rents
    up more than the regional median (.15 > .10); vulnerable at the end (ARG, code ``vul_gent_18``)."""
    result = classify(low_income_quiet_tract(nearby_rent_change=.15))
    assert result["dp_PChRent"] and not result["dp_RentGap"]
    assert result["label"] == t.AT_RISK_OF_GENTRIFICATION


def test_rent_gap_above_the_regional_median_is_rent_pressure_too():
    """Sheet ARG-5, second half: "the 2018 rent gap is greater than the regional median rent gap" (.05 > 0)."""
    result = classify(low_income_quiet_tract(rent_gap=.05))
    assert result["dp_RentGap"] and result["label"] == t.AT_RISK_OF_GENTRIFICATION


def test_home_value_index_above_its_90th_percentile_replaces_the_marginal_market():
    """Sheet ARG-4, second half: "Zillow home or rental value increases in the 90th percentile between
    2012-2018": rent 800 → 880 (+10%, rapid) is no marginal market, but the index rose .50 > .46."""
    rising = dict(median_rent_end=880, local_rent_change=.1, nearby_rent_change=.15)
    assert classify(low_income_quiet_tract(**rising, home_value_index_change=.40))["label"] == \
        t.LOW_INCOME_SUSCEPTIBLE
    assert classify(low_income_quiet_tract(**rising, home_value_index_change=.50))["label"] == \
        t.AT_RISK_OF_GENTRIFICATION


def test_tract_that_gentrified_is_not_at_risk_of_gentrification():
    """Sheet ARG-3: "Didn't gentrify 1990-2000 OR 2000-2018" (code ``gent_90_00 == 0`` and ``gent_00_18 == 0``)."""
    result = t.typology(low_income_quiet_tract(**gentrified_in_later_window(nearby_rent_change=.15)), MEDIANS).iloc[0]
    assert result["gentrified_base_end"] and not result[t.ARG]


def test_gentrified_low_income_tract_with_moderate_cost_housing_is_early_ongoing_gentrification():
    """Sheet EOG-1–4: low income; housing affordable to moderate incomes; an increase in housing costs (rent
    +12.5% ≥ the 10% where rapid starts); gentrified 2000–2018."""
    result = classify(low_income_quiet_tract(**gentrified_in_later_window(**MODERATE_COST_HOUSING)))
    assert result["income_category_end"] == t.LOW and result["housing_affordability"] == t.MODERATE
    assert result["market_change"] == t.RAPID_INCREASE and result["gentrified_base_end"]
    assert result["types"] == (t.EOG,) and result["label"] == t.EARLY_ONGOING_GENTRIFICATION


def test_gentrified_moderate_income_tract_is_advanced_gentrification_even_in_a_rapid_market():
    """Sheet AdvG-1–4: moderate income; moderate-cost housing; "marginal change, increase, or rapid increase in
    housing costs" (rapid here: rent 800 → 950, +18.75%); gentrified 2000–2018; and (code) home value or rent
    rising. The pre-release rules refused a rapid market."""
    changes = gentrified_in_later_window(**MODERATE_COST_HOUSING, **moderate_income(), median_rent_end=950)
    result = classify(low_income_quiet_tract(**changes))
    assert result["market_change"] == t.RAPID_INCREASE
    assert result["types"] == (t.ADVG,) and result["label"] == t.ADVANCED_GENTRIFICATION


def test_moderate_income_tract_with_low_cost_housing_is_stable_moderate_mixed_income():
    """Sheet SMMI-1: "Moderate, mixed moderate, mixed high, or high-income tract in 2018" and none of the other
    moderate/high types (code: ``ARE == 0 & BE == 0 & SAE == 0 & AdvG == 0``): low-cost housing rules them out."""
    result = classify(low_income_quiet_tract(**moderate_income()))
    assert result["types"] == (t.SMMI,) and result["label"] == t.STABLE_MODERATE_MIXED_INCOME


def test_moderate_income_tract_in_a_quiet_market_is_at_risk_of_becoming_exclusive():
    """Sheet ARE-1–3: moderate income; moderate-cost housing; "marginal change or increase in housing costs"."""
    result = classify(low_income_quiet_tract(**moderate_income(), **MODERATE_COST_HOUSING))
    assert result["market_change"] == t.DECREASE_OR_MARGINAL
    assert result["types"] == (t.ARE,) and result["label"] == t.AT_RISK_OF_BECOMING_EXCLUSIVE


def test_rapid_market_losing_low_income_households_and_movers_is_becoming_exclusive():
    """Sheet BE-1–6: moderate income; moderate-cost housing; rapid increase (rent 800 → 950); low-income
    households 600 → 300; low-income movers .50 → .40; median income 30,000 → 50,000. Not gentrified: its rent
    (1,000) and home value (130,000) at the base are not below the RMs (900, 120,000), so it was not vulnerable."""
    changes = dict(**moderate_income(), **MODERATE_COST_HOUSING, median_rent_end=950, median_rent_base=1000,
                   median_home_value_base=130e3, low_income_mover_share_end=.4)
    result = classify(low_income_quiet_tract(**changes))
    assert not result["vulnerable_base"] and not result["gentrified_base_end"]
    assert result["types"] == (t.BE,) and result["label"] == t.BECOMING_EXCLUSIVE


def test_high_income_tract_with_dear_housing_is_stable_advanced_exclusive():
    """Sheet SAE-1–3: "High-income tract in 2000 and 2018" (low .10, under 120% .30: high .70 ≥ .55); housing
    affordable to high incomes (.05 / .20 / .75); any market."""
    high = dict(low_income_share_base=.1, below_120pct_income_share_base=.3, low_income_share_end=.1,
                below_120pct_income_share_end=.3, median_income_base=90e3, median_income_end=95e3,
                affordable_to_low_share_end=.05, affordable_to_moderate_share_end=.2, median_housing_cost_end=2500)
    result = classify(low_income_quiet_tract(**high))
    assert result["types"] == (t.SAE,) and result["label"] == t.STABLE_ADVANCED_EXCLUSIVE


def test_stable_advanced_exclusive_accepts_mixed_high_cost_housing():
    """Sheet SAE-2: "Affordable to high or mixed high-income households in 2018" (code ``lmh_flag_encoded`` 3 or
    6): low .20, moderate .40, high .40 is mixed; the median cost 1,800 ≥ 120% of 0.3 × 55,000 / 12 = 1,650."""
    high = dict(low_income_share_base=.1, below_120pct_income_share_base=.3, low_income_share_end=.1,
                below_120pct_income_share_end=.3, median_income_base=90e3, median_income_end=95e3,
                affordable_to_low_share_end=.2, affordable_to_moderate_share_end=.4, median_housing_cost_end=1800)
    result = classify(low_income_quiet_tract(**high))
    assert result["housing_affordability"] == t.MIXED_HIGH
    assert result["label"] == t.STABLE_ADVANCED_EXCLUSIVE


# --------------------------------------------------------------------------- double counts and the map step
def test_a_tract_meeting_two_types_is_double_counted_not_unavailable():
    """``4_typology.py``: ``double_counted`` sums the nine flags; more than one gives typology 99. Advanced
    Gentrification (gentrified, rapid market) and Becoming Exclusive (low-income movers .50 → .40) together."""
    changes = gentrified_in_later_window(**MODERATE_COST_HOUSING, **moderate_income(), median_rent_end=950,
                                         low_income_mover_share_end=.4)
    result = t.classify(low_income_quiet_tract(**changes), MEDIANS).iloc[0]
    assert result["types"] == (t.ADVG, t.BE) and result["double_counted"] == 2
    assert result["typology"] == t.DOUBLE_COUNTED
    assert result["typology_note"] == "meets more than one type: AdvG, BE"


def test_map_step_draws_advanced_gentrification_and_becoming_exclusive_as_advanced_gentrification():
    """``5_map_creation.r``: ``typ_cat == "['AdvG', 'BE']" ~ 'Advanced Gentrification'``."""
    changes = gentrified_in_later_window(**MODERATE_COST_HOUSING, **moderate_income(), median_rent_end=950,
                                         low_income_mover_share_end=.4)
    assert classify(low_income_quiet_tract(**changes))["label"] == t.ADVANCED_GENTRIFICATION


def test_map_step_draws_a_susceptible_tract_that_gentrified_earlier_as_advanced_gentrification():
    """``5_map_creation.r``: ``typ_cat == "['LISD']" & gent_90_00 == 1 ~ 'Advanced Gentrification'``.

    Early → base: vulnerable in the earlier year (rent 700 < 800; low income .60 ≥ .40, residents of color .60 and
    renters .60 ≥ .40, college .10 < .20); college .10 → .20, +.10 > the RM change .25 − .20 = .05; income
    30,000 → 40,000, +33% > the RM change (50,000 − 40,000) / 40,000 = 25%; low-income households 700 → 600 (.70
    → .60 of 1,000); rent 700 → 800, +14.3% ≥ the RM rent's +12.5%. At the end still low income and low-cost."""
    earlier = dict(college_share_base=.2, median_income_base=40e3, low_income_share_early=.7, median_rent_base=800)
    result = classify(low_income_quiet_tract(**earlier))
    assert result["gentrified_early_base"] and result["types"] == (t.LISD,)
    assert result["label"] == t.ADVANCED_GENTRIFICATION


def test_map_step_draws_displacement_in_a_tract_that_gentrified_later_as_early_ongoing_gentrification():
    """``5_map_creation.r``: ``typ_cat == "['OD']" & gent_00_18 == 1 ~ 'Early/Ongoing Gentrification'``: the
    later gentrification with low-cost housing (so not EOG by the sheet) and low-income households lost."""
    result = classify(low_income_quiet_tract(**gentrified_in_later_window()))
    assert result["types"] == (t.OD,) and result["gentrified_base_end"]
    assert result["label"] == t.EARLY_ONGOING_GENTRIFICATION


def test_map_step_draws_tracts_of_many_students_as_high_student_population():
    """``5_map_creation.r``: ``tr_pstudents > .3 ~ "High Student Population"``, before every other rule; .30
    itself does not, and a missing share never does."""
    assert classify(low_income_quiet_tract(student_share_end=.31))["label"] == t.HIGH_STUDENT_POPULATION
    assert classify(low_income_quiet_tract(student_share_end=.30))["label"] == t.LOW_INCOME_SUSCEPTIBLE
    assert classify(low_income_quiet_tract(student_share_end=np.nan))["label"] == t.LOW_INCOME_SUSCEPTIBLE


def test_tracts_of_500_residents_or_fewer_are_unavailable():
    """``4_typology.py``: ``pop00flag = pop_00 > 500`` is required by every type."""
    result = classify(low_income_quiet_tract(population_base=500))
    assert result["types"] == () and result["label"] == t.UNAVAILABLE
    assert "500 residents or fewer" in result["typology_note"]


def test_dense_tracts_gentrify_without_losing_low_income_households():
    """``4_typology.py``: ``gent_00_18_urban`` drops ``lostli_18``, and dense tracts (PUMA of 3,000+ residents per
    square mile) use it for EOG and AdvG (``(dense == 1) & (gent_00_18_urban == 1)``)."""
    kept = gentrified_in_later_window(**MODERATE_COST_HOUSING, low_income_share_end=.6)   # 600 → 600: none lost
    plain = classify(low_income_quiet_tract(**kept))
    assert not plain["gentrified_base_end"] and plain["gentrified_base_end_urban"]
    assert plain["types"] == (t.LISD,)
    dense = classify(low_income_quiet_tract(**kept, dense=True))
    assert dense["types"] == (t.EOG,)
    # the map step reads either variant whatever the density: the plain tract is drawn as EOG too
    assert plain["label"] == dense["label"] == t.EARLY_ONGOING_GENTRIFICATION
    assert list(t.dense_from_density([2999, 3000])) == [False, True]


def test_a_missing_input_leaves_the_tract_unavailable_and_says_which():
    """A mixed tract's housing category needs its median housing cost; without it no type is settled."""
    frame = low_income_quiet_tract(**moderate_income(), affordable_to_low_share_end=.4,
                                   affordable_to_moderate_share_end=.4, median_housing_cost_end=np.nan)
    result = classify(frame)
    assert result["label"] == t.UNAVAILABLE
    assert result["typology_note"] == "missing inputs: median_housing_cost_end"


def test_each_input_is_read_in_its_own_period():
    periods = t.periods_of(region())
    assert periods == {"early": "1990 census", "base": "2000 census", "recent": "ACS 2008–2012",
                       "end": "ACS 2014–2018"}
    framed = region()
    framed.attrs["periods"] = {"end": "2015–2019"}
    assert t.periods_of(framed)["end"] == "2015–2019"
    assert t.MEASURE_TIMES["median_rent"] == ("early", "base", "recent", "end")
    assert t.MEASURE_TIMES["low_income_mover_share"] == ("recent", "end")
    with pytest.raises(ValueError):
        t.column("median_home_value", "recent")   # UDP never reads home value in 2012


def test_missing_inputs_are_listed_in_the_order_of_the_input_frame():
    ends_only = ["GEOID", "median_rent_end", "median_home_value_end", "renter_share_end", "college_share_end",
                 "nonwhite_share_end"]
    assert t.available_steps(ends_only)["vulnerable_end"] == (False, ["low_income_share_end"])
    missing = t.missing_inputs(ends_only)
    assert missing[:3] == ["median_rent_early", "median_rent_base", "median_rent_recent"]
    assert "median_rent_end" not in missing and "home_value_index_change" not in missing
    assert t.missing_inputs(region().columns) == []


# ------------------------------------------------------------------------------------------------ categories
def test_income_category_applies_the_55_45_rule_then_the_median_income():
    # RMI 62,400: 80% = 49,920, 120% = 74,880
    categories = t.income_category(np.array([.62, .35, .42, .25, .08, np.nan]),
                                   np.array([.88, .60, .62, .50, .20, .50]),
                                   np.array([31_000, 60_000, 62_400, 84_000, 126_000, 50_000]), 62_400)
    # .62/.26/.12 → low; .35/.25/.40 → mixed, 60,000 in [49,920, 74,880) → mixed moderate; .25/.25/.50 → mixed,
    # 84,000 ≥ 74,880 → mixed high; high .80 → high; no share → None
    assert categories.tolist() == [t.LOW, t.MIXED_MODERATE, t.MIXED_MODERATE, t.MIXED_HIGH, t.HIGH, None]


def test_housing_affordability_uses_the_cost_affordable_at_the_regional_median_income():
    # affordable monthly cost 0.3 × 62,400 / 12 = 1,560; 60% = 936; 120% = 1,872
    categories = t.housing_affordability_category(pd.Series([.70, .30, .40, .20, .05]),
                                                  pd.Series([.20, .60, .40, .50, .15]),
                                                  pd.Series([700, 1200, 900, 1500, 2500]), 62_400)
    assert categories.tolist() == [t.LOW, t.MODERATE, t.MIXED_LOW, t.MIXED_MODERATE, t.HIGH]


def test_market_type_reads_rent_over_the_recent_window_and_home_value_over_the_long_one():
    # R1: rent 800 → 900 (+12.5% ≥ 10%: rapid), home value 100,000 → 130,000 (+30% ≥ 25%: rapid)
    # R5: rent 1,200 → 1,300 (+8.3%: increase), value 140,000 → 170,000 (+21.4%: increase)
    assert t.market_change(region(), MEDIANS).tolist()[::4] == [t.RAPID_INCREASE, t.INCREASE]
    # the same R5 with its 2000 rent far below: the recent window, not the base, decides the rent change
    frame = region().loc[["R5"]].assign(median_rent_base=500)
    assert t.market_change(frame, MEDIANS).item() == t.INCREASE


# ------------------------------------------------------------------------------------------------ spatial lags
def lag_points():
    """Three tracts 0.5 apart on a line and one far away: nearest-neighbour distances .5, .5, .5 and 19; a
    tenth of the largest, 1.9, makes the first three each other's neighbours and leaves the fourth alone."""
    return ["A", "B", "C", "D"], [0.0, 0.5, 1.0, 20.0], [0.0, 0.0, 0.0, 0.0]


def test_inverse_distance_weights_follow_the_lag_script():
    ids, x, y = lag_points()
    w = t.inverse_distance_weights(ids, x, y).set_index(["tract_id", "neighbour_id"])["weight"]
    # A: B at .5 (1/.25 = 4) and C at 1 (1/1 = 1) → 4/5 and 1/5; B: A and C at .5 → 1/2 each; D: none
    assert w[("A", "B")] == pytest.approx(.8) and w[("A", "C")] == pytest.approx(.2)
    assert w[("B", "A")] == pytest.approx(.5) and w[("B", "C")] == pytest.approx(.5)
    assert "D" not in w.index.get_level_values(0)


def test_spatial_lag_is_the_weighted_mean_of_the_neighbours_and_zero_alone():
    ids, x, y = lag_points()
    values = pd.Series([10.0, 20.0, 30.0, 40.0], index=ids)
    lag = t.spatial_lag(t.inverse_distance_weights(ids, x, y), values)
    # A: .8 × 20 + .2 × 30 = 22; B: .5 × 10 + .5 × 30 = 20; C: .2 × 10 + .8 × 20 = 18; D: no neighbour → 0
    assert lag.tolist() == pytest.approx([22, 20, 18, 0])


def test_rent_lags_fill_missing_rents_with_the_county_median_and_raise_recent_rents():
    ids, x, y = lag_points()
    lags = t.rent_lags(ids, x, y, rent_recent=[1000, 1000, 1000, 1000], rent_end=[1100, np.nan, 1300, 900],
                       county=["1", "1", "1", "2"], recent_to_end_dollars=1.07)
    # B's missing end rent is county 1's median of 1,100 and 1,300: 1,200. Recent rents 1,000 × 1.07 = 1,070.
    assert lags.loc["B", "local_rent_change"] == pytest.approx(1200 / 1070 - 1)
    # A's nearby rent: .8 × 1,200 + .2 × 1,300 = 1,220; its gap (1,220 − 1,100) / 1,160 = .1034
    assert lags.loc["A", "nearby_median_rent_end"] == pytest.approx(1220)
    assert lags.loc["A", "rent_gap"] == pytest.approx(120 / 1160)


def test_student_share_counts_college_and_graduate_students_over_residents_3_and_over():
    assert t.student_share([300], [60], [1200]).tolist() == pytest.approx([.3])
    assert t.student_share([300], [np.nan], [0]).isna().all()


# ------------------------------------------------------------------------------------------- real tracts
def test_vulnerable_tracts_of_allegheny_county_2020_24():
    """The vulnerability step alone, on the real 2020–24 tract profile (no low-income share: three-valued)."""
    if not TRACTS_2024.exists():
        pytest.skip("shared ACS tract file not present")
    profile = pd.read_csv(TRACTS_2024, dtype={"GEOID": str})
    frame = pd.DataFrame({"GEOID": profile["GEOID"], "median_rent_end": profile["med_gross_rent"],
                          "median_home_value_end": profile["med_home_value"],
                          "renter_share_end": profile["renter_share"], "college_share_end": profile["bachelors_share"],
                          "nonwhite_share_end": 1 - profile["white_nh_share"]})
    assert t.available_steps(frame.columns)["vulnerable_end"] == (False, ["low_income_share_end"])
    result = t.vulnerable(frame, t.regional_medians(frame))
    rent, value = profile["med_gross_rent"], profile["med_home_value"]
    nonwhite, renter, college = 1 - profile["white_nh_share"], profile["renter_share"], profile["bachelors_share"]
    assert (rent.median(), value.median()) == (1141.5, 206200.0)
    assert (round(nonwhite.median(), 4), renter.median(), college.median()) == (0.1857, 0.34925, 0.4068)
    cheap = (rent < rent.median()) | (value < value.median())
    dear = (rent >= rent.median()) & (value >= value.median())
    met = (nonwhite >= nonwhite.median()).astype(int) + (renter >= renter.median()) + (college < college.median())
    unknown = 1 + nonwhite.isna().astype(int) + renter.isna() + college.isna()
    is_true = cheap & (met >= 3)
    is_false = dear | (met + unknown < 3)
    assert int(result.eq(True).sum()) == int(is_true.sum()) == 86
    assert int(result.eq(False).sum()) == int((is_false & ~is_true).sum()) == 228


# ------------------------------------------------------------------------------------------- in a snapshot
def region_as_measures() -> pd.DataFrame:
    """The five-tract region as a snapshot's long ``measures`` table: the end-time profile under its own names
    (acs5_tracts), every other input as ``udp_<column>`` with its own period."""
    frame = region()
    profile = {"median_rent_end": "med_gross_rent", "median_home_value_end": "med_home_value",
               "median_income_end": "med_hh_income", "renter_share_end": "renter_share",
               "college_share_end": "bachelors_share", "households_end": "households"}
    periods = {"early": "1990", "base": "2000", "recent": "2008–2012", "end": "2014–2018"}
    rows = []
    for col in frame.columns.drop("GEOID"):
        time = col.rsplit("_", 1)[-1]
        values = frame[col].astype(float)
        if col == "nonwhite_share_end":
            name, values, source = "white_nh_share", 1 - values, "acs5_tracts"
        elif col in profile:
            name, source = profile[col], "acs5_tracts"
        else:
            name, source = f"udp_{col}", "udp_inputs"
        rows += [{"geo_level": "tract", "area_id": g, "tract_vintage": 2010, "period": periods.get(time, "2014–2018"),
                  "year": 2018, "measure": name, "estimate": v, "moe": np.nan, "source_id": source, "note": None}
                 for g, v in zip(frame["GEOID"], values)]
    return pd.DataFrame(rows)


def test_a_snapshot_with_every_input_gets_its_typology_with_each_period():
    from indicators.metrics import displacement

    measures = region_as_measures()
    inputs = displacement.inputs_from_measures(measures)
    assert t.missing_inputs(inputs.columns) == []
    assert t.periods_of(inputs) == {"early": "1990", "base": "2000", "recent": "2008–2012", "end": "2014–2018"}
    out = displacement.displacement_typology(measures, level="tract").set_index("area_id")
    expected = t.typology(region())["label"]
    assert [t.MAP_LABELS[int(code) - 1] for code in out["estimate"]] == expected.tolist()
    assert out["period"].iloc[0] == "2000 to 2014–2018"


def test_a_snapshot_lacking_inputs_names_them():
    from indicators.metrics import displacement

    measures = region_as_measures()
    measures = measures[~measures["measure"].isin(["udp_median_rent_recent", "udp_low_income_mover_share_recent"])]
    with pytest.raises(displacement.MissingInputs) as missing:
        displacement.displacement_typology(measures, level="tract")
    assert missing.value.inputs == ["median_rent_recent", "low_income_mover_share_recent"]
    assert displacement.missing_by_time(missing.value.inputs) == [("recent", ["median_rent", "low_income_mover_share"])]
