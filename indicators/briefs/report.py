"""What a compiled report says, gathered from a saved draft, the tracker store and the snapshot, and laid out as an
ordered list of :class:`Block` that the DOCX (:mod:`indicators.briefs.docx`) and PDF
(:mod:`indicators.briefs.pdf_report`) writers render as they are — so the words counted here are the words in
the files.

Two templates:

``stakeholder``
    the shape of a stakeholder submission to the UN's Universal Periodic Review (OHCHR's guidelines): a cover page
    naming the coalition and, for a joint submission, all its members; an introduction with an executive summary;
    numbered paragraphs; each recommendation cited by its number (e.g. 26.286) with the city government's and the
    community's statuses, the indicators with their margins of error and periods, quotes from testimony whose
    givers consented to reports; and the coalition's own recommendations.
``local``
    a report to city officials: the same evidence, with who must act, by when (overdue flagged) and the
    campaign's actions.

Every report states what changed since the coalition's previous report (the newest one marked as sent): the
recommendations added or dropped, statuses that moved, campaign actions and testimony accepted since.
Testimony is read with its consent each time a report is made: a withdrawn testimony is in no report made after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from indicators.briefs.content import UPR_SOURCE, Assessment, _assessment, sources_of, status_label, track_label
from indicators.core.i18n import normalise, translator
from indicators.metrics import catalog, compute
from indicators.metrics.text import Words
from indicators.snapshot.read import Snapshot
from indicators.tracker.campaign import is_overdue, list_subject, rec_subject
from indicators.tracker.errors import NotFound
from indicators.tracker.progress import statuses_on
from indicators.tracker.reports import SUBMISSION_LIMITS, ReportDraft, count_words
from indicators.tracker.validation import RESPONSES, TRACKS
from indicators.tracker.vocabularies import ACTION_KINDS

#: block kinds the writers know
KINDS = ("title", "subtitle", "meta", "heading", "subheading", "para", "official", "quote", "small", "pagebreak")


@dataclass(frozen=True)
class Block:
    """One piece of the document: ``kind`` (see :data:`KINDS`), its text, and its paragraph number, if numbered."""

    kind: str
    text: str = ""
    number: int | None = None

    @property
    def shown(self) -> str:
        """The text as printed, with its paragraph number."""
        return f"{self.number}. {self.text}" if self.number is not None else self.text


@dataclass(frozen=True)
class Quote:
    testimony_id: int
    text: str
    attribution: str


@dataclass(frozen=True)
class CitedFigure:
    indicator_id: str
    title: str
    value: str        # "45.3% ± 1.8 points"
    period: str
    publisher: str
    has_margin: bool


@dataclass(frozen=True)
class ReportRecommendation:
    cycle: int
    number: str
    recommending_state: str
    response: str
    theme: str
    text: str
    city: Assessment
    community: Assessment
    paragraph: str
    figures: tuple[CitedFigure, ...]
    quotes: tuple[Quote, ...]
    responsible: str = ""
    target: dt.date | None = None
    overdue: bool = False
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    lang: str
    template: str
    city_name: str
    title: str
    draft: ReportDraft
    recommendations: tuple[ReportRecommendation, ...]
    changes: tuple[str, ...]
    previous: str                 # the previous report in words, or "" when there is none
    generated: str
    snapshot_built: str
    sources: tuple = ()
    dropped_quotes: int = 0       # quotes chosen in the draft that may no longer be used (withdrawn, consent)
    blocks: tuple[Block, ...] = field(default=(), compare=False)

    @property
    def word_count(self) -> int:
        return sum(count_words(block.shown) for block in self.blocks)

    @property
    def word_limit(self) -> int | None:
        """The coalition's own limit, else, for a stakeholder submission, the UN's for its kind."""
        if self.draft.outline.get("word_limit"):
            return int(self.draft.outline["word_limit"])
        if self.template == "stakeholder":
            return SUBMISSION_LIMITS[self.draft.outline.get("submission") or "joint"].words
        return None

    @property
    def paragraph_count(self) -> int:
        return sum(1 for b in self.blocks if b.number is not None)


def city_figure(snapshot: Snapshot, indicator_id: str, lang: str) -> CitedFigure | None:
    """The newest city-wide figure of an indicator with its margin of error, period and publisher (None where
    the catalog does not know it); where the snapshot has no city figure, the county's, said so."""
    _ = translator(lang)
    if indicator_id not in catalog.CATALOG:
        return None
    ind = catalog.get(indicator_id, lang)
    words = Words(lang)
    try:
        served = compute.available_levels(snapshot, indicator_id)
        reference = compute.city_value(snapshot, indicator_id) if ("city" in served or "county" in served) else None
    except compute.NotAvailable:
        reference = None
    if reference is None or pd.isna(reference["estimate"]):
        return CitedFigure(indicator_id, ind.title, _("no city-wide figure in the data snapshot"), "", "", False)
    moe = None if pd.isna(reference["moe"]) else float(reference["moe"])
    value = words.value_with_margin(ind, float(reference["estimate"]), moe)
    if "city" not in served:
        value = _("{value} (county)", value=value)
    publishers = "; ".join(dict.fromkeys(s.publisher for s in sources_of(
        snapshot, [i.strip() for i in str(reference["source_ids"]).split(",")])))
    return CitedFigure(indicator_id, ind.title, value, words.period(reference["period"]), publishers, moe is not None)


def _quote(testimony, lang: str, area_names: Mapping[str, str]) -> Quote:
    _ = translator(lang)
    if testimony.area_id:
        who = _("a resident of {area}", area=area_names.get(testimony.area_id, testimony.area_id))
    else:
        who = _("a resident")
    if testimony.period:
        who = _("{who}, {period}", who=who, period=testimony.period)
    return Quote(testimony.testimony_id, testimony.text, who)


def _changes(store, draft: ReportDraft, previous: ReportDraft | None, numbers: list[str], lang: str,
             today: dt.date) -> tuple:
    """What changed since ``previous`` was sent, in sentences (empty when there is no previous report)."""
    _ = translator(lang)
    if previous is None:
        return ()
    since = previous.issued_on
    lines = []
    before = list(previous.outline.get("numbers") or [])
    added = [n for n in numbers if n not in before]
    dropped = [n for n in before if n not in numbers]
    if added:
        lines.append(_("Recommendations followed up for the first time: {numbers}.", numbers=", ".join(added)))
    if dropped:
        lines.append(_("Recommendations no longer followed up here: {numbers}.", numbers=", ".join(dropped)))
    versions = store.status_versions_frame(draft.city)
    then = statuses_on(versions, since) if len(versions) else versions
    now = statuses_on(versions, today) if len(versions) else versions
    for number in numbers:
        for track in TRACKS:
            def status(frame):
                mine = frame[(frame["number"] == number) & (frame["track"] == track)] if len(frame) else frame
                return mine["status"].iloc[0] if len(mine) else "no_assessment"
            old, new = status(then), status(now)
            if old != new:
                lines.append(_("{number}: {track} moved from “{old}” to “{new}”.", number=number,
                               track=track_label(track, lang).lower(), old=status_label(old, lang),
                               new=status_label(new, lang)))
    moment = dt.datetime.combine(since, dt.time.max, tzinfo=dt.UTC)
    cycles = {r.number: r.cycle for r in store.recommendations() if r.number in numbers}
    subjects = [rec_subject(cycles[n], n) for n in numbers if n in cycles]
    if draft.outline.get("list_id"):
        subjects.append(list_subject(draft.outline["list_id"]))
    actions = [a for a in store.campaign.actions(draft.city, subjects=subjects) if a.happened_on > since]
    if actions:
        lines.append(_("Campaign actions since then: {n}, the latest on {date}: {kind}.", n=len(actions),
                       date=actions[0].happened_on.isoformat(), kind=_(ACTION_KINDS[actions[0].kind])))
    accepted = [t for t in store.testimony.shared(draft.city, "report", since=moment)
                if set(t.recommendation_numbers) & set(numbers)]
    if accepted:
        lines.append(_("Residents' testimonies on these recommendations accepted since then: {n}.", n=len(accepted)))
    if not lines:
        lines.append(_("No status, campaign action or testimony on these recommendations has changed since then."))
    return tuple(lines)


def build_report(snapshot: Snapshot, store, draft: ReportDraft, *, lang: str | None = None,
                 today: dt.date | None = None, area_names: Mapping[str, str] | None = None) -> Report:
    """Everything a report of ``draft`` says, in ``lang`` (the draft's language when None), as :class:`Block`."""
    lang = normalise(lang or draft.outline.get("lang"))
    _ = translator(lang)
    today = today or dt.date.today()
    outline = draft.outline
    city = draft.city
    area_names = area_names or {}
    recs = {r.number: r for r in store.recommendations()}
    numbers = [n for n in outline.get("numbers") or [] if n in recs]
    community_now = {}
    targets = store.campaign.targets(city)
    plist = None
    if outline.get("list_id"):
        try:
            plist = store.priority_list(outline["list_id"])
        except NotFound:  # a list that is not in this store: the report is made without its targets
            plist = None
    items = {i.number: i for i in (plist.items if plist else ())}
    usable = {t.testimony_id: t for t in store.testimony.shared(city, "report")}
    dropped = 0
    rec_records = []
    for number in numbers:
        rec = recs[number]
        current = {t: store.current_status(number, city=city, track=t, cycle=rec.cycle) for t in TRACKS}
        community_now[number] = current["community"].status if current["community"] else None
        ids = list(dict.fromkeys([*(outline.get("indicators") or {}).get(number, []),
                                  *(i for v in current.values() if v for i in v.indicator_ids)]))
        figures = tuple(f for f in (city_figure(snapshot, i, lang) for i in ids) if f is not None)
        chosen = (outline.get("quotes") or {}).get(number, [])
        quotes = tuple(_quote(usable[i], lang, area_names) for i in chosen if i in usable)
        dropped += len(chosen) - len(quotes)
        item = items.get(number)
        target = targets.get(rec_subject(rec.cycle, number))
        target_date = (item.target_date if item and item.target_date else None) or (target.target_date if target
                                                                                     else None)
        responsible = (item.responsible_body if item and item.responsible_body else "") or (
            target.body_name if target else "")
        actions = tuple(_("{date}: {kind}", date=a.happened_on.isoformat(), kind=_(ACTION_KINDS[a.kind]))
                        + (f" — {a.who}" if a.who else "") + (f" ({a.note})" if a.note else "")
                        for a in store.campaign.actions(city, subjects=[rec_subject(rec.cycle, number)])[:5])
        rec_records.append(ReportRecommendation(
            rec.cycle, number, rec.recommending_state,
            _(RESPONSES[rec.response]) if rec.response in RESPONSES else rec.response, rec.theme, rec.text,
            _assessment(current["city"], "city", lang), _assessment(current["community"], "community", lang),
            (outline.get("paragraphs") or {}).get(number, ""), figures, quotes, responsible, target_date,
            is_overdue(target_date, community_now[number], today), actions))
    previous = store.reports.previous_issued(city, before=draft)
    previous_words = _("“{title}”, sent on {date}", title=previous.title, date=previous.issued_on.isoformat()) \
        if previous else ""
    ids = [UPR_SOURCE, *(i.strip() for r in rec_records for f in r.figures
                         for i in _source_ids_of(snapshot, f.indicator_id))]
    report = Report(lang, draft.template, snapshot.manifest["city"]["name"], draft.title, draft, tuple(rec_records),
                    _changes(store, draft, previous, numbers, lang, today), previous_words, today.isoformat(),
                    str(snapshot.manifest.get("built_at", ""))[:10], sources_of(snapshot, ids), dropped)
    return _with_blocks(report)


def _source_ids_of(snapshot: Snapshot, indicator_id: str) -> list[str]:
    try:
        reference = compute.city_value(snapshot, indicator_id)
    except compute.NotAvailable:
        return []
    return [] if reference is None else [s for s in str(reference["source_ids"]).split(",") if s.strip()]


def _paragraphs(text: str) -> list[str]:
    """Typed text split at blank lines: each part is one numbered paragraph."""
    parts = [" ".join(p.split()) for p in (text or "").replace("\r\n", "\n").split("\n\n")]
    return [p for p in parts if p]


def _with_blocks(report: Report) -> Report:
    return replace(report, blocks=tuple(_blocks(report)))


def _blocks(report: Report) -> list[Block]:
    _ = translator(report.lang)
    outline = report.draft.outline
    counter = iter(range(1, 10_000))
    blocks: list[Block] = []

    def para(text: str) -> None:
        blocks.append(Block("para", text, next(counter)))

    stakeholder = report.template == "stakeholder"
    # -- cover page
    blocks.append(Block("title", report.title))
    if stakeholder:
        blocks.append(Block("subtitle", _("Stakeholder submission to the Universal Periodic Review of the United "
                                          "States of America")))
        if outline.get("review"):
            blocks.append(Block("subtitle", outline["review"]))
    else:
        blocks.append(Block("subtitle", _("A report to {addressee}", addressee=outline.get("addressee") or _(
            "the officials of {city}", city=report.city_name))))
    kind = SUBMISSION_LIMITS[outline.get("submission") or "joint"]
    if outline.get("coalition"):
        blocks.append(Block("meta", _("Submitted by {coalition}", coalition=outline["coalition"]) if stakeholder
                            else _("From {coalition}", coalition=outline["coalition"])))
    if stakeholder:
        blocks.append(Block("meta", _("Joint submission") if kind.submission == "joint" else
                            _("Individual submission")))
    if outline.get("members"):
        blocks.append(Block("meta", _("Members: {members}", members="; ".join(outline["members"]))))
    if outline.get("contact"):
        blocks.append(Block("meta", _("Contact: {contact}", contact=outline["contact"])))
    if outline.get("keywords"):
        blocks.append(Block("meta", _("Keywords: {keywords}", keywords=outline["keywords"])))
    blocks.append(Block("meta", _("{city} · {date}", city=report.city_name, date=report.generated)))
    blocks.append(Block("pagebreak"))
    # -- introduction and executive summary
    blocks.append(Block("heading", _("I. Introduction and executive summary")))
    for text in _paragraphs(outline.get("summary", "")):
        para(text)
    if report.recommendations:
        para(_("This report follows up {n} recommendations the United States received in its third Universal "
               "Periodic Review (A/HRC/46/15; positions in A/HRC/46/15/Add.1), as they stand in {city}: {numbers}.",
               n=len(report.recommendations), city=report.city_name,
               numbers=", ".join(r.number for r in report.recommendations)))
    # -- what changed
    blocks.append(Block("heading", _("II. What changed since our previous report")))
    if report.previous:
        para(_("Our previous report was {previous}.", previous=report.previous))
        for line in report.changes:
            para(line)
    else:
        para(_("This is the first report the coalition compiles with this tracker."))
    # -- follow-up of the recommendations
    blocks.append(Block("heading", _("III. Follow-up of the recommendations") if stakeholder
                        else _("III. Where the city stands")))
    for rec in report.recommendations:
        blocks.append(Block("subheading", _("Recommendation {number} ({state}) — {response}", number=rec.number,
                                            state=rec.recommending_state, response=rec.response)))
        blocks.append(Block("official", rec.text))
        para(_status_sentence(rec, report))
        for text in _paragraphs(rec.paragraph):
            para(text)
        if rec.figures:
            para(_("Evidence in {city}: {figures}.", city=report.city_name, figures="; ".join(
                f"{f.title}: {f.value}" + (f" ({f.period}; {f.publisher})" if f.period else "")
                for f in rec.figures)))
        for quote in rec.quotes:
            blocks.append(Block("quote", _("“{text}” — {who}", text=quote.text, who=quote.attribution)))
        if not stakeholder:
            if rec.responsible or rec.target:
                line = _("Responsible: {body}.", body=rec.responsible or _("not named yet"))
                if rec.target:
                    line += " " + (_("Target date: {date} — overdue.", date=rec.target.isoformat()) if rec.overdue
                                   else _("Target date: {date}.", date=rec.target.isoformat()))
                para(line)
            if rec.actions:
                para(_("Campaign actions: {actions}.", actions="; ".join(rec.actions)))
    # -- the coalition's recommendations
    if outline.get("asks"):
        blocks.append(Block("heading", _("IV. Recommendations of the coalition") if stakeholder
                            else _("IV. What we ask")))
        for ask in outline["asks"]:
            para(ask)
    # -- sources
    blocks.append(Block("heading", _("Sources")))
    for source in report.sources:
        blocks.append(Block("small", f"{source.title} — {source.publisher} ({source.vintage})"))
    blocks.append(Block("small", _("Figures are for the whole city from the dashboard's data snapshot built {built}; "
                                   "± is the margin of error at 90% confidence. Statuses are those recorded in the "
                                   "coalition's tracker on {date}. Residents' words are quoted with their consent "
                                   "and without their names.", built=report.snapshot_built, date=report.generated)))
    return blocks


def _status_sentence(rec: ReportRecommendation, report: Report) -> str:
    _ = translator(report.lang)

    def said(a: Assessment) -> str:
        if a.status == "no_assessment":
            return _("“{status}”", status=a.status_label)
        return _("“{status}” (as of {date}, according to {author})", status=a.status_label, date=a.as_of,
                 author=a.author)

    return _("Status in {city}: the city government reports {city_status}; the community assesses "
             "{community_status}.", city=report.city_name, city_status=said(rec.city),
             community_status=said(rec.community))


def report_text(report: Report) -> str:
    """The whole document as plain text, one block a line (what the word count counts)."""
    return "\n".join(b.shown for b in report.blocks if b.kind != "pagebreak")
