"""Living standards: poverty and material deprivation against the published tract files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators.metrics.compute import NotAvailable, compute, on_map_tracts

TRACT = "42003020100"


def test_tract_poverty_rate_is_the_published_share(snapshot, pittsburgh_raw):
    # tract 201: poverty_share 0.1962 ± 0.0727 (C17002); CV = 0.0727 / 1.645 / 0.1962 × 100 = 22.5 %: use with caution
    tracts = pd.read_csv(pittsburgh_raw / "acs" / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv",
                         dtype={"GEOID": str}).set_index("GEOID")
    row = compute(snapshot, "poverty_rate", "tract").set_index("area_id").loc[TRACT]
    assert (row["estimate"], row["moe"]) == (tracts.loc[TRACT, "poverty_share"], tracts.loc[TRACT, "poverty_share_moe"])
    assert row["cv"] == pytest.approx(0.0727 / 1.645 / 0.1962 * 100)
    assert row["reliability"] == "use with caution"


def test_neighborhood_poverty_rate_weights_tract_shares_by_population(snapshot, pittsburgh_raw):
    """Knoxville: 2020 tract 3001 at weight 0.998903 and a sliver (0.000213) of 562400.
    Rate = Σ w·share·pop / Σ w·pop."""
    tracts = pd.read_csv(pittsburgh_raw / "acs" / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv",
                         dtype={"GEOID": str}).set_index("GEOID")
    w = snapshot.table("weights_tract_neighborhood")
    w = w[(w["tract_vintage"] == 2020) & (w["neighborhood"] == "Knoxville")].set_index("tract_id")["weight"]
    t = tracts.loc[w.index]
    rate = (w * t["poverty_share"] * t["pop"]).sum() / (w * t["pop"]).sum()
    row = compute(snapshot, "poverty_rate", "neighborhood").set_index("area_id").loc["Knoxville"]
    assert row["estimate"] == pytest.approx(rate, rel=1e-12)
    assert not math.isnan(row["moe"])


def test_tract_deprivation_index_is_the_latest_published_release(snapshot, pittsburgh_raw):
    # the 2019–2023 release on 2020 tracts: tract 201 has dep_index 0.24546
    dep = pd.read_csv(pittsburgh_raw / "acs" / "dep_index_acs2019-2023_tracts2020_allegheny.csv",
                      dtype={"census_tract_id_2020": str}).set_index("census_tract_id_2020")
    out = compute(snapshot, "deprivation_index", "tract").set_index("area_id")
    assert out.loc[TRACT, "estimate"] == pytest.approx(dep.loc[TRACT, "dep_index"]) == pytest.approx(0.24546, abs=1e-5)
    assert (out["tract_vintage"] == 2020).all()
    assert out["period"].iloc[0] == "2019–2023"
    assert len(out) == len(dep) == 394
    np.testing.assert_allclose(out["estimate"], dep["dep_index"].reindex(out.index), equal_nan=True)


def test_deprivation_index_is_not_averaged_into_neighborhoods(snapshot):
    with pytest.raises(NotAvailable):
        compute(snapshot, "deprivation_index", "neighborhood")


def test_an_index_moves_to_the_map_tracts_only_where_the_tract_is_unchanged(snapshot):
    """The map has 2010 tract lines; an index has no counts to apportion, so a 2020 value is kept only where a
    2010 tract and a 2020 tract are (at least 95%) the same land."""
    out = on_map_tracts(compute(snapshot, "deprivation_index", "tract"), snapshot, "deprivation_index")
    cw = snapshot.table("crosswalk_tracts_2010_2020")
    same = cw[(cw["weight_2010_to_2020"] >= 0.95) & (cw["weight_2020_to_2010"] >= 0.95)]
    assert set(out["area_id"]) == set(same["tract_2010"])
    assert (out["tract_vintage"] == 2010).all()
    assert 0 < len(out) < 394
