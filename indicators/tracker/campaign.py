"""The campaign behind each recommendation and priority list: who must act (from the list of city bodies the
coalition keeps), by when, and what the coalition did to make it happen — hearings, testimony, petitions, letters,
meetings, media, proclamations, ordinances, budget lines — every entry versioned, none deleted (a mistaken one is
retracted, and stays in its history).

A campaign's subject is a recommendation (``rec:<cycle>:<number>``) or a priority list (``list:<id>``).

Overdue
    A target is overdue when its date has passed and the community's assessment of the recommendation is neither
    *implemented* nor *not applicable* (a list's target: while any recommendation on it is still open). The
    community's word counts, not the city's claim: that is the coalition's own judgement of what was done.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from indicators.core.i18n import N_
from indicators.tracker.auth import EDIT_CAMPAIGN, Actor, require
from indicators.tracker.errors import (
    ConflictError,
    Message,
    NotFound,
    Problem,
    ValidationError,
)
from indicators.tracker.models import (
    CampaignActionRow,
    CampaignActionVersionRow,
    CampaignTargetRow,
    PriorityListRow,
    ResponsibleBodyRow,
    ResponsibleBodyVersionRow,
    utc_now,
)
from indicators.tracker.validation import (
    NOTE_LIMIT,
    SHORT_TEXT_LIMIT,
    clean_city,
    clean_date,
    clean_expected_version,
    clean_number,
    clean_text,
    clean_url,
    collect_problem,
)
from indicators.tracker.vocabularies import ACTION_KINDS

if TYPE_CHECKING:
    from indicators.tracker.records import PriorityList

#: the statuses with which a target is met
DONE_STATUSES = ("implemented", "not_applicable")
SUBJECT = re.compile(r"^(?:rec:(\d{1,3}):(\d{1,4}\.\d{1,4})|list:(\d{1,9}))$")


def rec_subject(cycle: int, number: str) -> str:
    return f"rec:{int(cycle)}:{clean_number(number)}"


def list_subject(list_id: int) -> str:
    return f"list:{int(list_id)}"


def parse_subject(subject: str) -> tuple[str, Any]:
    """``("rec", (cycle, number))`` or ``("list", list_id)``; ValidationError for anything else."""
    found = SUBJECT.match(subject or "")
    if not found:
        raise ValidationError(Problem(Message(N_("{value} is not a recommendation or a priority list"),
                                              value=repr(str(subject)[:40])), N_("subject")))
    if found.group(3):
        return "list", int(found.group(3))
    return "rec", (int(found.group(1)), found.group(2))


@dataclass(frozen=True)
class ResponsibleBody:
    body_id: int
    city: str
    version: int
    name: str
    description: str
    url: str
    archived: bool
    recorded_by: str
    recorded_at: dt.datetime

    def content(self) -> dict:
        return {"name": self.name, "description": self.description, "url": self.url, "archived": self.archived}


@dataclass(frozen=True)
class Target:
    """Who must act on a recommendation or a list, and by when (one version)."""

    city: str
    subject: str
    version: int
    body_id: int | None
    body_name: str
    target_date: dt.date | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime

    def content(self) -> dict:
        return {"body": self.body_name, "target_date": self.target_date, "note": self.note}


@dataclass(frozen=True)
class CampaignAction:
    """One version of one action of the campaign."""

    action_id: int
    city: str
    subject: str
    version: int
    kind: str
    happened_on: dt.date
    who: str
    link: str
    note: str
    retracted: bool
    recorded_by: str
    recorded_role: str
    recorded_at: dt.datetime

    @property
    def kind_label(self) -> str:
        return ACTION_KINDS.get(self.kind, self.kind)

    def content(self) -> dict:
        return {"kind": self.kind, "happened_on": self.happened_on, "who": self.who, "link": self.link,
                "note": self.note, "retracted": self.retracted}






def is_overdue(target_date: dt.date | None, community_status: str | None, today: dt.date) -> bool:
    """Whether a target set for ``target_date`` is overdue on ``today`` (see the module notes)."""
    return target_date is not None and target_date < today and (community_status or "") not in DONE_STATUSES


class Campaigns:
    """The campaign log of one tracker store (``store.campaign``)."""

    def __init__(self, store: "Store") -> None:  # noqa: F821  (the store hands itself over)
        self.store = store

    # ------------------------------------------------------------------ responsible bodies

    def bodies(self, city: str, *, include_archived: bool = False) -> list[ResponsibleBody]:
        with self.store._read() as s:
            ids = list(s.scalars(select(ResponsibleBodyRow.id).where(ResponsibleBodyRow.city == city)
                                 .order_by(ResponsibleBodyRow.id)))
            bodies = [self._body(s, body_id) for body_id in ids]
        bodies = [b for b in bodies if include_archived or not b.archived]
        return sorted(bodies, key=lambda b: b.name.casefold())

    def body(self, body_id: int) -> ResponsibleBody:
        with self.store._read() as s:
            return self._body(s, body_id)

    def add_body(self, actor: Actor, *, city: str, name: str, description: str = "", url: str = ""
                 ) -> ResponsibleBody:
        require(actor, EDIT_CAMPAIGN)
        content = self._body_content(city, name, description, url, False)
        with self.store._write() as s, s.begin():
            self._check_body_name(s, content["city"], content["name"], None)
            head = ResponsibleBodyRow(city=content.pop("city"), created_by=actor.user_id, created_at=utc_now())
            s.add(head)
            s.flush()
            s.add(ResponsibleBodyVersionRow(body_id=head.id, version=1, recorded_by=actor.user_id,
                                            recorded_role=actor.role, recorded_at=utc_now(), **content))
            s.flush()
            return self._body(s, head.id)

    def update_body(self, actor: Actor, body_id: int, *, expected_version: int, name: str, description: str = "",
                    url: str = "", archived: bool = False) -> ResponsibleBody:
        require(actor, EDIT_CAMPAIGN)
        current = self.body(body_id)
        content = self._body_content(current.city, name, description, url, archived)
        content.pop("city")
        expected = clean_expected_version(expected_version)
        what = Message(N_("The responsible body '{name}'"), name=current.name)
        try:
            with self.store._write() as s, s.begin():
                newest = self._body(s, body_id)
                if newest.version != expected:
                    raise ConflictError(what, expected, newest, content)
                if not archived:
                    self._check_body_name(s, current.city, content["name"], body_id)
                s.add(ResponsibleBodyVersionRow(body_id=body_id, version=newest.version + 1, recorded_by=actor.user_id,
                                                recorded_role=actor.role, recorded_at=utc_now(), **content))
                s.flush()
                return self._body(s, body_id)
        except IntegrityError:
            raise ConflictError(what, expected, self.body(body_id), content) from None

    @staticmethod
    def _body_content(city, name, description, url, archived) -> dict:
        problems: list[Problem] = []
        content = {
            "city": collect_problem(problems, lambda: clean_city(city)),
            "name": collect_problem(problems, lambda: clean_text(name, N_("name"), limit=SHORT_TEXT_LIMIT, required=True,
                                                          multiline=False)),
            "description": collect_problem(problems, lambda: clean_text(description, N_("description"), limit=NOTE_LIMIT)),
            "url": collect_problem(problems, lambda: clean_url(url, N_("web page")) if url else ""),
            "archived": bool(archived),
        }
        if problems:
            raise ValidationError(problems, title=N_("Responsible body not saved"))
        return content

    def _check_body_name(self, s: Session, city: str, name: str, body_id: int | None) -> None:
        for other in s.scalars(select(ResponsibleBodyRow.id).where(ResponsibleBodyRow.city == city)):
            if other == body_id:
                continue
            body = self._body(s, other)
            if not body.archived and body.name.casefold() == name.casefold():
                raise ValidationError(Problem(Message(N_("a body named {name} is already on the list"),
                                                      name=repr(name)), N_("name")),
                                      title=N_("Responsible body not saved"))

    @staticmethod
    def _body(s: Session, body_id: int) -> ResponsibleBody:
        head = s.get(ResponsibleBodyRow, body_id)
        if head is None:
            raise NotFound(Message(N_("no responsible body {id}"), id=body_id))
        row = s.scalars(select(ResponsibleBodyVersionRow).where(ResponsibleBodyVersionRow.body_id == body_id)
                        .order_by(ResponsibleBodyVersionRow.version.desc()).limit(1)).one()
        return ResponsibleBody(body_id, head.city, row.version, row.name, row.description, row.url, row.archived,
                               row.recorded_by, row.recorded_at)

    # ------------------------------------------------------------------ targets

    def target(self, city: str, subject: str) -> Target | None:
        with self.store._read() as s:
            row = s.scalars(select(CampaignTargetRow).where(CampaignTargetRow.city == city,
                                                            CampaignTargetRow.subject == subject)
                            .order_by(CampaignTargetRow.version.desc()).limit(1)).first()
            return self._target(s, row) if row else None

    def target_history(self, city: str, subject: str) -> list[Target]:
        with self.store._read() as s:
            rows = list(s.scalars(select(CampaignTargetRow).where(CampaignTargetRow.city == city,
                                                                  CampaignTargetRow.subject == subject)
                                  .order_by(CampaignTargetRow.version)))
            return [self._target(s, r) for r in rows]

    def targets(self, city: str) -> dict[str, Target]:
        """The newest target of every subject of the city."""
        with self.store._read() as s:
            rows = list(s.scalars(select(CampaignTargetRow).where(CampaignTargetRow.city == city)
                                  .order_by(CampaignTargetRow.version)))
            return {r.subject: self._target(s, r) for r in rows}

    def set_target(self, actor: Actor, *, city: str, subject: str, body_id: int | None,
                   target_date: dt.date | str | None, note: str = "", expected_version: int) -> Target:
        """A new version of who must act on ``subject`` and by when."""
        require(actor, EDIT_CAMPAIGN)
        problems: list[Problem] = []
        city = collect_problem(problems, lambda: clean_city(city))
        collect_problem(problems, lambda: parse_subject(subject))
        content = {
            "body_id": body_id if body_id else None,
            "target_date": collect_problem(problems, lambda: clean_date(target_date, N_("target date"), required=False,
                                                                 allow_future=True)),
            "note": collect_problem(problems, lambda: clean_text(note, N_("note"), limit=NOTE_LIMIT)),
        }
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version))
        if problems:
            raise ValidationError(problems, title=N_("Target not saved"))
        what = Message(N_("The target of {subject}"), subject=subject)
        try:
            with self.store._write() as s, s.begin():
                self._check_subject(s, city, subject)
                if content["body_id"] is not None:
                    body = self._body(s, content["body_id"])
                    if body.city != city:
                        raise ValidationError(Problem(N_("is not on this city's list of bodies"), N_("responsible body")),
                                              title=N_("Target not saved"))
                newest = s.scalars(select(CampaignTargetRow).where(CampaignTargetRow.city == city,
                                                                   CampaignTargetRow.subject == subject)
                                   .order_by(CampaignTargetRow.version.desc()).limit(1)).first()
                newest_version = newest.version if newest else 0
                if newest_version != expected:
                    raise ConflictError(what, expected, self._target(s, newest) if newest else None, content)
                row = CampaignTargetRow(city=city, subject=subject, version=newest_version + 1,
                                        recorded_by=actor.user_id, recorded_role=actor.role, recorded_at=utc_now(),
                                        **content)
                s.add(row)
                s.flush()
                return self._target(s, row)
        except IntegrityError:
            raise ConflictError(what, expected, self.target(city, subject), content) from None

    def _target(self, s: Session, row: CampaignTargetRow) -> Target:
        name = self._body(s, row.body_id).name if row.body_id else ""
        return Target(row.city, row.subject, row.version, row.body_id, name, row.target_date, row.note,
                      row.recorded_by, row.recorded_at)

    def _check_subject(self, s: Session, city: str, subject: str) -> None:
        kind, key = parse_subject(subject)
        if kind == "rec":
            self.store._recommendation_row(s, key[1], key[0])
            return
        head = s.get(PriorityListRow, key)
        if head is None or head.city != city:
            raise NotFound(Message(N_("no priority list {list_id}"), list_id=key))

    # ------------------------------------------------------------------ actions

    def log_action(self, actor: Actor, *, city: str, subject: str, kind: str, happened_on: dt.date | str,
                   who: str = "", link: str = "", note: str = "") -> CampaignAction:
        """A new action on a recommendation or a priority list."""
        require(actor, EDIT_CAMPAIGN)
        problems: list[Problem] = []
        city = collect_problem(problems, lambda: clean_city(city))
        collect_problem(problems, lambda: parse_subject(subject))
        content = self._action_content(problems, kind, happened_on, who, link, note, False)
        if problems:
            raise ValidationError(problems, title=N_("Action not saved"))
        now = utc_now()
        with self.store._write() as s, s.begin():
            self._check_subject(s, city, subject)
            head = CampaignActionRow(city=city, subject=subject, created_by=actor.user_id, created_at=now)
            s.add(head)
            s.flush()
            s.add(CampaignActionVersionRow(action_id=head.id, version=1, recorded_by=actor.user_id,
                                           recorded_role=actor.role, recorded_at=now, **content))
            s.flush()
            return self._action(s, head.id, None)

    def update_action(self, actor: Actor, action_id: int, *, expected_version: int, kind: str,
                      happened_on: dt.date | str, who: str = "", link: str = "", note: str = "",
                      retracted: bool = False) -> CampaignAction:
        """A new version of an action (a correction, or its retraction: it then leaves every public view)."""
        require(actor, EDIT_CAMPAIGN)
        problems: list[Problem] = []
        content = self._action_content(problems, kind, happened_on, who, link, note, retracted)
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version))
        if problems:
            raise ValidationError(problems, title=N_("Action not saved"))
        what = Message(N_("Campaign action {id}"), id=action_id)
        try:
            with self.store._write() as s, s.begin():
                newest = self._action(s, action_id, None)
                if newest.version != expected:
                    raise ConflictError(what, expected, newest, content)
                s.add(CampaignActionVersionRow(action_id=action_id, version=newest.version + 1,
                                               recorded_by=actor.user_id, recorded_role=actor.role,
                                               recorded_at=utc_now(), **content))
                s.flush()
                return self._action(s, action_id, None)
        except IntegrityError:
            with self.store._read() as s:
                current = self._action(s, action_id, None)
            raise ConflictError(what, expected, current, content) from None

    @staticmethod
    def _action_content(problems, kind, happened_on, who, link, note, retracted) -> dict:
        return {
            "kind": collect_problem(problems, lambda: _kind(kind)),
            "happened_on": collect_problem(problems, lambda: clean_date(happened_on, N_("date"))),
            "who": collect_problem(problems, lambda: clean_text(who, N_("who"), limit=SHORT_TEXT_LIMIT, multiline=False)),
            "link": collect_problem(problems, lambda: clean_url(link, N_("link")) if link else ""),
            "note": collect_problem(problems, lambda: clean_text(note, N_("note"), limit=NOTE_LIMIT)),
            "retracted": bool(retracted),
        }

    def action(self, action_id: int) -> CampaignAction:
        with self.store._read() as s:
            return self._action(s, action_id, None)

    def action_history(self, action_id: int) -> list[CampaignAction]:
        with self.store._read() as s:
            versions = list(s.scalars(select(CampaignActionVersionRow.version)
                                      .where(CampaignActionVersionRow.action_id == action_id)
                                      .order_by(CampaignActionVersionRow.version)))
            return [self._action(s, action_id, v) for v in versions]

    def actions(self, city: str, *, subjects: Iterable[str] | None = None, include_retracted: bool = False
                ) -> list[CampaignAction]:
        """The newest version of every action of the city (on ``subjects`` only, when given), newest date first."""
        wanted = set(subjects) if subjects is not None else None
        with self.store._read() as s:
            query = select(CampaignActionRow.id).where(CampaignActionRow.city == city)
            ids = list(s.scalars(query))
            found = [self._action(s, action_id, None) for action_id in ids]
        found = [a for a in found if (wanted is None or a.subject in wanted) and (include_retracted or not a.retracted)]
        return sorted(found, key=lambda a: (a.happened_on, a.recorded_at, a.action_id), reverse=True)

    def _action(self, s: Session, action_id: int, version: int | None) -> CampaignAction:
        head = s.get(CampaignActionRow, action_id)
        if head is None:
            raise NotFound(Message(N_("no campaign action {id}"), id=action_id))
        query = select(CampaignActionVersionRow).where(CampaignActionVersionRow.action_id == action_id)
        query = (query.order_by(CampaignActionVersionRow.version.desc()).limit(1) if version is None
                 else query.where(CampaignActionVersionRow.version == version))
        row = s.scalars(query).one()
        return CampaignAction(action_id, head.city, head.subject, row.version, row.kind, row.happened_on, row.who,
                              row.link, row.note, row.retracted, row.recorded_by, row.recorded_role, row.recorded_at)

    # ------------------------------------------------------------------ campaigns of priority lists

    def list_subjects(self, plist: PriorityList) -> list[str]:
        """The subjects whose actions belong to a list's campaign: the list itself and each recommendation on it."""
        return [list_subject(plist.list_id), *(rec_subject(i.cycle, i.number) for i in plist.items)]

    def campaign_items(self, plist: PriorityList, community: dict[tuple[int, str], str], *,
                       today: dt.date) -> pd.DataFrame:
        """One row per recommendation on a list: its responsible body and target (the list item's own, else the
        recommendation's target), the community status, whether it is overdue, and its last action."""
        targets = self.targets(plist.city)
        actions = self.actions(plist.city, subjects=self.list_subjects(plist))
        rows = []
        for position, item in enumerate(plist.items, start=1):
            subject = rec_subject(item.cycle, item.number)
            target = targets.get(subject)
            target_date = item.target_date or (target.target_date if target else None)
            body = item.responsible_body or (target.body_name if target else "")
            status = community.get((item.cycle, item.number))
            mine = [a for a in actions if a.subject == subject]
            rows.append({"position": position, "cycle": item.cycle, "number": item.number, "responsible": body,
                         "target": target_date, "community_status": status or "no_assessment",
                         "overdue": is_overdue(target_date, status, today), "actions": len(mine),
                         "last_action": mine[0].happened_on if mine else None,
                         "last_action_kind": mine[0].kind if mine else ""})
        return pd.DataFrame(rows, columns=["position", "cycle", "number", "responsible", "target",
                                           "community_status", "overdue", "actions", "last_action",
                                           "last_action_kind"])

    def overdue(self, city: str, community: dict[tuple[int, str], str], lists: Iterable[PriorityList], *,
                today: dt.date) -> pd.DataFrame:
        """Every overdue target of the city: recommendations' own targets, items of priority lists and lists'
        targets. Columns: ``subject``, ``what`` (``rec`` or ``list``), ``cycle``, ``number``, ``list_id``,
        ``list_name``, ``responsible``, ``target``, ``community_status``, ``days_late``."""
        rows = []
        targets = self.targets(city)
        seen: set[tuple[str, int | None]] = set()
        for plist in lists:
            for item in plist.items:
                target = targets.get(rec_subject(item.cycle, item.number))
                when = item.target_date or (target.target_date if target else None)
                status = community.get((item.cycle, item.number))
                if is_overdue(when, status, today):
                    seen.add((rec_subject(item.cycle, item.number), plist.list_id))
                    rows.append({"subject": rec_subject(item.cycle, item.number), "what": "rec", "cycle": item.cycle,
                                 "number": item.number, "list_id": plist.list_id, "list_name": plist.name,
                                 "responsible": item.responsible_body or (target.body_name if target else ""),
                                 "target": when, "community_status": status or "no_assessment",
                                 "days_late": (today - when).days})
            target = targets.get(list_subject(plist.list_id))
            open_items = [i for i in plist.items if community.get((i.cycle, i.number)) not in DONE_STATUSES]
            if target and target.target_date and target.target_date < today and open_items:
                rows.append({"subject": list_subject(plist.list_id), "what": "list", "cycle": None, "number": "",
                             "list_id": plist.list_id, "list_name": plist.name, "responsible": target.body_name,
                             "target": target.target_date, "community_status": "",
                             "days_late": (today - target.target_date).days})
        for subject, target in targets.items():
            kind, key = parse_subject(subject)
            if kind != "rec" or any(s == subject for s, _list in seen):
                continue
            status = community.get(key)
            if is_overdue(target.target_date, status, today):
                rows.append({"subject": subject, "what": "rec", "cycle": key[0], "number": key[1], "list_id": None,
                             "list_name": "", "responsible": target.body_name, "target": target.target_date,
                             "community_status": status or "no_assessment",
                             "days_late": (today - target.target_date).days})
        return pd.DataFrame(rows, columns=["subject", "what", "cycle", "number", "list_id", "list_name",
                                           "responsible", "target", "community_status", "days_late"])


def _kind(value: object) -> str:
    if value not in ACTION_KINDS:
        raise ValidationError(Problem(Message(N_("{value} is not one of {choices}"), value=repr(str(value)[:40]),
                                              choices=", ".join(ACTION_KINDS)), N_("kind of action")))
    return value  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------- one time axis

TIMELINE_COLUMNS = ["date", "lane", "label", "detail", "link"]


def timeline_frame(*, statuses: pd.DataFrame | None = None, actions: Iterable[CampaignAction] = (),
                   testimony: pd.DataFrame | None = None, indicators: Iterable[tuple[dt.date, str, str]] = (),
                   targets: Iterable[Target] = ()) -> pd.DataFrame:
    """Statuses, actions, testimony and indicator figures of one recommendation on one time axis.

    ``statuses``: the status versions (``track``, ``status``, ``as_of``, ``author``) as the store lists them;
    ``actions``: its campaign actions; ``testimony``: accepted testimony events (``at``); ``indicators``: (date,
    indicator title, figure in words) per published period; ``targets``: its target versions. One row per event,
    oldest first, with its ``lane`` (``city``, ``community``, ``action``, ``testimony``, ``indicator``,
    ``target``); labels are codes and typed text, put into words by the page.
    """
    rows: list[dict] = []
    if statuses is not None and len(statuses):
        for _i, v in statuses.iterrows():
            rows.append({"date": pd.Timestamp(v["as_of"]).date(), "lane": v["track"], "label": v["status"],
                         "detail": str(v.get("author") or ""), "link": ""})
    for action in actions:
        if not action.retracted:
            rows.append({"date": action.happened_on, "lane": "action", "label": action.kind,
                         "detail": " · ".join(x for x in (action.who, action.note) if x), "link": action.link})
    if testimony is not None and len(testimony):
        for day, count in pd.to_datetime(testimony["at"], utc=True).dt.date.value_counts().sort_index().items():
            rows.append({"date": day, "lane": "testimony", "label": "accepted", "detail": str(int(count)), "link": ""})
    for day, title, figure in indicators:
        rows.append({"date": day, "lane": "indicator", "label": title, "detail": figure, "link": ""})
    for target in targets:
        if target.target_date:
            rows.append({"date": target.target_date, "lane": "target", "label": "target",
                         "detail": target.body_name, "link": ""})
    frame = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    return frame.sort_values("date", kind="stable").reset_index(drop=True)
