"""The lent PostgreSQL databases (tests/databases.py) come back to the next test as a new one
would: no rows, sequences from 1, the schema as migrated; a test that changed the schema gets it
rebuilt."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from moderator.store import db
from tests.databases import PostgresDatabases

pytestmark = pytest.mark.postgres

SOURCE = "INSERT INTO source (name, platform, healthy) VALUES (:name, 'file', true) RETURNING id"


def fill(url: str) -> int:
    engine = db.connect(url)
    try:
        with engine.begin() as connection:
            return int(connection.execute(text(SOURCE), {"name": "s"}).scalar_one())
    finally:
        engine.dispose()


def test_a_lent_database_comes_back_empty_with_its_sequences_restarted(
    postgres_databases: PostgresDatabases,
) -> None:
    with postgres_databases.lend(migrated=True) as url:
        assert fill(url) == 1
    with postgres_databases.lend(migrated=True) as again:
        assert again == url  # the same database, lent again
        assert fill(again) == 1
        engine = db.connect(again)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM source")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        engine.dispose()


def test_a_changed_schema_is_rebuilt(postgres_databases: PostgresDatabases) -> None:
    with postgres_databases.lend(migrated=True) as url:
        engine = db.connect(url)
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER custody_event_no_truncate ON custody_event"))
            connection.execute(text("CREATE TABLE stray (id integer)"))
        engine.dispose()
    with postgres_databases.lend(migrated=True) as again:
        engine = db.connect(again)
        with engine.connect() as connection:
            triggers = "SELECT count(*) FROM pg_trigger WHERE tgname = 'custody_event_no_truncate'"
            assert connection.execute(text(triggers)).scalar() == 1
            assert connection.execute(text("SELECT to_regclass('stray')")).scalar() is None
        engine.dispose()


def test_an_empty_database_comes_back_with_no_schema(
    postgres_databases: PostgresDatabases,
) -> None:
    with postgres_databases.lend(migrated=False) as url:
        fill(url)  # connect migrates
    with postgres_databases.lend(migrated=False) as again:
        engine: Engine = db.create(again)
        assert db.current_revision(engine) is None
        with engine.connect() as connection:
            tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            assert connection.execute(text(tables)).scalar() == 0
        engine.dispose()
