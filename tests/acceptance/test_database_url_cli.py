"""Where the database URL comes from (``--database-url``, ``MODERATOR_DATABASE_URL``; never the
config file) and what a newcomer's URL does: ``postgres://`` and ``postgresql://`` work as
``postgresql+psycopg://``; MySQL and other backends, and a config that names a database, are one
line saying what to use. A real process each time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderator.store import db
from tests.cli import run
from tests.factories import MINIMAL_CONFIG, jsonl

UNSUPPORTED = "mysql://moderator:hunter2@127.0.0.1:3306/school"


def given(how: str, url: str) -> tuple[list[str], dict[str, str]]:
    """Global options and environment that pass ``url`` by option or by environment."""
    if how == "option":
        return ["--database-url", url], {}
    return [], {"MODERATOR_DATABASE_URL": url}


@pytest.mark.parametrize("how", ["option", "environment"])
def test_an_unsupported_database_is_one_line_saying_what_is_supported(
    tmp_path: Path, how: str
) -> None:
    options, env = given(how, UNSUPPORTED)
    result = run(*options, "queue", "list", cwd=tmp_path, env=env)
    assert result.returncode == 1
    expected = (
        "error: unsupported database URL 'mysql://moderator:***@127.0.0.1:3306/school': the "
        "moderator supports SQLite (sqlite:///path/to/moderator.db) or PostgreSQL "
        "(postgresql+psycopg://user@host/db)"
    )
    assert result.stderr.splitlines() == [expected]


@pytest.mark.postgres
@pytest.mark.parametrize(("how", "scheme"), [("option", "postgres"), ("environment", "postgresql")])
def test_postgres_urls_as_hosts_write_them_mean_psycopg(
    tmp_path: Path, postgres_url: str, how: str, scheme: str
) -> None:
    (tmp_path / "moderator.toml").write_text(
        MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n', encoding="utf-8"
    )
    (tmp_path / "comments.jsonl").write_text(
        jsonl([{"id": "c1", "text": "Mrs Holloway is a stupid cow"}]), encoding="utf-8"
    )
    written = postgres_url.replace("postgresql+psycopg://", f"{scheme}://", 1)
    options, env = given(how, written)
    upgraded = run(*options, "db", "upgrade", cwd=tmp_path, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith(f"{db.safe_url(postgres_url)} is at revision ")
    scanned = run(*options, "scan", "--json", cwd=tmp_path, env=env)
    assert scanned.returncode == 0, scanned.stderr
    assert json.loads(scanned.stdout)["new"] == 1
    listed = run(
        "queue", "list", "--json", cwd=tmp_path, env={"MODERATOR_DATABASE_URL": postgres_url}
    )
    assert [item["comment_id"] for item in json.loads(listed.stdout)] == ["c1"]


@pytest.mark.parametrize(
    "config",
    [
        'database_url = "postgres://localhost/school"\n' + MINIMAL_CONFIG,
        MINIMAL_CONFIG + '\n[database]\nurl = "postgres://localhost/school"\n',
    ],
    ids=["key", "table"],
)
def test_a_database_in_the_config_file_points_to_the_option_and_variable(
    tmp_path: Path, config: str
) -> None:
    (tmp_path / "moderator.toml").write_text(config, encoding="utf-8")
    result = run("queue", "list", cwd=tmp_path)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and line.endswith(
        "the database is not set in the config: give --database-url or MODERATOR_DATABASE_URL "
        "(sqlite:///path or postgresql+psycopg://user@host/db)"
    )
