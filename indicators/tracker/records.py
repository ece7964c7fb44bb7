"""Plain, immutable records the store hands out: pages never touch database sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from indicators.tracker.validation import NO_ASSESSMENT_LABEL, RESPONSES, STATUSES, TRACKS


@dataclass(frozen=True)
class Recommendation:
    """One UPR recommendation as received by the State under review."""

    cycle: int
    number: str
    rec_no: int
    recommending_state: str
    response: str
    theme: str
    text: str
    wg_report: str = ""
    response_doc: str = ""
    review_date: str = ""
    data_note: str = ""
    revision: int = 1

    @property
    def response_label(self) -> str:
        return RESPONSES.get(self.response, self.response)

    @property
    def key(self) -> str:
        return f"{self.cycle}:{self.number}"


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    label: str = ""

    @property
    def shown_as(self) -> str:
        return self.label or self.url


@dataclass(frozen=True)
class StatusVersion:
    """One version of a status on one track (city claim or community assessment) for one city.

    ``as_of`` is the date the claim or assessment refers to; ``author`` who makes it (an office,
    a coalition); ``recorded_by``/``recorded_role``/``recorded_at`` who typed it into the tracker.
    """

    cycle: int
    number: str
    city: str
    track: str
    version: int
    status: str
    as_of: dt.date
    author: str
    note: str
    evidence: tuple[EvidenceLink, ...]
    indicator_ids: tuple[str, ...]
    recorded_by: str
    recorded_role: str
    recorded_at: dt.datetime
    restored_from: int | None = None
    #: the name shown for whoever recorded it ("" where none is known: show the role instead)
    recorded_by_name: str = ""

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def track_label(self) -> str:
        return TRACKS.get(self.track, self.track)

    def content(self) -> dict:
        """The fields an editor sets, for comparing two versions side by side."""
        return {
            "status": self.status,
            "as_of": self.as_of,
            "author": self.author,
            "note": self.note,
            "evidence": [asdict(e) for e in self.evidence],
            "indicator_ids": list(self.indicator_ids),
        }


def status_label(status: str | None) -> str:
    return STATUSES.get(status or "", NO_ASSESSMENT_LABEL)


@dataclass(frozen=True)
class PriorityItem:
    """A recommendation on a local priority list, with the coalition's reasons and who must act."""

    number: str
    cycle: int
    rationale: str = ""
    responsible_body: str = ""
    target_date: dt.date | None = None


@dataclass(frozen=True)
class PriorityList:
    """One version of a local priority list (e.g. one campaign's "20 for 2020")."""

    list_id: int
    city: str
    version: int
    name: str
    description: str
    archived: bool
    items: tuple[PriorityItem, ...]
    recorded_by: str
    recorded_role: str
    recorded_at: dt.datetime
    restored_from: int | None = None
    #: the name shown for whoever saved it ("" where none is known: show the role instead)
    recorded_by_name: str = ""

    def content(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "archived": self.archived,
            "items": [asdict(i) for i in self.items],
        }


@dataclass(frozen=True)
class ImportResult:
    """What an import did: counts of recommendations added, changed and already identical."""

    run_id: int
    rows: int
    added: int
    updated: int
    unchanged: int
    source: str
    sha256: str = ""
    numbers_added: tuple[str, ...] = field(default_factory=tuple)
    numbers_updated: tuple[str, ...] = field(default_factory=tuple)
