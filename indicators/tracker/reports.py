"""Report drafts the coalition compiles, saved and versioned in the store, and the limits a report is held to.

A draft is an *outline* (:func:`clean_outline`): the coalition and its members, an executive summary, the
recommendations it follows up in order, the coalition's own paragraph on each, the consented testimony to quote
(by id: the words are read again, with their consent, whenever the report is made, so a withdrawn testimony leaves
every report made afterwards), the indicators to cite, and the coalition's own recommendations. Each save appends a
version; the version that was sent is marked *issued*, and the next report states what changed since it.

Word limits of the UN's stakeholder submissions
    :data:`SUBMISSION_LIMITS` holds the limits applied, each with where it comes from and whether it could be
    checked against its source from here. The count (:func:`count_words`) takes every word of the document —
    cover page, headings, numbers and sources included — so it never says a report fits when it might not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indicators.core.i18n import LANGUAGES, N_
from indicators.tracker.auth import WRITE_REPORTS, Actor, require
from indicators.tracker.errors import (
    ConflictError,
    Message,
    NotFound,
    Problem,
    ValidationError,
)
from indicators.tracker.models import ReportRow, ReportVersionRow, utc_now
from indicators.tracker.validation import (
    NOTE_LIMIT,
    SHORT_TEXT_LIMIT,
    clean_city,
    clean_date,
    clean_expected_version,
    clean_indicator_ids,
    clean_number,
    clean_text,
    collect_problem,
)
from indicators.tracker.vocabularies import REPORT_TEMPLATES


@dataclass(frozen=True)
class WordLimit:
    """A length limit of a stakeholder submission and where it comes from."""

    submission: str
    label: str
    words: int | None
    pages: int
    source: str
    checked: bool
    note: str = ""


OHCHR_2008 = N_("OHCHR, “Technical guidelines for the submission of stakeholders' information” (as of 1 July "
                "2008): at most five pages for one stakeholder, up to ten pages for a large coalition.")
OHCHR_CYCLE3 = N_("OHCHR, “Universal Periodic Review (third cycle): information and guidelines for relevant "
                  "stakeholders' written submissions”: 2,815 words for an individual submission, 5,630 words for a "
                  "joint one.")
UNCHECKED = N_("The word limits could not be checked against OHCHR's document where this dashboard was made: the "
               "page limits above were. Check the current guidelines on OHCHR's Universal Periodic Review pages "
               "before you submit; the limit can be changed in the report builder.")
SUBMISSION_LIMITS: dict[str, WordLimit] = {
    "individual": WordLimit("individual", N_("Individual submission (one organization)"), 2_815, 5,
                            OHCHR_CYCLE3, False, UNCHECKED),
    "joint": WordLimit("joint", N_("Joint submission (a coalition of organizations)"), 5_630, 10,
                       OHCHR_CYCLE3, False, UNCHECKED),
}
PAGE_LIMIT_SOURCE = OHCHR_2008
MAX_OUTLINE_ITEMS = 60
MAX_MEMBERS = 100
WORD = re.compile(r"\S*[^\W_]\S*")


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of characters between spaces holding at least one letter or digit
    (``26.214``, ``45.3%`` and ``±`` next to a number count; a lone ``–`` or ``±`` does not)."""
    return sum(1 for _ in WORD.finditer(text or ""))


@dataclass(frozen=True)
class ReportDraft:
    """One saved version of a report."""

    report_id: int
    city: str
    template: str
    version: int
    title: str
    outline: dict
    issued_on: dt.date | None
    recorded_by: str
    recorded_role: str
    recorded_at: dt.datetime

    @property
    def template_label(self) -> str:
        return REPORT_TEMPLATES.get(self.template, self.template)

    def content(self) -> dict:
        return {"title": self.title, **self.outline}


EMPTY_OUTLINE: dict[str, Any] = {
    "lang": "en", "list_id": None, "numbers": [], "coalition": "", "members": [], "submission": "joint",
    "contact": "", "review": "", "keywords": "", "summary": "", "paragraphs": {}, "quotes": {}, "indicators": {},
    "asks": [], "addressee": "", "word_limit": None,
}




def _lines(values: object, field: str, limit: int, count: int) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    cleaned = []
    for value in values or []:
        text = clean_text(value, field, limit=limit, multiline=False)
        if text:
            cleaned.append(text)
    if len(cleaned) > count:
        raise ValidationError(Problem(Message(N_("at most {limit} lines"), limit=count), field))
    return cleaned


def clean_outline(outline: Mapping[str, Any]) -> dict:
    """A report's outline with every field checked (:class:`ValidationError` lists every problem)."""
    if not isinstance(outline, Mapping):
        raise ValidationError(Problem(N_("must be an outline"), N_("report")), title=N_("Report not saved"))
    given = {**EMPTY_OUTLINE, **outline}
    problems: list[Problem] = []
    numbers = []
    for value in given["numbers"] or []:
        number = collect_problem(problems, lambda v=value: clean_number(v, N_("recommendations")))
        if number and number not in numbers:
            numbers.append(number)
    if len(numbers) > MAX_OUTLINE_ITEMS:
        problems.append(Problem(Message(N_("at most {limit} recommendations"), limit=MAX_OUTLINE_ITEMS),
                                N_("recommendations")))
    paragraphs, quotes, indicators = {}, {}, {}
    for number in numbers:
        text = (given["paragraphs"] or {}).get(number, "")
        paragraphs[number] = collect_problem(problems, lambda t=text, n=number: clean_text(
            t, Message(N_("paragraph on {number}"), number=n), limit=NOTE_LIMIT)) or ""
        ids = (given["quotes"] or {}).get(number, [])
        if not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids or []):
            problems.append(Problem(N_("must be testimony numbers"), Message(N_("quotes on {number}"), number=number)))
            ids = []
        quotes[number] = list(dict.fromkeys(ids or []))
        indicators[number] = collect_problem(problems, lambda v=(given["indicators"] or {}).get(number, []):
                                      clean_indicator_ids(v)) or []
    lang = given["lang"] if given["lang"] in LANGUAGES else None
    if lang is None:
        problems.append(Problem(N_("is not a language of the dashboard"), N_("language")))
    submission = given["submission"] if given["submission"] in SUBMISSION_LIMITS else None
    if submission is None:
        problems.append(Problem(N_("must be individual or joint"), N_("kind of submission")))
    list_id = given["list_id"]
    if list_id is not None and (isinstance(list_id, bool) or not isinstance(list_id, int)):
        problems.append(Problem(N_("must be a priority list"), N_("priority list")))
    word_limit = given["word_limit"]
    if word_limit is not None and (isinstance(word_limit, bool) or not isinstance(word_limit, int)
                                   or not 100 <= word_limit <= 100_000):
        problems.append(Problem(N_("must be a number of words between 100 and 100,000"), N_("word limit")))
    cleaned = {
        "lang": lang, "list_id": list_id, "numbers": numbers, "submission": submission, "word_limit": word_limit,
        "coalition": collect_problem(problems, lambda: clean_text(given["coalition"], N_("coalition"),
                                                           limit=SHORT_TEXT_LIMIT, multiline=False)),
        "members": collect_problem(problems, lambda: _lines(given["members"], N_("members"), SHORT_TEXT_LIMIT,
                                                     MAX_MEMBERS)),
        "contact": collect_problem(problems, lambda: clean_text(given["contact"], N_("contact"), limit=SHORT_TEXT_LIMIT,
                                                         multiline=False)),
        "review": collect_problem(problems, lambda: clean_text(given["review"], N_("review"), limit=SHORT_TEXT_LIMIT,
                                                        multiline=False)),
        "keywords": collect_problem(problems, lambda: clean_text(given["keywords"], N_("keywords"),
                                                          limit=SHORT_TEXT_LIMIT, multiline=False)),
        "summary": collect_problem(problems, lambda: clean_text(given["summary"], N_("executive summary"),
                                                         limit=NOTE_LIMIT)),
        "paragraphs": paragraphs, "quotes": quotes, "indicators": indicators,
        "asks": collect_problem(problems, lambda: _lines(given["asks"], N_("the coalition's recommendations"), 2_000,
                                                  MAX_OUTLINE_ITEMS)),
        "addressee": collect_problem(problems, lambda: clean_text(given["addressee"], N_("addressed to"),
                                                           limit=SHORT_TEXT_LIMIT, multiline=False)),
    }
    if problems:
        raise ValidationError(problems, title=N_("Report not saved"))
    return cleaned




class ReportDrafts:
    """Report drafts of one tracker store (``store.reports``)."""

    def __init__(self, store: "Store") -> None:  # noqa: F821  (the store hands itself over)
        self.store = store

    def create(self, actor: Actor, *, city: str, template: str, title: str, outline: Mapping[str, Any]
               ) -> ReportDraft:
        require(actor, WRITE_REPORTS)
        problems: list[Problem] = []
        city = collect_problem(problems, lambda: clean_city(city))
        if template not in REPORT_TEMPLATES:
            problems.append(Problem(Message(N_("{value} is not one of {choices}"), value=repr(str(template)[:40]),
                                            choices=", ".join(REPORT_TEMPLATES)), N_("template")))
        title = collect_problem(problems, lambda: clean_text(title, N_("title"), limit=300, required=True,
                                                      multiline=False))
        outline = collect_problem(problems, lambda: clean_outline(outline))
        if problems:
            raise ValidationError(problems, title=N_("Report not saved"))
        now = utc_now()
        with self.store._write() as s, s.begin():
            head = ReportRow(city=city, template=template, created_by=actor.user_id, created_at=now)
            s.add(head)
            s.flush()
            s.add(ReportVersionRow(report_id=head.id, version=1, title=title, outline=outline, issued_on=None,
                                   recorded_by=actor.user_id, recorded_role=actor.role, recorded_at=now))
            s.flush()
            return self._draft(s, head.id, None)

    def save(self, actor: Actor, report_id: int, *, expected_version: int, title: str, outline: Mapping[str, Any],
             issued_on: dt.date | str | None = None) -> ReportDraft:
        """The next version of a report; with ``issued_on`` it is the version that was sent, on that date."""
        require(actor, WRITE_REPORTS)
        problems: list[Problem] = []
        title = collect_problem(problems, lambda: clean_text(title, N_("title"), limit=300, required=True,
                                                      multiline=False))
        outline = collect_problem(problems, lambda: clean_outline(outline))
        issued = collect_problem(problems, lambda: clean_date(issued_on, N_("sent on"), required=False))
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version))
        if problems:
            raise ValidationError(problems, title=N_("Report not saved"))
        what = Message(N_("The report '{title}'"), title=title)
        try:
            with self.store._write() as s, s.begin():
                newest = self._draft(s, report_id, None)
                if newest.version != expected:
                    raise ConflictError(what, expected, newest, {"title": title, **outline})
                s.add(ReportVersionRow(report_id=report_id, version=newest.version + 1, title=title, outline=outline,
                                       issued_on=issued, recorded_by=actor.user_id, recorded_role=actor.role,
                                       recorded_at=utc_now()))
                s.flush()
                return self._draft(s, report_id, None)
        except IntegrityError:
            raise ConflictError(what, expected, self.draft(report_id), {"title": title, **outline}) from None

    def drafts(self, city: str) -> list[ReportDraft]:
        """The newest version of every report of the city, newest first."""
        with self.store._read() as s:
            ids = list(s.scalars(select(ReportRow.id).where(ReportRow.city == city)))
            found = [self._draft(s, report_id, None) for report_id in ids]
        return sorted(found, key=lambda d: d.recorded_at, reverse=True)

    def draft(self, report_id: int, version: int | None = None) -> ReportDraft:
        with self.store._read() as s:
            return self._draft(s, report_id, version)

    def history(self, report_id: int) -> list[ReportDraft]:
        with self.store._read() as s:
            versions = list(s.scalars(select(ReportVersionRow.version).where(ReportVersionRow.report_id == report_id)
                                      .order_by(ReportVersionRow.version)))
            return [self._draft(s, report_id, v) for v in versions]

    def previous_issued(self, city: str, *, before: ReportDraft | None = None) -> ReportDraft | None:
        """The coalition's previous report: the newest version of any report of ``city`` marked as sent, other
        than ``before`` itself (and, when ``before`` was sent, sent before it)."""
        with self.store._read() as s:
            rows = list(s.execute(select(ReportVersionRow.report_id, ReportVersionRow.version,
                                         ReportVersionRow.issued_on, ReportVersionRow.recorded_at)
                                  .join(ReportRow, ReportRow.id == ReportVersionRow.report_id)
                                  .where(ReportRow.city == city, ReportVersionRow.issued_on.is_not(None))))
        candidates = []
        for report_id, version, issued_on, recorded_at in rows:
            if before is not None and (report_id, version) == (before.report_id, before.version):
                continue
            if before is not None and before.issued_on is not None and issued_on > before.issued_on:
                continue
            if before is not None and before.report_id == report_id and version > before.version:
                continue
            candidates.append((issued_on, recorded_at, report_id, version))
        if not candidates:
            return None
        _issued, _recorded, report_id, version = max(candidates)
        return self.draft(report_id, version)

    @staticmethod
    def _draft(s: Session, report_id: int, version: int | None) -> ReportDraft:
        head = s.get(ReportRow, report_id)
        if head is None:
            raise NotFound(Message(N_("no report {id}"), id=report_id))
        query = select(ReportVersionRow).where(ReportVersionRow.report_id == report_id)
        query = (query.order_by(ReportVersionRow.version.desc()).limit(1) if version is None
                 else query.where(ReportVersionRow.version == version))
        row = s.scalars(query).first()
        if row is None:
            raise NotFound(Message(N_("report {id} has no version {version}"), id=report_id, version=version))
        return ReportDraft(report_id, head.city, head.template, row.version, row.title,
                           {**EMPTY_OUTLINE, **(row.outline or {})}, row.issued_on, row.recorded_by,
                           row.recorded_role, row.recorded_at)
