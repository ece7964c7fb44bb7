"""Where the tracker store lives, how it is opened, and its migrations.

SQLite by default, in ``data/store/tracker.sqlite`` under the project (created on first use,
write-ahead logging so the public pages keep reading while someone saves). PostgreSQL by giving
one URL (``postgresql+psycopg://user@host/db``) in the secrets ``[tracker] url``; the environment
variable ``HRC_TRACKER_URL`` overrides both (tests, one-off runs).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from indicators.core.config import PROJECT_ROOT

URL_ENV = "HRC_TRACKER_URL"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_STORE_PATH = PROJECT_ROOT / "data" / "store" / "tracker.sqlite"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "tracker_alembic_version"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK_KEY = 4_815_162_342  # any constant shared by every process of the app


def default_url() -> str:
    return f"sqlite:///{DEFAULT_STORE_PATH}"


def resolve_url(url: str | None = None, configured: str | None = None) -> str:
    """The store URL: an explicit ``url``, else ``$HRC_TRACKER_URL``, else ``configured`` (secrets), else
    the SQLite file under the project."""
    return url or os.environ.get(URL_ENV) or configured or default_url()


def configured_store_url() -> str | None:
    """``[tracker] url`` from the project's Streamlit secrets, when there is one."""
    if not SECRETS_FILE.exists():
        return None
    try:
        secrets = tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    url = secrets.get("tracker", {}).get("url")
    return url if isinstance(url, str) else None


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def create_store_engine(url: str) -> Engine:
    """An engine for the store. SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs.

    Python's sqlite3 module starts transactions lazily at the first write, which lets two savers
    read the same version and then collide on a lock. Here every transaction sends its own
    ``BEGIN``; writes use ``BEGIN IMMEDIATE`` (see :func:`writer`) so they queue instead.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError("the tracker store needs a SQLite file, not an in-memory database")
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_on_begin(connection):
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise ValueError(f"unsupported store {describe_url(url)}: use sqlite:/// or postgresql+psycopg://")


def writer(engine: Engine) -> Engine:
    """The same engine, with SQLite write transactions taking the write lock at BEGIN."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    head = head_revision()
    if current_revision(engine) == head:
        return
    cfg = alembic_config()
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            # two processes opening a new database at once: the second waits, then finds it done
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        if context.get_current_revision() == head:
            return
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
