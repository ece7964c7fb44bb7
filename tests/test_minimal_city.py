"""A city is data: a config and a folder holding only one Census table and a tract GeoJSON build a snapshot,
and what the city lacks is said, never a crash. (The pages on it: tests/pages/test_other_cities.py and the
browser test beside it.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.build.run import build_snapshot
from indicators.cli.main import record_availability
from indicators.core.config import load_city
from indicators.metrics import compute
from indicators.snapshot.read import open_snapshot

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal_city"


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    out = tmp_path_factory.mktemp("snapshots") / "testville"
    build_snapshot(load_city(MINIMAL / "testville.toml"), from_dir=MINIMAL, out=out, progress=lambda _m: None)
    record_availability(out)
    return open_snapshot(out)


def test_a_minimal_city_builds_from_a_census_table_and_tract_polygons(minimal):
    assert set(minimal.manifest["tables"]) == {"areas_tracts", "measures"}
    assert minimal.levels == ["tract"]
    assert minimal.city_name == "Testville"
    assert {s["id"] for s in minimal.manifest["sources"]} == {"tract_boundaries", "acs5_tracts",
                                                             "acs5_city_from_tracts"}


def test_its_figures_are_the_cells_of_the_table(minimal):
    # tract 11001000300: 2,410 occupied units, 1,110 rented; moved in 2000–2009, 1990–1999, 1989 or earlier:
    # 338 + 371 + 178; median gross rent 2,070 dollars (dp04_tracts.csv)
    renters = compute.compute(minimal, "renter_share", "tract").set_index("area_id")
    assert renters.loc["11001000300", "estimate"] == pytest.approx(1110 / 2410)
    tenure = compute.compute(minimal, "long_tenure_share", "tract").set_index("area_id")
    assert tenure.loc["11001000300", "estimate"] == pytest.approx((338 + 371 + 178) / 2410)
    m = minimal.table("measures")
    rent = m[(m["measure"] == "med_gross_rent") & (m["area_id"] == "11001000300")]["estimate"]
    assert rent.tolist() == [2070.0]
    assert m["moe"].isna().all()


def test_every_absent_family_is_named_with_its_reason(minimal):
    families = {gap.get("family") for gap in minimal.missing}
    assert {"neighborhoods", "deprivation", "evictions", "housing", "policing", "upr"} <= families
    assert all(gap["why"].strip() for gap in minimal.missing)


def test_what_it_cannot_serve_says_why_in_both_languages(minimal):
    assert compute.available_levels(minimal, "renter_share") == ("tract", "city")
    assert compute.available_levels(minimal, "eviction_filing_rate") == ()
    with pytest.raises(compute.NotAvailable) as caught:
        compute.compute(minimal, "eviction_filing_rate", "tract")
    assert "needs tables this snapshot lacks" in str(caught.value)
    assert "necesita" in caught.value.message("es")
    with pytest.raises(compute.NotAvailable):
        compute.compute(minimal, "renter_share", "neighborhood")


def test_a_city_with_small_area_fair_market_rents_but_no_fmr_history_builds(tmp_path):
    """HUD's SAFMR workbook alone (no FMR history file): the housing step records it and says what it lacks."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(MINIMAL, raw)
    recorded = Path(__file__).resolve().parent / "sources" / "recorded" / "dc" / "fy2020_safmrs_rev_extract.xlsx"
    (raw / "housing").mkdir()
    shutil.copy(recorded, raw / "housing" / "safmrs.xlsx")
    config = (raw / "testville.toml").read_text(encoding="utf-8") + (
        '\n[housing]\nsafmr_workbook = "housing/safmrs.xlsx"\nsafmr_year = 2020\nmetro_code = "METRO47900M47900"\n'
        'safmr_zip_prefixes = ["200"]\n')
    (raw / "testville.toml").write_text(config, encoding="utf-8")
    out = tmp_path / "snapshots" / "testville"
    build_snapshot(load_city(raw / "testville.toml"), from_dir=raw, out=out, progress=lambda _m: None)
    snap = open_snapshot(out)
    rents = snap.table("fair_market_rents")
    assert set(rents["geo_level"]) == {"zip"} and rents["area_id"].str.startswith("200").all()
    assert snap.sources["hud_fmr"]["vintage"] == "SAFMR FY2020"
