"""Shared fixtures: databases on both backends, the sample school, small config files.

Database tests run on SQLite *and* PostgreSQL. PostgreSQL is never skipped: when the server
at ``MODERATOR_TEST_POSTGRES_URL`` (default 127.0.0.1:5432, user postgres) cannot be reached
the tests fail with a message saying how to start it. Each test gets an empty database
(tests/databases.py: migrated once per session, then copied or emptied for each test).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from moderator.settings import config as config_mod
from moderator.store import db
from tests.databases import PostgresDatabases, copy_sqlite, migrate_sqlite

POSTGRES_ADMIN_URL = os.environ.get(
    "MODERATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SAMPLE_DIR = Path(config_mod.SAMPLE_CONFIG).parent


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any driver error: say what to do, never skip
        pytest.fail(
            f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL).render_as_string()}: "
            f"{exc.__class__.__name__}. Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect "
            f"$(ls /etc/postgresql) main start`) or set MODERATOR_TEST_POSTGRES_URL.",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_admin: Engine) -> Iterator[PostgresDatabases]:
    """This session's PostgreSQL databases, lent to one test at a time (tests/databases.py)."""
    databases = PostgresDatabases(postgres_admin, POSTGRES_ADMIN_URL)
    yield databases
    databases.close()


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A URL to an empty PostgreSQL database (no schema), put back empty after the test."""
    with postgres_databases.lend(migrated=False) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per session, copied for each test."""
    return migrate_sqlite(tmp_path_factory.mktemp("template") / "moderator.db")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each database test runs twice: on SQLite and on PostgreSQL, each time on an empty
    database already migrated to the newest schema."""
    if request.param == "sqlite":
        yield copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "moderator.db")
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    with databases.lend(migrated=True) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Like ``database_url``, but on a database with no schema at all (for migration tests)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'moderator.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated engine on the test's database, disposed afterwards."""
    engine = db.connect(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sample_config() -> config_mod.SchoolConfig:
    return config_mod.load(config_mod.SAMPLE_CONFIG)


@pytest.fixture
def write_config(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a TOML config (and optional comments file) into tmp_path; return its path."""

    def write(body: str, comments: str | None = None) -> Path:
        path = tmp_path / "moderator.toml"
        path.write_text(body, encoding="utf-8")
        if comments is not None:
            (tmp_path / "comments.jsonl").write_text(comments, encoding="utf-8")
        return path

    return write
