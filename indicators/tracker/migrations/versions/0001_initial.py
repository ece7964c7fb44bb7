"""Initial tracker schema: recommendations, imports, status versions, priority lists.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

# frozen copies of the vocabularies as they were when this migration was written
RESPONSES = ("supported", "supported_in_part", "noted")
STATUSES = ("not_started", "in_progress", "partially_implemented", "implemented", "regressed", "not_applicable")
TRACKS = ("city", "community")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _stamp(name):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _who():
    return [
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_role", sa.String(20), nullable=False),
        _stamp("recorded_at"),
    ]


def upgrade() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("city", sa.String(60), nullable=True),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        *_who(),
    )
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cycle", sa.Integer, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("rec_no", sa.Integer, nullable=False),
        sa.Column("recommending_state", sa.Text, nullable=False),
        sa.Column("response", sa.String(32), nullable=False),
        sa.Column("theme", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("wg_report", sa.String(64), nullable=False),
        sa.Column("response_doc", sa.String(64), nullable=False),
        sa.Column("review_date", sa.String(10), nullable=False),
        sa.Column("data_note", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("cycle", "number", name="uq_recommendations_cycle_number"),
        sa.CheckConstraint(_in("response", RESPONSES), name="ck_recommendations_response"),
    )
    op.create_table(
        "recommendation_revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recommendation_id", sa.Integer, sa.ForeignKey("recommendations.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("import_run_id", sa.Integer, sa.ForeignKey("import_runs.id"), nullable=False),
        _stamp("recorded_at"),
        sa.UniqueConstraint("recommendation_id", "revision", name="uq_recommendation_revisions_version"),
    )
    op.create_index("ix_recommendation_revisions_recommendation_id", "recommendation_revisions",
                    ["recommendation_id"])
    op.create_table(
        "status_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recommendation_id", sa.Integer, sa.ForeignKey("recommendations.id"), nullable=False),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("indicator_ids", sa.JSON, nullable=False),
        *_who(),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.UniqueConstraint("recommendation_id", "city", "track", "version", name="uq_status_versions_version"),
        sa.CheckConstraint(_in("status", STATUSES), name="ck_status_versions_status"),
        sa.CheckConstraint(_in("track", TRACKS), name="ck_status_versions_track"),
    )
    op.create_index("ix_status_versions_recommendation_id", "status_versions", ["recommendation_id"])
    op.create_table(
        "priority_lists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("city", sa.String(60), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        _stamp("created_at"),
    )
    op.create_index("ix_priority_lists_city", "priority_lists", ["city"])
    op.create_table(
        "priority_list_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list_id", sa.Integer, sa.ForeignKey("priority_lists.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        *_who(),
        sa.Column("restored_from", sa.Integer, nullable=True),
        sa.UniqueConstraint("list_id", "version", name="uq_priority_list_versions_version"),
    )
    op.create_index("ix_priority_list_versions_list_id", "priority_list_versions", ["list_id"])
    op.create_table(
        "priority_list_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list_version_id", sa.Integer, sa.ForeignKey("priority_list_versions.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("recommendation_id", sa.Integer, sa.ForeignKey("recommendations.id"), nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("responsible_body", sa.String(200), nullable=False),
        sa.Column("target_date", sa.Date, nullable=True),
        sa.UniqueConstraint("list_version_id", "position", name="uq_priority_list_items_position"),
        sa.UniqueConstraint("list_version_id", "recommendation_id", name="uq_priority_list_items_recommendation"),
    )
    op.create_index("ix_priority_list_items_list_version_id", "priority_list_items", ["list_version_id"])


def downgrade() -> None:
    for table in ("priority_list_items", "priority_list_versions", "priority_lists", "status_versions",
                  "recommendation_revisions", "recommendations", "import_runs"):
        op.drop_table(table)
