"""Residents' testimony with consent and attachments, the campaign log (responsible bodies, targets, actions) and
report drafts.

Revision ID: 0003_testimony_campaign
Revises: 0002_integrity
Create Date: 2025-06-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_testimony_campaign"
down_revision = "0002_integrity"
branch_labels = None
depends_on = None

# frozen copies of the vocabularies as they were when this migration was written
CHANNELS = ("online", "meeting", "phone", "other")
STATES = ("pending", "accepted", "changes_requested", "rejected", "withdrawn")
ACTIONS = ("submitted", "revised", "accepted", "changes_requested", "rejected", "linked", "withdrawn")
KINDS = ("harm", "good_practice")
CONSENT_USES = ("coalition", "reports", "public")
ACTION_KINDS = ("council_hearing", "testimony_given", "petition", "letter", "meeting", "media", "proclamation",
                "ordinance", "budget_line", "other")
TEMPLATES = ("stakeholder", "local")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _stamp(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _who():
    return [
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_role", sa.String(20), nullable=False),
        _stamp("recorded_at"),
    ]


def _head(name):
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _stamp("created_at"),
    )
    op.create_index(f"ix_{name}_city", name, ["city"])


def upgrade() -> None:
    op.create_table(
        "testimonies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("receipt_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("channel", sa.String(16), nullable=False),
        _stamp("created_at"),
        sa.CheckConstraint(_in("channel", CHANNELS), name="ck_testimonies_channel"),
    )
    op.create_index("ix_testimonies_city", "testimonies", ["city"])
    op.create_table(
        "testimony_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("testimony_id", sa.Integer, sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("story", sa.Text, nullable=False),
        sa.Column("excerpt", sa.Text, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("upr_themes", sa.JSON, nullable=False),
        sa.Column("area_level", sa.String(40), nullable=False),
        sa.Column("area_id", sa.String(120), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=True),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("consent_use", sa.String(16), nullable=False),
        sa.Column("consent_area", sa.Boolean, nullable=False),
        sa.Column("gathered_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recommendation_numbers", sa.JSON, nullable=False),
        sa.Column("indicator_ids", sa.JSON, nullable=False),
        *_who(),
        sa.UniqueConstraint("testimony_id", "version", name="uq_testimony_versions_version"),
        sa.CheckConstraint(_in("state", STATES), name="ck_testimony_versions_state"),
        sa.CheckConstraint(_in("action", ACTIONS), name="ck_testimony_versions_action"),
        sa.CheckConstraint(_in("kind", KINDS), name="ck_testimony_versions_kind"),
        sa.CheckConstraint(_in("consent_use", CONSENT_USES), name="ck_testimony_versions_consent_use"),
    )
    op.create_index("ix_testimony_versions_testimony_id", "testimony_versions", ["testimony_id"])
    op.create_table(
        "testimony_attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("testimony_id", sa.Integer, sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_in", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=True),
        _stamp("removed_at", nullable=True),
        _stamp("recorded_at"),
        sa.UniqueConstraint("testimony_id", "position", name="uq_testimony_attachments_position"),
    )
    op.create_index("ix_testimony_attachments_testimony_id", "testimony_attachments", ["testimony_id"])

    _head("responsible_bodies")
    op.create_table(
        "responsible_body_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("responsible_bodies.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        *_who(),
        sa.UniqueConstraint("body_id", "version", name="uq_responsible_body_versions_version"),
    )
    op.create_index("ix_responsible_body_versions_body_id", "responsible_body_versions", ["body_id"])
    op.create_table(
        "campaign_targets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("responsible_bodies.id"), nullable=True),
        sa.Column("target_date", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        *_who(),
        sa.UniqueConstraint("city", "subject", "version", name="uq_campaign_targets_version"),
    )
    op.create_index("ix_campaign_targets_city", "campaign_targets", ["city"])
    op.create_table(
        "campaign_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _stamp("created_at"),
    )
    op.create_index("ix_campaign_actions_city", "campaign_actions", ["city"])
    op.create_index("ix_campaign_actions_subject", "campaign_actions", ["subject"])
    op.create_table(
        "campaign_action_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("campaign_actions.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("link", sa.String(2000), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("retracted", sa.Boolean, nullable=False),
        *_who(),
        sa.UniqueConstraint("action_id", "version", name="uq_campaign_action_versions_version"),
        sa.CheckConstraint(_in("kind", ACTION_KINDS), name="ck_campaign_action_versions_kind"),
    )
    op.create_index("ix_campaign_action_versions_action_id", "campaign_action_versions", ["action_id"])

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("template", sa.String(24), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _stamp("created_at"),
        sa.CheckConstraint(_in("template", TEMPLATES), name="ck_reports_template"),
    )
    op.create_index("ix_reports_city", "reports", ["city"])
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("outline", sa.JSON, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=True),
        *_who(),
        sa.UniqueConstraint("report_id", "version", name="uq_report_versions_version"),
    )
    op.create_index("ix_report_versions_report_id", "report_versions", ["report_id"])


def downgrade() -> None:
    for table in ("report_versions", "reports", "campaign_action_versions", "campaign_actions", "campaign_targets",
                  "responsible_body_versions", "responsible_bodies", "testimony_attachments", "testimony_versions",
                  "testimonies"):
        op.drop_table(table)
