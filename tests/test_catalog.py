"""The catalog is the one place an indicator is described: every definition is complete, a broken one is
refused, the catalog and the computations name the same indicators, every source it names is in the snapshot,
and every (indicator, level) it promises can be computed from the committed snapshot.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import tomllib

import numpy as np
import pytest

from indicators.metrics import catalog
from indicators.metrics.catalog import DIRECTIONS, LEVELS, UNITS, CatalogError
from indicators.metrics.compute import REGISTRY, NotAvailable, compute
from indicators.core.frames import RESULT_COLUMNS

TEXT_PARTS = ("title", "meaning", "right", "framing", "formula", "universe")
REQUIRED_PARTS = ("topic", *TEXT_PARTS, "unit", "direction", "sources", "levels")
def _served_pairs():
    """(indicator, level) pairs the embedded default snapshot serves: the catalog says where an indicator can
    exist, the snapshot where it does."""
    from indicators.metrics.compute import available_levels
    from indicators.snapshot.read import open_snapshot

    snap = open_snapshot()
    return [(ind.id, level) for ind in catalog.CATALOG.values() for level in available_levels(snap, ind.id)]


PAIRS = _served_pairs()
#: shown as a percentage but a ratio of two medians, not a part of a whole: twelve months of the median rent can
#: exceed the median income (tracts of students, whose household incomes are low)
SHARES_THAT_MAY_EXCEED_ONE = {"rent_to_income"}


@pytest.fixture(scope="module")
def raw_catalog() -> dict:
    with open(catalog.CATALOG_FILE, "rb") as fh:
        return tomllib.load(fh)


def test_catalog_is_not_empty_and_covers_every_topic():
    assert len(catalog.CATALOG) >= 15
    assert {ind.topic for ind in catalog.CATALOG.values()} == set(catalog.TOPICS)


@pytest.mark.parametrize("indicator_id", sorted(catalog.CATALOG))
def test_every_indicator_has_every_part(indicator_id):
    ind = catalog.get(indicator_id)
    for part in TEXT_PARTS:
        assert getattr(ind, part).strip(), f"{indicator_id} lacks {part}"
    assert ind.topic in catalog.TOPICS
    assert ind.unit in UNITS
    assert ind.direction in DIRECTIONS
    assert ind.sources and all(isinstance(s, str) and s.strip() for s in ind.sources)
    assert isinstance(ind.levels, tuple) and set(ind.levels) <= LEVELS
    if not ind.available:
        assert ind.caveats, f"{indicator_id} is not available: a caveat must say why"


@pytest.mark.parametrize("part", REQUIRED_PARTS)
def test_definition_lacking_a_part_is_refused(raw_catalog, part):
    broken = copy.deepcopy(raw_catalog)
    victim = next(iter(broken["indicator"]))
    del broken["indicator"][victim][part]
    with pytest.raises(CatalogError, match=rf"indicator '{victim}'.*(lacks '{part}'|names no source)"):
        catalog._parse(broken)


@pytest.mark.parametrize("part", TEXT_PARTS)
def test_definition_with_a_blank_part_is_refused(raw_catalog, part):
    broken = copy.deepcopy(raw_catalog)
    victim = next(iter(broken["indicator"]))
    broken["indicator"][victim][part] = "   "
    with pytest.raises(CatalogError, match=rf"lacks '{part}'"):
        catalog._parse(broken)


@pytest.mark.parametrize("part, value, message", [
    ("unit", "furlongs", "unknown unit 'furlongs'"),
    ("direction", "up", "unknown direction 'up'"),
    ("topic", "weather", "unknown topic 'weather'"),
    ("levels", ["tract", "planet"], r"unknown levels \['planet'\]"),
    ("levels", "tract", "lacks 'levels'"),
    ("sources", [], "names no source"),
    ("sources", "acs5_tracts", "'sources' should be a list"),
])
def test_definition_with_a_wrong_value_is_refused(raw_catalog, part, value, message):
    broken = copy.deepcopy(raw_catalog)
    victim = next(iter(broken["indicator"]))
    broken["indicator"][victim][part] = value
    with pytest.raises(CatalogError, match=message):
        catalog._parse(broken)


def test_the_unbroken_catalog_parses_to_the_loaded_one(raw_catalog):
    topics, indicators = catalog._parse(copy.deepcopy(raw_catalog))
    assert topics == catalog.TOPICS and indicators == catalog.CATALOG


def test_every_computation_is_in_the_catalog():
    assert set(REGISTRY) <= set(catalog.CATALOG), set(REGISTRY) - set(catalog.CATALOG)


def test_every_available_indicator_has_a_computation():
    available = {ind.id for ind in catalog.available()}
    assert available <= set(REGISTRY), available - set(REGISTRY)


def test_every_source_a_figure_names_is_in_its_snapshot_and_every_catalog_source_in_some_city():
    """The catalog lists the sources an indicator may come from in any city; a figure names those it came from."""
    from indicators.metrics.compute import available_levels
    from indicators.snapshot.read import SNAPSHOTS_DIR, open_snapshot

    seen = set()
    for folder in sorted(p.parent for p in SNAPSHOTS_DIR.glob("*/manifest.json")):
        snap = open_snapshot(folder)
        seen |= set(snap.sources)
        for ind in catalog.CATALOG.values():
            for level in available_levels(snap, ind.id):
                named = {s.strip() for s in str(compute(snap, ind.id, level)["source_ids"].iloc[0]).split(",")}
                assert named <= set(snap.sources), f"{snap.city} {ind.id} {level}: {named - set(snap.sources)}"
    for ind in catalog.CATALOG.values():
        assert set(ind.sources) <= seen, f"{ind.id}: {set(ind.sources) - seen} in no committed snapshot"


def test_indicators_the_snapshot_cannot_serve_say_so_when_asked(snapshot):
    from indicators.metrics.compute import available_levels

    unserved = [ind for ind in catalog.CATALOG.values() if not available_levels(snapshot, ind.id)]
    # the default city's files have no residence a year ago (B07003) nor year moved in (B25038)
    assert {"same_house_1yr_share", "long_tenure_share"} <= {ind.id for ind in unserved}
    for ind in unserved:
        # the typology says which of its inputs the snapshot lacks; the others that the files have no figure
        reason = "needs inputs this snapshot lacks" if ind.id == "displacement_typology" else \
            "no figure at the tract level in the data at hand"
        with pytest.raises(NotAvailable, match=reason):
            compute(snapshot, ind.id, "tract")


def test_asking_for_a_level_the_catalog_does_not_promise_names_the_levels(snapshot):
    with pytest.raises(NotAvailable, match=r"available for: tract"):
        compute(snapshot, "deprivation_index", "neighborhood")


def test_not_available_reasons_read_in_spanish_with_the_spanish_title(snapshot):
    with pytest.raises(NotAvailable) as caught:
        compute(snapshot, "home_value_change", "neighborhood")
    exc = caught.value
    english, spanish = catalog.get("home_value_change"), catalog.get("home_value_change", "es")
    # what callers have always shown stays the English text
    assert str(exc) == exc.message("en") == f"“{english.title}” is available for: city, county"
    assert exc.message("es") == f"“{spanish.title}” está disponible a nivel de: ciudad, condado"
    assert exc.message("fr") == str(exc), "an unknown language falls back to English"
    # the reason survives a pickle round trip (caches and worker processes)
    assert pickle.loads(pickle.dumps(exc)).message("es") == exc.message("es")


def test_an_indicator_with_no_geography_says_so_in_spanish(snapshot):
    with pytest.raises(NotAvailable) as caught:
        compute(snapshot, "long_tenure_share", "tract")
    reason = caught.value.message("es")
    assert reason.startswith(f"“{catalog.get('long_tenure_share', 'es').title}”")
    assert "no tiene cifra a nivel de sector censal" in reason and "no figure" not in reason


def test_a_snapshot_without_a_table_names_it_in_both_languages(snapshot):
    manifest = copy.deepcopy(snapshot.manifest)
    del manifest["tables"]["evictions_zip"]
    without = dataclasses.replace(snapshot, manifest=manifest)
    with pytest.raises(NotAvailable) as caught:
        compute(without, "eviction_filing_rate", "neighborhood")
    assert str(caught.value).endswith("this snapshot lacks: evictions_zip")
    assert caught.value.message("es").endswith("no están en esta versión de los datos: evictions_zip")


@pytest.mark.parametrize("indicator_id, level", PAIRS)
def test_every_catalog_pair_computes_on_the_snapshot(snapshot, indicator_id, level):
    ind = catalog.get(indicator_id)
    out = compute(snapshot, indicator_id, level)
    assert list(out.columns[: len(RESULT_COLUMNS)]) == RESULT_COLUMNS
    assert len(out) > 0
    assert (out["geo_level"] == level).all()
    assert out["area_id"].notna().all() and not out["area_id"].duplicated().any()
    estimates = out["estimate"].to_numpy(float)
    assert np.isfinite(estimates).any(), "no value at all"
    named = {s.strip() for s in str(out["source_ids"].iloc[0]).split(",")}
    assert named <= set(ind.sources), f"result names sources the catalog does not: {named - set(ind.sources)}"
    finite = estimates[np.isfinite(estimates)]
    if ind.unit == "share" and indicator_id not in SHARES_THAT_MAY_EXCEED_ONE:
        assert ((finite >= 0) & (finite <= 1)).all()
    if ind.unit in ("per_100", "per_1000", "ratio", "dollars", "years", "index"):
        assert (finite >= 0).all()
    moes = out["moe"].to_numpy(float)
    assert (moes[np.isfinite(moes)] >= 0).all()
