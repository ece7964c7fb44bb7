"""Finding an area by the name people use for it, and the street map a city draws under its areas.

Residents look for "Oakland" or "Downtown", not for the four official neighborhoods called "… Oakland" or for
"Central Business District". A city's config lists those names (``[neighborhoods.places]``, each with the
official neighborhoods it covers) beside the publishers' spellings it already maps (``[neighborhoods.aliases]``);
:func:`find_areas` searches the official names and both lists, offline, accents and case aside.

The street map is a raster tile source named in the config (``[map] tiles``, ``attribution``), so a city can
use the tiles it is allowed to and that its readers can reach.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indicators.core.geography import normalise_name

if TYPE_CHECKING:  # for the hints only: the map code needs places' Basemap, not the configuration's models
    from indicators.core.config import CityConfig

#: the shortest search compared with the starts of words in names (shorter ones must match a name whole)
MIN_PART = 3


@dataclass(frozen=True)
class Basemap:
    """A raster tile source (``{z}/{x}/{y}`` URL template) and the credit its publisher asks for."""

    tiles: str
    attribution: str

    @property
    def host(self) -> str:
        return re.sub(r"^https?://([^/]+)/.*$", r"\1", self.tiles).replace("{s}", "a")


def search_key(text: str) -> str:
    """A name as compared in searches: no accents, case or punctuation (``Mt.`` and ``Mount`` alike)."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return normalise_name(plain)


def place_names(cfg: CityConfig | None) -> dict[str, list[str]]:
    """Names residents or publishers use → the official neighborhood names they stand for, from a city's config
    (``[neighborhoods.places]`` and the non-empty ``[neighborhoods.aliases]``)."""
    section = cfg.model.neighborhoods if cfg is not None else None
    if section is None:
        return {}
    names = {alias: [official] for alias, official in section.aliases.items() if official}
    for place, officials in section.places.items():
        names[place] = list(officials)
    return names


def find_areas(query: str, names: Mapping[str, str], places: Mapping[str, list[str]] | None = None) -> list[str]:
    """The ids of the areas a search names, best first.

    ``names`` maps area id → name as shown; ``places`` maps other names → official area names (as
    :func:`place_names` gives them). An exact name or place name wins; otherwise every area whose name, or a
    place name standing for it, has a word starting with the search (of at least :data:`MIN_PART` letters).

    >>> hoods = {"a": "North Oakland", "b": "Central Oakland", "c": "Bloomfield"}
    >>> find_areas("bloomfield", hoods), find_areas("Oakland", hoods), find_areas("Pitt", hoods, {"Pitt": ["Central Oakland"]})
    (['c'], ['b', 'a'], ['b'])
    >>> find_areas("bloom", hoods), find_areas("oak land", hoods)
    (['c'], [])
    """
    key = search_key(query)
    if not key:
        return []
    by_name = {search_key(name): area for area, name in names.items()}
    by_official = {}
    for area, name in names.items():
        by_official.setdefault(name, area)
        by_official.setdefault(area, area)
    place_keys = {search_key(place): [by_official[o] for o in officials if o in by_official]
                  for place, officials in (places or {}).items()}
    if key in by_name:
        return [by_name[key]]
    if place_keys.get(key):
        return place_keys[key]
    if len(key.replace(" ", "")) < MIN_PART:
        return []
    words = re.compile(rf"(^| ){re.escape(key)}")
    found = [area for name_key, area in by_name.items() if words.search(name_key)]
    for place_key, areas in place_keys.items():
        if words.search(place_key):
            found.extend(areas)
    ordered = list(dict.fromkeys(found))
    return sorted(ordered, key=lambda area: names.get(area, area))


def basemap(cfg: CityConfig | None) -> Basemap | None:
    """The street map under the city's areas (``[map]``), or None where the config names none."""
    section = cfg.model.map if cfg is not None else None
    if section is None or not section.tiles:
        return None
    return Basemap(tiles=section.tiles, attribution=section.attribution or "")
