"""Where the tracker store lives, how it is opened, and its migrations.

One store per city: a city's statuses, priority lists and testimony stay in that city's store (the
official UPR list is the same in every one, each seeded from its city's snapshot).

SQLite by default, one file per city, ``data/store/<city>.sqlite`` under the project (created on first
use, write-ahead logging so the public pages keep reading while someone saves). PostgreSQL by giving
one URL (``postgresql+psycopg://user@host/tracker_{city}``) in the secrets ``[tracker] url``; the
environment variable ``HRC_TRACKER_URL`` overrides both (tests, one-off runs). A URL holding
``{city}`` names each city's database (``{city}`` is replaced by the city id); a URL without it is a
single store, which serves the default city only: asking it for another city raises
:class:`SharedStoreError` rather than mixing two cities in one database.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from indicators.core.cities import DEFAULT_CITY, PROJECT_ROOT
from indicators.core.i18n import N_
from indicators.tracker.errors import Message

if TYPE_CHECKING:  # alembic is imported where a store is migrated: a second of imports the sign-in routes skip
    from alembic.config import Config

URL_ENV = "HRC_TRACKER_URL"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_STORE_DIR = PROJECT_ROOT / "data" / "store"
#: the single store of the time before stores were per city; it keeps serving the default city it was made for
LEGACY_STORE_PATH = DEFAULT_STORE_DIR / "tracker.sqlite"
#: the placeholder a store URL holds to give each city its own database
CITY_PLACEHOLDER = "{city}"
_CITY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "tracker_alembic_version"
#: the newest migration in ``migrations/versions`` (a test holds it to alembic's head): a store already there
#: opens with one query, without importing alembic (0.13 s of a process's first store)
HEAD_REVISION = "0003_testimony_campaign"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK_KEY = 4_815_162_342  # any constant shared by every process of the app


class SharedStoreError(ValueError):
    """A store URL without ``{city}`` asked for a city other than the one it serves. Raised with a
    :class:`~indicators.tracker.errors.Message`, so ``in_language(message_of(exc), lang)`` says it in ``lang``."""

    template = N_("The tracker store is set up for one city only ({home}): its URL has no {placeholder} in it, so "
                  "it cannot give {city} a database of its own, and the cities' statuses and priority lists are "
                  "not mixed in one. Put {placeholder} into the tracker URL (`[tracker] url` in the secrets, or "
                  "`HRC_TRACKER_URL`), e.g. `postgresql+psycopg://user@host/tracker_{placeholder}`, to give each "
                  "city its own database.")

    def __init__(self, city: str, home: str):
        self.city, self.home = city, home
        super().__init__(Message(self.template, city=city, home=home, placeholder=CITY_PLACEHOLDER))


def check_city_id(city: str) -> str:
    """``city`` if it is a city id (lower-case letters, digits, ``-`` and ``_``), which is safe in a file name
    and in a database URL; else ValueError."""
    if not isinstance(city, str) or not _CITY_ID.fullmatch(city):
        raise ValueError(f"not a city id: {city!r}")
    return city


def default_url(city: str | None = None) -> str:
    """The SQLite file of ``city`` (the default city when None) under the project: ``data/store/<city>.sqlite``.
    For the default city, a store made before stores were per city (``data/store/tracker.sqlite``) is kept."""
    city = check_city_id(city or DEFAULT_CITY)
    path = DEFAULT_STORE_DIR / f"{city}.sqlite"
    if city == DEFAULT_CITY and not path.exists() and LEGACY_STORE_PATH.exists():
        path = LEGACY_STORE_PATH
    return f"sqlite:///{path}"


def resolve_url(url: str | None = None, configured: str | None = None, *, city: str | None = None,
                default_city: str | None = None) -> str:
    """The store URL of ``city`` (``default_city`` when None, itself the configured default city when None).

    Taken from an explicit ``url``, else ``$HRC_TRACKER_URL``, else ``configured`` (secrets), else the city's
    SQLite file under the project. A URL holding ``{city}`` gets the city id in its place; a URL without it
    serves ``default_city`` only, and asking it for another city raises :class:`SharedStoreError`.

    >>> resolve_url("postgresql+psycopg://u@h/tracker_{city}", city="dc")
    'postgresql+psycopg://u@h/tracker_dc'
    """
    home = check_city_id(default_city or DEFAULT_CITY)
    city = check_city_id(city or home)
    chosen = url or os.environ.get(URL_ENV) or configured
    if not chosen:
        return default_url(city)
    if CITY_PLACEHOLDER in chosen:
        return chosen.replace(CITY_PLACEHOLDER, city)
    if city != home:
        raise SharedStoreError(city, home)
    return chosen


def serves_one_city(url: str | None = None, configured: str | None = None) -> bool:
    """Whether the configured store is a single store (a URL without ``{city}``) rather than one per city."""
    chosen = url or os.environ.get(URL_ENV) or configured
    return bool(chosen) and CITY_PLACEHOLDER not in chosen


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
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()


def recorded_revision(engine: Engine) -> str | None:
    """The one revision the store's version table records, read with a plain query; None where the table is
    missing or records none or several (alembic then looks for itself)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return found[0] if len(found) == 1 else None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    if recorded_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

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
