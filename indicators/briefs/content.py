"""What a brief says: the figures gathered from the snapshot and the tracker store into plain records, already in
words in the brief's language (the PDF and the slides only lay them out).

Every figure comes from the snapshot through :mod:`indicators.metrics.compute`; where the snapshot has none, the record
says so. Neighborhood names, source titles, UPR themes and recommendation texts stay as published (in English);
everything else is translated with ``_ = translator(lang)``, indicator text with ``catalog.get(id, lang)`` and
figures with :class:`indicators.metrics.text.Words`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from indicators.metrics import catalog, comparisons, compute, housing, stability, summary
from indicators.core.i18n import N_, normalise, translator
from indicators.snapshot.read import Snapshot
from indicators.snapshot.words import in_language as snapshot_words
from indicators.metrics.text import Words, missing
from indicators.tracker.campaign import is_overdue
from indicators.tracker.validation import NO_ASSESSMENT, NO_ASSESSMENT_LABEL, RESPONSES, STATUSES, TRACKS
from indicators.tracker.vocabularies import ACTION_KINDS

#: the figures a brief puts first ("Can people stay?"), after the city's stability headline
#: (:func:`indicators.metrics.summary.headline_indicator`): the other stability measures, then the displacement
#: pressure around them; each beside the city's (or county's) figure
HEADLINE = ("same_house_1yr_share", "long_tenure_share", "avg_years_of_residence", "owner_share",
            "black_population_change_2010_2020", "eviction_filing_rate", "rent_burden_share")
HEADLINE_COUNT = 6

#: reliability in a brief's few words (how to read it gives the CV classes once)
RELIABILITY = {
    "reliable": N_("reliable"),
    "use with caution": N_("use with caution"),  # i18n: not shown
    "unreliable": N_("unreliable"),
    "unknown": N_("no margin of error published"),
}
NO_MARGIN = "unknown"
COUNT_WORDS = N_("a count, without sampling error")

#: the tracker's status scale, tracks and responses in words (the keys are the store's)
STATUS_LABELS = {**STATUSES, NO_ASSESSMENT: NO_ASSESSMENT_LABEL}
TRACK_LABELS = TRACKS
RESPONSE_LABELS = RESPONSES

#: census race groups (without the total), as in the profile page
RACE_GROUPS = {k: v for k, v in stability.RACE_GROUPS.items() if k != "total"}
UPR_THEMES_BY_TOPIC = catalog.UPR_THEMES_BY_TOPIC
#: geographies in words, for what a brief cannot show for a neighborhood
LEVEL_WORDS = {"tract": N_("census tracts"), "neighborhood": N_("neighborhoods"), "zip": N_("ZIP codes"),
               "city": N_("the city"), "county": N_("the county")}
UPR_SOURCE = "upr_recommendations"
BOUNDARY_SOURCE = "neighborhood_boundaries"


class BriefError(ValueError):
    """A brief that cannot be made (an unknown neighborhood, a list of another city); says why."""


# ------------------------------------------------------------------------------------------------ records
@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    vintage: str


@dataclass(frozen=True)
class Figure:
    """One indicator for the neighborhood beside the city, in words."""

    indicator_id: str
    topic: str
    title: str
    value: str            # the neighborhood figure with its margin of error: "42.2% ± 6.4 points"
    city: str             # the city figure with its margin of error, or why there is none
    comparison: str       # "about the same as the city"
    reliability: str
    period: str
    has_margin: bool
    estimate: float | None
    moe: float | None
    city_estimate: float | None
    source_ids: tuple[str, ...] = ()
    note: str = ""        # the library's note on the neighborhood figure, in words (routine ones left out)
    reference_level: str = "city"   # the geography of the reference figure: city, or county
    basis: str = ""       # the geography the figure describes, in words ("tracts apportioned by land area")
    rank: str = ""        # "3 of 90 (could be 1–12)", with its mark where unreliable
    caveats: tuple[str, ...] = ()   # every caveat of the indicator, in the brief's language
    trend: str = ""       # the change between two periods that share no year, tested, in words


@dataclass(frozen=True)
class Unavailable:
    title: str
    reason: str
    levels: tuple[str, ...] = ()   # the geographies the snapshot has it for (none: not in the snapshot)


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    moe: float | None = None


@dataclass(frozen=True)
class Trend:
    """An indicator over time: the area's points (empty for the city alone) and the city's."""

    indicator_id: str
    title: str
    unit: str
    points: tuple[Point, ...]
    city_points: tuple[Point, ...]
    summary: str          # the change in words, or why there is no trend
    note: str = ""
    source_ids: tuple[str, ...] = ()

    @property
    def has_series(self) -> bool:
        return len([p for p in (self.points or self.city_points) if not missing(p.value)]) > 1


@dataclass(frozen=True)
class GroupCount:
    label: str
    count_2010: float
    count_2020: float


@dataclass(frozen=True)
class Assessment:
    """The current status of one recommendation on one track (city claim or community assessment)."""

    track: str
    track_label: str
    status: str
    status_label: str
    as_of: str
    author: str
    note: str
    evidence: tuple[tuple[str, str], ...]   # (label, url)
    indicator_ids: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    cycle: int
    number: str
    recommending_state: str
    response: str
    theme: str
    text: str             # official text, in English
    city: Assessment
    community: Assessment
    linked_by: str = ""   # why a neighborhood brief shows it, in words


@dataclass(frozen=True)
class NeighborhoodBrief:
    lang: str
    city_id: str
    city_name: str
    hood: str
    generated: str        # date of the brief (ISO)
    snapshot_built: str   # date the snapshot was built (ISO)
    figures: tuple[Figure, ...]
    headlines: tuple[Figure, ...]
    topics: dict[str, str]
    unavailable: tuple[Unavailable, ...]
    trends: tuple[Trend, ...]
    residents: tuple[GroupCount, ...]
    residents_total: tuple[float, float] | None
    residents_note: str
    recommendations: tuple[Recommendation, ...]
    recommendations_total: int
    recommendations_note: str
    sources: tuple[Source, ...]
    geometry: object = field(default=None, repr=False, compare=False)  # GeoDataFrame of every neighborhood
    stay_notes: tuple[str, ...] = ()   # the typology and vulnerable tracts of the area, or what the snapshot lacks
    margin_explained: str = ""         # what ± means, with the first figure that has one
    topic_warnings: dict = field(default_factory=dict)  # topic → a warning on its figures (periods that differ)

    @property
    def has_margins(self) -> bool:
        return any(f.has_margin for f in self.figures)

    @property
    def caveats(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(title, caveats) of every indicator the brief shows, in its order."""
        return tuple((f.title, f.caveats) for f in self.figures if f.caveats)


@dataclass(frozen=True)
class ProgressItem:
    position: int
    recommendation: Recommendation
    rationale: str
    responsible_body: str
    target_date: str
    trends: tuple[Trend, ...]
    overdue: bool = False
    actions: tuple[str, ...] = ()    # the campaign's latest actions on it, in words, newest first
    testimony: str = ""              # how many residents' testimonies bear on it (from five), in words
    quotes: tuple[str, ...] = ()     # residents' words, where their givers allowed reports


@dataclass(frozen=True)
class ProgressBrief:
    lang: str
    city_id: str
    city_name: str
    list_id: int
    list_name: str
    description: str
    list_version: int
    list_saved: str
    generated: str
    snapshot_built: str
    items: tuple[ProgressItem, ...]
    counts: dict[str, dict[str, int]]     # track -> status -> number of recommendations on the list
    sources: tuple[Source, ...]
    list_actions: tuple[str, ...] = ()    # the campaign's latest actions on the list as a whole

    @property
    def has_margins(self) -> bool:
        return any(not missing(p.moe) for item in self.items for t in item.trends for p in t.city_points)

    @property
    def trends(self) -> tuple[Trend, ...]:
        """Each linked indicator's trend once, in the order the list first names it."""
        seen: dict[str, Trend] = {}
        for item in self.items:
            for trend in item.trends:
                seen.setdefault(trend.indicator_id, trend)
        return tuple(seen.values())


# ------------------------------------------------------------------------------------------------ helpers
def status_label(status: str, lang: str) -> str:
    """A tracker status in words in ``lang`` (an unknown one as stored)."""
    label = STATUS_LABELS.get(status)
    return translator(lang)(label) if label else status


def track_label(track: str, lang: str) -> str:
    label = TRACK_LABELS.get(track)
    return translator(lang)(label) if label else track


def period_words(period, lang: str) -> str:
    """A snapshot period in the brief's language: ``2022-12-01 to 2023-11-30`` → ``2022-12-01 a 2023-11-30``."""
    return Words(lang).period(period)


#: notes of the library that say how a neighborhood figure was built from tracts or ZIP codes: said once in the
#: brief's reading notes rather than on every row
ROUTINE_NOTES = ("rebuilt from tract counts apportioned by land area",  # i18n: not shown
                 "ZIP filings apportioned to neighborhoods by land area",  # i18n: not shown
                 "ZIP filings and baselines apportioned to neighborhoods by land area")  # i18n: not shown


#: the geographies a brief names beside a figure (tracts apportioned by land area are said once, in how to read it)
SAID_BASES = (comparisons.FROM_ZIPS, comparisons.CITY_FROM_TRACTS)
#: notes said at length in the caveats, shortened beside each figure
SHORT_NOTES = {housing.RENTER_BASE_NOTE: N_("over all renter households, so it reads low (see the caveats)")}


def _number(x) -> float | None:
    try:
        return None if missing(x) or x is None else float(x)
    except (TypeError, ValueError):
        return None


def _source_ids(*values) -> tuple[str, ...]:
    ids: list[str] = []
    for value in values:
        if isinstance(value, str):
            ids.extend(s.strip() for s in value.split(",") if s.strip() and s.strip() not in ids)
    return tuple(dict.fromkeys(ids))


def sources_of(snapshot: Snapshot, ids, lang: str = "en") -> tuple[Source, ...]:
    """The manifest's sources named by ``ids``, in the manifest's order; their vintages in ``lang`` (titles and
    publishers stay as published)."""
    wanted = set(ids)
    return tuple(Source(s["id"], s["title"], s["publisher"], snapshot_words(s["vintage"], lang))
                 for s in snapshot.manifest["sources"] if s["id"] in wanted)


def built_date(snapshot: Snapshot) -> str:
    return str(snapshot.manifest.get("built_at", ""))[:10]


def city_name(snapshot: Snapshot) -> str:
    return snapshot.manifest["city"]["name"]


def _reason(exc: Exception, lang: str) -> str:
    message = getattr(exc, "message", None)
    return message(lang) if callable(message) else str(exc)


def unavailable_words(unavailable, lang: str) -> list[str]:
    """What the brief cannot show for a neighborhood, grouped by where the snapshot has it, in sentences."""
    _ = translator(lang)
    groups: dict[tuple[str, ...], list[str]] = {}
    for item in unavailable:
        groups.setdefault(tuple(item.levels), []).append(item.title)
    sentences = []
    for levels, titles in groups.items():
        names = "; ".join(titles)
        if levels:
            where = ", ".join(_(LEVEL_WORDS[lv]) if lv in LEVEL_WORDS else lv for lv in levels)
            sentences.append(_("Published for {where} only: {titles}.", where=where, titles=names))
        else:
            sentences.append(_("Not in this snapshot for any geography: {titles}.", titles=names))
    return sentences


def neighborhoods(snapshot: Snapshot) -> list[str]:
    return sorted(snapshot.table("areas_neighborhoods")["area_id"].tolist())


# ------------------------------------------------------------------------------------------------ figures
def figure(snapshot: Snapshot, indicator_id: str, hood: str, lang: str) -> Figure:
    """One indicator for ``hood`` beside the city's (or the county's, said so), tested at 90%, ranked with its
    range, with its geography, trend and caveats. Raises :class:`compute.NotAvailable`."""
    _ = translator(lang)
    words = Words(lang)
    ind = catalog.get(indicator_id, lang)
    frame = compute.compute(snapshot, indicator_id, "neighborhood")
    frame = comparisons.rank_areas(frame, direction=ind.direction, uncertainty=ind.uncertainty)
    row = frame[frame["area_id"] == hood]
    row = row.iloc[0].to_dict() if len(row) else None
    est = _number(row["estimate"]) if row is not None else None
    moe = _number(row["moe"]) if row is not None else None
    reference = summary.reference_row(snapshot, indicator_id)
    city_est = _number(reference["estimate"]) if reference is not None else None
    said = words.figure(ind, row or {}, reference)
    if est is None:
        value = _("no figure for this neighborhood in the snapshot")
    else:
        value = said.value
    if city_est is None:
        city = _("no city figure in the snapshot")
    else:
        city = said.reference
    comparison = said.comparison if est is not None else ""
    reliability = ""
    if est is not None and row is not None:
        label = RELIABILITY.get(row["reliability"]) or RELIABILITY.get(NO_MARGIN)
        # counts and records have no sampling error: "no margin of error published" would suggest a missing one
        reliability = _(COUNT_WORDS) if ind.uncertainty == "counts" and label == RELIABILITY[NO_MARGIN] else _(label)
    period = period_words(row["period"], lang) if row is not None else ""
    raw_note = row["note"] if row is not None and isinstance(row["note"], str) else ""
    notes = [words.arrest_counts(row)] if row is not None and indicator_id == "arrest_disparity_black_white" else []
    notes += [_(SHORT_NOTES[part]) if part in SHORT_NOTES else words.note(part)
              for part in raw_note.split("; ") if part and part not in ROUTINE_NOTES]
    trend = summary.trend(snapshot, indicator_id, hood, "neighborhood")
    return Figure(
        indicator_id=indicator_id, topic=ind.topic, title=ind.title, value=value, city=city,
        comparison=comparison, reliability=reliability, period=period, has_margin=moe is not None,
        estimate=est, moe=moe, city_estimate=city_est, note="; ".join(n for n in notes if n),
        source_ids=_source_ids(row["source_ids"] if row is not None else None,
                               reference["source_ids"] if reference is not None else None),
        reference_level=(reference or {}).get("geo_level") or "city",
        basis=said.basis if row is not None and comparisons.basis(row) in SAID_BASES else "",
        rank=said.rank if est is not None else "", caveats=tuple(ind.caveats), trend=words.trend(ind, trend))


def glance_line(f, lang: str) -> str:
    """A headline figure's comparison with its reference, the reference labelled city or county."""
    _ = translator(lang)
    reference = f.city if f.reference_level == "county" else _("city: {city}", city=f.city)
    if f.comparison:
        return _("{comparison} ({reference})", comparison=f.comparison, reference=reference)
    return _("City: {city}", city=f.city) if f.reference_level != "county" else reference


def headline_ids(snapshot: Snapshot) -> tuple[str, ...]:
    """The figures a brief leads with: the city's stability headline, then :data:`HEADLINE` in order."""
    first = summary.headline_indicator(snapshot, "neighborhood")
    return tuple(dict.fromkeys([*([first] if first else []), *HEADLINE]))


def stay_notes(snapshot: Snapshot, hood: str, lang: str) -> tuple[str, ...]:
    """The displacement typology and vulnerable tracts of ``hood`` in words, or why the snapshot cannot say."""
    _ = translator(lang)
    words = Words(lang)
    notes = []
    for indicator_id in summary.TYPOLOGY_PARTS:
        ind = catalog.get(indicator_id, lang)
        if indicator_id == "displacement_vulnerability" and "tract" not in compute.available_levels(
                snapshot, indicator_id):
            continue
        part = summary.tract_counts(snapshot, indicator_id, hood, "neighborhood")
        if part.missing is not None:
            notes.append(_("{title}: not available ({reason})", title=ind.title,
                           reason=_("the snapshot lacks its inputs; the methods page lists them")
                           if isinstance(part.missing, compute.InputsMissing) else _reason(part.missing, lang)))
        else:
            notes.append(_("{title}: {counts} ({period})", title=ind.title, period=period_words(part.row["period"], lang),
                           counts=words.tract_counts(ind, part.counts, part.row.get("tracts", 0))))
    return tuple(notes)


def area_trend(snapshot: Snapshot, indicator_id: str, hood: str, lang: str) -> Trend | None:
    """The indicator for ``hood`` and the city in every year the snapshot holds (None: one year only)."""
    _ = translator(lang)
    words = Words(lang)
    years = sorted(compute.vintages(snapshot, indicator_id, "neighborhood"))
    if len(years) < 2:
        return None
    ind = catalog.get(indicator_id, lang)
    points, city_points, ids = [], [], []
    for year in years:
        frame = compute.compute(snapshot, indicator_id, "neighborhood", year=year)
        row = frame[frame["area_id"] == hood]
        points.append(Point(str(year), _number(row["estimate"].iloc[0]) if len(row) else None))
        ref = compute.city_value(snapshot, indicator_id, year)
        city_points.append(Point(str(year), _number(ref["estimate"]) if ref is not None else None))
        ids.extend(_source_ids(frame["source_ids"].iloc[0] if len(frame) else None))
    known = [p for p in points if p.value is not None]
    if len(known) < 2:
        summary = _("No yearly figures for this neighborhood in the snapshot.")
    else:
        summary = _("{first} in {first_year}, {last} in {last_year}.", first=words.value(ind, known[0].value),
                    first_year=known[0].label, last=words.value(ind, known[-1].value), last_year=known[-1].label)
    note = _("The last year shown may be incomplete: the brief's table uses the last full year.")
    return Trend(indicator_id, ind.title, ind.unit, tuple(points), tuple(city_points), summary, note,
                 _source_ids(*ids))


def city_trend(snapshot: Snapshot, indicator_id: str, lang: str) -> Trend:
    """The city's figure for an indicator over every release the snapshot holds, or why there is none."""
    _ = translator(lang)
    words = Words(lang)
    try:
        ind = catalog.get(indicator_id, lang)
    except KeyError:
        return Trend(indicator_id, indicator_id, "", (), (), _("This indicator is not in the catalog."))
    served = compute.available_levels(snapshot, indicator_id)
    level = "city" if "city" in served else ("county" if "county" in served else None)
    if level is None:
        return Trend(indicator_id, ind.title, ind.unit, (), (),
                     _("No city-wide figure in the snapshot: no trend to show."))
    years = sorted(compute.vintages(snapshot, indicator_id, level))
    points, ids = [], []
    for year in years or [None]:
        ref = compute.city_value(snapshot, indicator_id, year)
        if ref is None:
            continue
        points.append(Point(period_words(ref["period"], lang), _number(ref["estimate"]), _number(ref["moe"])))
        ids.extend(_source_ids(ref["source_ids"]))
    known = [p for p in points if p.value is not None]
    where = _("city") if level == "city" else _("county")
    if not known:
        summary = _("No city-wide figure in the snapshot: no trend to show.")
    elif len(known) == 1:
        summary = _("One period only in the snapshot ({where}): {value} ({period}). No trend yet.", where=where,
                    value=words.value_with_margin(ind, known[0].value, known[0].moe), period=known[0].label)
    else:
        summary = _("{where}: {first} ({first_period}) → {last} ({last_period})", where=where.capitalize(),
                    first=words.value_with_margin(ind, known[0].value, known[0].moe), first_period=known[0].label,
                    last=words.value_with_margin(ind, known[-1].value, known[-1].moe), last_period=known[-1].label)
    note = ""
    if indicator_id in compute.YEARLY_ACS and len(known) > 1:
        note = _("Consecutive 5-year ACS periods share years: read the direction over several releases, "
                 "not one year's change.")
    return Trend(indicator_id, ind.title, ind.unit, (), tuple(points), summary, note, _source_ids(*ids))


def residents_by_group(snapshot: Snapshot, hood: str, lang: str):
    """Census residents of ``hood`` by race group, 2010 and 2020: (groups, (total 2010, total 2020), note)."""
    _ = translator(lang)
    population = snapshot.table("population_by_race")
    groups = []
    for group, label in RACE_GROUPS.items():
        out = stability.population_change(population, level="neighborhood", group=group)
        row = out[out["area_id"] == hood]
        if len(row) and not missing(row["denominator"].iloc[0]):
            start = float(row["denominator"].iloc[0])
            groups.append(GroupCount(_(label), start, start + float(row["numerator"].iloc[0])))
    out = stability.population_change(population, level="neighborhood", group="total")
    row = out[out["area_id"] == hood]
    total = None
    if len(row) and not missing(row["denominator"].iloc[0]):
        start = float(row["denominator"].iloc[0])
        total = (start, start + float(row["numerator"].iloc[0]))
    if total is None:
        note = _("The census counts by race are not published for {hood} alone.", hood=hood)
    else:
        note = _("Census counts have no sampling error, but the 2020 census adds noise to small areas to protect "
                 "privacy: changes of a few dozen people are not a pattern. Counts of “some other race” and “two "
                 "or more races” rose largely because the 2020 census asked and coded race differently.")
    return tuple(groups), total, note


# ------------------------------------------------------------------------------------------------ tracker
def open_store(url: str | None = None, *, snapshot: Snapshot | None = None):
    """The tracker store of the snapshot's city as the dashboard opens it (``url``, else ``$HRC_TRACKER_URL``, else
    the secrets' ``[tracker] url``, else the city's SQLite file; a URL with ``{city}`` gives each city its own),
    seeded from the snapshot's recommendations when empty. Raises
    :class:`indicators.tracker.db.SharedStoreError` where a one-city URL is asked for another city."""
    from indicators.tracker.importer import ensure_seeded
    from indicators.tracker.store import Store
    from indicators.tracker.db import configured_store_url

    city = snapshot.city if snapshot is not None else None
    store = Store.open(url, configured=configured_store_url(), city=city)
    if snapshot is not None and store.count_recommendations() == 0:
        ensure_seeded(store, Path(snapshot.path) / f"{UPR_SOURCE}.parquet")
    return store


def _assessment(version, track: str, lang: str) -> Assessment:
    _ = translator(lang)
    if version is None:
        return Assessment(track, track_label(track, lang), "no_assessment", status_label("no_assessment", lang), "",
                          "", "", (), ())
    return Assessment(track, track_label(track, lang), version.status, status_label(version.status, lang),
                      version.as_of.isoformat(),
                      version.author, version.note, tuple((e.label, e.url) for e in version.evidence),
                      tuple(version.indicator_ids))


def recommendation(store, city: str, row, lang: str, linked_by: str = "") -> Recommendation:
    """One recommendation (a row of ``overview_table``) with both current statuses read from the store."""
    _ = translator(lang)
    cycle, number = int(row["cycle"]), str(row["number"])
    tracks = {t: _assessment(store.current_status(number, city=city, track=t, cycle=cycle), t, lang)
              for t in TRACK_LABELS}
    response = str(row["response"])
    return Recommendation(cycle, number, str(row["recommending_state"]),
                          _(RESPONSE_LABELS.get(response)) if response in RESPONSE_LABELS else response,
                          str(row["theme"]), str(row["text"]), tracks["city"], tracks["community"], linked_by)


def indicator_links(store, city: str) -> dict[tuple[int, str], set[str]]:
    """For each recommendation, the indicators named as evidence by its current statuses (both tracks)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from indicators.tracker.models import RecommendationRow, StatusVersionRow

    query = (select(RecommendationRow.cycle, RecommendationRow.number, StatusVersionRow.track,
                    StatusVersionRow.version, StatusVersionRow.indicator_ids)
             .join(RecommendationRow, StatusVersionRow.recommendation_id == RecommendationRow.id)
             .where(StatusVersionRow.city == city))
    newest: dict[tuple, tuple[int, tuple[str, ...]]] = {}
    with Session(store.engine) as session:
        for cycle, number, track, version, ids in session.execute(query):
            key = (int(cycle), str(number), track)
            if key not in newest or version > newest[key][0]:
                newest[key] = (version, tuple(ids or ()))
    links: dict[tuple[int, str], set[str]] = {}
    for (cycle, number, _track), (_version, ids) in newest.items():
        if ids:
            links.setdefault((cycle, number), set()).update(ids)
    return links


def linked_recommendations(store, city: str, indicator_ids, topics, lang: str, limit: int = 8):
    """The recommendations a neighborhood brief shows, and how many are linked in all.

    First those whose current statuses name one of ``indicator_ids`` as evidence, then those on the UPR themes
    of ``topics`` — themes shared by more topics first, assessed recommendations before unassessed ones.
    """
    from indicators.tracker.progress import overview_table
    from indicators.tracker.validation import number_sort_key

    _ = translator(lang)
    table = overview_table(store.recommendation_frame(), store.current_statuses_frame(city))
    if table.empty:
        return (), 0
    weight: dict[str, int] = {}
    for topic in topics:
        for theme in UPR_THEMES_BY_TOPIC.get(topic, ()):
            weight[theme] = weight.get(theme, 0) + 1
    links = indicator_links(store, city)
    wanted = set(indicator_ids)
    explicit = [bool(links.get((int(c), str(n)), set()) & wanted) for c, n in zip(table["cycle"], table["number"])]
    assessed = (table["city_status"] != "no_assessment") | (table["community_status"] != "no_assessment")
    table = table.assign(explicit=explicit, weight=table["theme"].map(weight).fillna(0), assessed=assessed)
    table = table[table["explicit"] | (table["weight"] > 0)]
    table = table.assign(order=[number_sort_key(n) for n in table["number"]])
    table = table.sort_values(["explicit", "weight", "assessed", "cycle", "order"],
                              ascending=[False, False, False, False, True])
    shown = []
    for _i, row in table.head(limit).iterrows():
        reason = (_("its status names one of these indicators as evidence") if row["explicit"]
                  else _("theme: {theme}", theme=row["theme"]))
        shown.append(recommendation(store, city, row, lang, reason))
    return tuple(shown), int(len(table))


# ------------------------------------------------------------------------------------------------ briefs
def neighborhood_brief(snapshot: Snapshot, hood: str, *, lang: str = "en", store=None,
                       today: dt.date | None = None, recommendation_limit: int = 8) -> NeighborhoodBrief:
    """Everything the neighborhood brief of ``hood`` says, in ``lang``.

    ``store`` is the tracker store (None: the brief says the recommendations could not be read).
    Raises :class:`BriefError` for a neighborhood the snapshot does not have.
    """
    lang = normalise(lang)
    _ = translator(lang)
    areas = snapshot.table("areas_neighborhoods")
    if hood not in set(areas["area_id"]):
        raise BriefError(_("The snapshot has no neighborhood named {hood}.", hood=hood))
    figures, unavailable = [], []
    for ind in catalog.CATALOG.values():
        try:
            figures.append(figure(snapshot, ind.id, hood, lang))
        except compute.NotAvailable as exc:
            unavailable.append(Unavailable(catalog.get(ind.id, lang).title, _reason(exc, lang),
                                           compute.available_levels(snapshot, ind.id)))
    topic_order = list(catalog.TOPICS)
    figures.sort(key=lambda f: topic_order.index(f.topic))
    by_id = {f.indicator_id: f for f in figures}
    headlines = tuple(by_id[i] for i in headline_ids(snapshot) if i in by_id and by_id[i].estimate is not None)
    headlines = headlines[:HEADLINE_COUNT]
    with_margin = next((f for f in headlines + tuple(figures) if f.estimate is not None and f.moe is not None), None)
    # figures of one topic side by side: a ratio of 2016-17 records beside 2022 rates is said to be so
    warnings = {t: Words(lang).period_warning([(f.title, f.period) for f in figures if f.topic == t and f.estimate
                                               is not None]) for t in ("policing",)}
    explained = Words(lang).margin_explained(catalog.get(with_margin.indicator_id, lang), with_margin.estimate,
                                             with_margin.moe) if with_margin else ""
    trends = tuple(t for t in (area_trend(snapshot, f.indicator_id, hood, lang) for f in figures) if t is not None)
    groups, total, residents_note = residents_by_group(snapshot, hood, lang)
    topics = [t for t in topic_order if any(f.topic == t for f in figures)]
    recs, recs_total, recs_note = (), 0, ""
    if store is None:
        recs_note = _("The recommendations tracker could not be read when this brief was made.")
    else:
        try:
            recs, recs_total = linked_recommendations(store, snapshot.city, [f.indicator_id for f in figures],
                                                      topics, lang, recommendation_limit)
        except Exception as exc:  # an unreachable store: the brief is still made, and says so
            recs_note = _("The recommendations tracker could not be read when this brief was made ({problem}).",
                          problem=type(exc).__name__)
    ids = [BOUNDARY_SOURCE, UPR_SOURCE, *(s for f in figures for s in f.source_ids),
           *(s for t in trends for s in t.source_ids), "decennial_race_neighborhoods"]
    return NeighborhoodBrief(
        lang=lang, city_id=snapshot.city, city_name=city_name(snapshot), hood=hood,
        generated=(today or dt.date.today()).isoformat(), snapshot_built=built_date(snapshot),
        figures=tuple(figures), headlines=headlines, topics={t: catalog.topics(lang)[t] for t in topics},
        unavailable=tuple(unavailable), trends=trends, residents=groups, residents_total=total,
        residents_note=residents_note, recommendations=recs, recommendations_total=recs_total,
        recommendations_note=recs_note, sources=sources_of(snapshot, ids, lang),
        geometry=areas[["area_id", "geometry"]], stay_notes=stay_notes(snapshot, hood, lang),
        margin_explained=explained, topic_warnings={t: w for t, w in warnings.items() if w})


def progress_brief(snapshot: Snapshot, store, list_id: int, *, lang: str = "en",
                   today: dt.date | None = None) -> ProgressBrief:
    """Everything the progress brief of priority list ``list_id`` says, in ``lang``.

    Raises :class:`BriefError` when the list belongs to another city than the snapshot's, and the store's
    ``NotFound`` for a list that does not exist.
    """
    from indicators.tracker.progress import STATUS_ORDER, overview_table

    lang = normalise(lang)
    _ = translator(lang)
    plist = store.priority_list(list_id)
    if plist.city != snapshot.city:
        raise BriefError(_("The list belongs to {city}, the snapshot to {snapshot}.", city=plist.city,
                           snapshot=snapshot.city))
    table = overview_table(store.recommendation_frame(), store.current_statuses_frame(plist.city))
    table = table.set_index(["cycle", "number"], drop=False)
    trends: dict[str, Trend] = {}
    items = []
    today = today or dt.date.today()
    campaign = campaign_lines(store, plist, lang)
    for position, item in enumerate(plist.items, start=1):
        rec = recommendation(store, plist.city, table.loc[(item.cycle, item.number)], lang)
        ids = list(dict.fromkeys([*rec.city.indicator_ids, *rec.community.indicator_ids]))
        for indicator_id in ids:
            if indicator_id not in trends:
                trends[indicator_id] = city_trend(snapshot, indicator_id, lang)
        target, body, actions = campaign[(item.cycle, item.number)]
        said, quotes = residents_words(store, plist.city, item.number, lang)
        items.append(ProgressItem(position, rec, item.rationale, body, target.isoformat() if target else "",
                                  tuple(trends[i] for i in ids),
                                  is_overdue(target, rec.community.status, today), actions, said, quotes))
    counts = {track: {s: 0 for s in STATUS_ORDER} for track in TRACK_LABELS}
    for item in items:
        for track in TRACK_LABELS:
            status = getattr(item.recommendation, track).status
            counts[track][status if status in counts[track] else "no_assessment"] += 1
    ids = [UPR_SOURCE, *(s for t in trends.values() for s in t.source_ids)]
    saved = plist.recorded_at
    return ProgressBrief(
        lang=lang, city_id=plist.city, city_name=city_name(snapshot), list_id=plist.list_id, list_name=plist.name,
        description=plist.description, list_version=plist.version,
        list_saved=saved.date().isoformat() if isinstance(saved, dt.datetime) else str(saved or ""),
        generated=today.isoformat(), snapshot_built=built_date(snapshot), items=tuple(items),
        counts=counts, sources=sources_of(snapshot, ids, lang), list_actions=campaign["list"])


def residents_words(store, city: str, number: str, lang: str, *, limit: int = 2) -> tuple[str, tuple[str, ...]]:
    """How many accepted testimonies bear on a recommendation (said only from five, as everywhere) and up to
    ``limit`` quotes whose givers allowed reports — a brief is handed out like a report."""
    from indicators.tracker.vocabularies import MIN_CELL

    _ = translator(lang)
    counted = [t for t in store.testimony.shared(city, "count") if number in t.recommendation_numbers]
    if not counted:
        return "", ()
    said = (_("{n} residents' testimonies", n=len(counted)) if len(counted) >= MIN_CELL
            else _("fewer than {n} residents' testimonies", n=MIN_CELL))
    quotes = tuple(f"“{t.text}”" for t in store.testimony.shared(city, "report", number=number)[:limit])
    return said, quotes


def action_words(action, lang: str) -> str:
    """A campaign action in one line: ``2025-03-04 · Council hearing · Tenant union: twelve residents spoke``."""
    _ = translator(lang)
    line = f"{action.happened_on.isoformat()} · {_(ACTION_KINDS.get(action.kind, action.kind))}"
    if action.who:
        line += f" · {action.who}"
    if action.note:
        line += f": {action.note}"
    return line


def campaign_lines(store, plist, lang: str, *, latest: int = 4) -> dict:
    """For each item of a priority list, its target date and responsible body (the item's own, else the
    recommendation's target in the campaign log) and its latest actions in words; under ``"list"``, the latest
    actions on the list as a whole."""
    from indicators.tracker.campaign import list_subject, rec_subject

    targets = store.campaign.targets(plist.city)
    actions = store.campaign.actions(plist.city, subjects=store.campaign.list_subjects(plist))
    found: dict = {"list": tuple(action_words(a, lang) for a in actions
                                 if a.subject == list_subject(plist.list_id))[:latest]}
    for item in plist.items:
        subject = rec_subject(item.cycle, item.number)
        target = targets.get(subject)
        found[(item.cycle, item.number)] = (
            item.target_date or (target.target_date if target else None),
            item.responsible_body or (target.body_name if target else ""),
            tuple(action_words(a, lang) for a in actions if a.subject == subject)[:latest])
    return found


def find_list(store, city: str, wanted: str, lang: str = "en") -> int:
    """The id of the priority list named ``wanted`` (or whose id it is) in ``city``; BriefError otherwise."""
    lists = store.priority_lists(city, include_archived=True)
    for plist in lists:
        if str(plist.list_id) == str(wanted).strip() or plist.name.casefold() == str(wanted).strip().casefold():
            return plist.list_id
    _ = translator(lang)
    raise BriefError(_("No priority list {name} in {city}.", name=wanted, city=city))

