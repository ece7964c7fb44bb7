"""Database tables of the tracker (SQLAlchemy 2). The schema itself is created by the migrations.

Every table holding something people edit is append-only: a change adds a row with the next
version number, and the current state is the highest version. ``recommendations`` keeps the
current official text for quick lookups; each imported change of it is also kept in
``recommendation_revisions``. ``priority_lists`` keeps the current name's key and whether the list is
active, so a partial unique index can refuse two active lists of one (look-alike) name.

``recorded_by`` is the account that wrote a version (a user name or an e-mail address: never shown to the
public); ``recorded_by_name`` is the name the public pages show for it.

``sign_in_sessions`` and ``sign_in_failures`` hold what every app replica must share about sign-in: the
signed-in browsers (by a hash of their cookie's secret) and the failed attempts counted against a user name or
a client (by a hash of either).

One exception to append-only, on purpose: when a person withdraws their testimony, its words, contact and files
are erased from every version (the record that a testimony was given and withdrawn stays). Consent withdrawn
outweighs history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from indicators.tracker.validation import RESPONSES, STATUSES, TRACKS
from indicators.tracker.vocabularies import (
    ACTION_KINDS,
    CHANNELS,
    CONSENT_USES,
    REPORT_TEMPLATES,
    TESTIMONY_ACTIONS,
    TESTIMONY_KINDS,
    TESTIMONY_STATES,
)


class UTCDateTime(TypeDecorator):
    """A timestamp stored with its time zone and always read back as UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    pass


class ImportRun(Base):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    city: Mapped[str | None] = mapped_column(String(60), nullable=True)
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")


class RecommendationRow(Base):
    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("cycle", "number", name="uq_recommendations_cycle_number"),
        CheckConstraint(_in("response", RESPONSES), name="ck_recommendations_response"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    rec_no: Mapped[int] = mapped_column(Integer)
    recommending_state: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(String(32))
    theme: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    wg_report: Mapped[str] = mapped_column(String(64), default="")
    response_doc: Mapped[str] = mapped_column(String(64), default="")
    review_date: Mapped[str] = mapped_column(String(10), default="")
    data_note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RecommendationRevision(Base):
    __tablename__ = "recommendation_revisions"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "revision", name="uq_recommendation_revisions_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class StatusVersionRow(Base):
    __tablename__ = "status_versions"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "city", "track", "version", name="uq_status_versions_version"),
        CheckConstraint(_in("status", STATUSES), name="ck_status_versions_status"),
        CheckConstraint(_in("track", TRACKS), name="ck_status_versions_track"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"), index=True)
    city: Mapped[str] = mapped_column(String(60))
    track: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[dt.date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list] = mapped_column(JSON)
    indicator_ids: Mapped[list] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")


class PriorityListRow(Base):
    __tablename__ = "priority_lists"
    __table_args__ = (
        Index("uq_priority_lists_active_name", "city", "name_key", unique=True, sqlite_where=text("active"),
              postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(60), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: the current version's name as compared (:func:`~indicators.tracker.validation.name_key`)
    name_key: Mapped[str | None] = mapped_column(String(800), nullable=True)
    #: the current version is not archived
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriorityListVersionRow(Base):
    __tablename__ = "priority_list_versions"
    __table_args__ = (UniqueConstraint("list_id", "version", name="uq_priority_list_versions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("priority_lists.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")


class PriorityListItemRow(Base):
    __tablename__ = "priority_list_items"
    __table_args__ = (
        UniqueConstraint("list_version_id", "position", name="uq_priority_list_items_position"),
        UniqueConstraint("list_version_id", "recommendation_id", name="uq_priority_list_items_recommendation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_version_id: Mapped[int] = mapped_column(ForeignKey("priority_list_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id"))
    rationale: Mapped[str] = mapped_column(Text)
    responsible_body: Mapped[str] = mapped_column(String(200))
    target_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class SignInSession(Base):
    """A signed-in browser: the cookie holds a secret whose SHA-256 is ``token_hash``."""

    __tablename__ = "sign_in_sessions"
    __table_args__ = (Index("ix_sign_in_sessions_user", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(200))
    #: ``password``: a password account of the secrets
    method: Mapped[str] = mapped_column(String(20))
    #: a fingerprint of the password hash signed in with: a changed password ends the session
    credential: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SignInFailure(Base):
    """One failed sign-in, counted against a user name or a client (``key_hash``: SHA-256 of the key)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key", "key_hash", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# ---------------------------------------------------------------------------------- testimony (collect)

class TestimonyRow(Base):
    """One testimony as given: its city, how it was gathered, and the hash of the receipt code that lets the
    person who gave it see its state and withdraw it (the code itself is never stored)."""

    __tablename__ = "testimonies"
    __table_args__ = (CheckConstraint(_in("channel", CHANNELS), name="ck_testimonies_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(60), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TestimonyVersionRow(Base):
    """One version of a testimony: what it says, its consent, its state in moderation and its links. Every
    submission, revision, decision, re-linking and withdrawal appends one."""

    __tablename__ = "testimony_versions"
    __table_args__ = (
        UniqueConstraint("testimony_id", "version", name="uq_testimony_versions_version"),
        CheckConstraint(_in("state", TESTIMONY_STATES), name="ck_testimony_versions_state"),
        CheckConstraint(_in("action", TESTIMONY_ACTIONS), name="ck_testimony_versions_action"),
        CheckConstraint(_in("kind", TESTIMONY_KINDS), name="ck_testimony_versions_kind"),
        CheckConstraint(_in("consent_use", CONSENT_USES), name="ck_testimony_versions_consent_use"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))
    story: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text)
    topics: Mapped[list] = mapped_column(JSON)
    upr_themes: Mapped[list] = mapped_column(JSON)
    area_level: Mapped[str] = mapped_column(String(40))
    area_id: Mapped[str] = mapped_column(String(120))
    occurred_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    contact: Mapped[str] = mapped_column(Text)
    consent_use: Mapped[str] = mapped_column(String(16))
    consent_area: Mapped[bool] = mapped_column(Boolean)
    gathered_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    recommendation_numbers: Mapped[list] = mapped_column(JSON)
    indicator_ids: Mapped[list] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TestimonyAttachmentRow(Base):
    """A file given with a testimony, metadata stripped on upload; its bytes in the store or in a configured
    folder (named by checksum), checked against ``sha256`` whenever read."""

    __tablename__ = "testimony_attachments"
    __table_args__ = (UniqueConstraint("testimony_id", "position", name="uq_testimony_attachments_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_in: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# ---------------------------------------------------------------------------------- campaign (clamor)

class ResponsibleBodyRow(Base):
    """A city body the coalition holds responsible for acting (a department, the council, a committee)."""

    __tablename__ = "responsible_bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(60), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ResponsibleBodyVersionRow(Base):
    __tablename__ = "responsible_body_versions"
    __table_args__ = (UniqueConstraint("body_id", "version", name="uq_responsible_body_versions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("responsible_bodies.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000))
    archived: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CampaignTargetRow(Base):
    """One version of the target of a recommendation or a priority list: who must act and by when.
    ``subject`` is ``rec:<cycle>:<number>`` or ``list:<id>``."""

    __tablename__ = "campaign_targets"
    __table_args__ = (UniqueConstraint("city", "subject", "version", name="uq_campaign_targets_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_bodies.id"), nullable=True)
    target_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CampaignActionRow(Base):
    """An action of the campaign on a recommendation or a priority list (``subject`` as for targets)."""

    __tablename__ = "campaign_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(60), index=True)
    subject: Mapped[str] = mapped_column(String(40), index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CampaignActionVersionRow(Base):
    __tablename__ = "campaign_action_versions"
    __table_args__ = (
        UniqueConstraint("action_id", "version", name="uq_campaign_action_versions_version"),
        CheckConstraint(_in("kind", ACTION_KINDS), name="ck_campaign_action_versions_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("campaign_actions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    happened_on: Mapped[dt.date] = mapped_column(Date)
    who: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text)
    retracted: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# ---------------------------------------------------------------------------------- reports (compile)

class ReportRow(Base):
    """A report the coalition compiles: a stakeholder submission to the UPR or a local report to officials."""

    __tablename__ = "reports"
    __table_args__ = (CheckConstraint(_in("template", REPORT_TEMPLATES), name="ck_reports_template"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(60), index=True)
    template: Mapped[str] = mapped_column(String(24))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReportVersionRow(Base):
    """One saved draft of a report (its outline as JSON); ``issued_on`` set on the version that was sent."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version", name="uq_report_versions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    outline: Mapped[dict] = mapped_column(JSON)
    issued_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_role: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
