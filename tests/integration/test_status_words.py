"""``moderator status`` in words on SQLite and PostgreSQL: each source's last poll and then its
next, in the school's time zone, to the second (no microseconds, no UTC offsets)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from moderator.cli.main import main
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Source


def test_status_prints_local_times_last_then_next(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    last = now.replace(month=7, day=1, hour=9, minute=5, second=6, microsecond=123456)
    last = last if last < now else last.replace(year=now.year - 1)
    due = now + dt.timedelta(minutes=5, microseconds=654321)
    with db.session_scope(engine) as session:
        session.add(
            Source(name="parent-reports", platform="file", last_polled_at=last, next_poll_at=due)
        )
    monkeypatch.setenv("MODERATOR_DATABASE_URL", database_url)
    monkeypatch.setattr(db, "connect", lambda url: engine)  # disposed by the fixture
    run = CliRunner().invoke(main, ["--config", str(config_mod.SAMPLE_CONFIG), "status"])
    assert run.exit_code == 0, run.output
    (line,) = [x for x in run.output.splitlines() if "parent-reports" in x]
    local_due = due.astimezone(ZoneInfo("Europe/London"))
    assert f"last poll {last.year}-07-01 10:05:06 BST" in line, line
    assert f"; next poll {local_due:%Y-%m-%d %H:%M:%S %Z}" in line, line
    assert line.index("last poll") < line.index("next poll")
    assert not re.search(r"\d\.\d{6}|\+00:00|T\d\d:", run.output), run.output
