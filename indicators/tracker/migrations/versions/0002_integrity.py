"""Integrity: one active priority list per look-alike name, public names of recorders, sign-in sessions and
failed sign-ins kept in the store (so every app replica on one database shares them).

- ``priority_lists`` gains the current ``name_key`` (the confusable skeleton of the list's name) and ``active``
  (not archived), kept with each new version, and a partial unique index on ``(city, name_key)`` of active lists:
  the database itself refuses a second active list of one name, whatever two savers do at the same moment.
  Lists that already share a name (made before this index) keep their history; every one but the oldest gets a
  new version named ``<name> (2)``, ``(3)``…, recorded by the migration.
- ``recorded_by_name``, the name the public pages show for whoever recorded a version, beside ``recorded_by``
  (the account, which may be an e-mail address, and is never shown). Filled for earlier rows with the account
  name unless it is an e-mail address.
- ``sign_in_sessions``: signed-in browsers, by the SHA-256 of their cookie's secret, until they expire or sign
  out; ``sign_in_failures``: failed sign-ins by the SHA-256 of the user name or client they count against.

Revision ID: 0002_integrity
Revises: 0001_initial
Create Date: 2025-02-01
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from indicators.tracker.validation import SHORT_TEXT_LIMIT, name_key

revision = "0002_integrity"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

MIGRATION_ACTOR = "system:migration"


def _stamp(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # plain ADD COLUMNs (SQLite adds a column in place; a batch copy would drop tables other rows point to)
    op.add_column("priority_lists", sa.Column("name_key", sa.String(800), nullable=True))
    op.add_column("priority_lists", sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()))
    for table in ("status_versions", "priority_list_versions", "import_runs"):
        op.add_column(table, sa.Column("recorded_by_name", sa.String(200), nullable=False, server_default=""))
    connection = op.get_bind()
    for table in ("status_versions", "priority_list_versions", "import_runs"):
        connection.execute(sa.text(f"UPDATE {table} SET recorded_by_name = recorded_by "
                                   f"WHERE recorded_by NOT LIKE '%@%' AND recorded_by NOT LIKE 'system:%'"))
    _key_and_separate_lists(connection)
    op.create_index("uq_priority_lists_active_name", "priority_lists", ["city", "name_key"], unique=True,
                    sqlite_where=sa.text("active"), postgresql_where=sa.text("active"))

    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("credential", sa.String(64), nullable=False),
        _stamp("created_at"),
        _stamp("expires_at"),
        _stamp("revoked_at", nullable=True),
    )
    op.create_index("ix_sign_in_sessions_user", "sign_in_sessions", ["user_id"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        _stamp("failed_at"),
    )
    op.create_index("ix_sign_in_failures_key", "sign_in_failures", ["key_hash", "failed_at"])


def _key_and_separate_lists(connection) -> None:
    """Set every list's name key and active flag from its newest version; give each active list that shares a
    look-alike name with an older one a new version with a numbered name."""
    newest = connection.execute(sa.text(
        "SELECT v.list_id, v.id, v.version, v.name, v.description, v.archived, l.city "
        "FROM priority_list_versions v JOIN priority_lists l ON l.id = v.list_id "
        "WHERE v.version = (SELECT MAX(w.version) FROM priority_list_versions w WHERE w.list_id = v.list_id) "
        "ORDER BY v.list_id")).mappings().all()
    taken: set[tuple[str, str]] = set()
    now = dt.datetime.now(dt.UTC)
    for row in newest:
        name, key, active = row["name"], name_key(row["name"]), not row["archived"]
        if active and (row["city"], key) in taken:
            name, key = _numbered(row["name"], row["city"], taken)
            _add_renamed_version(connection, row, name, now)
        if active:
            taken.add((row["city"], key))
        connection.execute(sa.text("UPDATE priority_lists SET name_key = :key, active = :active WHERE id = :id"),
                           {"key": key, "active": active, "id": row["list_id"]})


def _numbered(name: str, city: str, taken: set[tuple[str, str]]) -> tuple[str, str]:
    for number in range(2, 10_000):
        suffix = f" ({number})"
        candidate = name[:SHORT_TEXT_LIMIT - len(suffix)] + suffix
        if (city, name_key(candidate)) not in taken:
            return candidate, name_key(candidate)
    raise RuntimeError(f"no free name for the priority list {name!r}")


_versions = sa.table(
    "priority_list_versions", sa.column("id", sa.Integer), sa.column("list_id", sa.Integer),
    sa.column("version", sa.Integer), sa.column("name", sa.String), sa.column("description", sa.Text),
    sa.column("archived", sa.Boolean), sa.column("recorded_by", sa.String), sa.column("recorded_role", sa.String),
    sa.column("recorded_at", sa.DateTime(timezone=True)), sa.column("restored_from", sa.Integer),
    sa.column("recorded_by_name", sa.String))


def _add_renamed_version(connection, row, name: str, now: dt.datetime) -> None:
    new_id = connection.execute(_versions.insert().returning(_versions.c.id).values(
        list_id=row["list_id"], version=row["version"] + 1, name=name, description=row["description"],
        archived=False, recorded_by=MIGRATION_ACTOR, recorded_role="system", recorded_at=now, restored_from=None,
        recorded_by_name="")).scalar_one()
    connection.execute(sa.text(
        "INSERT INTO priority_list_items (list_version_id, position, recommendation_id, rationale, "
        "responsible_body, target_date) SELECT :new_id, position, recommendation_id, rationale, responsible_body, "
        "target_date FROM priority_list_items WHERE list_version_id = :old_id"),
        {"new_id": new_id, "old_id": row["id"]})


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_key", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_sign_in_sessions_user", table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
    op.drop_index("uq_priority_lists_active_name", table_name="priority_lists")
    for table in ("status_versions", "priority_list_versions", "import_runs"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("recorded_by_name")
    with op.batch_alter_table("priority_lists") as batch:
        batch.drop_column("active")
        batch.drop_column("name_key")
