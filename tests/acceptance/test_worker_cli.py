"""``moderator worker`` as a real process against the Graph-compatible server: killed with
SIGKILL mid-scan and started again, it loses no comment and repeats no platform action; on
SIGTERM it stops cleanly. ``moderator status`` and ``moderator nightly`` read back. On SQLite
and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from moderator.store import db
from moderator.store.models import Action, Comment
from tests import platform_data as data
from tests.cli import MODERATOR, run
from tests.graph_server import GraphServer


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer(page_size=5) as server:
        data.add_accounts(server)
        yield server


def environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATOR_")}
    env.update(
        {
            "MODERATOR_DATABASE_URL": database_url,
            data.FB_ENV: data.PAGE_TOKEN,
            data.IG_ENV: data.IG_TOKEN,
        }
    )
    return env


def wait_for(
    check: Callable[[], bool], seconds: float = 240, state: Callable[[], object] = lambda: ""
) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; {state()}")
        time.sleep(0.1)


def test_killed_mid_scan_and_restarted_loses_nothing_and_repeats_no_action(
    graph: GraphServer, database_url: str, tmp_path: Path
) -> None:
    made = data.populate(graph, facebook=300, instagram=60, per_post=60)
    config = tmp_path / "moderator.toml"
    config.write_text(
        data.config_text(graph.url)
        + "\n[worker]\ntick_seconds = 0.2\nin_doubt_after_seconds = 1\nlease_seconds = 5\n"
        + 'nightly_at = "23:59"\n',
        encoding="utf-8",
    )
    env = environment(database_url)
    graph.delay_seconds = 0.02  # slow enough to be caught in the middle
    engine = db.connect(database_url)

    def recorded() -> int:
        with db.session_scope(engine) as session:
            return int(session.scalar(select(func.count(Comment.id))) or 0)

    first = subprocess.Popen([*MODERATOR, "worker"], cwd=tmp_path, env=env)
    try:
        wait_for(lambda: recorded() > 20)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    assert recorded() < made.total  # it really died mid-scan
    graph.delay_seconds = 0
    second = subprocess.Popen(
        [*MODERATOR, "worker"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(
            lambda: recorded() == made.total and _settled(engine),
            state=lambda: (recorded(), made.total, _statuses(engine)),
        )
    finally:
        second.send_signal(signal.SIGTERM)
        _, stderr = second.communicate(timeout=60)
    assert second.returncode == 0, stderr
    assert "stopped" in stderr
    hides = [r.path.rsplit("/", 1)[-1] for r in graph.hide_requests() if not r.faulted]
    assert hides and len(hides) == len(set(hides))  # no platform action repeated
    with db.session_scope(engine) as session:
        ids = session.scalars(select(Comment.platform_comment_id)).all()
    assert sorted(ids) == sorted(made.facebook + made.instagram)  # nothing lost
    status = run("status", "--json", cwd=tmp_path, env={"MODERATOR_DATABASE_URL": database_url})
    report = json.loads(status.stdout)
    assert {s["name"] for s in report["sources"]} == {"facebook-page", "instagram"}
    assert all(s["last_polled_at"] for s in report["sources"])
    assert report["pending_actions"] == 0
    engine.dispose()


def _settled(engine: object) -> bool:
    with db.session_scope(engine) as session:  # type: ignore[arg-type]
        waiting = session.scalar(
            select(func.count(Action.id)).where(Action.status.in_(["pending", "sending"]))
        )
        return not waiting and bool(session.scalar(select(func.count(Action.id))))


def _statuses(engine: object) -> dict[str, int]:
    with db.session_scope(engine) as session:  # type: ignore[arg-type]
        rows = session.execute(select(Action.status, func.count(Action.id)).group_by(Action.status))
        return {status: n for status, n in rows}
