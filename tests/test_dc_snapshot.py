"""Washington DC, the second city: the committed snapshot is what its config builds from the DC files, and its
figures equal the Census data-profile cells of those files, tract by tract.

The DC files publish estimates only, so every ACS figure has no margin of error, and the snapshot says so once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators.metrics import compute
from indicators.snapshot.read import open_snapshot

from tests.conftest import SHARED_DATA

DC_RAW = SHARED_DATA / "dc"


@pytest.fixture(scope="module")
def dc():
    return open_snapshot("dc")


@pytest.fixture(scope="module")
def profiles():
    """The four DC data-profile files, one row per tract, every DP cell as a number."""
    if not DC_RAW.is_dir():
        pytest.skip("the real data folder shared/data/dc beside the repository is not here")
    frames = [pd.read_csv(DC_RAW / "acs" / f"ACS_{part}_Characteristics_DC_Census_Tract.csv", encoding="utf-8-sig",
                          dtype={"GEOID": str}).set_index("GEOID")
              for part in ("Social", "Economic", "Housing", "Demographic")]
    cells = pd.concat([f[[c for c in f.columns if c.startswith("DP")]] for f in frames], axis=1)
    return cells.apply(pd.to_numeric, errors="coerce")


def tract_values(snapshot, indicator_id: str) -> pd.Series:
    out = compute.compute(snapshot, indicator_id, "tract")
    return out.set_index("area_id")["estimate"]


@pytest.mark.parametrize("indicator_id, numerator, denominator", [
    ("renter_share", "DP04_0047E", "DP04_0045E"),
    ("owner_share", "DP04_0046E", "DP04_0045E"),
    ("same_house_1yr_share", "DP02_0080E", "DP02_0079E"),
    ("rent_burden_share", ["DP04_0141E", "DP04_0142E"], "DP04_0136E"),
])
def test_dc_tract_shares_equal_the_data_profile_cells(dc, profiles, indicator_id, numerator, denominator):
    cells = profiles[numerator].sum(axis=1, min_count=1) if isinstance(numerator, list) else profiles[numerator]
    expected = (cells / profiles[denominator].where(profiles[denominator] > 0)).dropna()
    got = tract_values(dc, indicator_id)
    assert len(expected) >= 170
    assert got.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)


@pytest.mark.parametrize("measure, cell", [("med_gross_rent", "DP04_0134E"), ("med_hh_income", "DP03_0062E")])
def test_dc_tract_medians_are_the_published_cells(dc, profiles, measure, cell):
    m = dc.table("measures")
    got = m[(m["geo_level"] == "tract") & (m["measure"] == measure)].set_index("area_id")["estimate"]
    expected = profiles[cell]
    assert expected.isna().sum() >= 3  # blank cells: not published for a few tracts
    assert got.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy(), nan_ok=True)


@pytest.mark.parametrize("measure, cell", [("white_nh_share", "DP05_0077E"), ("black_nh_share", "DP05_0078E"),
                                           ("asian_nh_share", "DP05_0080E"), ("hispanic_share", "DP05_0071E")])
def test_dc_race_shares_equal_the_data_profile_cells(dc, profiles, measure, cell):
    m = dc.table("measures")
    got = m[(m["geo_level"] == "tract") & (m["measure"] == measure)].set_index("area_id")["estimate"]
    expected = (profiles[cell] / profiles["DP05_0070E"].where(profiles["DP05_0070E"] > 0)).dropna()
    assert got.reindex(expected.index).to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-12)


def test_dc_figures_carry_no_margin_of_error_and_the_source_says_so_once(dc):
    m = dc.table("measures")
    assert m.loc[m["source_id"] == "acs5_tracts", "moe"].isna().all()
    caveats = dc.sources["acs5_tracts"]["caveats"]
    assert sum("no margin of error" in c for c in caveats) == 1


def test_dc_city_figures_are_the_sums_of_its_tracts(dc, profiles):
    city = compute.city_value(dc, "renter_share")
    assert city is not None
    assert city["estimate"] == pytest.approx(profiles["DP04_0047E"].sum() / profiles["DP04_0045E"].sum())
    assert "sum of the city's tracts" in str(city["note"])


def test_dc_has_its_clusters_named_by_their_neighborhoods_and_wards_as_a_second_level(dc):
    assert dc.levels[:2] == ["neighborhood", "ward"] and "tract" in dc.levels
    assert dc.level_label("neighborhood") == "Neighborhood Clusters" and dc.level_label("ward") == "Wards"
    names = dc.table("areas_neighborhoods")["area_id"]
    assert len(names) == 46
    assert "Cluster 6: Dupont Circle, Connecticut Avenue/K Street" in set(names)
    wards = compute.compute(dc, "renter_share", "ward")
    assert sorted(wards["area_id"]) == [f"Ward {n}" for n in range(1, 9)]
    assert wards["estimate"].between(0, 1).all()


def test_dc_district_figures_stay_by_district(dc):
    stops = dc.table("stops")
    assert set(stops["geo_level"]) == {"district"}
    assert sorted(stops["area_id"].unique()) == [f"{n}D" for n in range(1, 8)]
    with pytest.raises(compute.NotAvailable):
        compute.compute(dc, "renter_share", "district")


def test_dc_eviction_filings_come_from_the_tract_history(dc):
    rates = compute.compute(dc, "eviction_filing_rate", "tract")
    assert rates["period"].iloc[0] == "2016"
    hoods = compute.compute(dc, "eviction_filing_rate", "neighborhood")
    assert len(hoods) == 46 and np.isfinite(hoods["estimate"]).sum() >= 40


def test_dc_says_what_it_lacks(dc):
    families = {gap.get("family") for gap in dc.missing}
    assert {"deprivation", "neighborhood_profiles"} <= families
    assert compute.available_levels(dc, "eviction_vs_baseline") == ()
    assert "police use of force" in {gap["what"] for gap in dc.missing}


def test_committed_snapshots_stay_small():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "data" / "snapshots"
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert total <= 10 * 2**20, f"{total / 2**20:.1f} MB"


def test_dc_rent_burden_divides_by_the_renters_whose_burden_is_computed(dc, profiles):
    """DP04: renters paying 30–34.9% (0141) and 35% or more (0142) over the renter households whose gross rent as a
    share of income is computed (0136), not over those plus the "not computed" ones (0143).

    11001001401: (109 + 170) / 614 = 45.44% (before: / (614 + 11) = 44.64%)
    11001009505: (20 + 177) / 299 = 65.89% (before: / (299 + 75) = 52.67%)
    11001001901: (52 + 108) / 341 = 46.92% (before: / (341 + 50) = 40.92%)
    """
    out = compute.compute(dc, "rent_burden_share", "tract").set_index("area_id")["estimate"]
    assert out["11001001401"] == pytest.approx(279 / 614) == pytest.approx(0.4544, abs=1e-4)
    assert out["11001009505"] == pytest.approx(197 / 299) == pytest.approx(0.6589, abs=1e-4)
    assert out["11001001901"] == pytest.approx(160 / 341) == pytest.approx(0.4692, abs=1e-4)
    for tract, cells in (("11001001401", (109, 170, 614, 11)), ("11001009505", (20, 177, 299, 75)),
                         ("11001001901", (52, 108, 341, 50))):
        assert tuple(profiles.loc[tract, ["DP04_0141E", "DP04_0142E", "DP04_0136E", "DP04_0143E"]]) == cells
        before = (cells[0] + cells[1]) / (cells[2] + cells[3])
        assert out[tract] - before == pytest.approx((cells[0] + cells[1]) / cells[2] - before)
        assert out[tract] > before
