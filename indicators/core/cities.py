"""Where the cities' configs are and which city is the default, read without loading the configs' schema; and
where the library keeps its cache (HTTP answers, remembered table checks).

The snapshot reader, the tracker store and the pages' city list need only these; the schema
(:mod:`indicators.core.config`, pydantic models) is loaded where a config is read.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CITIES_DIR = PROJECT_ROOT / "data" / "cities"
#: an environment variable naming the library's cache folder
CACHE_ENV = "HRC_CACHE_DIR"


def cache_dir() -> Path:
    """The library's cache folder: ``$HRC_CACHE_DIR``, by default ``~/.cache/hrc-dashboard``."""
    return Path(os.environ.get(CACHE_ENV, Path.home() / ".cache" / "hrc-dashboard"))


def available_cities() -> list[str]:
    return sorted(p.stem for p in CITIES_DIR.glob("*.toml"))


def default_city() -> str:
    """The city whose config says ``default = true`` (else the first in alphabetical order)."""
    for name in available_cities():
        try:
            raw = tomllib.loads((CITIES_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        if raw.get("city", {}).get("default") is True:
            return name
    cities = available_cities()
    return cities[0] if cities else "city"


DEFAULT_CITY = default_city()
