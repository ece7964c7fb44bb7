"""Finding an area by name offline: official names, the places residents name (``[neighborhoods.places]``) and
the publishers' spellings (``[neighborhoods.aliases]``), for both cities; and the street map each config names."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.core.config import load_city, load_text
from indicators.core.places import basemap, find_areas, place_names, search_key
from indicators.snapshot.read import open_snapshot

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots"


def names_of(city: str) -> dict[str, str]:
    areas = open_snapshot(SNAPSHOTS / city, verify=False).table("areas_neighborhoods")
    return dict(zip(areas["area_id"], areas["name"]))


@pytest.fixture(scope="module")
def pittsburgh():
    return names_of("pittsburgh"), place_names(load_city("pittsburgh"))


@pytest.fixture(scope="module")
def dc():
    return names_of("dc"), place_names(load_city("dc"))


def test_every_place_name_of_both_cities_stands_for_official_neighborhoods(pittsburgh, dc):
    for names, places in (pittsburgh, dc):
        official = set(names.values())
        assert places and all(set(hoods) <= official for hoods in places.values()), places


@pytest.mark.parametrize("query, found", [
    ("Bloomfield", ["Bloomfield"]),
    ("  bloomfield ", ["Bloomfield"]),
    ("Mount Oliver", ["Mt. Oliver"]),                        # "Mt." and "Mount" alike: the city's neighborhood
    ("Mt Oliver", ["Mt. Oliver"]),
    ("Mount Washington", ["Mount Washington"]),
    ("Downtown", ["Central Business District"]),             # a place name of the config
    ("Oakland", ["North Oakland", "Central Oakland", "South Oakland", "West Oakland"]),
    ("squirrel", ["Squirrel Hill North", "Squirrel Hill South"]),   # the start of a word
    ("Central North Side", ["Central Northside"]),           # a publisher's spelling (aliases)
    ("Hill District", ["Crawford-Roberts", "Bedford Dwellings", "Middle Hill", "Upper Hill", "Terrace Village"]),
    ("Atlantis", []),
    ("a", []),
])
def test_a_pittsburgh_name_finds_its_neighborhoods(pittsburgh, query, found):
    names, places = pittsburgh
    assert [names[a] for a in find_areas(query, names, places)] == found


@pytest.mark.parametrize("query, found", [
    ("Adams Morgan", ["Cluster 1: Kalorama Heights, Adams Morgan, Lanier Heights"]),
    ("petworth", ["Cluster 18: Brightwood Park, Crestwood, Petworth"]),
    ("Mount Pleasant", ["Cluster 2: Columbia Heights, Mt. Pleasant, Pleasant Plains, Park View"]),
    ("The Wharf", ["Cluster 9: Southwest Employment Area, Southwest/Waterfront, Fort McNair, Buzzard Point"]),
    ("Shaw", ["Cluster 3: Howard University, Le Droit Park, Cardozo/Shaw", "Cluster 7: Shaw, Logan Circle"]),
])
def test_a_washington_name_finds_the_clusters_that_hold_it(dc, query, found):
    names, places = dc
    assert [names[a] for a in find_areas(query, names, places)] == found


def test_accents_and_case_do_not_matter():
    assert search_key("Peñalosa  Heights") == search_key("penalosa heights") == "penalosa heights"


def test_tracts_are_found_by_their_number():
    tracts = {"42003160900": "1609", "42003050900": "509"}
    assert find_areas("1609", tracts) == ["42003160900"]


def test_both_cities_name_a_street_map_with_its_credit():
    for city in ("pittsburgh", "dc"):
        tiles = basemap(load_city(city))
        assert tiles.tiles.startswith("https://") and "{z}" in tiles.tiles and "OpenStreetMap" in tiles.attribution


def test_a_city_without_a_map_table_has_no_street_map_and_no_place_names():
    cfg = load_text('[city]\nid = "x"\nname = "X"\nstate_abbr = "PA"\nstate_fips = "42"\ncounty_fips = ["003"]\n'
                    'place_fips = "61000"\n[tracts]\nvintage = 2020\nfile = "t.geojson"\n')
    assert basemap(cfg) is None and place_names(cfg) == {}


def test_a_tile_source_that_is_not_an_xyz_template_is_refused():
    from indicators.core.config import ConfigError

    with pytest.raises(ConfigError, match=r"map\.tiles"):
        load_text('[city]\nid = "x"\nname = "X"\nstate_abbr = "PA"\nstate_fips = "42"\ncounty_fips = ["003"]\n'
                  'place_fips = "61000"\n[tracts]\nvintage = 2020\nfile = "t.geojson"\n'
                  '[map]\ntiles = "http://tiles.example.org/style.json"\n')
