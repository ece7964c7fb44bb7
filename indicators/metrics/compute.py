"""Compute any catalog indicator from an opened snapshot: the one entry point pages and exports call.

``compute(snapshot, "rent_burden_share", "neighborhood")`` picks the snapshot tables the indicator's pure
function needs and returns the standard result frame (see :mod:`indicators.core.frames`). For the map, tract
results on another tract vintage than the snapshot's polygons are moved onto them (:func:`on_map_tracts`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from indicators.metrics import catalog, displacement, evictions, growth, housing, policing, ready, stability
from indicators.core import moe as moe_math
from indicators.core.frames import RESULT_COLUMNS, result
from indicators.core.geography import apportion_counts
from indicators.core.i18n import N_, SOURCE_LANGUAGE, translator
from indicators.snapshot.read import Snapshot


#: geography levels as named in "not available" reasons
LEVEL_NAMES = {"tract": N_("tract"), "neighborhood": N_("neighborhood"), "city": N_("city"), "county": N_("county"),
               "zip": N_("ZIP code")}


class NotAvailable(LookupError):
    """The indicator exists in the catalog but the snapshot cannot serve it at that level; says why, in the
    reader's language.

    ``NotAvailable(N_("“{title}” has no computation yet"), indicator="rent_change")``: the template is a marked
    message; ``indicator=`` fills ``{title}`` with the indicator's title, ``levels=`` fills ``{where}`` with the
    geography levels named in the language, ``level=`` fills ``{level}`` with one of them; other values are used
    as given. ``str(exc)`` is the English text (with any technical ``detail`` after it); ``exc.message(lang)``
    is the reason in ``lang``.
    """

    def __init__(self, template: str, /, *, indicator: str | None = None, levels: tuple[str, ...] | None = None,
                 level: str | None = None, detail: str | None = None, **values):
        self.template, self.indicator, self.detail = template, indicator, detail
        self.levels = None if levels is None else tuple(levels)
        self.level, self.values = level, values
        english = self.message(SOURCE_LANGUAGE)
        super().__init__(f"{english} ({detail})" if detail else english)

    def message(self, lang: str | None = SOURCE_LANGUAGE) -> str:
        """The reason in ``lang`` (English for an unknown language), without the technical detail."""
        _ = translator(lang)
        values = dict(self.values)
        if self.indicator is not None:
            values["title"] = catalog.get(self.indicator, lang).title
        if self.levels is not None:
            values["where"] = ", ".join(_(LEVEL_NAMES.get(lv, lv)) for lv in self.levels)
        if self.level is not None:
            values["level"] = _(LEVEL_NAMES.get(self.level, self.level))
        return _(self.template, **values)

    def __reduce__(self):
        options = {"indicator": self.indicator, "levels": self.levels, "level": self.level, "detail": self.detail}
        return _rebuild_not_available, (self.template, options, self.values)


def _rebuild_not_available(template: str, options: dict, values: dict) -> NotAvailable:
    return NotAvailable(template, **options, **values)


class InputsMissing(NotAvailable):
    """An indicator whose inputs the snapshot lacks (the displacement typology): says which, grouped by the time
    each is read at, in the reader's language."""

    TEMPLATE = N_("“{title}” needs inputs this snapshot lacks: {inputs}")

    def __init__(self, indicator: str, inputs: list[str]):
        self.inputs = list(inputs)
        super().__init__(self.TEMPLATE, indicator=indicator)

    def message(self, lang: str | None = SOURCE_LANGUAGE) -> str:
        _ = translator(lang)
        parts = []
        for time, measures in displacement.missing_by_time(self.inputs):
            names = ", ".join(_(displacement.MEASURE_WORDS.get(m, m)) for m in measures)
            parts.append(_("{time}: {measures}", time=_(displacement.TIME_WORDS[time]), measures=names) if time
                         else names)
        return _(self.TEMPLATE, title=catalog.get(self.indicator, lang).title, inputs="; ".join(parts))

    def __reduce__(self):
        return InputsMissing, (self.indicator, self.inputs)


def _tract_deprivation(measures: pd.DataFrame, *, level: str, year: int | None = None) -> pd.DataFrame:
    if level != "tract":
        raise NotAvailable(N_("“{title}” is published for tracts only"), indicator="deprivation_index")
    rows = measures[(measures["source_id"] == "deprivation_index") & (measures["measure"] == "dep_index")]
    year = year or int(rows["year"].max())
    rows = rows[rows["year"] == year]
    frame = pd.DataFrame({"area_id": rows["area_id"], "estimate": rows["estimate"]})
    out = result(frame, geo_level="tract", period=rows["period"].iloc[0], source_ids="deprivation_index")
    out["tract_vintage"] = int(rows["tract_vintage"].iloc[0])
    return out


#: indicator id -> (tables the function takes, function); every function takes ``level=`` as keyword
REGISTRY: dict[str, tuple[tuple[str, ...], Callable]] = {
    "avg_years_of_residence": (("measures",), stability.avg_years_of_residence),
    "population_change_2010_2020": (("population_by_race",), stability.population_change_2010_2020),
    "black_population_change_2010_2020": (("population_by_race",), stability.black_population_change_2010_2020),
    "same_house_1yr_share": (("measures", "weights_tract_neighborhood?"), housing.same_house_1yr_share),
    "long_tenure_share": (("measures", "weights_tract_neighborhood?"), housing.long_tenure_share),
    "owner_share": (("measures", "weights_tract_neighborhood?"), housing.owner_share),
    "renter_share": (("measures", "weights_tract_neighborhood?"), housing.renter_share),
    "rent_burden_share": (("measures", "weights_tract_neighborhood?"), housing.rent_burden_share),
    "severe_rent_burden_share": (("measures", "weights_tract_neighborhood?"), housing.severe_rent_burden_share),
    "rent_to_income": (("measures",), housing.rent_to_income),
    "rent_vs_fair_market_rent": (("measures",), housing.rent_vs_fair_market_rent),
    "poverty_rate": (("measures", "weights_tract_neighborhood?"), housing.poverty_rate),
    "eviction_filing_rate": (("evictions_zip", "weights_zip_neighborhood", "measures", "weights_tract_neighborhood"),
                             evictions.eviction_filing_rate),
    "eviction_vs_baseline": (("evictions_zip", "weights_zip_neighborhood", "evictions_monthly"),
                             evictions.eviction_vs_baseline),
    "arrest_rate": (("arrests_by_year", "population_by_race"), policing.arrest_rate),
    "arrest_disparity_black_white": (("arrests", "population_by_race", "weights_tract_neighborhood"),
                                     policing.arrest_disparity_black_white),
    "firearm_seizure_rate": (("firearm_seizures", "population_by_race"), policing.firearm_seizure_rate),
    "deprivation_index": (("measures",), _tract_deprivation),
    "displacement_vulnerability": (("measures",), displacement.displacement_vulnerability),
    "displacement_typology": (("measures",), displacement.displacement_typology),
    "home_value_change": (("measures",), growth.home_value_change),
    "rent_change": (("measures",), growth.rent_change),
}

#: the tract geography each tract-level indicator is computed on
TRACT_VINTAGE = {"deprivation_index": None}  # None: read from the result
DEFAULT_TRACT_VINTAGE = 2020


#: other ways to compute an indicator, for cities whose sources differ; tried in order after the REGISTRY's.
#: A table name ending in "?" is optional (None when the snapshot lacks it).
ALTERNATIVES: dict[str, list[tuple[tuple[str, ...], Callable]]] = {
    "eviction_filing_rate": [(("evictions_tracts", "weights_tract_neighborhood?"),
                              evictions.eviction_filing_rate_from_tracts)],
}
#: tables an indicator may be computed from at a further area level (wards, districts): counts apportioned from
#: tracts with that level's weights, in place of the neighborhoods'
TRACT_BASED_TABLES = {"measures", "weights_tract_neighborhood", "weights_tract_neighborhood?", "evictions_tracts"}


def _ways(indicator_id: str) -> list[tuple[tuple[str, ...], Callable]]:
    first = [REGISTRY[indicator_id]] if indicator_id in REGISTRY else []
    return first + ALTERNATIVES.get(indicator_id, [])


def _extra_weights(snapshot: Snapshot, level: str) -> pd.DataFrame:
    w = snapshot.table("weights_tract_extra")
    w = w[w["level"] == level]
    return pd.DataFrame({"tract_id": w["tract_id"], "tract_vintage": w["tract_vintage"], "neighborhood": w["area_id"],
                         "weight": w["weight"]})


def compute(snapshot: Snapshot, indicator_id: str, level: str, **options) -> pd.DataFrame:
    """The indicator at ``level`` (standard result frame). Raises :class:`NotAvailable` with the reason.

    ``level`` is a catalog level (tract, neighborhood, city, county, zip) or a further area level of the
    snapshot (ward, district), at which indicators built from tract counts are apportioned with that level's
    weights.

    A snapshot does not change once opened, so each result (or the reason there is none) is computed once per
    opened snapshot and kept with it; every call gets its own copy, which it may change. An area's summary asks
    for every level-wide figure and trend again for each area: this is what makes the second area cheap. A
    snapshot that holds the build's results (:mod:`indicators.metrics.ready`) gives each from there, computed
    once at build time."""
    key = (indicator_id, level, tuple(sorted(options.items())))
    results = snapshot.__dict__.setdefault("_results", {})
    if key not in results:
        try:
            found = ready.lookup(snapshot, indicator_id, level, options)
            results[key] = found if found is not None else _compute(snapshot, indicator_id, level, **options)
        except NotAvailable as exc:
            results[key] = exc
    found = results[key]
    if isinstance(found, NotAvailable):
        raise found.with_traceback(None)
    return found.copy()


def _compute(snapshot: Snapshot, indicator_id: str, level: str, **options) -> pd.DataFrame:
    ind = catalog.get(indicator_id)
    extra = level not in catalog.LEVELS and level in snapshot.levels
    as_level = "neighborhood" if extra else level
    if as_level not in ind.levels:
        if not ind.levels:
            raise NotAvailable(N_("“{title}” is available for: no geography in this snapshot"), indicator=ind.id)
        raise NotAvailable(N_("“{title}” is available for: {where}"), indicator=ind.id, levels=ind.levels)
    if level in ("neighborhood", "tract") and level not in snapshot.levels:
        raise NotAvailable(N_("“{title}” cannot be computed at the {level} level from this snapshot"),
                           indicator=ind.id, level=level, detail=f"the snapshot has no {level} boundaries")
    ways = _ways(indicator_id)
    if not ways:
        raise NotAvailable(N_("“{title}” has no computation yet"), indicator=ind.id)
    if extra:
        ways = [(tables, fn) for tables, fn in ways if set(tables) <= TRACT_BASED_TABLES]
        if not ways or not snapshot.has("weights_tract_extra"):
            raise NotAvailable(N_("“{title}” cannot be computed at the {level} level from this snapshot"),
                               indicator=ind.id, level=level)
    lacking: list[str] = []
    for tables, fn in ways:
        absent = [t for t in tables if not t.endswith("?") and not snapshot.has(t)]
        if absent:
            lacking = lacking or absent
            continue
        args = []
        for name in tables:
            table = name.rstrip("?")
            if extra and table == "weights_tract_neighborhood":
                weights = _extra_weights(snapshot, level)
                if weights.empty:  # areas drawn for another purpose (police districts), not made of tracts
                    raise NotAvailable(N_("“{title}” cannot be computed at the {level} level from this snapshot"),
                                       indicator=ind.id, level=level, detail="no tract weights for this level")
                args.append(weights)
            else:
                args.append(snapshot.table(table) if snapshot.has(table) else None)
        try:
            out = fn(*args, level=as_level, **options)
        except displacement.MissingInputs as exc:
            raise InputsMissing(ind.id, exc.inputs) from None
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            # a table without the rows or columns this indicator needs (a measure the city's files lack)
            raise NotAvailable(N_("“{title}” cannot be computed at the {level} level from this snapshot"),
                               indicator=ind.id, level=level, detail=f"{type(exc).__name__}: {exc}") from None
        if not len(out) or not out["estimate"].notna().any():
            raise NotAvailable(N_("“{title}” has no figure at the {level} level in the data at hand"),
                               indicator=ind.id, level=level)
        if extra:
            out["geo_level"] = level
        if level == "tract" and "tract_vintage" not in out:
            out["tract_vintage"] = (housing.acs_tract_vintage(snapshot.table("measures")) if snapshot.has("measures")
                                    else DEFAULT_TRACT_VINTAGE)
        return out
    raise NotAvailable(N_("“{title}” needs tables this snapshot lacks: {tables}"), indicator=ind.id,
                       tables=", ".join(lacking))


def vintages(snapshot: Snapshot, indicator_id: str, level: str) -> list[int]:
    """The years (end years of ACS periods, calendar years of counts) the snapshot has for an indicator at a
    level, newest first. An empty list means one vintage only, chosen by the indicator function."""
    if indicator_id == "deprivation_index" and level == "tract":
        m = snapshot.table("measures")
        years = m.loc[m["source_id"] == "deprivation_index", "year"].unique()
    elif indicator_id == "arrest_rate":
        years = snapshot.table("arrests_by_year")["year"].unique()
    elif indicator_id == "firearm_seizure_rate":
        f = snapshot.table("firearm_seizures")
        years = f.loc[f["geo_level"] == "neighborhood", "year"].unique()
    elif indicator_id in YEARLY_ACS and level in ("city", "county"):
        m = snapshot.table("measures")
        years = m.loc[m["geo_level"] == level, "year"].unique()
    else:
        return []
    years = sorted((int(y) for y in years), reverse=True)
    return years if len(years) > 1 else []


#: indicators whose function takes ``year=`` for the ACS release (city and county series)
YEARLY_ACS = {"same_house_1yr_share", "long_tenure_share", "owner_share", "renter_share", "rent_burden_share", "severe_rent_burden_share", "rent_to_income",
              "poverty_rate"}


def on_map_tracts(result_frame: pd.DataFrame, snapshot: Snapshot, indicator_id: str) -> pd.DataFrame:
    """Move a tract result onto the tract lines of the snapshot's polygons.

    Where the result's tract vintage differs from the polygons' (2020 figures, 2010 lines), rates are rebuilt
    from apportioned numerators and denominators (land-area shares of each 2020 tract in each 2010 tract), and
    the note says the values are interpolated. Indicators without counts behind them (medians, indices) are
    kept only where a 2010 tract lies at least 95% in one 2020 tract and makes up at least 95% of it.
    """
    tracts = snapshot.table("areas_tracts")
    map_vintage = int(tracts["tract_vintage"].iloc[0])
    vintage = int(result_frame["tract_vintage"].iloc[0]) if len(result_frame) else map_vintage
    if vintage == map_vintage or not snapshot.has("crosswalk_tracts_2010_2020"):
        return result_frame
    cw = snapshot.table("crosswalk_tracts_2010_2020")
    src, dst = ("tract_2020", "tract_2010") if vintage == 2020 else ("tract_2010", "tract_2020")
    wcol = "weight_2020_to_2010" if vintage == 2020 else "weight_2010_to_2020"
    weights = cw.rename(columns={src: "tract_id", dst: "target", wcol: "weight"})[["tract_id", "target", "weight"]]
    period = result_frame["period"].iloc[0]
    sources = result_frame["source_ids"].iloc[0]
    has_counts = result_frame["denominator"].notna().any() and result_frame["numerator"].notna().any()
    ind = catalog.get(indicator_id)
    if has_counts and ind.unit in ("share", "per_100", "per_1000"):
        values = pd.concat([
            pd.DataFrame({"tract_id": result_frame["area_id"], "measure": "num", "estimate": result_frame["numerator"],
                          "moe": result_frame["numerator_moe"]}),
            pd.DataFrame({"tract_id": result_frame["area_id"], "measure": "den", "estimate": result_frame["denominator"],
                          "moe": result_frame["denominator_moe"]}),
        ])
        moved = apportion_counts(values, weights, source_id="tract_id", target_id="target")
        wide = moved.pivot(index="target", columns="measure", values=["estimate", "moe"])
        num, den = wide[("estimate", "num")], wide[("estimate", "den")]
        num_moe, den_moe = wide[("moe", "num")], wide[("moe", "den")]
        per = {"share": 1, "per_100": 100, "per_1000": 1000}[ind.unit]
        est = np.where(den > 0, num / den.where(den > 0), np.nan)
        err = moe_math.moe_proportion(num.to_numpy(float), den.to_numpy(float), num_moe.to_numpy(float),
                                      den_moe.to_numpy(float)) if ind.unit == "share" else np.full(len(num), np.nan)
        frame = pd.DataFrame({"area_id": wide.index, "estimate": est * per, "moe": err * per, "numerator": num.to_numpy(),
                              "numerator_moe": num_moe.to_numpy(), "denominator": den.to_numpy(),
                              "denominator_moe": den_moe.to_numpy()})
        out = result(frame, geo_level="tract", period=period, source_ids=sources,
                     note=f"{vintage} tract figures moved onto {map_vintage} tract lines by land area")
    else:
        both = cw[(cw["weight_2010_to_2020"] >= 0.95) & (cw["weight_2020_to_2010"] >= 0.95)]
        pairs = dict(zip(both[src], both[dst]))
        kept = result_frame[result_frame["area_id"].isin(pairs)].copy()
        kept["area_id"] = kept["area_id"].map(pairs)
        kept["note"] = kept["note"].where(kept["note"].notna(), f"same tract in {vintage} and {map_vintage} lines")
        out = kept[RESULT_COLUMNS].reset_index(drop=True)
    out["tract_vintage"] = map_vintage
    return out


def city_value(snapshot: Snapshot, indicator_id: str, year: int | None = None) -> pd.Series | None:
    """The indicator for the whole city (first row), or None where it has no city value. ``year`` is used
    where the city figure exists for that year."""
    served = available_levels(snapshot, indicator_id)
    level = "city" if "city" in served else ("county" if "county" in served else None)
    if level is None:
        return None
    options = {"year": year} if year and year in vintages(snapshot, indicator_id, level) else {}
    try:
        out = compute(snapshot, indicator_id, level, **options)
    except NotAvailable:
        return None
    if level == "city" and len(out) > 1:
        place = snapshot.manifest["city"]["place_geoid"]
        out = out[out["area_id"].isin([place, "city"])]
    return out.iloc[0] if len(out) else None


def available_levels(snapshot: Snapshot, indicator_id: str) -> tuple[str, ...]:
    """The levels at which ``snapshot`` serves an indicator: as its build recorded them (it tried each), or, for
    a snapshot that records none, the catalog's levels whose tables the snapshot has."""
    recorded = snapshot.indicator_levels(indicator_id)
    if recorded is not None:
        return recorded
    cache = snapshot.__dict__.setdefault("_available_levels", {})
    if indicator_id not in cache:
        cache[indicator_id] = tuple(lv for lv in [*snapshot.levels, "city", "county", "zip"]
                                    if _computes(snapshot, indicator_id, lv))
    return cache[indicator_id]


def _computes(snapshot: Snapshot, indicator_id: str, level: str) -> bool:
    try:
        compute(snapshot, indicator_id, level)
    except NotAvailable:
        return False
    return True


def availability(snapshot: Snapshot) -> dict[str, dict]:
    """Per indicator, the levels ``snapshot`` serves it at and, where none, why (English): what the build writes
    into the manifest so that the app need not find out by computing."""
    out = {}
    for ind_id in catalog.CATALOG:
        levels = [lv for lv in [*snapshot.levels, "city", "county", "zip"] if _computes(snapshot, ind_id, lv)]
        entry: dict = {"levels": levels}
        if not levels and (reason := reason_nowhere(snapshot, ind_id)) is not None:
            entry["why_not"] = str(reason)
        out[ind_id] = entry
    return out


def reason_nowhere(snapshot: Snapshot, indicator_id: str) -> NotAvailable | None:
    """Why ``snapshot`` serves an indicator at no level: the reason computing it at the catalog's first level gives
    (not the level, but what the data lack), or None where it computes there."""
    try:
        compute(snapshot, indicator_id, (catalog.get(indicator_id).levels or ("tract",))[0])
    except NotAvailable as exc:
        return exc
    return None


def available(snapshot: Snapshot, level: str | None = None, lang: str | None = SOURCE_LANGUAGE) -> list:
    """The catalog's indicators ``snapshot`` serves (at ``level``, if given), in the catalog's order."""
    return [catalog.get(i.id, lang) for i in catalog.CATALOG.values()
            if (levels := available_levels(snapshot, i.id)) and (level is None or level in levels)]
