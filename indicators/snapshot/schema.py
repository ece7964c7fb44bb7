"""The snapshot's tables: names, meaning and column schemas (pandera), checked when a snapshot is written
and when it is opened.

A snapshot is a folder holding one Parquet (or GeoParquet, for the ``areas_*`` tables) file per table
below and a ``manifest.json``. ``SCHEMA_VERSION`` changes whenever a table or column changes meaning.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indicators.core.i18n import N_, translator

if TYPE_CHECKING:
    import pandera.pandas as pa

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Col:
    """A column's type (a Python type, or a pandas dtype name such as ``"Int64"``) and what its values must be;
    :func:`schema_of` makes it a pandera column. Written as data so that a reader of the tables needs pandera only
    where it checks one."""

    dtype: object
    nullable: bool = False
    isin: tuple | None = None
    ge: float | None = None
    in_range: tuple[float, float] | None = None


_str = Col(str)
_opt_str = Col(str, nullable=True)
_float = Col(float, nullable=True)
_int = Col(int)

TABLES: dict[str, dict] = {
    "areas_tracts": {
        "geo": True,
        "about": N_("Census tract polygons (the tract vintage of the boundary file), simplified without gaps; "
                 "`in_city` is the share of the tract's land inside the city's neighborhoods."),
        "columns": {"area_id": _str, "name": _str, "tract_vintage": _int,
                    "aland": _float, "awater": _float, "in_city": _float},
    },
    "areas_neighborhoods": {
        "geo": True,
        "about": N_("The city's neighborhoods (official boundaries), simplified without gaps."),
        "columns": {"area_id": _str, "name": _str, "number": _opt_str, "land_sqmi": _float},
    },
    "areas_zips": {
        "geo": True,
        "about": N_("ZIP code areas of the county (for eviction filings, published by ZIP)."),
        "columns": {"area_id": _str, "name": _opt_str},
    },
    "areas_extra": {
        "geo": True,
        "about": N_("Further levels of areas a city maps figures on (`level` ward, district, …), simplified."),
        "columns": {"level": _str, "area_id": _str, "name": _str},
    },
    "weights_tract_extra": {
        "about": N_("Share of each tract's land lying in each area of a further level (by overlay)."),
        "columns": {"level": _str, "tract_id": _str, "tract_vintage": _int, "area_id": _str,
                    "weight": Col(float, in_range=(0, 1))},
    },
    "weights_tract_neighborhood": {
        "about": N_("Share of each tract's land lying in each neighborhood, for 2010 tracts (by overlay) and 2020 "
                 "tracts (through the Census 2010–2020 relationship file). A tract wholly inside the city has "
                 "weights summing to 1."),
        "columns": {"tract_id": _str, "tract_vintage": _int, "neighborhood": _str,
                    "weight": Col(float, in_range=(0, 1))},
    },
    "weights_zip_neighborhood": {
        "about": N_("Share of each ZIP code's land lying in each neighborhood (by overlay)."),
        "columns": {"zip": _str, "neighborhood": _str,
                    "weight": Col(float, in_range=(0, 1))},
    },
    "crosswalk_tracts_2010_2020": {
        "about": N_("Census tract relationship: share of each 2010 tract's land in each 2020 tract "
                 "(`weight_2010_to_2020`) and of each 2020 tract's land in each 2010 tract (`weight_2020_to_2010`)."),
        "columns": {"tract_2010": _str, "tract_2020": _str, "weight_2010_to_2020": _float,
                    "weight_2020_to_2010": _float},
    },
    "measures": {
        "about": N_("Every published figure by geography and vintage: `geo_level` tract/neighborhood/city/county, "
                 "`area_id` (tract GEOID, neighborhood name, place or county GEOID), `tract_vintage` for tracts, "
                 "`period` (e.g. 2020–2024 for an ACS 5-year release, 2010 for a census), `year` (its last year), "
                 "`measure`, `estimate`, `moe` (90% margin of error where the source has one), `source_id` "
                 "(see the manifest) and `note` (why a value is missing, or a caveat)."),
        "columns": {
            "geo_level": Col(str, isin=("tract", "neighborhood", "city", "county", "zip")),
            "area_id": _str, "tract_vintage": Col("Int64", nullable=True), "period": _str, "year": _int,
            "measure": _str, "estimate": _float, "moe": _float, "source_id": _str, "note": _opt_str},
    },
    "population_by_race": {
        "about": N_("Residents by race group per area and year (decennial census by neighborhood; ACS B03002 by "
                 "tract), the denominators of rates by race."),
        "columns": {"geo_level": _str, "area_id": _str, "tract_vintage": Col("Int64", nullable=True),
                    "year": _int, "group": _str, "count": _float, "source_id": _str,
                    "note": _opt_str},
    },
    "arrests": {
        "about": N_("Arrests counted by area, race group and period (aggregates only: no individual record leaves "
                 "the build). `geo_level` neighborhood or tract."),
        "columns": {"geo_level": _str, "area_id": _str, "tract_vintage": Col("Int64", nullable=True),
                    "period_start": _str, "period_end": _str, "group": _str,
                    "count": Col(int, ge=0), "source_id": _str},
    },
    "arrests_by_year": {
        "about": N_("Arrests per neighborhood and calendar year (a published aggregate of the police arrest data)."),
        "columns": {"area_id": _str, "year": _int, "count": Col(int, ge=0),
                    "source_id": _str},
    },
    "firearm_seizures": {
        "about": N_("Firearms seized by police, by area and year (aggregates of the published records)."),
        "columns": {"geo_level": _str, "area_id": _str, "tract_vintage": Col("Int64", nullable=True),
                    "year": _int, "count": Col(int, ge=0), "source_id": _str},
    },
    "evictions_monthly": {
        "about": N_("Eviction filings per month for the county, with the mean for the same month in 2016–2019 "
                 "(Eviction Lab's Eviction Tracking System baseline)."),
        "columns": {"area_id": _str, "month": _str, "filings": _float, "baseline": _float,
                    "source_id": _str},
    },
    "evictions_zip": {
        "about": N_("Eviction filings per ZIP code over a 12-month window, the published filing rate, the ratio to "
                 "the 2016–2019 baseline and the ZIP's racial composition."),
        "columns": {"zip": _str, "window_start": _str, "window_end": _str, "filings": _float,
                    "filing_rate": _float, "vs_baseline": _float, "source_id": _str,
                    "note": _opt_str},
    },
    "evictions_by_group": {
        "about": N_("Eviction filings over the same window by the racial majority of the ZIP code, vs baseline."),
        "columns": {"group": _str, "filings": _float, "baseline": _float,
                    "baseline_share": _float, "source_id": _str},
    },
    "evictions_tracts": {
        "about": N_("Eviction filings and judgments (eviction orders) per tract and year, with the renter households "
                 "and Eviction Lab's flags (`low_flag`: counts believed too low; `imputed`, `subbed`: values filled in)."),
        "columns": {"tract_id": _str, "tract_vintage": _int, "year": _int, "filings": _float,
                    "judgments": _float, "renter_households": _float, "low_flag": Col(bool),
                    "imputed": Col(bool), "subbed": Col(bool), "source_id": _str},
    },
    "stops": {
        "about": N_("Police stops by police district and race group over a period, with the searches and arrests "
                 "among them (aggregates only)."),
        "columns": {"geo_level": _str, "area_id": _str, "group": _str, "period_start": _str,
                    "period_end": _str, "stops": Col(int, ge=0),
                    "searches": Col(int, ge=0),
                    "arrests": Col(int, ge=0), "source_id": _str},
    },
    "fair_market_rents": {
        "about": N_("HUD Fair Market Rents (county or metro area) and Small Area FMRs (ZIP) by fiscal year and bedrooms."),
        "columns": {"geo_level": _str, "area_id": _str, "fiscal_year": _int, "bedrooms": _int,
                    "rent": _float, "source_id": _str},
    },
    "upr_recommendations": {
        "about": N_("The UPR recommendations the country received (official list), the tracker's embedded default."),
        "columns": {},
    },
}


@functools.cache
def schema_of(name: str) -> pa.DataFrameSchema | None:
    """The pandera schema a table is checked against (its ``columns``; other columns are allowed), or None for a
    table this module does not know."""
    import pandera.pandas as pa

    spec = TABLES.get(name)
    if spec is None:
        return None

    def column(col: Col) -> pa.Column:
        checks = [check for check in (
            pa.Check.isin(list(col.isin)) if col.isin is not None else None,
            pa.Check.ge(col.ge) if col.ge is not None else None,
            pa.Check.in_range(*col.in_range) if col.in_range is not None else None) if check is not None]
        return pa.Column(col.dtype, checks or None, nullable=col.nullable)

    return pa.DataFrameSchema({column_name: column(col) for column_name, col in spec["columns"].items()})


def table_names() -> list[str]:
    return list(TABLES)


def describe_markdown(lang: str | None = None) -> str:
    """The schema as Markdown, for the snapshot's README and the methods page (in ``lang``; table and column
    names stay as they are)."""
    _ = translator(lang)
    lines = [_("# Snapshot tables (schema version {version})", version=SCHEMA_VERSION), ""]
    for name, spec in TABLES.items():
        kind = "GeoParquet" if spec.get("geo") else "Parquet"
        lines.append(f"## `{name}.parquet` ({kind})")
        lines.append(_(spec["about"]))
        cols = ", ".join(f"`{c}`" for c in spec["columns"])
        if cols:
            lines.append(_("Columns: {columns}.", columns=cols + (", `geometry`" if spec.get("geo") else "")))
        lines.append("")
    lines += [_("## `results.parquet` (Parquet)"),
              _("Every figure the build computed from these tables: each indicator at each level it is served at, "
                "and each ACS release of the yearly ones, in the result layout of the indicator functions. The "
                "manifest's `results` entry gives its checksum, the checksums of the tables it was computed from and "
                "the fingerprint of the code that computed it; the app reads a figure from here instead of computing "
                "it again, and computes it where those tables or that code are not its own. `python -m indicators record` computes them again after a change to "
                "the indicators' code."), "",
              _("## On disk"),
              _("Each city's snapshot is the folder `<city>/` of these files and its `manifest.json` (table row counts "
              "and SHA-256 checksums, sources, vintages); the app opens it by that name. A build writes the new "
              "snapshot into `.<city>.versions/<time>.building/`, checks it, then exchanges it with `<city>/` in one "
              "rename, so a reader finds one whole snapshot at every moment. The replaced snapshot is kept as "
              "`.<city>.versions/<time>/` (the two newest are kept). Where the system cannot exchange two folders in "
              "one rename, the build takes two renames and first writes `.<city>.swap` naming the new snapshot: a "
              "reader that finds no `<city>/` opens the one the note names, and the next build finishes the swap. "
              "Each build removes the `.building` folders that killed builds left behind."), ""]
    return "\n".join(lines)
