"""Which database URLs the moderator takes (db.parse): SQLite, and PostgreSQL through psycopg 3
however a host writes its URL; anything else is refused in one line that says what is
supported and never shows a password."""

from __future__ import annotations

import pytest

from moderator.errors import DatabaseError
from moderator.store import db


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///./moderator.db", "sqlite:///./moderator.db"),
        ("sqlite:////var/lib/moderator/m.db", "sqlite:////var/lib/moderator/m.db"),
        ("sqlite+pysqlite:///m.db", "sqlite+pysqlite:///m.db"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u:pw@h:5433/d", "postgresql+psycopg://u:pw@h:5433/d"),
        ("postgresql://u@h/d?sslmode=require", "postgresql+psycopg://u@h/d?sslmode=require"),
    ],
)
def test_supported_urls_and_the_postgres_spellings_that_mean_psycopg(given: str, used: str) -> None:
    assert db.parse(given).render_as_string(hide_password=False) == used


@pytest.mark.parametrize(
    "given",
    [
        "mysql://u:hunter2@h/d",
        "mysql+pymysql://u:hunter2@h/d",
        "mariadb://u:hunter2@h/d",
        "postgresql+psycopg2://u:hunter2@h/d",
        "postgresql+asyncpg://u:hunter2@h/d",
        "sqlite+aiosqlite:///m.db",
        "mssql+pyodbc://u:hunter2@dsn",
        "oracle://u:hunter2@h/d",
    ],
)
def test_other_backends_and_drivers_are_one_line_naming_what_is_supported(given: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        db.parse(given)
    message = str(caught.value)
    assert message.startswith(f"unsupported database URL '{db.safe_url(given)}': ")
    assert message.endswith(f"the moderator supports {db.SUPPORTED}")
    assert "hunter2" not in message and "\n" not in message


@pytest.mark.parametrize("given", ["", "moderator.db", "/var/lib/m.db", "://nothing"])
def test_what_is_not_a_url_is_one_line_naming_what_is_supported(given: str) -> None:
    with pytest.raises(DatabaseError, match=r"^invalid database URL .*: use SQLite"):
        db.parse(given)
