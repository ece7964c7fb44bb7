"""Residents' testimony: given on the Tell us page (or entered by the coalition after a meeting or a call), moderated,
linked to recommendations and indicators, shown only as its giver consented, and withdrawable with a receipt code.

Consent is data
    Each testimony keeps what its giver allowed (:data:`~indicators.tracker.vocabularies.CONSENT_USES`: only inside
    the coalition; in reports without their name; quoted publicly without their name) and whether its neighborhood
    may be shown. Every reader goes through :meth:`Testimonies.shared` with a purpose (``public``, ``report``,
    ``count``, ``coalition``): what comes out is accepted testimony whose consent allows that purpose, with its
    neighborhood only where allowed and never a contact. Only reviewers (and editors) read the rest, through the
    review queue.

Moderation
    Nothing is public until a reviewer accepts it. Every submission, revision, decision, re-linking and withdrawal
    appends a version; a decision on top of a version other than the newest raises
    :class:`~indicators.tracker.errors.ConflictError` (two reviewers at once: one decision is kept, the other is
    told, with both versions).

Withdrawal
    The receipt code (given once, stored only as a hash) shows the testimony's state and withdraws it. Withdrawing
    erases its words, contact and files from every version and removes it from every count, page, report and brief
    made afterwards; the record that a testimony was given and withdrawn, and when, stays.

Public counts
    :meth:`Testimonies.counts` gives accepted testimony by neighborhood and by theme, showing a count only where it
    is at least :data:`~indicators.tracker.vocabularies.MIN_CELL` (5); smaller cells are said as "fewer than 5", zero
    included, so a missing count reveals nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indicators.core.i18n import N_
from indicators.tracker.auth import RECORD_TESTIMONY, REVIEW_TESTIMONY, Actor, require
from indicators.tracker.errors import (
    ConflictError,
    Message,
    NotFound,
    Problem,
    TrackerError,
    ValidationError,
)
from indicators.tracker.models import (
    TestimonyAttachmentRow,
    TestimonyRow,
    TestimonyVersionRow,
    utc_now,
)
from indicators.tracker.uploads import CleanFile, checksum, clean_files
from indicators.tracker.validation import (
    REVIEW_STARTED_FROM,
    SHORT_TEXT_LIMIT,
    clean_city,
    clean_date,
    clean_expected_version,
    clean_indicator_ids,
    clean_number,
    clean_text,
    collect_problem,
)
from indicators.tracker.vocabularies import (
    CHANNELS,
    CONSENT_USES,
    DECISIONS,
    MIN_CELL,
    PURPOSE_CONSENTS,
    TESTIMONY_KINDS,
)

STORY_LIMIT = 5_000
EXCERPT_LIMIT = 1_500
REASON_LIMIT = 2_000
MAX_THEMES = 12
MAX_LINKS = 30
ATTACHMENTS_ENV = "HRC_ATTACHMENTS_DIR"
#: who a visitor is in the versions they create (no account, no address kept)
VISITOR = ("visitor", "public")
# letters without I, L, O and U: a code read aloud or copied by hand is not mistaken
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_GROUPS = 3

# a house number followed by a street name and a street word: "1234 Penn Ave", "5 N. Main Street", "12 Calle Ocho"
_STREET_WORDS = (r"street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|way|place|pl|court|ct|terrace|"
                 r"ter|parkway|pkwy|highway|hwy|alley|aly|circle|cir|square|sq|pike|row|calle|avenida|camino")
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Za-zÀ-ÿ0-9'’.-]+\s+){{0,3}}(?:{_STREET_WORDS})\b\.?"
    rf"|\b(?:calle|avenida)\s+[A-Za-zÀ-ÿ0-9'’.-]+(?:\s+[A-Za-zÀ-ÿ0-9'’.-]+){{0,2}}\s+(?:no\.?\s*|#\s*)?\d{{1,6}}\b",
    re.IGNORECASE)
TOPIC_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
AREA_ID = re.compile(r"^[^\x00-\x1f<>]{1,120}$")


class TooManySubmissions(TrackerError):
    """A client sent more testimonies (or receipt look-ups) than the spam guard allows; ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(Message(N_("Too many attempts from this connection. Please try again in about {minutes} "
                                    "minutes."), minutes=minutes))


class SubmissionLimiter:
    """At most ``limit`` events per key in a sliding ``window_seconds``: the spam guard's per-client rate limit,
    kept in this process (one instance shared by every session; thread-safe)."""

    def __init__(self, limit: int = 5, window_seconds: float = 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_seconds, self._clock = limit, window_seconds, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str | None, *, count: bool = True) -> None:
        """Raise :class:`TooManySubmissions` when ``key`` is over the limit; else count one event for it (unless
        ``count`` is False: a testimony is counted once it is saved, so correcting a refused one costs nothing)."""
        key = key or "unknown client"
        now = self._clock()
        with self._lock:
            times = self._events.setdefault(key, deque())
            while times and times[0] <= now - self.window_seconds:
                times.popleft()
            if len(times) >= self.limit:
                raise TooManySubmissions(times[0] + self.window_seconds - now)
            if count:
                times.append(now)
            if len(self._events) > 10_000:   # memory stays bounded when many clients come
                for stale in [k for k, t in self._events.items() if not t]:
                    del self._events[stale]

    def record(self, key: str | None) -> None:
        """Count one event for ``key`` (after :meth:`check` with ``count=False`` let it through)."""
        with self._lock:
            self._events.setdefault(key or "unknown client", deque()).append(self._clock())


# ------------------------------------------------------------------------------------------------ receipt codes

def new_receipt_code() -> str:
    """A random code of 12 characters (60 bits) in three groups, e.g. ``7KQM-2XD9-PT4R``."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(4 * RECEIPT_GROUPS))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalise_receipt(code: object) -> str:
    """The code as typed, made canonical: capitals, no spaces or dashes, O read as 0 and I or L as 1."""
    text = re.sub(r"[\s-]+", "", str(code or "")).upper().translate(str.maketrans("OIL", "011"))
    return text if re.fullmatch(f"[{RECEIPT_ALPHABET}]{{{4 * RECEIPT_GROUPS}}}", text) else ""


def receipt_hash(code: object) -> str:
    """What the store keeps of a receipt code (the code itself is never stored)."""
    canonical = normalise_receipt(code)
    return hashlib.sha256(f"testimony-receipt:{canonical}".encode()).hexdigest() if canonical else ""


# ------------------------------------------------------------------------------------------------ records

@dataclass(frozen=True)
class Attachment:
    attachment_id: int
    position: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    removed: bool = False

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True)
class Testimony:
    """The newest version of a testimony, everything in it: only for reviewers and editors (and, through the
    receipt code, the person who gave it). Everyone else reads :class:`SharedTestimony`."""

    testimony_id: int
    city: str
    channel: str
    created_at: dt.datetime
    version: int
    action: str
    state: str
    kind: str
    story: str
    excerpt: str
    topics: tuple[str, ...]
    upr_themes: tuple[str, ...]
    area_level: str
    area_id: str
    occurred_on: dt.date | None
    contact: str
    consent_use: str
    consent_area: bool
    gathered_by: str
    reason: str
    recommendation_numbers: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    recorded_by: str
    recorded_role: str
    recorded_at: dt.datetime
    accepted_at: dt.datetime | None = None
    attachments: tuple[Attachment, ...] = ()

    def allows(self, purpose: str) -> bool:
        """Whether this testimony may be used for ``purpose`` (``public``, ``report``, ``count``, ``coalition``)."""
        return self.state == "accepted" and self.consent_use in PURPOSE_CONSENTS[purpose]

    def shared(self, purpose: str) -> SharedTestimony:
        """What ``purpose`` may see of it: its words, its neighborhood only with consent, never a contact."""
        if not self.allows(purpose):
            raise PermissionError(f"testimony {self.testimony_id} may not be used for {purpose}")
        return SharedTestimony(
            testimony_id=self.testimony_id, kind=self.kind, text=self.excerpt or self.story, topics=self.topics,
            upr_themes=self.upr_themes, area_level=self.area_level if self.consent_area else "",
            area_id=self.area_id if self.consent_area else "",
            period=self.occurred_on.strftime("%Y-%m") if self.occurred_on else "",
            recommendation_numbers=self.recommendation_numbers, indicator_ids=self.indicator_ids,
            accepted_on=self.accepted_at.date() if self.accepted_at else None, channel=self.channel,
            quotable=self.allows("public") or purpose == "report")

    def content(self) -> dict:
        """The fields a reviewer sets, for comparing two versions side by side (conflicts)."""
        return {"state": self.state, "reason": self.reason, "excerpt": self.excerpt,
                "recommendation_numbers": list(self.recommendation_numbers), "indicator_ids": list(self.indicator_ids)}


@dataclass(frozen=True)
class SharedTestimony:
    """Accepted testimony as a purpose may see it. ``area_id`` is empty where its giver did not allow showing
    the neighborhood; ``period`` is the month only; no contact, no files, no name."""

    testimony_id: int
    kind: str
    text: str
    topics: tuple[str, ...]
    upr_themes: tuple[str, ...]
    area_level: str
    area_id: str
    period: str
    recommendation_numbers: tuple[str, ...]
    indicator_ids: tuple[str, ...]
    accepted_on: dt.date | None
    channel: str
    quotable: bool = False


@dataclass(frozen=True)
class Receipt:
    """What the person who gave a testimony gets back: the code (shown once) and the testimony."""

    code: str
    testimony: Testimony


@dataclass(frozen=True)
class ReceiptView:
    """What a receipt code shows: the state, the reviewer's reason, and the words as they stand."""

    testimony_id: int
    state: str
    reason: str
    story: str
    excerpt: str
    consent_use: str
    consent_area: bool
    version: int
    given_at: dt.datetime
    changed_at: dt.datetime
    history: tuple[tuple[str, dt.datetime], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Counts:
    """Public counts of accepted testimony: ``by_area`` (area_id, count), ``by_topic`` (topic, count) and
    ``by_area_topic`` (area_id, topic, count), each holding only the cells of at least ``min_cell``."""

    by_area: pd.DataFrame
    by_topic: pd.DataFrame
    by_area_topic: pd.DataFrame
    min_cell: int
    total_shown: int | None   # the city-wide total, when at least min_cell


# ------------------------------------------------------------------------------------------------ checks

def street_address_in(text: str) -> str | None:
    """The first thing in ``text`` that reads as a street address ("1234 Penn Ave"), or None."""
    found = STREET_ADDRESS.search(text or "")
    return found.group(0).strip() if found else None


def _no_address(text: str, field_name: str) -> str:
    found = street_address_in(text)
    if found:
        raise ValidationError(Problem(Message(N_("seems to hold a street address ({address}); please name the "
                                                 "neighborhood instead, so no one can be found from what you wrote"),
                                              address=repr(found[:60])), field_name))
    return text


def _choice(value: object, choices: dict, field_name: str) -> str:
    if value is None or value == "":
        raise ValidationError(Problem(N_("please choose one"), field_name))
    if value not in choices:
        raise ValidationError(Problem(Message(N_("{value} is not one of {choices}"), value=repr(str(value)[:40]),
                                              choices=", ".join(choices)), field_name))
    return value  # type: ignore[return-value]


def _codes(values: Iterable[object] | None, pattern: re.Pattern, field_name: str, limit: int) -> list[str]:
    cleaned, problems = [], []
    for value in values or []:
        text = value.strip() if isinstance(value, str) else value
        if not isinstance(text, str) or not pattern.match(text):
            problems.append(Problem(Message(N_("{value} is not a known choice"), value=repr(str(value)[:40])),
                                    field_name))
        elif text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > limit:
        problems.append(Problem(Message(N_("at most {limit} choices"), limit=limit), field_name))
    if problems:
        raise ValidationError(problems)
    return cleaned


def _themes(values: Iterable[object] | None) -> list[str]:
    cleaned = []
    for value in values or []:
        text = clean_text(value, N_("UPR themes"), limit=SHORT_TEXT_LIMIT, multiline=False)
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_THEMES:
        raise ValidationError(Problem(Message(N_("at most {limit} choices"), limit=MAX_THEMES), N_("UPR themes")))
    return cleaned


def _numbers(values: Iterable[object] | None) -> list[str]:
    cleaned = []
    for value in values or []:
        number = clean_number(value, N_("recommendations"))
        if number not in cleaned:
            cleaned.append(number)
    if len(cleaned) > MAX_LINKS:
        raise ValidationError(Problem(Message(N_("at most {limit} choices"), limit=MAX_LINKS), N_("recommendations")))
    return cleaned


def clean_testimony(*, kind: object, story: object, topics: Iterable[object] = (), upr_themes: Iterable[object] = (),
                    area_level: object = "", area_id: object = "", occurred_on: object = None, contact: object = "",
                    consent_use: object, consent_area: object = False, honeypot: object = "") -> dict:
    """Every field of a testimony checked at once; :class:`ValidationError` lists every problem."""
    problems: list[Problem] = []
    if honeypot:
        # a person never sees this field; something that fills in every field is not a person
        problems.append(Problem(N_("this field must stay empty"), N_("leave this empty")))
    content = {
        "kind": collect_problem(problems, lambda: _choice(kind, TESTIMONY_KINDS, N_("what it is about"))),
        "story": collect_problem(problems, lambda: _no_address(clean_text(story, N_("what happened"), limit=STORY_LIMIT,
                                                                   required=True), N_("what happened"))),
        "topics": collect_problem(problems, lambda: _codes(topics, TOPIC_ID, N_("topics"), MAX_THEMES)),
        "upr_themes": collect_problem(problems, lambda: _themes(upr_themes)),
        "area_level": collect_problem(problems, lambda: clean_text(area_level, N_("neighborhood"), limit=40,
                                                            multiline=False)),
        "area_id": collect_problem(problems, lambda: _area(area_id)),
        "occurred_on": collect_problem(problems, lambda: clean_date(occurred_on, N_("when"), required=False)),
        "contact": collect_problem(problems, lambda: _no_address(clean_text(contact, N_("contact"), limit=SHORT_TEXT_LIMIT,
                                                                     multiline=False), N_("contact"))),
        "consent_use": collect_problem(problems, lambda: _choice(consent_use, CONSENT_USES, N_("consent"))),
        "consent_area": bool(consent_area),
    }
    if problems:
        raise ValidationError(problems, title=N_("Testimony not saved"))
    if not content["area_id"]:
        content["area_level"] = ""
    return content


def _area(value: object) -> str:
    text = clean_text(value, N_("neighborhood"), limit=120, multiline=False)
    if text and not AREA_ID.match(text):
        raise ValidationError(Problem(N_("is not a neighborhood of the list"), N_("neighborhood")))
    return text


# ------------------------------------------------------------------------------------------------ the store

class Testimonies:
    """Testimony in one tracker store (``store.testimony``). Attachments' bytes stay in the store unless
    ``attachments_dir`` (or ``$HRC_ATTACHMENTS_DIR``) names a folder every app replica shares."""

    def __init__(self, store: "Store", attachments_dir: str | Path | None = None) -> None:  # noqa: F821
        self.store = store
        chosen = attachments_dir or os.environ.get(ATTACHMENTS_ENV)
        self.attachments_dir = Path(chosen) if chosen else None

    # ------------------------------------------------------------------ giving testimony

    def submit(self, *, city: str, kind: str, story: str, consent_use: str, consent_area: bool = False,
               topics: Iterable[str] = (), upr_themes: Iterable[str] = (), area_level: str = "", area_id: str = "",
               occurred_on: dt.date | str | None = None, contact: str = "",
               files: list[tuple[str, bytes]] | None = None, honeypot: str = "", channel: str = "online",
               actor: Actor | None = None, gathered_by: str = "") -> Receipt:
        """A new testimony, waiting for review. A visitor gives it on the Tell us page (``actor`` None, channel
        ``online``); a coalition member enters one gathered at a meeting or by phone (``actor`` with the right to
        record testimony, another ``channel``, ``gathered_by`` who heard it). Returns the receipt code, shown
        once: the store keeps only its hash."""
        problems: list[Problem] = []
        city = collect_problem(problems, lambda: clean_city(city))
        channel = collect_problem(problems, lambda: _choice(channel, CHANNELS, N_("how it was gathered")))
        if actor is not None:
            require(actor, RECORD_TESTIMONY)
        elif channel not in (None, "online"):
            problems.append(Problem(N_("only coalition members enter testimony gathered elsewhere"),
                                    N_("how it was gathered")))
        gathered_by = collect_problem(problems, lambda: clean_text(gathered_by, N_("gathered by"), limit=SHORT_TEXT_LIMIT,
                                                            multiline=False))
        content = collect_problem(problems, lambda: clean_testimony(
            kind=kind, story=story, topics=topics, upr_themes=upr_themes, area_level=area_level, area_id=area_id,
            occurred_on=occurred_on, contact=contact, consent_use=consent_use, consent_area=consent_area,
            honeypot=honeypot))
        cleaned_files = collect_problem(problems, lambda: clean_files(files))
        if problems:
            raise ValidationError(problems, title=N_("Testimony not saved"))
        code = new_receipt_code()
        now = utc_now()
        who = (actor.user_id, actor.role) if actor is not None else VISITOR
        with self.store._write() as s, s.begin():
            head = TestimonyRow(city=city, receipt_hash=receipt_hash(code), channel=channel, created_at=now)
            s.add(head)
            s.flush()
            s.add(TestimonyVersionRow(
                testimony_id=head.id, version=1, action="submitted", state="pending", excerpt="", reason="",
                recommendation_numbers=[], indicator_ids=[], gathered_by=gathered_by, recorded_by=who[0],
                recorded_role=who[1], recorded_at=now, **content))
            self._add_files(s, head, cleaned_files, now)
            s.flush()
            testimony = self._current(s, head.id)
        return Receipt(code, testimony)

    def _add_files(self, s: Session, head: TestimonyRow, files: list[CleanFile], now: dt.datetime) -> None:
        for position, file in enumerate(files, start=1):
            in_folder = self.attachments_dir is not None
            if in_folder:
                self._write_blob(head.city, file)
            s.add(TestimonyAttachmentRow(
                testimony_id=head.id, position=position, file_name=file.file_name, media_type=file.media_type,
                size=file.size, sha256=file.sha256, stored_in="folder" if in_folder else "store",
                data=None if in_folder else file.data, recorded_at=now))

    def _blob_path(self, city: str, sha256: str) -> Path:
        return self.attachments_dir / clean_city(city) / sha256[:2] / sha256

    def _write_blob(self, city: str, file: CleanFile) -> None:
        path = self._blob_path(city, file.sha256)
        if path.exists() and checksum(path.read_bytes()) == file.sha256:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        partial.write_bytes(file.data)
        partial.replace(path)   # atomic: another replica never reads half a file

    # ------------------------------------------------------------------ the person who gave it

    def by_receipt(self, code: str) -> ReceiptView:
        """The testimony a receipt code belongs to, as its giver sees it; NotFound for an unknown code."""
        with self.store._read() as s:
            head = self._head_by_receipt(s, code)
            versions = list(s.scalars(select(TestimonyVersionRow).where(TestimonyVersionRow.testimony_id == head.id)
                                      .order_by(TestimonyVersionRow.version)))
        newest = versions[-1]
        return ReceiptView(head.id, newest.state, newest.reason, newest.story, newest.excerpt, newest.consent_use,
                           newest.consent_area, newest.version, head.created_at, newest.recorded_at,
                           tuple((v.action, v.recorded_at) for v in versions))

    def revise(self, code: str, *, expected_version: int, story: str, kind: str, consent_use: str,
               consent_area: bool, topics: Iterable[str] = (), upr_themes: Iterable[str] = (),
               area_level: str = "", area_id: str = "", occurred_on=None) -> ReceiptView:
        """The giver's new words after a reviewer asked for changes (or before any decision): back to review."""
        problems: list[Problem] = []
        content = collect_problem(problems, lambda: clean_testimony(
            kind=kind, story=story, topics=topics, upr_themes=upr_themes, area_level=area_level, area_id=area_id,
            occurred_on=occurred_on, consent_use=consent_use, consent_area=consent_area))
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version, REVIEW_STARTED_FROM))
        if problems:
            raise ValidationError(problems, title=N_("Testimony not saved"))
        with self.store._read() as s:
            head = self._head_by_receipt(s, code)
        current = self.get(head.id)
        if current.state not in ("pending", "changes_requested"):
            raise ValidationError(Problem(N_("can be changed only while it waits for review or after a reviewer "
                                             "asked for changes"), N_("testimony")),
                                  title=N_("Testimony not saved"))
        content.pop("contact", None)
        self._append(head.id, expected, VISITOR, action="revised", state="pending", reason="", excerpt="",
                     **content)
        return self.by_receipt(code)

    def withdraw(self, code: str | None = None, *, testimony_id: int | None = None,
                 actor: Actor | None = None) -> ReceiptView | Testimony:
        """Withdraw a testimony, by its receipt code (its giver) or by id (a reviewer, at the giver's request).
        Its words, contact and files are erased from every version; a ``withdrawn`` version records when."""
        if code is not None:
            with self.store._read() as s:
                testimony_id = self._head_by_receipt(s, code).id
            who = VISITOR
        else:
            require(actor, REVIEW_TESTIMONY)
            who = (actor.user_id, actor.role)
        now = utc_now()
        with self.store._write() as s, s.begin():
            if self.store.backend == "sqlite":
                # freed bytes are zeroed, so the erased words do not linger in the file's free space
                s.execute(text("PRAGMA secure_delete=ON"))
            head = s.get(TestimonyRow, testimony_id)
            if head is None:
                raise NotFound(Message(N_("no testimony {id}"), id=testimony_id))
            newest = self._newest_row(s, testimony_id)
            if newest.state == "withdrawn":
                return self.by_receipt(code) if code is not None else self._current(s, testimony_id)
            for row in s.scalars(select(TestimonyVersionRow).where(TestimonyVersionRow.testimony_id == testimony_id)):
                row.story, row.excerpt, row.contact = "", "", ""
            s.add(TestimonyVersionRow(**{**_row_content(newest), "version": newest.version + 1, "action": "withdrawn",
                                         "state": "withdrawn", "story": "", "excerpt": "", "contact": "",
                                         "reason": "", "recorded_by": who[0], "recorded_role": who[1],
                                         "recorded_at": now}))
            removed = []
            for attachment in s.scalars(select(TestimonyAttachmentRow)
                                        .where(TestimonyAttachmentRow.testimony_id == testimony_id)):
                attachment.data = None
                attachment.removed_at = now
                if attachment.stored_in == "folder":
                    removed.append(attachment.sha256)
            s.flush()
            for sha256 in removed:
                self._forget_blob(s, head.city, sha256)
            current = self._current(s, testimony_id)
        return self.by_receipt(code) if code is not None else current

    def _forget_blob(self, s: Session, city: str, sha256: str) -> None:
        """Delete a file from the folder when no testimony still holds the same bytes."""
        if self.attachments_dir is None:
            return
        still = s.scalar(select(func.count(TestimonyAttachmentRow.id)).where(
            TestimonyAttachmentRow.sha256 == sha256, TestimonyAttachmentRow.removed_at.is_(None)))
        if not still:
            self._blob_path(city, sha256).unlink(missing_ok=True)

    # ------------------------------------------------------------------ review

    def queue(self, city: str, actor: Actor, *, states: Iterable[str] = ("pending",)) -> list[Testimony]:
        """Testimony in the given states, oldest first: what waits for a reviewer."""
        require(actor, REVIEW_TESTIMONY)
        wanted = set(states)
        return sorted([t for t in self._all(city) if t.state in wanted], key=lambda t: (t.created_at, t.testimony_id))

    def get(self, testimony_id: int) -> Testimony:
        with self.store._read() as s:
            return self._current(s, testimony_id)

    def review_copy(self, testimony_id: int, actor: Actor) -> Testimony:
        """Everything of one testimony, contact included, for a reviewer."""
        require(actor, REVIEW_TESTIMONY)
        return self.get(testimony_id)

    def history(self, testimony_id: int, actor: Actor) -> list[Testimony]:
        require(actor, REVIEW_TESTIMONY)
        with self.store._read() as s:
            rows = list(s.scalars(select(TestimonyVersionRow).where(TestimonyVersionRow.testimony_id == testimony_id)
                                  .order_by(TestimonyVersionRow.version)))
            head = s.get(TestimonyRow, testimony_id)
            if head is None:
                raise NotFound(Message(N_("no testimony {id}"), id=testimony_id))
            return [_testimony(head, row) for row in rows]

    def decide(self, actor: Actor, testimony_id: int, *, decision: str, expected_version: int, reason: str = "",
               excerpt: str | None = None, recommendation_numbers: Iterable[str] | None = None,
               indicator_ids: Iterable[str] | None = None) -> Testimony:
        """A reviewer's decision (accept, ask for changes, reject) with its reason, appended as a version.
        Asking for changes or rejecting needs a reason (the giver reads it with their receipt code)."""
        require(actor, REVIEW_TESTIMONY)
        problems: list[Problem] = []
        decision = collect_problem(problems, lambda: _choice(decision, DECISIONS, N_("decision")))
        reason = collect_problem(problems, lambda: clean_text(reason, N_("reason"), limit=REASON_LIMIT,
                                                       required=decision in ("changes_requested", "rejected")))
        changes = self._link_changes(problems, excerpt, recommendation_numbers, indicator_ids)
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version, REVIEW_STARTED_FROM))
        if problems:
            raise ValidationError(problems, title=N_("Decision not saved"))
        return self._append(testimony_id, expected, (actor.user_id, actor.role), action=decision, state=decision,
                            reason=reason, **changes)

    def relink(self, actor: Actor, testimony_id: int, *, expected_version: int, excerpt: str | None = None,
               recommendation_numbers: Iterable[str] | None = None,
               indicator_ids: Iterable[str] | None = None) -> Testimony:
        """New links to recommendations and indicators (or a new public excerpt), its state unchanged."""
        require(actor, REVIEW_TESTIMONY)
        problems: list[Problem] = []
        changes = self._link_changes(problems, excerpt, recommendation_numbers, indicator_ids)
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version, REVIEW_STARTED_FROM))
        if problems:
            raise ValidationError(problems, title=N_("Links not saved"))
        current = self.get(testimony_id)
        return self._append(testimony_id, expected, (actor.user_id, actor.role), action="linked",
                            state=current.state, reason=current.reason, **changes)

    @staticmethod
    def _link_changes(problems, excerpt, numbers, indicators) -> dict:
        changes: dict[str, Any] = {}
        if excerpt is not None:
            changes["excerpt"] = collect_problem(problems, lambda: _no_address(
                clean_text(excerpt, N_("excerpt"), limit=EXCERPT_LIMIT), N_("excerpt")))
        if numbers is not None:
            changes["recommendation_numbers"] = collect_problem(problems, lambda: _numbers(numbers))
        if indicators is not None:
            changes["indicator_ids"] = collect_problem(problems, lambda: clean_indicator_ids(indicators))
        return changes

    def _append(self, testimony_id: int, expected: int, who: tuple[str, str], *, action: str, state: str,
                **changes: Any) -> Testimony:
        what = Message(N_("Testimony {id}"), id=testimony_id)
        try:
            with self.store._write() as s, s.begin():
                head = s.get(TestimonyRow, testimony_id)
                if head is None:
                    raise NotFound(Message(N_("no testimony {id}"), id=testimony_id))
                newest = self._newest_row(s, testimony_id)
                if newest.version != expected:
                    raise ConflictError(what, expected, _testimony(head, newest),
                                        {"state": state, **{k: v for k, v in changes.items() if k in (
                                            "reason", "excerpt", "recommendation_numbers", "indicator_ids")}})
                if newest.state == "withdrawn":
                    raise ValidationError(Problem(N_("was withdrawn by the person who gave it"), N_("testimony")),
                                          title=N_("Nothing was saved"))
                content = {**_row_content(newest), **changes}
                s.add(TestimonyVersionRow(**{**content, "version": newest.version + 1, "action": action,
                                             "state": state, "recorded_by": who[0], "recorded_role": who[1],
                                             "recorded_at": utc_now()}))
                s.flush()
                return self._current(s, testimony_id)
        except IntegrityError:
            # another reviewer inserted the same version number between our read and our insert
            current = self.get(testimony_id)
            raise ConflictError(what, expected, current, {"state": state}) from None

    # ------------------------------------------------------------------ files

    def attachment_bytes(self, actor: Actor, attachment_id: int) -> bytes:
        """A file's bytes for a reviewer, checked against its checksum (a damaged or changed file is refused)."""
        require(actor, REVIEW_TESTIMONY)
        with self.store._read() as s:
            row = s.get(TestimonyAttachmentRow, attachment_id)
            if row is None or row.removed_at is not None:
                raise NotFound(Message(N_("no file {id}"), id=attachment_id))
            city = s.get(TestimonyRow, row.testimony_id).city
            data = row.data if row.stored_in == "store" else None
        if data is None:
            if self.attachments_dir is None:
                raise NotFound(N_("the file is kept in a folder this app is not configured to read"))
            path = self._blob_path(city, row.sha256)
            if not path.exists():
                raise NotFound(Message(N_("no file {id}"), id=attachment_id))
            data = path.read_bytes()
        if checksum(data) != row.sha256:
            raise TrackerError(Message(N_("the file {name} does not match its checksum: it was changed or damaged "
                                          "after it was stored"), name=row.file_name))
        return data

    # ------------------------------------------------------------------ what others may see

    def shared(self, city: str, purpose: str, *, area_id: str | None = None, number: str | None = None,
               indicator_id: str | None = None, since: dt.datetime | None = None) -> list[SharedTestimony]:
        """Accepted testimony whose consent allows ``purpose``, as that purpose may see it, newest accepted
        first; optionally only of one neighborhood (where shown), one recommendation or one indicator."""
        if purpose not in PURPOSE_CONSENTS:
            raise ValueError(f"unknown purpose {purpose!r}")
        out = []
        for testimony in self._all(city):
            if not testimony.allows(purpose):
                continue
            view = testimony.shared(purpose)
            if area_id is not None and view.area_id != area_id:
                continue
            if number is not None and number not in view.recommendation_numbers:
                continue
            if indicator_id is not None and indicator_id not in view.indicator_ids:
                continue
            if since is not None and (testimony.accepted_at is None or testimony.accepted_at <= since):
                continue
            out.append(view)
        out.sort(key=lambda v: (v.accepted_on or dt.date.min, v.testimony_id), reverse=True)
        return out

    def counts(self, city: str, *, min_cell: int = MIN_CELL) -> Counts:
        """Accepted testimony counted by neighborhood, by topic and by both, cells under ``min_cell`` left out."""
        rows = self.shared(city, "count")
        by_area = pd.Series([t.area_id for t in rows if t.area_id], dtype="object").value_counts()
        by_topic = pd.Series([topic for t in rows for topic in t.topics], dtype="object").value_counts()
        pairs = pd.Series([f"{t.area_id}\x1f{topic}" for t in rows if t.area_id for topic in t.topics],
                          dtype="object").value_counts()

        def kept(series: pd.Series, name: str) -> pd.DataFrame:
            series = series[series >= min_cell]
            return pd.DataFrame({name: series.index.astype(str), "count": series.to_numpy(dtype="int64")})

        both = kept(pairs, "pair")
        split = both["pair"].str.split("\x1f", n=1, expand=True) if len(both) else pd.DataFrame(columns=[0, 1])
        by_area_topic = pd.DataFrame({"area_id": split[0].tolist() if len(both) else [],
                                      "topic": split[1].tolist() if len(both) else [],
                                      "count": both["count"].tolist()}, columns=["area_id", "topic", "count"])
        total = len(rows)
        return Counts(kept(by_area, "area_id"), kept(by_topic, "topic"), by_area_topic, min_cell,
                      total if total >= min_cell else None)

    def coalition_frame(self, city: str, actor: Actor) -> pd.DataFrame:
        """Every testimony of the city, one row each, for the coalition's own export (reviewers and editors)."""
        require(actor, REVIEW_TESTIMONY)
        rows = [{"id": t.testimony_id, "given": t.created_at, "channel": t.channel, "state": t.state,
                 "kind": t.kind, "consent": t.consent_use, "neighborhood_may_be_shown": t.consent_area,
                 "neighborhood": t.area_id, "when": t.occurred_on, "topics": "; ".join(t.topics),
                 "upr_themes": "; ".join(t.upr_themes), "recommendations": "; ".join(t.recommendation_numbers),
                 "indicators": "; ".join(t.indicator_ids), "text": t.story, "excerpt": t.excerpt,
                 "reason": t.reason, "version": t.version} for t in self._all(city)]
        return pd.DataFrame(rows, columns=["id", "given", "channel", "state", "kind", "consent",
                                           "neighborhood_may_be_shown", "neighborhood", "when", "topics",
                                           "upr_themes", "recommendations", "indicators", "text", "excerpt",
                                           "reason", "version"])

    def events(self, city: str) -> pd.DataFrame:
        """When testimony was accepted and withdrawn (dates and counts only, no words), for timelines and for
        what changed since a report: one row per event with ``testimony_id``, ``event``, ``at``, ``numbers``."""
        rows = []
        for testimony in self._all(city):
            if testimony.accepted_at is not None and testimony.allows("count"):
                rows.append({"testimony_id": testimony.testimony_id, "event": "accepted", "at": testimony.accepted_at,
                             "numbers": testimony.recommendation_numbers})
            elif testimony.state == "withdrawn":
                rows.append({"testimony_id": testimony.testimony_id, "event": "withdrawn",
                             "at": testimony.recorded_at, "numbers": ()})
        return pd.DataFrame(rows, columns=["testimony_id", "event", "at", "numbers"])

    # ------------------------------------------------------------------ helpers

    def _all(self, city: str) -> list[Testimony]:
        with self.store._read() as s:
            heads = {h.id: h for h in s.scalars(select(TestimonyRow).where(TestimonyRow.city == city))}
            if not heads:
                return []
            newest = (select(TestimonyVersionRow.testimony_id, func.max(TestimonyVersionRow.version).label("v"))
                      .where(TestimonyVersionRow.testimony_id.in_(heads)).group_by(TestimonyVersionRow.testimony_id)
                      .subquery())
            rows = list(s.scalars(select(TestimonyVersionRow).join(
                newest, (TestimonyVersionRow.testimony_id == newest.c.testimony_id)
                & (TestimonyVersionRow.version == newest.c.v))))
            accepted = dict(s.execute(select(TestimonyVersionRow.testimony_id,
                                             func.max(TestimonyVersionRow.recorded_at))
                                      .where(TestimonyVersionRow.testimony_id.in_(heads),
                                             TestimonyVersionRow.action == "accepted")
                                      .group_by(TestimonyVersionRow.testimony_id)).all())
            files = self._attachments(s, list(heads))
        return [_testimony(heads[r.testimony_id], r, accepted.get(r.testimony_id), files.get(r.testimony_id, ()))
                for r in rows]

    def _attachments(self, s: Session, ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
        found: dict[int, list[Attachment]] = {}
        for row in s.scalars(select(TestimonyAttachmentRow).where(TestimonyAttachmentRow.testimony_id.in_(ids))
                             .order_by(TestimonyAttachmentRow.position)):
            found.setdefault(row.testimony_id, []).append(Attachment(
                row.id, row.position, row.file_name, row.media_type, row.size, row.sha256, row.removed_at is not None))
        return {k: tuple(v) for k, v in found.items()}

    def _current(self, s: Session, testimony_id: int) -> Testimony:
        head = s.get(TestimonyRow, testimony_id)
        if head is None:
            raise NotFound(Message(N_("no testimony {id}"), id=testimony_id))
        accepted = s.scalar(select(func.max(TestimonyVersionRow.recorded_at)).where(
            TestimonyVersionRow.testimony_id == testimony_id, TestimonyVersionRow.action == "accepted"))
        return _testimony(head, self._newest_row(s, testimony_id), accepted,
                          self._attachments(s, [testimony_id]).get(testimony_id, ()))

    @staticmethod
    def _newest_row(s: Session, testimony_id: int) -> TestimonyVersionRow:
        return s.scalars(select(TestimonyVersionRow).where(TestimonyVersionRow.testimony_id == testimony_id)
                         .order_by(TestimonyVersionRow.version.desc()).limit(1)).one()

    @staticmethod
    def _head_by_receipt(s: Session, code: str) -> TestimonyRow:
        hashed = receipt_hash(code)
        head = s.scalars(select(TestimonyRow).where(TestimonyRow.receipt_hash == hashed)).first() if hashed else None
        if head is None:
            raise NotFound(N_("No testimony has this receipt code. Check the code as it was given to you."))
        return head


_CONTENT_FIELDS = ("testimony_id", "kind", "story", "excerpt", "topics", "upr_themes", "area_level", "area_id",
                   "occurred_on", "contact", "consent_use", "consent_area", "gathered_by", "reason",
                   "recommendation_numbers", "indicator_ids", "state", "action")


def _row_content(row: TestimonyVersionRow) -> dict:
    return {name: getattr(row, name) for name in _CONTENT_FIELDS}


def _testimony(head: TestimonyRow, row: TestimonyVersionRow, accepted_at: dt.datetime | None = None,
               attachments: tuple[Attachment, ...] = ()) -> Testimony:
    if accepted_at is not None and accepted_at.tzinfo is None:
        accepted_at = accepted_at.replace(tzinfo=dt.UTC)
    return Testimony(
        testimony_id=head.id, city=head.city, channel=head.channel, created_at=head.created_at, version=row.version,
        action=row.action, state=row.state, kind=row.kind, story=row.story, excerpt=row.excerpt,
        topics=tuple(row.topics or ()), upr_themes=tuple(row.upr_themes or ()), area_level=row.area_level,
        area_id=row.area_id, occurred_on=row.occurred_on, contact=row.contact, consent_use=row.consent_use,
        consent_area=row.consent_area, gathered_by=row.gathered_by, reason=row.reason,
        recommendation_numbers=tuple(row.recommendation_numbers or ()), indicator_ids=tuple(row.indicator_ids or ()),
        recorded_by=row.recorded_by, recorded_role=row.recorded_role, recorded_at=row.recorded_at,
        accepted_at=accepted_at if row.state == "accepted" else None, attachments=attachments)
