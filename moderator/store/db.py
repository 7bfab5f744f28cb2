"""Engines, sessions and migrations.

``connect(url)`` returns an engine on a migrated database: commands that need the database
call it, so ``moderator db upgrade`` is only needed to migrate ahead of time. A database that
cannot be reached raises :class:`DatabaseError` naming the database (without its password).

Two backends are supported: SQLite (``sqlite:///path``) and PostgreSQL through psycopg 3
(``postgresql+psycopg://``). ``postgres://`` and ``postgresql://``, as hosting providers and
libpq write them, mean the latter; any other URL is refused in one line saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Result, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from moderator.errors import DatabaseError

SUPPORTED = (
    "SQLite (sqlite:///path/to/moderator.db) or PostgreSQL (postgresql+psycopg://user@host/db)"
)
#: Driver names written for PostgreSQL elsewhere, and the one installed that they mean here.
ALIASES = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg"}
DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})
MIGRATIONS = Path(__file__).parent / "migrations"
logger = logging.getLogger(__name__)


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def parse(url: str) -> URL:
    """``url`` as SQLAlchemy's URL for a supported backend (``postgres://`` and
    ``postgresql://`` become ``postgresql+psycopg://``); :class:`DatabaseError` otherwise."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"invalid database URL {safe_url(url)!r}: use {SUPPORTED}") from exc
    driver = ALIASES.get(parsed.drivername, parsed.drivername)
    if driver not in DRIVERS:
        raise DatabaseError(
            f"unsupported database URL {safe_url(url)!r}: the moderator supports {SUPPORTED}"
        )
    return parsed.set(drivername=driver)


def create(url: str) -> Engine:
    """An engine for ``url`` (:func:`parse`); SQLite gets foreign keys, WAL and a busy timeout."""
    try:
        engine = create_engine(parse(url), pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"invalid database URL {safe_url(url)!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision``."""
    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise DatabaseError(_unreachable(engine, exc)) from exc
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot migrate {safe_url(str(engine.url))}: {exc}") from exc


def connect(url: str) -> Engine:
    """An engine on a database migrated to the newest schema."""
    engine = create(url)
    upgrade(engine)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = sessions(engine)()
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise DatabaseError(_unreachable(engine, exc)) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_if_absent(session: Session, model: type[Any], values: dict[str, Any], key: str) -> int:
    """INSERT ... ON CONFLICT (key) DO NOTHING, on SQLite and PostgreSQL alike; 1 if inserted.
    Safe when several workers insert the same row at once: on PostgreSQL the second waits for
    the first to commit, then does nothing."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=[key])
    # RETURNING, not the cursor's rowcount: psycopg gives -1 for an ORM-enabled INSERT here
    return len(session.execute(statement.returning(getattr(model, key))).all())


def rowcount(result: Result[Any]) -> int:
    """Rows an INSERT/UPDATE/DELETE touched (0 when the driver cannot say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _unreachable(engine: Engine, exc: OperationalError) -> str:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return f"database {safe_url(str(engine.url))} is not available: {reason}"
