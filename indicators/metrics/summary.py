"""*Can people stay?* — the headline of a city's snapshot and the summary of one area: its residential stability
measures side by side, each with its trend, beside the displacement pressure around them (eviction filings, rent
burden, the displacement typology). Every part stays visible on its own; nothing is added into a total.

- :func:`headline_indicator` picks the stability measure a landing map and a brief lead with: the strongest the
  snapshot has (:data:`HEADLINE_STABILITY`).
- :func:`can_people_stay` gathers the parts for one area (:class:`Part`), each with the reference figure (the
  city's, or the county's where the city has none), the 90% test against it, the area's rank and the trend.
- :func:`trend` finds a change between two periods that share no year, tested at 90%.
- :func:`periods_differ` says where figures set side by side are of different periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicators.core.i18n import N_
from indicators.metrics import catalog, comparisons, compute
from indicators.snapshot.read import Snapshot

#: the stability measures a headline can lead with, strongest first: whether the same people are still in their
#: homes (the ACS residence-a-year-ago and year-moved-in tables, with their periods and margins), else the
#: publisher's own average years at the address (its vintage said in the headline's title)
HEADLINE_STABILITY = ("same_house_1yr_share", "long_tenure_share", "avg_years_of_residence")
#: the stability parts of the summary, in order
STABILITY_PARTS = ("same_house_1yr_share", "long_tenure_share", "avg_years_of_residence", "owner_share",
                   "renter_share", "black_population_change_2010_2020", "population_change_2010_2020")
#: the displacement pressure beside them
PRESSURE_PARTS = ("eviction_filing_rate", "rent_burden_share", "severe_rent_burden_share")
#: the tract measures of the typology, summarised by area
TYPOLOGY_PARTS = ("displacement_typology", "displacement_vulnerability")
STABILITY, PRESSURE = "stability", "pressure"


def headline_indicator(snapshot: Snapshot, level: str | None = None) -> str | None:
    """The indicator a landing map and a brief lead with: the first of :data:`HEADLINE_STABILITY` the snapshot
    serves (at ``level``, if given), else the first stability measure it serves, else its first indicator."""
    served = {ind_id: compute.available_levels(snapshot, ind_id) for ind_id in catalog.CATALOG}

    def has(ind_id: str) -> bool:
        levels = served.get(ind_id, ())
        return bool(levels) and (level is None or level in levels)

    for ind_id in HEADLINE_STABILITY:
        if has(ind_id):
            return ind_id
    for ind in catalog.CATALOG.values():
        if ind.topic == "stability" and ind.unit not in ("flag", "category") and has(ind.id):
            return ind.id
    return next((i for i in catalog.CATALOG if has(i)), None)


# -------------------------------------------------------------------------------------------------------- trends
@dataclass(frozen=True)
class Trend:
    """A change between two periods that share no year, at ``level`` (the area's own, or the city's where the area
    has one period only); ``comparison`` tests the end against the start (NaN ``z`` where untested)."""

    level: str
    start_period: str
    start: float
    start_moe: float
    end_period: str
    end: float
    end_moe: float
    comparison: comparisons.Comparison | None


def _years(period: str) -> tuple[int, int] | None:
    digits = [int(p) for p in str(period).replace("–", " ").replace("-", " ").split() if p.isdigit() and len(p) == 4]
    return (digits[0], digits[-1]) if digits else None


def _releases(snapshot: Snapshot, indicator_id: str, where: str) -> dict[int, tuple[pd.Series, pd.DataFrame]]:
    """The indicator's result of each release the snapshot has at ``where``, as its first row and its rows by
    area (the first row of each area), kept with the opened snapshot: every area's trend reads the same releases,
    and looking an area up by its id spares a scan and a copy of the level's frame per release and area. Read
    only: the frames are shared."""
    cache = snapshot.__dict__.setdefault("_trend_releases", {})
    key = (indicator_id, where)
    if key not in cache:
        releases = {}
        for year in sorted(compute.vintages(snapshot, indicator_id, where)):
            try:
                out = compute.compute(snapshot, indicator_id, where, year=year)
            except compute.NotAvailable:
                continue
            if where == "city" and len(out) > 1:
                out = out[out["area_id"].isin([snapshot.manifest["city"].get("place_geoid"), "city"])]
            if len(out):
                releases[year] = (out.iloc[0], out.drop_duplicates("area_id").set_index("area_id"))
        cache[key] = releases
    return cache[key]


def trend(snapshot: Snapshot, indicator_id: str, area_id: str | None, level: str) -> Trend | None:
    """The indicator's change for the area (``area_id`` at ``level``) between its newest period and the newest
    one before it that shares no year with it; else the city's (or county's) change; None where neither has two
    such periods. Consecutive 5-year ACS periods overlap and are never compared."""
    ind = catalog.get(indicator_id)
    candidates = []
    if area_id is not None and compute.vintages(snapshot, indicator_id, level):
        candidates.append((level, area_id))
    served = compute.available_levels(snapshot, indicator_id)
    for reference in ("city", "county"):
        if reference in served:
            candidates.append((reference, None))
            break
    for where, area in candidates:
        releases = _releases(snapshot, indicator_id, where)
        if len(releases) < 2:
            continue
        rows = {}
        for year, (first, by_area) in releases.items():
            if area is None:
                row = first
            elif area in by_area.index:
                row = by_area.loc[area]
            else:
                continue
            if pd.notna(row["estimate"]):
                rows[year] = row
        if len(rows) < 2:
            continue
        end_year = max(rows)
        end = rows[end_year]
        end_span = _years(end["period"])
        earlier = [y for y in sorted(rows) if y < end_year and (
            end_span is None or (_years(rows[y]["period"]) or (y, y))[1] < end_span[0])]
        if not earlier:
            continue
        start = rows[earlier[-1]]
        test = comparisons.compare(end["estimate"], end["moe"], start["estimate"], start["moe"],
                                   uncertainty=ind.uncertainty)
        return Trend(where, str(start["period"]), float(start["estimate"]), float(start["moe"]),
                     str(end["period"]), float(end["estimate"]), float(end["moe"]), test)
    return None


# ------------------------------------------------------------------------------------------------------- the parts
@dataclass(frozen=True)
class Part:
    """One indicator of an area's summary: its row of the result frame (``row``), the reference figure's row
    (``reference``: city, or county), the test against it, the area's rank row and the trend; or, where the
    snapshot cannot give it, the reason (``missing``)."""

    group: str
    indicator_id: str
    row: dict = field(default_factory=dict)
    reference: dict | None = None
    comparison: comparisons.Comparison | None = None
    rank: dict = field(default_factory=dict)
    trend: Trend | None = None
    missing: compute.NotAvailable | None = None
    counts: dict = field(default_factory=dict)   # for the typology: label (or flag) → number of tracts


def reference_row(snapshot: Snapshot, indicator_id: str, year: int | None = None) -> dict | None:
    """The city's figure as a dict (with ``geo_level``: ``city``, or ``county`` where the city has none)."""
    value = compute.city_value(snapshot, indicator_id, year)
    return None if value is None else value.to_dict()


def _ranked(snapshot: Snapshot, indicator_id: str, level: str) -> pd.DataFrame:
    """The level's result ranked (:func:`indicators.metrics.comparisons.rank_areas`), kept with the opened
    snapshot: every area's summary ranks the same areas. Read only: the frame is shared. Raises NotAvailable."""
    cache = snapshot.__dict__.setdefault("_ranked", {})
    key = (indicator_id, level)
    if key not in cache:
        ind = catalog.get(indicator_id)
        try:
            cache[key] = comparisons.rank_areas(compute.compute(snapshot, indicator_id, level),
                                                direction=ind.direction, uncertainty=ind.uncertainty)
        except compute.NotAvailable as exc:
            cache[key] = exc
    if isinstance(cache[key], compute.NotAvailable):
        raise cache[key].with_traceback(None)
    return cache[key]


def area_part(snapshot: Snapshot, indicator_id: str, area_id: str, level: str, group: str, *,
              result: pd.DataFrame | None = None) -> Part:
    """One indicator for one area, ranked among the level's areas and tested against the city (or county)."""
    ind = catalog.get(indicator_id)
    try:
        if result is None:
            ranked = _ranked(snapshot, indicator_id, level)
        else:
            ranked = comparisons.rank_areas(result, direction=ind.direction, uncertainty=ind.uncertainty)
    except compute.NotAvailable as exc:
        return Part(group, indicator_id, missing=exc)
    mine = ranked[ranked["area_id"] == area_id]
    if mine.empty:
        return Part(group, indicator_id, missing=compute.NotAvailable(
            N_("“{title}” has no figure for this area in the snapshot"), indicator=indicator_id))
    row = mine.iloc[0].to_dict()
    reference = reference_row(snapshot, indicator_id)
    return Part(group, indicator_id, row=row, reference=reference,
                comparison=comparisons.compare_rows(row, reference, uncertainty=ind.uncertainty),
                rank={k: row.get(k) for k in ("rank", "n", "rank_low", "rank_high", "rank_mark")},
                trend=trend(snapshot, indicator_id, area_id, level))


def tract_counts(snapshot: Snapshot, indicator_id: str, area_id: str, level: str, *,
                 min_weight: float = 0.05) -> Part:
    """A tract measure (typology, vulnerability) summarised for an area: how many of the tracts with at least
    ``min_weight`` of their land in the area carry each value. ``counts`` maps the value to the number of tracts
    (None: undetermined)."""
    try:
        frame = compute.compute(snapshot, indicator_id, "tract")
    except compute.NotAvailable as exc:
        return Part(PRESSURE, indicator_id, missing=exc)
    if level == "tract":
        tracts = [area_id]
    else:
        table = "weights_tract_neighborhood" if level == "neighborhood" else "weights_tract_extra"
        if not snapshot.has(table):
            return Part(PRESSURE, indicator_id, missing=compute.NotAvailable(
                N_("“{title}” cannot be computed at the {level} level from this snapshot"),
                indicator=indicator_id, level=level))
        w = snapshot.table(table)
        if table == "weights_tract_extra":
            w = w[w["level"] == level].rename(columns={"area_id": "neighborhood"})
        vintage = int(frame["tract_vintage"].iloc[0]) if "tract_vintage" in frame and len(frame) else None
        if vintage is not None:
            w = w[w["tract_vintage"] == vintage]
        tracts = sorted(w.loc[(w["neighborhood"] == area_id) & (w["weight"] >= min_weight), "tract_id"])
    values = frame.set_index("area_id")["estimate"].reindex(tracts)
    counts = values.value_counts(dropna=False).to_dict()
    row = {"period": frame["period"].iloc[0] if len(frame) else "", "source_ids": frame["source_ids"].iloc[0]
           if len(frame) else "", "tracts": len(tracts)}
    return Part(PRESSURE, indicator_id, row=row, counts={(None if pd.isna(k) else k): int(v) for k, v in counts.items()})


def can_people_stay(snapshot: Snapshot, area_id: str, level: str = "neighborhood") -> list[Part]:
    """The *Can people stay?* summary of one area: the stability parts the snapshot serves at ``level`` (with
    their trends), then the displacement pressure (eviction filings, rent burden), then the displacement typology
    of its tracts (or the missing inputs) and the vulnerable tracts. Parts the snapshot cannot give at all are
    left out; a typology it lacks inputs for is kept, with the reason."""
    parts: list[Part] = []
    for group, ids in ((STABILITY, STABILITY_PARTS), (PRESSURE, PRESSURE_PARTS)):
        for ind_id in ids:
            if level in compute.available_levels(snapshot, ind_id):
                parts.append(area_part(snapshot, ind_id, area_id, level, group))
    typology = tract_counts(snapshot, "displacement_typology", area_id, level)
    parts.append(typology)
    if "tract" in compute.available_levels(snapshot, "displacement_vulnerability"):
        parts.append(tract_counts(snapshot, "displacement_vulnerability", area_id, level))
    return parts


def first_with_margin(parts: list[Part]) -> Part | None:
    """The first part whose figure has a margin of error: where a page says, once, what ± means."""
    return next((p for p in parts if finite(p.row.get("estimate")) and finite(p.row.get("moe"))), None)


def periods_differ(periods) -> bool:
    """True where figures set side by side cover different periods (empty periods left out)."""
    return len({str(p) for p in periods if p is not None and str(p) and str(p) != "nan"}) > 1


def finite(x) -> bool:
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False
