"""City config: the Pittsburgh file loads, and every kind of broken file is refused with the key named.

Broken configs are made by editing one line of the real ``data/cities/pittsburgh.toml`` in a temporary folder,
so the tests follow the real file as it changes (an edit that no longer applies fails loudly).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indicators.core.config import CITIES_DIR, ConfigError, available_cities, load_city, load_text

PITTSBURGH_TOML = CITIES_DIR / "pittsburgh.toml"


def edited_config(tmp_path: Path, line_pattern: str, replacement: str) -> Path:
    """A copy of the Pittsburgh config with the one line matching ``line_pattern`` replaced (or removed)."""
    text = PITTSBURGH_TOML.read_text(encoding="utf-8")
    pattern = re.compile(line_pattern + r"\n", re.MULTILINE)
    assert len(pattern.findall(text)) == 1, f"the real config no longer has exactly one line like {line_pattern!r}"
    path = tmp_path / "testcity.toml"
    path.write_text(pattern.sub(lambda _: replacement + ("\n" if replacement else ""), text), encoding="utf-8")
    return path


def test_pittsburgh_config_loads_with_its_census_codes():
    cfg = load_city("pittsburgh")
    assert cfg.id == "pittsburgh"
    assert cfg.name == "Pittsburgh"
    # Pennsylvania is state 42, Allegheny County 003, the City of Pittsburgh place 61000
    assert cfg.place_geoid == "4261000"
    assert cfg.county_geoids == ["42003"]
    assert cfg["policing.arrests.fields.race"] == "RACE"
    assert cfg.get("no.such.key", "fallback") == "fallback"
    assert cfg.path == PITTSBURGH_TOML
    assert "pittsburgh" in available_cities()


def test_config_loads_from_a_path_to_an_unchanged_copy(tmp_path):
    copy = tmp_path / "copy.toml"
    copy.write_text(PITTSBURGH_TOML.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_city(copy).raw == load_city("pittsburgh").raw


def test_unknown_city_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"no city config 'atlantis'.*pittsburgh"):
        load_city("atlantis")


def test_asking_for_a_missing_key_names_it():
    with pytest.raises(ConfigError, match=r"missing key 'acs\.no_such_file'"):
        load_city("pittsburgh")["acs.no_such_file"]


def test_malformed_toml_names_the_file_and_quotes_the_line_with_its_key(tmp_path):
    path = edited_config(tmp_path, r'^name = "Pittsburgh"$', 'name = "Pittsburgh')  # unterminated string
    with pytest.raises(ConfigError) as err:
        load_city(path)
    message = str(err.value)
    line = PITTSBURGH_TOML.read_text(encoding="utf-8").splitlines().index('name = "Pittsburgh"') + 1
    assert message.startswith("testcity.toml: not valid TOML")
    assert f"line {line}," in message
    assert "'name = \"Pittsburgh'" in message


def test_unclosed_table_header_is_refused_with_its_line(tmp_path):
    path = edited_config(tmp_path, r"^\[acs\]$", "[acs")
    with pytest.raises(ConfigError, match=r"not valid TOML .*: '\[acs'"):
        load_city(path)


@pytest.mark.parametrize("line_pattern, key", [
    (r'^place_fips = "61000".*$', "city.place_fips"),
    (r"^year = 2024$", "acs.year"),
    (r'^race = "RACE"$', "policing.arrests.fields.race"),
    (r'^source = "eviction_lab_ets"$', "evictions.source"),
    (r'^name_field = "hood"$', "neighborhoods.name_field"),
])
def test_missing_key_is_named(tmp_path, line_pattern, key):
    path = edited_config(tmp_path, line_pattern, "")
    with pytest.raises(ConfigError, match=rf"testcity\.toml: missing key '{re.escape(key)}'"):
        load_city(path)


@pytest.mark.parametrize("line_pattern, replacement, message", [
    (r"^year = 2024$", 'year = "2024"', r"key 'acs\.year' should be int, got str"),
    (r"^year = 2024$", "year = true", r"key 'acs\.year' should be int, got bool"),
    (r'^state_fips = "42"$', "state_fips = 42", r"key 'city\.state_fips' should be str, got int"),
    (r'^county_fips = \["003"\]$', 'county_fips = "003"', r"key 'city\.county_fips' should be list, got str"),
    (r"^vintage = 2010$", "vintage = 2010.0", r"key 'tracts\.vintage' should be int, got float"),
    (r'^B = "black"$', "B = 1", r"key 'policing\.arrests\.race_codes\.B' should be str, got int"),
])
def test_wrong_type_is_named(tmp_path, line_pattern, replacement, message):
    path = edited_config(tmp_path, line_pattern, replacement)
    with pytest.raises(ConfigError, match=message):
        load_city(path)


@pytest.mark.parametrize("line_pattern, replacement, key", [
    (r'^state_fips = "42"$', 'state_fips = "4"', "city.state_fips"),
    (r'^state_fips = "42"$', 'state_fips = "PA"', "city.state_fips"),
    (r'^place_fips = "61000".*$', 'place_fips = "6100"', "city.place_fips"),
    (r'^county_fips = \["003"\]$', 'county_fips = ["3"]', "city.county_fips"),
    (r'^county_fips = \["003"\]$', 'county_fips = ["003", "0033"]', "city.county_fips"),
    (r'^state_abbr = "PA"$', 'state_abbr = "Pa"', "city.state_abbr"),
    (r'^portal = "ckan"$', 'portal = "arcgis"', "policing.portal"),
])
def test_bad_code_is_named(tmp_path, line_pattern, replacement, key):
    path = edited_config(tmp_path, line_pattern, replacement)
    with pytest.raises(ConfigError, match=rf"key '{re.escape(key)}(\.\d+)?'.*invalid"):
        load_city(path)


def test_a_source_with_neither_a_live_location_nor_a_file_is_named(tmp_path):
    path = edited_config(tmp_path, r'^url = "https://data\.wprdc\.org/dataset/e672f13d.*$', "")
    path.write_text(re.sub(r'^file = "neighborhoods/Neighborhoods_\.geojson"\n', "",
                           path.read_text(encoding="utf-8"), flags=re.MULTILINE), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key 'neighborhoods' needs one of url, file"):
        load_city(path)


def test_a_config_without_a_city_table_names_the_missing_tables():
    with pytest.raises(ConfigError, match=r"missing key 'city'; missing key 'tracts'"):
        load_text("title = 'no city here'\n", source="empty.toml")


def test_an_unknown_key_is_named_as_one_no_code_reads(tmp_path):
    path = edited_config(tmp_path, r'^name_field = "hood"$', 'name_field = "hood"\nname_feild = "hood"')
    with pytest.raises(ConfigError, match=r"unknown key 'neighborhoods\.name_feild' \(no part of the dashboard reads it"):
        load_city(path)


def test_a_family_switched_off_is_not_had(tmp_path):
    path = edited_config(tmp_path, r'^source = "eviction_lab_ets"$', 'source = "eviction_lab_ets"\nenabled = false')
    cfg = load_city(path)
    assert not cfg.has("evictions") and cfg.has("policing") and cfg.has("acs")


def test_a_tract_vintage_that_is_no_census_year_is_refused(tmp_path):
    path = edited_config(tmp_path, r"^vintage = 2010$", "vintage = 2016")
    with pytest.raises(ConfigError, match=r"key 'tracts\.vintage' should be 2010 or 2020"):
        load_city(path)


def _schema_keys(model, prefix=""):
    """Every key of the config schema, dotted (``policing.arrests.fields``)."""
    import typing

    from pydantic import BaseModel

    for name, field in model.model_fields.items():
        dotted = f"{prefix}{name}"
        yield dotted
        for arg in [field.annotation, *typing.get_args(field.annotation)]:
            for inner in [arg, *typing.get_args(arg)]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    yield from _schema_keys(inner, dotted + ".")


def test_every_key_of_the_schema_is_read_by_some_code():
    """A key that no code reads is a promise the dashboard does not keep: each must be named in the library,
    as ``"acs.year"`` or as the model attribute ``.year`` of its table."""
    from indicators.core.config import CitySchema

    root = Path(__file__).resolve().parent.parent / "indicators"
    code = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py") if p.name != "config.py")
    validators = (root / "core" / "config.py").read_text(encoding="utf-8")
    unread = []
    for dotted in _schema_keys(CitySchema):
        leaf = dotted.rsplit(".", 1)[-1]
        if leaf in ("enabled",):  # read by CityConfig.has
            continue
        read = (f'"{dotted}"' in code or f'"{dotted}.' in code or re.search(rf"\.{leaf}\b", code)
                or f'"{leaf}"' in code or re.search(rf"\.{leaf}\b", validators) or f'get("{leaf}")' in validators)
        if not read:
            unread.append(dotted)
    assert unread == []
