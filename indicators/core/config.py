"""City configuration: everything city-specific, read from ``data/cities/<city>.toml``.

A config is validated against a schema (pydantic) when it is loaded. A missing key, a key the schema does not
know (a typo, or a key no code reads), a value of the wrong type or a malformed file raises
:class:`ConfigError` naming the key (``policing.arrests.fields.race``) and what it expects, so adding a city is a
matter of writing a file and reading the messages.

Every source family is optional: a city has the families whose tables are present and not switched off with
``enabled = false``. Only ``[city]`` and ``[tracts]`` (the Census tracts every figure is placed on) are required.
Who published each source, its licence and how to credit it stand in ``[sources.<source id>]``: provenance is
data, not build code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, StrictInt, ConfigDict, Field, ValidationError, model_validator

from indicators.core.cities import CITIES_DIR, DEFAULT_CITY, PROJECT_ROOT, available_cities, default_city  # noqa: F401

FIPS2 = Annotated[str, Field(pattern=r"^\d{2}$")]
FIPS3 = Annotated[str, Field(pattern=r"^\d{3}$")]
FIPS5 = Annotated[str, Field(pattern=r"^\d{5}$")]
Url = Annotated[str, Field(pattern=r"^https?://")]
TractFormat = Literal["geoid", "tract_number"]


def _census_year(value: int) -> int:
    if value not in (2010, 2020):
        raise ValueError("should be 2010 or 2020 (the census whose tract lines are meant)")
    return value


TractVintage = Annotated[StrictInt, AfterValidator(_census_year)]


class ConfigError(ValueError):
    """A city config that cannot be used; the message names the key."""


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _Family(_Table):
    enabled: bool = True


class City(_Table):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
    name: str
    state: str | None = None
    state_abbr: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    state_fips: FIPS2
    county_fips: list[FIPS3] = Field(min_length=1)
    county_name: str | None = None
    place_fips: FIPS5
    #: the city the dashboard opens on (exactly one config should say so)
    default: bool = False
    #: what the city calls its neighborhoods, singular ("neighborhood", "neighborhood cluster")
    neighborhood_label: str = "neighborhood"


class Source(_Table):
    """Provenance of one source of the snapshot; ``{period}``-style fields are filled by the build."""

    title: str | None = None
    publisher: str | None = None
    licence: str | None = None
    attribution: str | None = None
    url: str | None = None
    vintage: str | None = None
    caveats: list[str] = []


class DeprivationRelease(_Table):
    year: int
    tract_vintage: TractVintage
    file: str


class Acs(_Family):
    #: end year of the newest ACS 5-year release used for tract measures
    year: int
    tract_vintage: TractVintage
    #: Census tables as the Census Bureau publishes them (API answers, data.census.gov CSV, variable-named columns);
    #: every measure is computed from their cells
    table_files: list[str] = []
    #: a table of derived measures (``<m>, <m>_moe`` columns) as some publishers compile them
    measure_file: str | None = None
    city_series_file: str | None = None
    county_series_file: str | None = None
    #: in the derived-measure table: the share of a tract's land inside the city (the publisher's flag)
    city_share_field: str | None = None
    #: saved Census API answers of an older release on 2010 tracts
    api_files: list[str] = []
    api_files_year: int | None = None
    race_file: str | None = None
    race_file_year: int | None = None

    @model_validator(mode="after")
    def _some_tables(self):
        if self.enabled and not (self.table_files or self.measure_file):
            raise ValueError("needs table_files (Census tables) or measure_file (a derived-measure table)")
        if self.api_files and self.api_files_year is None:
            raise ValueError("api_files needs api_files_year")
        if self.race_file and self.race_file_year is None:
            raise ValueError("race_file needs race_file_year")
        return self


class Deprivation(_Family):
    files: list[DeprivationRelease] = Field(min_length=1)


class Tracts(_Table):
    vintage: TractVintage
    tiger_year: int | None = None
    cartographic: bool = True
    file: str | None = None
    geoid_field: str = "GEOID"
    crosswalk_2010_2020_file: str | None = None

    @model_validator(mode="after")
    def _file_or_tiger(self):
        if not (self.file or self.tiger_year):
            raise ValueError("needs file (offline) or tiger_year (live TIGER download)")
        return self


class Profiles(_Table):
    file: str
    name_field: str


class DecennialRace(_Table):
    file: str


class Neighborhoods(_Family):
    url: Url | None = None
    file: str | None = None
    name_field: str
    id_field: str | None = None
    #: a name built from several fields, e.g. "{NAME}: {NBH_NAMES}"
    label_format: str | None = None
    #: areas to leave out, by a property's values (``{ TYPE = ["Additional"] }``)
    drop_where: dict[str, list[str]] = {}
    #: what the city calls them, plural, as shown on the level switch ("Neighborhood Clusters")
    label: str | None = None
    aliases: dict[str, str] = {}
    #: names residents use for places that are not one official neighborhood → the neighborhoods they cover
    #: (searched on the map and the profile; see ``indicators.core.places``)
    places: dict[str, list[str]] = {}
    combined: dict[str, list[str]] = {}
    decennial_race: DecennialRace | None = None
    profiles: Profiles | None = None

    @model_validator(mode="after")
    def _file_or_url(self):
        if self.enabled and not (self.url or self.file):
            raise ValueError("needs one of url, file")
        return self


class AreaLevel(_Table):
    """A further level of areas drawn from tracts (wards, council districts)."""

    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    label: str
    file: str
    name_field: str
    id_field: str | None = None
    label_format: str | None = None
    source: str


class Zips(_Family):
    file: str
    zip_field: str = "ZIP"


class Evictions(_Family):
    #: ``ets``: the Eviction Tracking System's monthly and ZIP files; ``tract_history``: the national tract file
    source: Literal["eviction_lab_ets", "eviction_lab_tracts"]
    site: str | None = None
    monthly_file: str | None = None
    zip_file: str | None = None
    group_file: str | None = None
    zip_window_start: str | None = None
    zip_window_end: str | None = None
    tract_file: str | None = None

    @model_validator(mode="after")
    def _files(self):
        if self.enabled and self.source == "eviction_lab_tracts" and not self.tract_file:
            raise ValueError("source 'eviction_lab_tracts' needs tract_file")
        if self.enabled and self.source == "eviction_lab_ets" and not (self.site or (self.monthly_file and self.zip_file)):
            raise ValueError("source 'eviction_lab_ets' needs site (live) or monthly_file and zip_file")
        return self


class Housing(_Family):
    fmr_history_file: str | None = None
    #: HUD's national FMR workbook, filtered to ``fmr_fips`` (10-digit county code) or ``metro_code``
    fmr_workbook: str | None = None
    fmr_fips: str | None = None
    safmr_file: str | None = None
    safmr_workbook: str | None = None
    safmr_year: int | None = None
    metro_code: str | None = None
    #: keep the Small Area FMRs of ZIP codes starting so (a metro area's workbook rows cover its suburbs too)
    safmr_zip_prefixes: list[str] = []
    place_measures_file: str | None = None
    exclude_column_prefixes: list[str] = []

    @model_validator(mode="after")
    def _years(self):
        if (self.safmr_file or self.safmr_workbook) and self.safmr_year is None:
            raise ValueError("a SAFMR file needs safmr_year")
        if self.safmr_workbook and not self.metro_code:
            raise ValueError("safmr_workbook needs metro_code")
        if self.fmr_workbook and not (self.fmr_fips or self.metro_code):
            raise ValueError("fmr_workbook needs fmr_fips or metro_code")
        return self


class RecordSet(_Table):
    resource_id: str | None = None
    file: str | None = None
    #: the sheet of an Excel workbook
    sheet: str | None = None
    tract_vintage: TractVintage = 2010
    tract_format: TractFormat = "geoid"
    records_from: str | None = None
    neighborhood_year_file: str | None = None
    fields: dict[str, str]
    race_codes: dict[str, str] = {}
    #: values of ``fields.ethnicity`` that make a record Hispanic or Latino whatever its race
    hispanic_values: list[str] = []
    #: the time zone of dates written without one, or to count UTC times in (``America/New_York``)
    timezone: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _where(self):
        if not (self.resource_id or self.file):
            raise ValueError("needs resource_id (live) or file (offline)")
        return self


class Policing(_Family):
    portal: Literal["ckan", "socrata", "files"] = "files"
    base_url: Url | None = None
    arrests: RecordSet | None = None
    firearm_seizures: RecordSet | None = None
    stops: RecordSet | None = None
    #: police service areas, dissolved into districts for the stops
    service_areas_file: str | None = None
    district_field: str | None = None
    #: how a service area's district code reads in the stop records (``"{}D"`` makes 7 into 7D)
    district_format: str = "{}"

    @model_validator(mode="after")
    def _arrest_fields(self):
        if self.portal != "files" and not self.base_url:
            raise ValueError(f"portal '{self.portal}' needs base_url")
        if self.arrests is not None:
            fields = self.arrests.fields
            placed = "tract" in fields or ("latitude" in fields and "longitude" in fields)
            for key in ("date", "race"):
                if key not in fields:
                    raise ValueError(f"missing key 'arrests.fields.{key}'")
            if not placed:
                raise ValueError("arrests.fields needs 'tract', or 'latitude' and 'longitude'")
            if not self.arrests.race_codes:
                raise ValueError("arrests needs race_codes")
        return self


class Upr(_Family):
    file: str


class MapSettings(_Table):
    """The street map drawn under the areas: a raster tile source (an XYZ URL template with ``{z}/{x}/{y}``)
    the city may use, and the credit its publisher asks for."""

    tiles: Annotated[str, Field(pattern=r"^https://.*\{z\}.*\{x\}.*\{y\}")] | None = None
    attribution: str | None = None


class CitySchema(_Table):
    city: City
    tracts: Tracts
    acs: Acs | None = None
    deprivation: Deprivation | None = None
    neighborhoods: Neighborhoods | None = None
    areas: list[AreaLevel] = []
    zips: Zips | None = None
    evictions: Evictions | None = None
    housing: Housing | None = None
    policing: Policing | None = None
    upr: Upr | None = None
    map: MapSettings | None = None
    sources: dict[str, Source] = {}


#: the source families a city may have, in build order; each is optional
FAMILIES = ("boundaries", "acs", "deprivation", "neighborhood_profiles", "evictions", "housing", "policing", "upr")


def _lookup(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(dotted)
        node = node[part]
    return node


@dataclass(frozen=True)
class CityConfig:
    """A validated city config. ``raw`` is the parsed TOML; ``model`` the same, typed; the properties name the
    common keys."""

    raw: dict
    model: CitySchema
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

    def has(self, family: str) -> bool:
        """Whether the city has a source family (its table is present and not switched off)."""
        section = getattr(self.model, family, None)
        return section is not None and getattr(section, "enabled", True)

    @property
    def id(self) -> str:
        return self.model.city.id

    @property
    def name(self) -> str:
        return self.model.city.name

    @property
    def state_fips(self) -> str:
        return self.model.city.state_fips

    @property
    def county_fips(self) -> list[str]:
        return list(self.model.city.county_fips)

    @property
    def place_geoid(self) -> str:
        return self.state_fips + self.model.city.place_fips

    @property
    def county_geoids(self) -> list[str]:
        return [self.state_fips + c for c in self.county_fips]


#: pydantic's error types → the TOML type a key should have
_TYPES = {"int_type": "int", "int_parsing": "int", "int_from_float": "int", "string_type": "str", "list_type": "list",
          "bool_type": "bool", "dict_type": "table", "model_type": "table", "float_type": "float"}


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
    kind, msg = error["type"], error["msg"]
    if kind == "missing":
        return f"missing key '{where}'"
    if kind == "extra_forbidden":
        return f"unknown key '{where}' (no part of the dashboard reads it: a typo, or a key of another version?)"
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
        named = re.match(r"^missing key '(.+)'$", msg)
        return f"missing key '{where}.{named.group(1)}'" if named else f"key '{where}' {msg}"
    value = error.get("input")
    if kind in _TYPES:
        return f"key '{where}' should be {_TYPES[kind]}, got {type(value).__name__}"
    return f"key '{where}' has an invalid value {value!r}: {msg}"


def validate(raw: dict, source: str = "config") -> CityConfig:
    """Check a parsed config; raise :class:`ConfigError` naming every bad key (the first five)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: a city config is a TOML table")
    try:
        model = CitySchema.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors()]
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ConfigError(f"{source}: " + "; ".join(problems[:5]) + more) from None
    return CityConfig(raw=raw, model=model)


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


def load_city(city: str | Path | None = None) -> CityConfig:
    """Load ``data/cities/<city>.toml`` (or a path to a TOML file; the default city when None) and validate it."""
    if city is None:
        city = default_city()
    path = Path(city)
    if path.suffix != ".toml":
        path = CITIES_DIR / f"{city}.toml"
    if not path.exists():
        known = ", ".join(available_cities()) or "none"
        raise ConfigError(f"no city config '{city}' (known cities: {known})")
    cfg = load_text(path.read_text(encoding="utf-8"), source=path.name)
    return CityConfig(raw=cfg.raw, model=cfg.model, path=path)
