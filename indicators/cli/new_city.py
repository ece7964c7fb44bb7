"""``python -m indicators new-city``: write a commented starter config for a city from its Census codes.

The file it writes loads as it is (a city of Census tracts and ACS tables, fetched live) and lists, commented
out, every other source family with the keys it takes, so a coalition fills in what it has and deletes the rest.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from indicators.core.config import CITIES_DIR, ConfigError, load_text

TEMPLATE = '''# {name}: everything city-specific. Made by `python -m indicators new-city`; edit it, then build:
#   python -m indicators build --city {id} --from-dir RAW_DIR   (the publishers' files in RAW_DIR)
#   python -m indicators build --city {id}                      (live: Census API and TIGER; CENSUS_API_KEY)
# Paths are relative to RAW_DIR. Every family but [city] and [tracts] is optional: leave it out (or set
# `enabled = false` in it) and the dashboard says "not available for {name}".

[city]
id = "{id}"
name = "{name}"
state_abbr = "{state_abbr}"
state_fips = "{state_fips}"
county_fips = [{counties}]
place_fips = "{place_fips}"           # the Census place code of the city (GEOID {state_fips}{place_fips})
# county_name = ""                    # shown where a figure exists only for the county
# neighborhood_label = "neighborhood"

[tracts]
vintage = 2020                        # the census whose tract lines the boundaries follow (2010 or 2020)
tiger_year = 2023                     # live builds: the TIGER/Line year to download
# file = "tracts/tracts.geojson"      # offline builds: a tract GeoJSON or shapefile
# geoid_field = "GEOID"

[acs]
year = 2023                           # end year of the ACS 5-year release
tract_vintage = 2020
# Census tables as published: Census API answers, data.census.gov CSV downloads, or files with
# variable-named columns (B25003_001E, DP04_0047E, ...). Every measure is computed from their cells.
table_files = ["acs/tracts.csv"]

# [neighborhoods]                     # the city's own neighborhoods (a GeoJSON FeatureCollection)
# file = "neighborhoods/neighborhoods.geojson"
# name_field = "name"
# label = "Neighborhoods"             # what the level switch calls them
# label_format = "{{NAME}}: {{OTHER}}" # a name built from several fields

# [[areas]]                           # further levels drawn from tracts: wards, council districts
# id = "ward"
# label = "Wards"
# file = "neighborhoods/wards.geojson"
# name_field = "NAME"
# source = "ward_boundaries"          # its [sources.ward_boundaries] says who published it

# [evictions]                         # Eviction Lab: "eviction_lab_tracts" (national tract file) or
# source = "eviction_lab_tracts"      # "eviction_lab_ets" (tracking-system monthly and ZIP files)
# tract_file = "evictions/tracts.csv"

# [housing]                           # HUD Fair Market Rents
# fmr_workbook = "housing/FY2024_FMRs.xlsx"
# fmr_fips = "{state_fips}{first_county}99999"
# safmr_workbook = "housing/fy2024_safmrs.xlsx"
# safmr_year = 2024
# metro_code = "METRO00000M00000"

# [policing]                          # arrest records: a portal (ckan, socrata) or files
# portal = "files"
# [policing.arrests]
# file = "policing/arrests.csv"
# fields = {{ date = "ARREST_DATE", race = "RACE", age = "AGE", sex = "SEX", latitude = "LAT", longitude = "LON" }}
# race_codes = {{ B = "black", W = "white", U = "unknown" }}

# [upr]                               # the UN's recommendations the city tracks
# file = "upr/us_upr_cycle3_recommendations.csv"

# Who published each source and how to credit it: one table per source id of the snapshot manifest
# [sources.neighborhood_boundaries]
# publisher = ""
# licence = ""
# attribution = ""
'''


def starter_config(*, city_id: str, name: str, state_fips: str, county_fips: list[str], place_fips: str,
                   state_abbr: str) -> str:
    """The text of a starter config; it loads as it is (checked here)."""
    text = TEMPLATE.format(id=city_id, name=name.replace('"', "'"), state_abbr=state_abbr, state_fips=state_fips,
                           counties=", ".join(f'"{c}"' for c in county_fips), place_fips=place_fips,
                           first_county=county_fips[0])
    load_text(text, source=f"{city_id}.toml")
    return text


def run(args: argparse.Namespace) -> int:
    city_id = args.id or re.sub(r"[^a-z0-9]+", "-", args.name.lower()).strip("-")
    try:
        text = starter_config(city_id=city_id, name=args.name, state_fips=args.state, county_fips=args.county,
                              place_fips=args.place, state_abbr=args.state_abbr)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else CITIES_DIR / f"{city_id}.toml"
    if out.exists() and not args.force:
        print(f"error: {out} exists (use --force to replace it)", file=sys.stderr)
        return 2
    out.write_text(text, encoding="utf-8")
    print(out)
    return 0


def register(sub) -> None:
    p = sub.add_parser("new-city", help="write a commented starter config for a city from its Census codes")
    p.add_argument("--name", required=True, help='the city\'s name, e.g. "Seattle"')
    p.add_argument("--id", help="a short id for files and addresses (default: from the name)")
    p.add_argument("--state", required=True, help="state FIPS code, two digits (53)")
    p.add_argument("--state-abbr", required=True, help="state postal code (WA)")
    p.add_argument("--county", required=True, nargs="+", help="county FIPS codes, three digits each (033)")
    p.add_argument("--place", required=True, help="Census place code of the city, five digits (63000)")
    p.add_argument("--out", help="where to write (default: data/cities/<id>.toml)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=run)
