"""Housing indicators: tenure, rent burden, rent against income and against HUD's Fair Market Rents.

Inputs are snapshot tables: ``measures`` (long ACS measures with MOEs) and ``weights`` (tract →
neighborhood shares). Tract and city/county values are the published estimates; neighborhood values are
rebuilt from counts apportioned by land area (see :func:`indicators.core.frames.apportioned_share`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import moe as moe_math
from indicators.core.frames import apportioned_share, latest_year, measure_wide, result

ACS_TRACTS = "acs5_tracts"
SERIES = {"city": "acs5_city_series", "county": "acs5_county_series"}

#: the renter households whose gross rent as a percentage of income is computed (B25070_001 − B25070_011,
#: DP04_0136): the Census Bureau's base of the rent burden shares
RENT_BURDEN_UNIVERSE = "rent_burden_universe"
RENTER_BASE_NOTE = ("base: all renter households (B25070_001), as this snapshot has no rent burden universe: the "
                    "share counts the renter households whose rent burden is not computed (B25070_011) in its "
                    "denominator, so it reads low")


def acs_tract_vintage(measures: pd.DataFrame) -> int:
    """The tract lines of the snapshot's ACS tract measures (2010 or 2020)."""
    rows = measures.loc[(measures["source_id"] == ACS_TRACTS) & (measures["geo_level"] == "tract"), "tract_vintage"]
    return int(rows.dropna().iloc[0]) if rows.notna().any() else 2020


def level_source(measures: pd.DataFrame, level: str) -> str:
    """The source of the city's (or county's) own figures: the published series, else the sum of its tracts."""
    present = set(measures.loc[measures["geo_level"] == level, "source_id"].unique())
    for source in (SERIES[level], f"acs5_{level}_from_tracts"):
        if source in present:
            return source
    return SERIES[level]


def acs_share(measures: pd.DataFrame, weights: pd.DataFrame | None, *, share: str, base: str, level: str,
              year: int | None = None, tract_vintage: int | None = None) -> pd.DataFrame:
    """A published ACS share at ``level``; for neighborhoods, rebuilt from apportioned counts.

    ``base`` names the count measure that is the share's universe (e.g. ``renter_hh`` for rent burden),
    used to rebuild counts (``share × base``) before they are apportioned.
    """
    if level == "tract":
        wide = measure_wide(measures, [share, base], geo_level="tract", year=year, source_id=ACS_TRACTS)
        frame = pd.DataFrame({"area_id": wide["area_id"], "estimate": wide[share], "moe": wide[f"{share}_moe"],
                              "denominator": wide[base], "denominator_moe": wide[f"{base}_moe"], "note": wide["note"]})
        # the counts behind the share (moved onto other tract lines for the map): rebuilt as in
        # frames.apportioned_share, and a tract with no households adds nothing rather than a missing value
        frame["numerator"] = frame["estimate"] * frame["denominator"]
        frame["numerator_moe"] = moe_math.moe_product(wide[share].to_numpy(float), wide[base].to_numpy(float),
                                                      wide[f"{share}_moe"].to_numpy(float),
                                                      wide[f"{base}_moe"].to_numpy(float))
        frame.loc[frame["denominator"] == 0, ["numerator", "numerator_moe"]] = 0.0
        return result(frame, geo_level=level, period=wide["period"].iloc[0] if len(wide) else "", source_ids=ACS_TRACTS)
    if level in SERIES:
        wide = measure_wide(measures, [share, base], geo_level=level, year=year, source_id=level_source(measures, level))
        frame = pd.DataFrame({"area_id": wide["area_id"], "estimate": wide[share], "moe": wide[f"{share}_moe"],
                              "denominator": wide[base], "denominator_moe": wide[f"{base}_moe"], "note": wide["note"]})
        return result(frame, geo_level=level, period=wide["period"].iloc[0] if len(wide) else "",
                      source_ids=level_source(measures, level))
    if level == "neighborhood":
        wide = measure_wide(measures, [share, base], geo_level="tract", year=year, source_id=ACS_TRACTS)
        w = weights[weights["tract_vintage"] == (tract_vintage or acs_tract_vintage(measures))]
        frame = apportioned_share(wide, w, share=share, base=base)
        return result(frame, geo_level=level, period=wide["period"].iloc[0] if len(wide) else "", source_ids=ACS_TRACTS,
                      note="rebuilt from tract counts apportioned by land area")
    raise ValueError(f"no {share} for level '{level}'")


def same_house_1yr_share(measures, weights, *, level, year=None):
    """People living in the same house as a year before ÷ people 1 year and over (B07003_004 ÷ B07003_001;
    DP02_0080 ÷ DP02_0079)."""
    return acs_share(measures, weights, share="same_house_1yr_share", base="pop_1yr_over", level=level, year=year)


def long_tenure_share(measures, weights, *, level, year=None):
    """Households whose householder moved in 10 or more years before the survey's last year ÷ households
    (B25038 bins read from the release's labels; DP04_0054–0056 ÷ DP04_0050)."""
    return acs_share(measures, weights, share="long_tenure_share", base="households", level=level, year=year)


def renter_share(measures, weights, *, level, year=None):
    """Renter households ÷ households (B25003_003 ÷ B25003_001)."""
    return acs_share(measures, weights, share="renter_share", base="households", level=level, year=year)


def owner_share(measures, weights, *, level, year=None):
    """Owner households ÷ households (B25003_002 ÷ B25003_001), from the owner and household counts."""
    if level == "neighborhood":
        # the complement of the renter share, with the same MOE (a proportion and its complement share it)
        out = renter_share(measures, weights, level=level, year=year)
        out["numerator"] = out["denominator"] - out["numerator"]
        out["estimate"] = 1 - out["estimate"]
        return result(out.drop(columns=["cv", "reliability"]), geo_level=level, period=out["period"].iloc[0],
                      source_ids=ACS_TRACTS, note="rebuilt from tract counts apportioned by land area")
    wide = measure_wide(measures, ["owner_hh", "households"], geo_level=level, year=year,
                        source_id=ACS_TRACTS if level == "tract" else level_source(measures, level))
    from indicators.core.frames import share_from_counts

    est, err = share_from_counts(wide["owner_hh"], wide["households"], wide["owner_hh_moe"], wide["households_moe"])
    frame = pd.DataFrame({"area_id": wide["area_id"], "estimate": est, "moe": err, "numerator": wide["owner_hh"],
                          "numerator_moe": wide["owner_hh_moe"], "denominator": wide["households"],
                          "denominator_moe": wide["households_moe"], "note": wide["note"]})
    return result(frame, geo_level=level, period=wide["period"].iloc[0] if len(wide) else "",
                  source_ids=ACS_TRACTS if level == "tract" else level_source(measures, level))


def _rent_burden_base(measures: pd.DataFrame, share: str, *, level: str, year: int | None) -> str:
    """``rent_burden_universe`` where the snapshot has it for the share's areas and year, else ``renter_hh``."""
    geo_level = "tract" if level == "neighborhood" else level
    source = ACS_TRACTS if geo_level == "tract" else SERIES.get(geo_level)
    if year is None:
        year = latest_year(measures, geo_level=geo_level, measure=share, source_id=source)
    rows = measures[(measures["geo_level"] == geo_level) & (measures["measure"] == RENT_BURDEN_UNIVERSE)]
    if source is not None:
        rows = rows[rows["source_id"] == source]
    if year is not None:
        rows = rows[rows["year"] == year]
    return RENT_BURDEN_UNIVERSE if rows["estimate"].notna().any() else "renter_hh"


def _rent_burden(measures, weights, *, share: str, level: str, year) -> pd.DataFrame:
    base = _rent_burden_base(measures, share, level=level, year=year)
    out = acs_share(measures, weights, share=share, base=base, level=level, year=year)
    if base == "renter_hh":
        out["note"] = [RENTER_BASE_NOTE if n is None else f"{n}; {RENTER_BASE_NOTE}" for n in out["note"]]
    return out


def rent_burden_share(measures, weights, *, level, year=None):
    """Renters paying ≥30% of income: (B25070_007…010) ÷ (B25070_001 − B25070_011).

    The base is ``rent_burden_universe`` (the renter households whose burden is computed) where the
    snapshot has it; otherwise ``renter_hh`` (B25070_001), and the note says that the share then
    counts the not-computed households in its denominator.
    """
    return _rent_burden(measures, weights, share="rent_burden30_share", level=level, year=year)


def severe_rent_burden_share(measures, weights, *, level, year=None):
    """Renters paying ≥50% of income: B25070_010 ÷ (B25070_001 − B25070_011), base as :func:`rent_burden_share`."""
    return _rent_burden(measures, weights, share="rent_burden50_share", level=level, year=year)


def poverty_rate(measures, weights, *, level, year=None):
    """Residents below the poverty line (C17002); neighborhoods weight tract shares by population."""
    return acs_share(measures, weights, share="poverty_share", base="pop", level=level, year=year)


def rent_to_income(measures, weights=None, *, level, year=None):
    """12 × median gross rent ÷ median household income, MOE by the ratio formula.

    Medians do not add up, so there is no neighborhood value without distribution tables.
    """
    if level == "neighborhood":
        raise ValueError("rent_to_income is not available for neighborhoods: medians cannot be combined")
    source = ACS_TRACTS if level == "tract" else level_source(measures, level)
    wide = measure_wide(measures, ["med_gross_rent", "med_hh_income"], geo_level=level, year=year, source_id=source)
    rent = 12 * wide["med_gross_rent"]
    rent_moe = 12 * wide["med_gross_rent_moe"]
    income = wide["med_hh_income"]
    est = np.where(income > 0, rent / income.where(income > 0), np.nan)
    err = moe_math.moe_ratio(rent.to_numpy(float), income.to_numpy(float), rent_moe.to_numpy(float),
                             wide["med_hh_income_moe"].to_numpy(float))
    frame = pd.DataFrame({"area_id": wide["area_id"], "estimate": est, "moe": err, "numerator": rent,
                          "numerator_moe": rent_moe, "denominator": income,
                          "denominator_moe": wide["med_hh_income_moe"], "note": wide["note"]})
    return result(frame, geo_level=level, period=wide["period"].iloc[0] if len(wide) else "", source_ids=source)


def rent_vs_fair_market_rent(measures, weights=None, *, level, year=None):
    """Median 2-bedroom gross rent (B25031_004) ÷ HUD Small Area FMR for 2 bedrooms of the tract's ZIP."""
    if level != "tract":
        raise ValueError("rent_vs_fair_market_rent exists for tracts only")
    wide = measure_wide(measures, ["census_2br_rent", "safmr_2br"], geo_level="tract", year=year,
                        source_id="tract_housing_measures")
    rent = wide["census_2br_rent"]
    fmr = wide["safmr_2br"]
    est = np.where(fmr > 0, rent / fmr.where(fmr > 0), np.nan)
    # the FMR is a published benchmark without sampling error: only the rent's MOE carries over
    err = wide["census_2br_rent_moe"] / fmr.where(fmr > 0)
    frame = pd.DataFrame({"area_id": wide["area_id"], "estimate": est, "moe": err, "numerator": rent,
                          "numerator_moe": wide["census_2br_rent_moe"], "denominator": fmr, "note": wide["note"]})
    return result(frame, geo_level=level, period=wide["period"].iloc[0] if len(wide) else "",
                  source_ids="tract_housing_measures")


CHAS_BURDENED = "chas_renters_le50_hamfi_burden30"
CHAS_RENTERS = "chas_renters_le50_hamfi"


def low_income_renter_burden(measures: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Renters with incomes at or below 50% of HUD's area median family income (HAMFI) and those among them
    paying over 30% of income for housing (HUD CHAS 2018–2022), per city tract (2020 lines), with the share
    burdened (proportion MOE formula) and the neighborhoods holding at least 5% of the tract's land; the
    last row sums the tracts (MOE √Σ MOE²)."""
    from indicators.core.frames import share_from_counts

    names = [CHAS_BURDENED, CHAS_RENTERS]
    wide = measure_wide(measures, names, geo_level="tract", source_id="tract_housing_measures")
    total = pd.DataFrame({"area_id": ["All city tracts"], "neighborhoods": [""]})
    for n in names:
        total[n] = wide[n].sum()
        # several tracts with no such households: only the largest of their margins enters the sum
        total[f"{n}_moe"] = moe_math.moe_sum_of(wide[f"{n}_moe"], estimates=wide[n])
    # slivers along a boundary (under 5% of the tract's land) do not make a tract part of a neighborhood
    w = weights[(weights["tract_vintage"] == 2020) & (weights["weight"] >= 0.05)]
    hoods = w.groupby("tract_id")["neighborhood"].agg(lambda s: ", ".join(sorted(s)))
    wide["neighborhoods"] = wide["area_id"].map(hoods).fillna("")
    frame = pd.concat([wide, total], ignore_index=True)
    frame["share"], frame["share_moe"] = share_from_counts(frame[CHAS_BURDENED], frame[CHAS_RENTERS],
                                                           frame[f"{CHAS_BURDENED}_moe"], frame[f"{CHAS_RENTERS}_moe"])
    return frame[["area_id", "neighborhoods", *names, *(f"{n}_moe" for n in names), "share", "share_moe"]]
