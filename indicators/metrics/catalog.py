"""The indicator catalog: every indicator's definition, read from ``catalog.toml`` beside this module.

Each :class:`Indicator` carries what a resident, a council member and a methodologist need: a plain title and
meaning, the right it serves, why it matters more than a growth figure, the formula, universe, unit,
direction, sources, the geographies it exists for, and caveats.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from indicators.core.i18n import LOCALE_DIR, SOURCE_LANGUAGE, N_, normalise

CATALOG_FILE = Path(__file__).with_name("catalog.toml")

UNITS = {"flag", "category", "share", "per_100", "per_1000", "ratio", "dollars", "years", "index", "percent_change"}
DIRECTIONS = {"higher_is_worse", "higher_is_better", "context"}
LEVELS = {"tract", "neighborhood", "city", "county", "zip"}
#: how an indicator's figures carry uncertainty: survey estimates (tested for significance where margins of error
#: are published), complete counts and records (no sampling error), or estimates published without margins
UNCERTAINTIES = {"sampling", "counts", "unpublished"}
#: the UPR themes (primary theme of the OHCHR list) that speak to each topic; the English names are the tracker's
#: keys, translated where shown
HOUSING, LIVING, RACISM = N_("Right to adequate housing"), N_("Right to an adequate standard of living"), N_(
    "Racial discrimination")
POVERTY, JUSTICE, EQUALITY = N_("Human rights & poverty"), N_("Administration of justice & fair trial"), N_(
    "Equality & non-discrimination")
LIFE, HEALTH = N_("Right to life"), N_("Right to health")
UPR_THEMES_BY_TOPIC = {
    "stability": (HOUSING, LIVING, RACISM),
    "housing": (HOUSING, LIVING, POVERTY),
    "evictions": (HOUSING, LIVING),
    "policing": (JUSTICE, RACISM, EQUALITY, LIFE),
    "living": (POVERTY, LIVING, HEALTH),
    "growth": (HOUSING, POVERTY),
}

TRANSLATED_TEXT = ("title", "meaning", "right", "framing", "formula", "universe", "caveats")
REQUIRED_TEXT = ("topic", "title", "meaning", "right", "framing", "formula", "universe", "unit", "direction")


class CatalogError(ValueError):
    """An indicator definition that lacks a required part."""


@dataclass(frozen=True)
class Indicator:
    id: str
    topic: str
    title: str
    meaning: str
    right: str
    framing: str
    formula: str
    universe: str
    unit: str
    direction: str
    levels: tuple[str, ...]
    sources: tuple[str, ...]
    caveats: tuple[str, ...] = field(default_factory=tuple)
    uncertainty: str = "sampling"

    @property
    def available(self) -> bool:
        """False for indicators the loaders support but the current snapshot cannot serve."""
        return bool(self.levels)

    @property
    def higher_is_worse(self) -> bool:
        return self.direction == "higher_is_worse"


def _parse(raw: dict) -> tuple[dict[str, str], dict[str, Indicator]]:
    topics = dict(raw.get("topics", {}))
    indicators = {}
    for ind_id, spec in raw.get("indicator", {}).items():
        for key in REQUIRED_TEXT:
            if not str(spec.get(key, "")).strip():
                raise CatalogError(f"indicator '{ind_id}' lacks '{key}'")
        if not spec.get("sources"):
            raise CatalogError(f"indicator '{ind_id}' names no source")
        if not isinstance(spec["sources"], list):
            raise CatalogError(f"indicator '{ind_id}': 'sources' should be a list of source ids")
        # an empty list says the snapshot cannot serve it; a missing one is a forgotten part of the definition
        if not isinstance(spec.get("levels"), list):
            raise CatalogError(f"indicator '{ind_id}' lacks 'levels' (a list, empty when not available)")
        if spec["unit"] not in UNITS:
            raise CatalogError(f"indicator '{ind_id}': unknown unit '{spec['unit']}'")
        if spec["direction"] not in DIRECTIONS:
            raise CatalogError(f"indicator '{ind_id}': unknown direction '{spec['direction']}'")
        if spec.get("uncertainty", "sampling") not in UNCERTAINTIES:
            raise CatalogError(f"indicator '{ind_id}': unknown uncertainty '{spec['uncertainty']}'")
        if spec["topic"] not in topics:
            raise CatalogError(f"indicator '{ind_id}': unknown topic '{spec['topic']}'")
        bad_levels = set(spec["levels"]) - LEVELS
        if bad_levels:
            raise CatalogError(f"indicator '{ind_id}': unknown levels {sorted(bad_levels)}")
        indicators[ind_id] = Indicator(
            id=ind_id, topic=spec["topic"], title=spec["title"], meaning=spec["meaning"], right=spec["right"],
            framing=spec["framing"], formula=spec["formula"], universe=spec["universe"], unit=spec["unit"],
            direction=spec["direction"], levels=tuple(spec["levels"]), sources=tuple(spec["sources"]),
            caveats=tuple(spec.get("caveats", [])), uncertainty=spec.get("uncertainty", "sampling"))
    return topics, indicators


def load_catalog(path: Path = CATALOG_FILE) -> tuple[dict[str, str], dict[str, Indicator]]:
    with open(path, "rb") as fh:
        return _parse(tomllib.load(fh))


TOPICS, CATALOG = load_catalog()


@lru_cache(maxsize=None)
def translations(lang: str) -> tuple[dict[str, str], dict[str, dict]]:
    """The catalog's text in ``lang`` (``locale/<lang>/catalog.toml``): topic questions and, per indicator, the
    translated fields. Empty for the source language."""
    path = LOCALE_DIR / lang / "catalog.toml"
    if lang == SOURCE_LANGUAGE or not path.exists():
        return {}, {}
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    return dict(raw.get("topics", {})), dict(raw.get("indicator", {}))


def localized(ind: Indicator, lang: str | None) -> Indicator:
    """The indicator with its text in ``lang``; any field without a translation stays in English."""
    lang = normalise(lang)
    if lang == SOURCE_LANGUAGE:
        return ind
    spec = translations(lang)[1].get(ind.id, {})
    changes = {key: (tuple(spec[key]) if key == "caveats" else spec[key])
               for key in TRANSLATED_TEXT if spec.get(key)}
    if "caveats" in changes and len(changes["caveats"]) != len(ind.caveats):
        del changes["caveats"]  # a partial list would drop a caveat: keep the English ones whole
    return replace(ind, **changes) if changes else ind


def topics(lang: str | None = SOURCE_LANGUAGE) -> dict[str, str]:
    """Topic id → the question it answers, in ``lang``."""
    translated = translations(normalise(lang))[0]
    return {key: translated.get(key, question) for key, question in TOPICS.items()}


def get(indicator_id: str, lang: str | None = SOURCE_LANGUAGE) -> Indicator:
    try:
        ind = CATALOG[indicator_id]
    except KeyError:
        raise KeyError(f"no indicator '{indicator_id}' in the catalog") from None
    return localized(ind, lang)


def available(level: str | None = None, lang: str | None = SOURCE_LANGUAGE) -> list[Indicator]:
    """Indicators the snapshot can serve, optionally only those that exist at ``level``."""
    return [localized(i, lang) for i in CATALOG.values() if i.available and (level is None or level in i.levels)]
