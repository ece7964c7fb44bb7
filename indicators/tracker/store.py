"""The tracker store: every read and write the pages and the command line make.

Writes take the acting :class:`~indicators.tracker.auth.Actor` and check its role here, whatever
a page shows. Inputs are validated completely before a transaction opens; a write is one
transaction, so it lands whole or not at all. Nothing is updated in place or deleted: a change
appends the next version, and saving on top of a version other than the newest raises
:class:`~indicators.tracker.errors.ConflictError` (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from indicators.core.i18n import N_
from indicators.tracker import db
from indicators.tracker.auth import (
    EDIT_PRIORITIES,
    IMPORT,
    STATUS_PERMISSION,
    Actor,
    require,
)
from indicators.tracker.errors import (
    ConflictError,
    Message,
    NotFound,
    Problem,
    ValidationError,
    message_of,
)
from indicators.tracker.importer import OFFICIAL_FIELDS, validate_recommendation_frame
from indicators.tracker.models import (
    ImportRun,
    PriorityListItemRow,
    PriorityListRow,
    PriorityListVersionRow,
    RecommendationRevision,
    RecommendationRow,
    StatusVersionRow,
    utc_now,
)
from indicators.tracker.records import (
    EvidenceLink,
    ImportResult,
    PriorityItem,
    PriorityList,
    Recommendation,
    StatusVersion,
)
from indicators.tracker.validation import (
    MAX_PRIORITY_ITEMS,
    NOTE_LIMIT,
    SHORT_TEXT_LIMIT,
    clean_city,
    clean_date,
    clean_evidence,
    clean_expected_version,
    clean_indicator_ids,
    clean_number,
    clean_status,
    clean_text,
    clean_track,
    collect_problem,
    name_key,
    number_sort_key,
)

if TYPE_CHECKING:
    from indicators.tracker.campaign import Campaigns
    from indicators.tracker.reports import ReportDrafts
    from indicators.tracker.testimony import Testimonies

_UNCHANGED: Any = object()
# what a conflict is about, per track (the English says which status; the reader's language says it too)
CONFLICT_SUBJECTS = {"city": N_("The city status of recommendation {number}"),
                     "community": N_("The community status of recommendation {number}")}
IMPORT_LOCK_KEY = 4_815_162_343

RowHook = Callable[[int, int, Mapping[str, Any]], None]






class Store:
    """Open with :meth:`open`; one instance per process is enough (it holds a connection pool)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(bind=engine, expire_on_commit=False)
        self._write = sessionmaker(bind=db.writer(engine), expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, configured: str | None = None, city: str | None = None,
             default_city: str | None = None, migrate: bool = True) -> Store:
        """Open the store of ``city`` at ``url`` (see :func:`indicators.tracker.db.resolve_url`: a URL with
        ``{city}`` gives each city its own database) and migrate it."""
        engine = db.create_store_engine(db.resolve_url(url, configured, city=city, default_city=default_city))
        if migrate:
            db.migrate(engine)
        return cls(engine)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """Where the store is, without any password."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ recommendations

    def count_recommendations(self) -> int:
        with self._read() as s:
            return s.scalar(select(func.count(RecommendationRow.id))) or 0

    def cycles(self) -> list[int]:
        with self._read() as s:
            return sorted(s.scalars(select(RecommendationRow.cycle).distinct()))

    def recommendations(self, cycle: int | None = None) -> list[Recommendation]:
        """All recommendations (of one cycle), in report order."""
        query = select(RecommendationRow)
        if cycle is not None:
            query = query.where(RecommendationRow.cycle == cycle)
        with self._read() as s:
            rows = list(s.scalars(query))
        rows.sort(key=lambda r: (r.cycle, number_sort_key(r.number)))
        return [_recommendation(r) for r in rows]

    def recommendation_frame(self, cycle: int | None = None) -> pd.DataFrame:
        columns = ["cycle", "number", "rec_no", "recommending_state", "response", "theme", "text",
                   "wg_report", "response_doc", "review_date", "data_note", "revision"]
        return pd.DataFrame([asdict(r) for r in self.recommendations(cycle)], columns=columns)

    def get_recommendation(self, number: str, cycle: int | None = None) -> Recommendation:
        with self._read() as s:
            return _recommendation(self._recommendation_row(s, number, cycle))

    def import_runs(self) -> pd.DataFrame:
        with self._read() as s:
            rows = list(s.scalars(select(ImportRun).order_by(ImportRun.id)))
        return pd.DataFrame(
            [{"run": r.id, "source": r.source, "rows": r.rows, "added": r.added, "updated": r.updated,
              "unchanged": r.unchanged, "recorded_by": r.recorded_by, "recorded_at": r.recorded_at}
             for r in rows],
            columns=["run", "source", "rows", "added", "updated", "unchanged", "recorded_by", "recorded_at"])

    def recommendation_revisions(self, number: str, cycle: int | None = None) -> list[dict]:
        """Every imported version of a recommendation's official fields, oldest first."""
        with self._read() as s:
            rec = self._recommendation_row(s, number, cycle)
            rows = s.scalars(select(RecommendationRevision)
                             .where(RecommendationRevision.recommendation_id == rec.id)
                             .order_by(RecommendationRevision.revision))
            return [{"revision": r.revision, "import_run": r.import_run_id, "recorded_at": r.recorded_at,
                     **r.content} for r in rows]

    def import_recommendations(self, frame: pd.DataFrame, actor: Actor, *, source: str, sha256: str = "",
                               city: str | None = None, on_row: RowHook | None = None) -> ImportResult:
        """Add or update recommendations matched on (cycle, number), all in one transaction.

        Importing the same list again changes nothing (every row counts as unchanged); a
        corrected official text becomes the next revision of that recommendation. ``on_row``
        is called after each row is written inside the transaction (progress display).
        """
        require(actor, IMPORT)
        records = validate_recommendation_frame(frame, source=source)
        source = clean_text(source, "source", limit=300, multiline=False) or "upload"
        if city is not None:
            city = clean_city(city)
        now = utc_now()
        added: list[str] = []
        updated: list[str] = []
        with self._write() as s, s.begin():
            if self.backend == "postgresql":
                # imports queue one behind the other (SQLite's BEGIN IMMEDIATE does the same): a second
                # import, or two sessions seeding a new store, then finds the first one's rows
                s.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK_KEY)))
            existing = {(r.cycle, r.number): r for r in s.scalars(select(RecommendationRow))}
            run = ImportRun(source=source, sha256=sha256, city=city, rows=len(records), added=0, updated=0,
                            unchanged=0, recorded_by=actor.user_id, recorded_role=actor.role, recorded_at=now,
                            recorded_by_name=actor.public_name)
            s.add(run)
            s.flush()
            for index, record in enumerate(records):
                row = existing.get((record["cycle"], record["number"]))
                if row is None:
                    content = {f: record.get(f, "") for f in OFFICIAL_FIELDS}
                    row = RecommendationRow(cycle=record["cycle"], number=record["number"], revision=1,
                                            created_at=now, updated_at=now, **content)
                    s.add(row)
                    s.flush()
                    added.append(record["number"])
                else:
                    old = _official_content(row)
                    new = {**old, **{f: record[f] for f in OFFICIAL_FIELDS if f in record}}
                    if new == old:
                        content = None
                    else:
                        content = new
                        for name, value in new.items():
                            setattr(row, name, value)
                        row.revision += 1
                        row.updated_at = now
                        updated.append(record["number"])
                if content is not None:
                    s.add(RecommendationRevision(recommendation_id=row.id, revision=row.revision,
                                                 content=content, import_run_id=run.id, recorded_at=now))
                    s.flush()
                if on_row is not None:
                    on_row(index + 1, len(records), record)
            run.added, run.updated = len(added), len(updated)
            run.unchanged = len(records) - len(added) - len(updated)
            run_id = run.id
        return ImportResult(run_id=run_id, rows=len(records), added=len(added), updated=len(updated),
                            unchanged=len(records) - len(added) - len(updated), source=source, sha256=sha256,
                            numbers_added=tuple(added), numbers_updated=tuple(updated))

    # ------------------------------------------------------------------ statuses

    def current_status(self, number: str, *, city: str, track: str, cycle: int | None = None
                       ) -> StatusVersion | None:
        """The newest version on one track, or ``None`` when nobody assessed it yet."""
        with self._read() as s:
            rec = self._recommendation_row(s, number, cycle)
            row = s.scalars(self._versions_query(rec.id, city, track)
                            .order_by(StatusVersionRow.version.desc()).limit(1)).first()
            return _status(row, rec) if row else None

    def status_history(self, number: str, *, city: str, track: str | None = None, cycle: int | None = None
                       ) -> list[StatusVersion]:
        """Every version (of one track or both), in the order they were recorded."""
        with self._read() as s:
            rec = self._recommendation_row(s, number, cycle)
            rows = list(s.scalars(self._versions_query(rec.id, city, track)))
        rows.sort(key=lambda r: (r.recorded_at, r.id))
        return [_status(r, rec) for r in rows]

    def status_version(self, number: str, *, city: str, track: str, version: int, cycle: int | None = None
                       ) -> StatusVersion:
        with self._read() as s:
            rec = self._recommendation_row(s, number, cycle)
            row = s.scalars(self._versions_query(rec.id, city, track)
                            .where(StatusVersionRow.version == version)).first()
            if row is None:
                raise NotFound(Message(N_("recommendation {number} has no version {version} on this track"),
                                       number=rec.number, version=version))
            return _status(row, rec)

    def status_versions_frame(self, city: str) -> pd.DataFrame:
        """Every status version of a city, one row each (for progress over time)."""
        query = (select(StatusVersionRow, RecommendationRow.cycle, RecommendationRow.number)
                 .join(RecommendationRow, StatusVersionRow.recommendation_id == RecommendationRow.id)
                 .where(StatusVersionRow.city == city))
        with self._read() as s:
            rows = [{"cycle": cycle, "number": number, "track": v.track, "version": v.version,
                     "status": v.status, "as_of": v.as_of, "author": v.author, "recorded_by": v.recorded_by,
                     "recorded_at": v.recorded_at, "restored_from": v.restored_from}
                    for v, cycle, number in s.execute(query)]
        return pd.DataFrame(rows, columns=["cycle", "number", "track", "version", "status", "as_of", "author",
                                           "recorded_by", "recorded_at", "restored_from"])

    def current_statuses_frame(self, city: str) -> pd.DataFrame:
        """The newest version per recommendation and track."""
        versions = self.status_versions_frame(city)
        if versions.empty:
            return versions
        newest = versions.groupby(["cycle", "number", "track"])["version"].transform("max")
        return versions[versions["version"] == newest].reset_index(drop=True)

    def set_status(self, actor: Actor, number: str, *, city: str, track: str, status: str,
                   as_of: dt.date | str, author: str, note: str = "", evidence: Iterable = (),
                   indicator_ids: Iterable[str] = (), expected_version: int, cycle: int | None = None
                   ) -> StatusVersion:
        """Record a new status version on one track (``city`` claims or ``community`` assessment).

        ``expected_version`` is the version the editor saw (0 for none yet); if someone saved in
        between, :class:`ConflictError` carries both versions and nothing is written.
        """
        track = clean_track(track)
        require(actor, STATUS_PERMISSION[track])
        problems: list[Problem] = []
        city = collect_problem(problems, lambda: clean_city(city))
        content = {
            "status": collect_problem(problems, lambda: clean_status(status)),
            "as_of": collect_problem(problems, lambda: clean_date(as_of, N_("date"))),
            "author": collect_problem(problems, lambda: clean_text(author, N_("author"), limit=SHORT_TEXT_LIMIT,
                                                            required=True, multiline=False)),
            "note": collect_problem(problems, lambda: clean_text(note, N_("note"), limit=NOTE_LIMIT)),
            "evidence": collect_problem(problems, lambda: clean_evidence(evidence)),
            "indicator_ids": collect_problem(problems, lambda: clean_indicator_ids(indicator_ids)),
        }
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version))
        if problems:
            raise ValidationError(problems, title=N_("Status not saved"))
        return self._append_status(actor, number, cycle, city, track, content, expected, restored_from=None)

    def restore_status(self, actor: Actor, number: str, *, city: str, track: str, version: int,
                       expected_version: int, cycle: int | None = None) -> StatusVersion:
        """Make an earlier version current again, as a new version that says where it came from."""
        track = clean_track(track)
        require(actor, STATUS_PERMISSION[track])
        old = self.status_version(number, city=city, track=track, version=version, cycle=cycle)
        content = old.content()
        return self._append_status(actor, number, cycle, city, track, content, clean_expected_version(expected_version),
                                   restored_from=version)

    def _append_status(self, actor: Actor, number: str, cycle: int | None, city: str, track: str,
                       content: dict, expected: int, restored_from: int | None) -> StatusVersion:
        what = Message(CONFLICT_SUBJECTS[track], number=number)
        try:
            with self._write() as s, s.begin():
                rec = self._recommendation_row(s, number, cycle)
                newest = s.scalars(self._versions_query(rec.id, city, track)
                                   .order_by(StatusVersionRow.version.desc()).limit(1)).first()
                newest_version = newest.version if newest else 0
                if newest_version != expected:
                    raise ConflictError(what, expected, _status(newest, rec) if newest else None, content)
                row = StatusVersionRow(
                    recommendation_id=rec.id, city=city, track=track, version=newest_version + 1,
                    status=content["status"], as_of=content["as_of"], author=content["author"],
                    note=content["note"], evidence=content["evidence"], indicator_ids=content["indicator_ids"],
                    recorded_by=actor.user_id, recorded_role=actor.role, recorded_at=utc_now(),
                    restored_from=restored_from, recorded_by_name=actor.public_name)
                s.add(row)
                s.flush()
                return _status(row, rec)
        except IntegrityError:
            # another saver inserted the same version number between our read and our insert
            current = self.current_status(number, city=city, track=track, cycle=cycle)
            raise ConflictError(what, expected, current, content) from None

    # ------------------------------------------------------------------ priority lists

    def priority_lists(self, city: str, *, include_archived: bool = False) -> list[PriorityList]:
        """The current version of every priority list of a city, oldest list first."""
        with self._read() as s:
            ids = list(s.scalars(select(PriorityListRow.id).where(PriorityListRow.city == city)
                                 .order_by(PriorityListRow.id)))
            lists = [self._list_version(s, list_id, None) for list_id in ids]
        return [pl for pl in lists if include_archived or not pl.archived]

    def priority_list(self, list_id: int, version: int | None = None) -> PriorityList:
        with self._read() as s:
            return self._list_version(s, list_id, version)

    def priority_list_history(self, list_id: int) -> list[PriorityList]:
        with self._read() as s:
            versions = list(s.scalars(select(PriorityListVersionRow.version)
                                      .where(PriorityListVersionRow.list_id == list_id)
                                      .order_by(PriorityListVersionRow.version)))
            if not versions:
                raise NotFound(Message(N_("no priority list {list_id}"), list_id=list_id))
            return [self._list_version(s, list_id, v) for v in versions]

    def create_priority_list(self, actor: Actor, *, city: str, name: str, description: str = "",
                             items: Iterable[PriorityItem | Mapping] = ()) -> PriorityList:
        require(actor, EDIT_PRIORITIES)
        problems: list[Problem] = []
        city = collect_problem(problems, lambda: clean_city(city))
        content = {
            "name": collect_problem(problems, lambda: _list_name(name)),
            "description": collect_problem(problems, lambda: clean_text(description, N_("description"))),
            "archived": False,
            "items": collect_problem(problems, lambda: _clean_items(items)),
        }
        if problems:
            raise ValidationError(problems, title=N_("Priority list not saved"))
        try:
            with self._write() as s, s.begin():
                self._check_unique_name(s, city, content["name"], None)
                row = PriorityListRow(city=city, created_by=actor.user_id, created_at=utc_now(),
                                      name_key=name_key(content["name"]), active=True)
                s.add(row)
                s.flush()
                self._add_list_version(s, row.id, 1, content, actor, None)
                return self._list_version(s, row.id, None)
        except IntegrityError:
            # another editor created a list of the same (look-alike) name between our check and our insert:
            # the partial unique index on active list names refused the second one
            raise _name_taken(content["name"]) from None

    def update_priority_list(self, actor: Actor, list_id: int, *, expected_version: int,
                             name: str = _UNCHANGED, description: str = _UNCHANGED,
                             items: Iterable[PriorityItem | Mapping] = _UNCHANGED,
                             archived: bool = _UNCHANGED) -> PriorityList:
        """Save a new version of a list; arguments left out keep their current value.

        ``items`` is the whole list in its new order (see :mod:`indicators.tracker.priorities` for
        adding, removing and moving one item). Archiving hides a list; it is never deleted.
        """
        require(actor, EDIT_PRIORITIES)
        problems: list[Problem] = []
        changes: dict[str, Any] = {}
        if name is not _UNCHANGED:
            changes["name"] = collect_problem(problems, lambda: _list_name(name))
        if description is not _UNCHANGED:
            changes["description"] = collect_problem(problems, lambda: clean_text(description, N_("description")))
        if items is not _UNCHANGED:
            changes["items"] = collect_problem(problems, lambda: _clean_items(items))
        if archived is not _UNCHANGED:
            changes["archived"] = bool(archived)
        expected = collect_problem(problems, lambda: clean_expected_version(expected_version))
        if problems:
            raise ValidationError(problems, title=N_("Priority list not saved"))
        current = self.priority_list(list_id)
        content = {**current.content(), **changes}
        return self._append_list_version(actor, current, content, expected, restored_from=None)

    def restore_priority_list(self, actor: Actor, list_id: int, *, version: int, expected_version: int
                              ) -> PriorityList:
        require(actor, EDIT_PRIORITIES)
        old = self.priority_list(list_id, version)
        return self._append_list_version(actor, old, old.content(), clean_expected_version(expected_version),
                                         restored_from=version)

    def _append_list_version(self, actor: Actor, base: PriorityList, content: dict, expected: int,
                             restored_from: int | None) -> PriorityList:
        what = Message(N_("The priority list '{name}'"), name=base.name)
        try:
            with self._write() as s, s.begin():
                newest = self._list_version(s, base.list_id, None)
                if newest.version != expected:
                    raise ConflictError(what, expected, newest, content)
                if not content["archived"]:
                    self._check_unique_name(s, base.city, content["name"], base.list_id)
                head = s.get(PriorityListRow, base.list_id)
                head.name_key, head.active = name_key(content["name"]), not content["archived"]
                s.flush()
                self._add_list_version(s, base.list_id, newest.version + 1, content, actor, restored_from)
                return self._list_version(s, base.list_id, None)
        except IntegrityError:
            current = self.priority_list(base.list_id)
            if current.version == expected and not content["archived"] and self._name_in_use(
                    base.city, content["name"], base.list_id):
                raise _name_taken(content["name"]) from None
            raise ConflictError(what, expected, current, content) from None

    def _add_list_version(self, s: Session, list_id: int, version: int, content: dict, actor: Actor,
                          restored_from: int | None) -> None:
        row = PriorityListVersionRow(
            list_id=list_id, version=version, name=content["name"], description=content["description"],
            archived=content["archived"], recorded_by=actor.user_id, recorded_role=actor.role,
            recorded_at=utc_now(), restored_from=restored_from, recorded_by_name=actor.public_name)
        s.add(row)
        s.flush()
        problems = []
        for position, item in enumerate(content["items"], start=1):
            try:
                rec = self._recommendation_row(s, item["number"], item.get("cycle"))
            except NotFound as exc:
                problems.append(Problem(message_of(exc), Message(N_("item {n}"), n=position)))
                continue
            s.add(PriorityListItemRow(list_version_id=row.id, position=position, recommendation_id=rec.id,
                                      rationale=item["rationale"], responsible_body=item["responsible_body"],
                                      target_date=item["target_date"]))
        if problems:
            # raised inside the transaction: the version row above is rolled back with it
            raise ValidationError(problems, title=N_("Priority list not saved"))
        s.flush()

    @staticmethod
    def _other_active_list(s: Session, city: str, name: str, list_id: int | None) -> int | None:
        """The id of another active list of ``city`` whose name looks like ``name`` (same :func:`name_key`)."""
        query = select(PriorityListRow.id).where(PriorityListRow.city == city, PriorityListRow.active.is_(True),
                                                 PriorityListRow.name_key == name_key(name))
        if list_id is not None:
            query = query.where(PriorityListRow.id != list_id)
        return s.scalars(query.limit(1)).first()

    def _check_unique_name(self, s: Session, city: str, name: str, list_id: int | None) -> None:
        other = self._other_active_list(s, city, name, list_id)
        if other is not None:
            raise _name_taken(name, self._list_version(s, other, None).name)

    def _name_in_use(self, city: str, name: str, list_id: int | None) -> bool:
        with self._read() as s:
            return self._other_active_list(s, city, name, list_id) is not None

    def _list_version(self, s: Session, list_id: int, version: int | None) -> PriorityList:
        head = s.get(PriorityListRow, list_id)
        if head is None:
            raise NotFound(Message(N_("no priority list {list_id}"), list_id=list_id))
        query = select(PriorityListVersionRow).where(PriorityListVersionRow.list_id == list_id)
        if version is None:
            query = query.order_by(PriorityListVersionRow.version.desc()).limit(1)
        else:
            query = query.where(PriorityListVersionRow.version == version)
        row = s.scalars(query).first()
        if row is None:
            raise NotFound(Message(N_("priority list {list_id} has no version {version}"), list_id=list_id,
                                   version=version))
        items = s.execute(
            select(PriorityListItemRow, RecommendationRow.number, RecommendationRow.cycle)
            .join(RecommendationRow, PriorityListItemRow.recommendation_id == RecommendationRow.id)
            .where(PriorityListItemRow.list_version_id == row.id)
            .order_by(PriorityListItemRow.position))
        return PriorityList(
            list_id=list_id, city=head.city, version=row.version, name=row.name, description=row.description,
            archived=row.archived,
            items=tuple(PriorityItem(number=number, cycle=cycle, rationale=item.rationale,
                                     responsible_body=item.responsible_body, target_date=item.target_date)
                        for item, number, cycle in items),
            recorded_by=row.recorded_by, recorded_role=row.recorded_role, recorded_at=row.recorded_at,
            restored_from=row.restored_from, recorded_by_name=row.recorded_by_name or "")

    # ------------------------------------------------------------------ testimony, campaigns, reports

    @functools.cached_property
    def testimony(self) -> Testimonies:
        """Residents' testimony (:mod:`indicators.tracker.testimony`)."""
        from indicators.tracker.testimony import Testimonies

        return Testimonies(self)

    @functools.cached_property
    def campaign(self) -> Campaigns:
        """The campaign log: responsible bodies, targets, actions (:mod:`indicators.tracker.campaign`)."""
        from indicators.tracker.campaign import Campaigns

        return Campaigns(self)

    @functools.cached_property
    def reports(self) -> ReportDrafts:
        """Report drafts, versioned (:mod:`indicators.tracker.reports`)."""
        from indicators.tracker.reports import ReportDrafts

        return ReportDrafts(self)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _recommendation_row(s: Session, number: str, cycle: int | None) -> RecommendationRow:
        try:
            number = clean_number(number)
        except ValidationError as exc:
            raise NotFound(exc.problems[0]) from None
        query = select(RecommendationRow).where(RecommendationRow.number == number)
        if cycle is not None:
            query = query.where(RecommendationRow.cycle == cycle)
        row = s.scalars(query.order_by(RecommendationRow.cycle.desc()).limit(1)).first()
        if row is None:
            if cycle is not None:
                raise NotFound(Message(N_("no recommendation {number} of cycle {cycle}"), number=number, cycle=cycle))
            raise NotFound(Message(N_("no recommendation {number}"), number=number))
        return row

    @staticmethod
    def _versions_query(recommendation_id: int, city: str, track: str | None):
        query = select(StatusVersionRow).where(StatusVersionRow.recommendation_id == recommendation_id,
                                               StatusVersionRow.city == city)
        if track is not None:
            query = query.where(StatusVersionRow.track == track)
        return query


def _official_content(row: RecommendationRow) -> dict:
    return {f: getattr(row, f) for f in OFFICIAL_FIELDS}


def _recommendation(row: RecommendationRow) -> Recommendation:
    return Recommendation(cycle=row.cycle, number=row.number, revision=row.revision, **_official_content(row))


def _status(row: StatusVersionRow, rec: RecommendationRow) -> StatusVersion:
    return StatusVersion(
        cycle=rec.cycle, number=rec.number, city=row.city, track=row.track, version=row.version,
        status=row.status, as_of=row.as_of, author=row.author, note=row.note,
        evidence=tuple(EvidenceLink(e["url"], e.get("label", "")) for e in row.evidence or []),
        indicator_ids=tuple(row.indicator_ids or []), recorded_by=row.recorded_by,
        recorded_role=row.recorded_role, recorded_at=row.recorded_at, restored_from=row.restored_from,
        recorded_by_name=row.recorded_by_name or "")


def _list_name(name: object) -> str:
    return clean_text(name, N_("name"), limit=SHORT_TEXT_LIMIT, required=True, multiline=False, name=True)


def _name_taken(name: str, existing: str | None = None) -> ValidationError:
    """A list name refused because an active list of that name, or of one that looks the same, exists."""
    if existing is None or existing.casefold() == name.casefold():
        reason = Message(N_("a list named {name} already exists"), name=repr(name))
    else:
        reason = Message(N_("{name} looks the same as the name of the list {existing}; choose a name that reads "
                            "differently"), name=repr(name), existing=repr(existing))
    return ValidationError(Problem(reason, N_("name")), title=N_("Priority list not saved"))


def _clean_items(items: Iterable[PriorityItem | Mapping]) -> list[dict]:
    cleaned: list[dict] = []
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for position, item in enumerate(items or [], start=1):
        if isinstance(item, PriorityItem):
            item = asdict(item)
        if not isinstance(item, Mapping):
            problems.append(Problem(N_("must name a recommendation"), Message(N_("item {n}"), n=position)))
            continue
        field = Message(N_("item {n}"), n=position)
        number = collect_problem(problems, lambda: clean_number(item.get("number"), Message(N_("item {n} number"),
                                                                                      n=position)))
        cycle = item.get("cycle")
        if cycle is not None and (isinstance(cycle, bool) or not isinstance(cycle, int)):
            problems.append(Problem(N_("cycle must be a whole number"), field))
        cleaned.append({
            "number": number,
            "cycle": cycle,
            "rationale": collect_problem(problems, lambda: clean_text(item.get("rationale"),
                                                               Message(N_("item {n} rationale"), n=position))),
            "responsible_body": collect_problem(problems, lambda: clean_text(
                item.get("responsible_body"), Message(N_("item {n} responsible body"), n=position),
                limit=SHORT_TEXT_LIMIT, multiline=False)),
            "target_date": collect_problem(problems, lambda: clean_date(
                item.get("target_date"), Message(N_("item {n} target date"), n=position), required=False,
                allow_future=True)),
        })
        if number is not None:
            if (number, cycle) in seen:
                problems.append(Problem(Message(N_("recommendation {number} is on the list twice"), number=number),
                                        field))
            seen.add((number, cycle))
    if len(cleaned) > MAX_PRIORITY_ITEMS:
        problems.append(Problem(Message(N_("a list holds at most {limit} recommendations"), limit=MAX_PRIORITY_ITEMS),
                                N_("items")))
    if problems:
        raise ValidationError(problems, title=N_("Priority list not saved"))
    return cleaned
