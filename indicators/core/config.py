"""City configuration: everything city-specific, read from ``data/cities/<city>.toml``.

A config is validated when it is loaded; a missing key, a value of the wrong type or a malformed
file raises :class:`ConfigError` naming the key (``policing.arrests.fields.race``), so adding a
city is a matter of writing a file and reading the messages.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CITIES_DIR = PROJECT_ROOT / "data" / "cities"
DEFAULT_CITY = "pittsburgh"


class ConfigError(ValueError):
    """A city config that cannot be used; the message names the key."""


_FIPS2 = re.compile(r"^\d{2}$")
_FIPS3 = re.compile(r"^\d{3}$")
_FIPS5 = re.compile(r"^\d{5}$")

# key path -> (type, required, pattern or None)
REQUIRED: dict[str, tuple[type | tuple[type, ...], re.Pattern | None]] = {
    "city.id": (str, re.compile(r"^[a-z0-9_-]+$")),
    "city.name": (str, None),
    "city.state_abbr": (str, re.compile(r"^[A-Z]{2}$")),
    "city.state_fips": (str, _FIPS2),
    "city.county_fips": (list, None),
    "city.place_fips": (str, _FIPS5),
    "acs.year": (int, None),
    "acs.tract_vintage": (int, None),
    "tracts.vintage": (int, None),
    "tracts.geoid_field": (str, None),
    "neighborhoods.name_field": (str, None),
    "policing.portal": (str, re.compile(r"^(ckan|socrata)$")),
    "policing.base_url": (str, re.compile(r"^https?://")),
    "policing.arrests.fields.date": (str, None),
    "policing.arrests.fields.race": (str, None),
    "policing.arrests.fields.age": (str, None),
    "policing.arrests.fields.sex": (str, None),
    "policing.arrests.fields.tract": (str, None),
    "policing.arrests.fields.neighborhood": (str, None),
    "policing.arrests.race_codes": (dict, None),
    "evictions.source": (str, None),
}
# at least one of these must be present for each source: a live location or a file
ONE_OF: dict[str, tuple[str, ...]] = {
    "neighborhoods": ("url", "file"),
    "tracts": ("tiger_year", "file"),
    "policing.arrests": ("resource_id", "file"),
}


def _lookup(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


@dataclass(frozen=True)
class CityConfig:
    """A validated city config. ``raw`` is the parsed TOML; the properties name the common keys."""

    raw: dict
    path: Path | None = None

    def get(self, dotted: str, default: Any = None) -> Any:
        try:
            return _lookup(self.raw, dotted)
        except KeyError:
            return default

    def __getitem__(self, dotted: str) -> Any:
        try:
            return _lookup(self.raw, dotted)
        except KeyError:
            raise ConfigError(f"{self.id}: missing key '{dotted}'") from None

    @property
    def id(self) -> str:
        return self.raw["city"]["id"]

    @property
    def name(self) -> str:
        return self.raw["city"]["name"]

    @property
    def state_fips(self) -> str:
        return self.raw["city"]["state_fips"]

    @property
    def county_fips(self) -> list[str]:
        return list(self.raw["city"]["county_fips"])

    @property
    def place_geoid(self) -> str:
        return self.state_fips + self.raw["city"]["place_fips"]

    @property
    def county_geoids(self) -> list[str]:
        return [self.state_fips + c for c in self.county_fips]


def validate(raw: dict, source: str = "config") -> CityConfig:
    """Check a parsed config; raise :class:`ConfigError` naming the first bad key."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a city config is a TOML table")
    for key, (kind, pattern) in REQUIRED.items():
        try:
            value = _lookup(raw, key)
        except KeyError:
            raise ConfigError(f"{source}: missing key '{key}'") from None
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ConfigError(
                f"{source}: key '{key}' should be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")
        if pattern is not None and not pattern.match(str(value)):
            raise ConfigError(f"{source}: key '{key}' has an invalid value {value!r}")
    for fips in raw["city"]["county_fips"]:
        if not isinstance(fips, str) or not _FIPS3.match(fips):
            raise ConfigError(f"{source}: key 'city.county_fips' holds an invalid county code {fips!r}")
    for section, keys in ONE_OF.items():
        try:
            table = _lookup(raw, section)
        except KeyError:
            raise ConfigError(f"{source}: missing key '{section}'") from None
        if not any(k in table for k in keys):
            raise ConfigError(f"{source}: key '{section}' needs one of {', '.join(keys)}")
    for code, group in raw["policing"]["arrests"]["race_codes"].items():
        if not isinstance(group, str):
            raise ConfigError(f"{source}: key 'policing.arrests.race_codes.{code}' should be str")
    return CityConfig(raw=raw)


def load_text(text: str, source: str = "config") -> CityConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # the parser names a position, not a key: quote the offending line, which starts with its key
        position = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines()
        quoted = ""
        if position and 0 < int(position.group(1)) <= len(lines):
            quoted = f": {lines[int(position.group(1)) - 1].strip()!r}"
        raise ConfigError(f"{source}: not valid TOML ({exc}){quoted}") from None
    return validate(raw, source)


def load_city(city: str | Path = DEFAULT_CITY) -> CityConfig:
    """Load ``data/cities/<city>.toml`` (or a path to a TOML file) and validate it."""
    path = Path(city)
    if path.suffix != ".toml":
        path = CITIES_DIR / f"{city}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in CITIES_DIR.glob("*.toml"))) or "none"
        raise ConfigError(f"no city config '{city}' (known cities: {known})")
    cfg = load_text(path.read_text(encoding="utf-8"), source=path.name)
    return CityConfig(raw=cfg.raw, path=path)


def available_cities() -> list[str]:
    return sorted(p.stem for p in CITIES_DIR.glob("*.toml"))
