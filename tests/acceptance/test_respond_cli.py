"""Issue 18's actions as a user runs them: ``cases block``/``unblock``, ``queue report`` and
``queue reply`` against the Graph-compatible server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import platform_data as data
from tests.cli import run
from tests.graph_server import GraphServer

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
PARENT = ("7209384756100001", "Sam Example")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer() as server:
        data.add_accounts(server)
        yield server


@pytest.fixture
def school(tmp_path: Path, graph: GraphServer, database_url: str) -> dict[str, str]:
    (tmp_path / "moderator.toml").write_text(data.config_text(graph.url), encoding="utf-8")
    env = {
        data.FB_ENV: data.PAGE_TOKEN,
        data.IG_ENV: data.IG_TOKEN,
        "MODERATOR_DATABASE_URL": database_url,
    }
    for name, role in [("mod", "moderator"), ("head", "headteacher")]:
        added = run(
            *("users", "add", name, "--name", name.title(), "--role", role, "--password-stdin"),
            cwd=tmp_path,
            env=env,
            stdin=PASSWORD,
        )
        assert added.returncode == 0, added.stderr
    post = graph.add_post(data.PAGE, "Sports day", NOW - dt.timedelta(hours=3))
    graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(hours=2), author=PARENT)
    graph.add_fb_comment(
        post, data.COMPLAINT, NOW - dt.timedelta(hours=1), author=("7209384756100002", "Kim")
    )
    scanned = run("scan", "--json", cwd=tmp_path, env=env)
    assert scanned.returncode == 0, scanned.stderr
    return env


def moderator(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = run(*args, cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_headteacher_blocks_and_unblocks_a_poster_each_sent_once(
    tmp_path: Path, graph: GraphServer, school: dict[str, str]
) -> None:
    refused = run("cases", "block", PARENT[1], "--as", "mod", cwd=tmp_path, env=school)
    assert refused.returncode == 1 and "mod (moderator) may not block" in refused.stderr
    out = moderator(tmp_path, school, "cases", "block", PARENT[1], "--as", "head", "--note", "x")
    assert "blocked, confirmed by the platform" in out
    assert graph.blocked(data.PAGE) == [PARENT[0]]
    shown = json.loads(moderator(tmp_path, school, "cases", "show", PARENT[1], "--json"))
    assert shown["blocked"] == {"facebook": True}
    moderator(tmp_path, school, "cases", "unblock", PARENT[1], "--as", "head")
    shown = json.loads(moderator(tmp_path, school, "cases", "show", PARENT[1], "--json"))
    assert shown["blocked"] == {"facebook": False} and graph.blocked(data.PAGE) == []
    assert len(graph.requests_to("POST", f"{data.PAGE}/blocked")) == 1
    assert len(graph.requests_to("DELETE", f"{data.PAGE}/blocked")) == 1


def test_a_report_is_recorded_and_a_complaint_reply_posted_once(
    tmp_path: Path, graph: GraphServer, school: dict[str, str]
) -> None:
    queue = json.loads(moderator(tmp_path, school, "queue", "list", "--json"))
    abuse = next(i for i in queue if i["author"] == PARENT[1])
    complaint = next(i for i in queue if i["route"] == "complaints")
    assert abuse["reported"] is False and {"hidden", "step", "text"} <= set(abuse)
    out = moderator(
        tmp_path,
        school,
        *("queue", "report", str(abuse["id"]), "--as", "mod"),
        *("--reference", "FB-1"),
    )
    assert "reported to the platform by mod (reference FB-1)" in out
    queue = json.loads(moderator(tmp_path, school, "queue", "list", "--json"))
    assert next(i for i in queue if i["id"] == abuse["id"])["reported"] is True

    moderator(tmp_path, school, "queue", "decide", str(complaint["id"]), "--as", "mod", "--confirm")
    out = moderator(tmp_path, school, "queue", "reply", str(complaint["id"]), "--as", "head")
    assert "reply posted, confirmed by the platform" in out
    again = run("queue", "reply", str(complaint["id"]), "--as", "head", cwd=tmp_path, env=school)
    assert again.returncode == 1 and "already been posted" in again.stderr
    assert len(graph.requests_to("POST", f"{complaint['comment_id']}/comments")) == 1
