"""Test databases, made once and handed to one test after another.

Running Alembic for every test costs about 0.5 s on SQLite and on PostgreSQL, and on
PostgreSQL ``DROP DATABASE`` forces a checkpoint: 2 to 10 s each on the shared 2-core machine,
measured, where making a database from a template takes 0.06 s. So:

- **SQLite**: the schema is migrated once per session into a template file; each test gets a
  copy of it (SQLite's backup API), in its own ``tmp_path``.
- **PostgreSQL**: each session (each xdist worker) makes two databases, one migrated and one
  left empty, and lends them to one test at a time. After the test, the database is put back as
  it was: the test's connections are ended; when its schema is the one it was lent with (a
  fingerprint of the catalogue: relations, columns, constraints, triggers, functions, the
  Alembic revision) its rows are deleted and its sequences restarted (0.02-0.05 s), otherwise
  its schema is dropped and built again. Both databases are dropped at the end of the session.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from moderator.store import db

#: The catalogue as the moderator's schema sees it: a change of any of these is a change of
#: schema, and the database is rebuilt rather than emptied.
FINGERPRINT = """
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
    SELECT 'ns:' || nspname FROM pg_namespace
    WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    UNION ALL
    SELECT 'rel:' || n.nspname || '.' || c.relname || ':' || c.relkind::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
    UNION ALL
    SELECT 'col:' || c.relname || '.' || a.attnum || '.' || a.attname || ':'
        || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull::text
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'con:' || conrelid::regclass || '.' || conname || ':' || contype::text
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'trg:' || tgrelid::regclass || '.' || tgname || ':' || tgenabled::text
    FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL
    SELECT 'fn:' || p.proname || ':' || md5(p.prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
) AS catalogue(item)
"""
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
KEPT = frozenset({"alembic_version"})  # the revision stays; every other table is emptied


def migrate_sqlite(path: Path) -> Path:
    """A migrated SQLite database at ``path`` (the session's template)."""
    engine = db.connect(f"sqlite:///{path}")
    engine.dispose()
    return path


def copy_sqlite(template: Path, path: Path) -> str:
    """A copy of ``template`` at ``path``; its URL."""
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


class LentDatabase:
    """One PostgreSQL database, lent to one test at a time and put back as it was."""

    def __init__(self, admin: Engine, admin_url: str, *, migrated: bool) -> None:
        self.admin = admin
        self.name = f"moderator_test_{uuid.uuid4().hex[:12]}"
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)
        self.migrated = migrated
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        if migrated:
            db.connect(self.url).dispose()
        self.fingerprint = self._fingerprint()

    def _fingerprint(self) -> tuple[str, str | None]:
        with self.engine.connect() as connection:
            catalogue = connection.execute(text(FINGERPRINT)).scalar_one()
            revision = None
            if connection.execute(text("SELECT to_regclass('alembic_version')")).scalar():
                revision = connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
        return catalogue, revision

    def reset(self) -> bool:
        """Put the database back as it was lent: empty, at the same schema; False when it cannot
        be (then it is dropped, and the next test gets a new one)."""
        with self.admin.connect() as connection:
            allowed = connection.execute(
                text("SELECT datallowconn FROM pg_database WHERE datname = :name"),
                {"name": self.name},
            ).scalar_one()
            if not allowed:  # a test closed it to simulate an outage
                connection.execute(
                    text(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')
                )
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": self.name},
            )
        if self._fingerprint() == self.fingerprint:
            with self.engine.connect() as connection:
                self._empty(connection)
            return True
        with self.engine.connect() as connection:
            connection.execute(text("SET lock_timeout = '30s'"))
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            for (schema,) in connection.execute(
                text(
                    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                    "AND nspname <> 'information_schema'"
                )
            ).all():
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            connection.execute(text("CREATE SCHEMA public"))
        if self.migrated:
            db.connect(self.url).dispose()
        return self._fingerprint() == self.fingerprint

    @staticmethod
    def _empty(connection: Connection) -> None:
        connection.execute(text("SET lock_timeout = '30s'"))
        # Replica mode: the append-only and foreign-key triggers stand aside while every row goes.
        connection.execute(text("SET session_replication_role = replica"))
        tables = [name for (name,) in connection.execute(text(TABLES)) if name not in KEPT]
        if tables:
            connection.execute(text(";".join(f'DELETE FROM "{name}"' for name in tables)))
        sequences = [name for (name,) in connection.execute(text(SEQUENCES))]
        if sequences:
            connection.execute(text(";".join(f'ALTER SEQUENCE "{s}" RESTART' for s in sequences)))

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))


class PostgresDatabases:
    """This session's two lent databases, made when first asked for."""

    def __init__(self, admin: Engine, admin_url: str) -> None:
        self.admin = admin
        self.admin_url = admin_url
        self.made: dict[bool, LentDatabase] = {}

    @contextmanager
    def lend(self, *, migrated: bool) -> Iterator[str]:
        """The URL of an empty database (migrated to the newest schema, or not at all)."""
        database = self.made.get(migrated)
        if database is None:
            database = self.made[migrated] = LentDatabase(
                self.admin, self.admin_url, migrated=migrated
            )
        try:
            yield database.url
        finally:
            if not database.reset():
                del self.made[migrated]
                database.drop()

    def close(self) -> None:
        for database in self.made.values():
            database.drop()
        self.made.clear()
