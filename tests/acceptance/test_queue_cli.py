"""The escalation queue as a user drives it: ``users add``, ``scan``, ``queue list/show/decide``,
``cases show``, ``letters show``; a real process each time, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli import cli_school, run

ABUSE = [
    "Mrs Holloway is a useless idiot",
    "Mrs Holloway is a stupid cow, utterly pathetic",
    "Mrs Holloway is a moron and a disgrace",
    "Mrs Holloway is a pathetic joke of a head, absolute idiot",
]
PASSWORD = "correct horse battery\n"


def rows() -> list[dict[str, Any]]:
    found = [
        {
            "id": f"a{i}",
            "text": text,
            "author": "Dave Parent",
            "created_time": f"2026-10-0{i}T09:00:00+00:00",
        }
        for i, text in enumerate(ABUSE, start=1)
    ]
    found.append({"id": "t1", "text": "I will smash the head's face in at the gate", "author": "X"})
    found.append(
        {"id": "c1", "text": "The uniform is too expensive and nobody asked parents", "author": "Y"}
    )
    return found


@pytest.fixture
def school(tmp_path: Path, database_url: str) -> tuple[Path, dict[str, str]]:
    users = {"mod": "moderator", "head": "headteacher", "dsl": "dsl"}
    return cli_school(tmp_path, database_url, rows(), users=users, password=PASSWORD)


def listed(cwd: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    result = run("queue", "list", "--json", cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return {item["comment_id"]: item for item in json.loads(result.stdout)}


def test_the_ladder_through_the_command_line(school: tuple[Path, dict[str, str]]) -> None:
    cwd, env = school
    items = listed(cwd, env)
    assert [items[f"a{i}"]["step"] for i in range(1, 5)] == [
        "meeting",
        "written_warning",
        "police",
        "police",
    ]
    assert items["t1"]["step"] == "police"
    assert items["c1"]["step"] == "review" and items["c1"]["hidden"] is False

    second = str(items["a2"]["id"])
    dismissed = run(
        "queue", "decide", second, "--as", "mod", "--dismiss", "--note", "a joke", cwd=cwd, env=env
    )
    assert dismissed.returncode == 0, dismissed.stderr
    assert f"flag {second}: dismissed by mod (moderator)" in dismissed.stdout
    after = listed(cwd, env)
    assert [after[a]["step"] for a in ("a1", "a3", "a4")] == [
        "meeting",
        "written_warning",
        "police",
    ]

    case = json.loads(run("cases", "show", "Dave Parent", "--json", cwd=cwd, env=env).stdout)
    assert case["incidents"] == 3 and [f["status"] for f in case["flags"]].count("dismissed") == 1
    assert case["possible_harassment"][0]["target"] == "Janet Holloway"

    shown = run("queue", "show", second, "--json", cwd=cwd, env=env)
    history = json.loads(shown.stdout)["history"]
    assert history[-1]["who"] == "mod" and history[-1]["what"] == "dismiss"
    assert history[-1]["why"] == "a joke" and history[-1]["at"]


def test_refusals_are_one_line_and_change_nothing(school: tuple[Path, dict[str, str]]) -> None:
    cwd, env = school
    items = listed(cwd, env)
    first, threat = str(items["a1"]["id"]), str(items["t1"]["id"])
    cases = [
        (["--as", "mod", "--escalate", "legal"], "may not take legal advice"),
        (["--as", "nobody", "--confirm"], "no user 'nobody'"),
        (["--as", "mod", "--reopen"], "only a dismissed flag can be reopened"),
    ]
    for args, message in cases:
        result = run("queue", "decide", first, *args, cwd=cwd, env=env)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert listed(cwd, env)["a1"] == items["a1"]

    assert (
        run(
            "queue", "decide", threat, "--as", "mod", "--escalate", "police", cwd=cwd, env=env
        ).returncode
        == 0
    )
    again = run("queue", "decide", threat, "--as", "mod", "--escalate", "police", cwd=cwd, env=env)
    assert again.returncode == 1 and "second person" in again.stderr
    done = run("queue", "decide", threat, "--as", "head", "--escalate", "police", cwd=cwd, env=env)
    assert done.returncode == 0 and "101" in done.stdout
    assert listed(cwd, env)["t1"]["status"] == "escalated"
    usage = run("queue", "decide", first, "--as", "mod", cwd=cwd, env=env)
    assert usage.returncode == 2 and "--confirm" in usage.stderr


def test_letters_and_complaints(school: tuple[Path, dict[str, str]]) -> None:
    cwd, env = school
    items = listed(cwd, env)
    meeting = run(
        "queue",
        "decide",
        str(items["a1"]["id"]),
        "--as",
        "mod",
        "--escalate",
        "meeting",
        cwd=cwd,
        env=env,
    )
    assert meeting.returncode == 0, meeting.stderr
    letter_id = meeting.stdout.split("letter ")[1].split()[0]
    letter = run("letters", "show", letter_id, cwd=cwd, env=env)
    assert "Test School" in letter.stdout and ABUSE[0] in letter.stdout
    assert "meeting" in letter.stdout
    complaint = str(items["c1"]["id"])
    refused = run(
        "queue", "decide", complaint, "--as", "head", "--escalate", "hide", cwd=cwd, env=env
    )
    assert refused.returncode == 1 and "complaint" in refused.stderr
    reply = run("queue", "decide", complaint, "--as", "mod", "--confirm", cwd=cwd, env=env)
    assert reply.returncode == 0 and "complaints procedure" in reply.stdout
    assert listed(cwd, env)["c1"]["hidden"] is False


def test_users_add_refuses_bad_input(tmp_path: Path) -> None:
    bad = run(
        "users",
        "add",
        "kim",
        "--name",
        "Kim",
        "--role",
        "governor",
        "--password-stdin",
        cwd=tmp_path,
        stdin=PASSWORD,
    )
    assert bad.returncode == 2 and "governor" in bad.stderr
    short = run(
        "users",
        "add",
        "kim",
        "--name",
        "Kim",
        "--role",
        "dsl",
        "--password-stdin",
        cwd=tmp_path,
        stdin="abc\n",
    )
    assert short.returncode == 1 and "at least 8" in short.stderr and "abc" not in short.stderr
    ok = run(
        "users",
        "add",
        "kim",
        "--name",
        "Kim Lee",
        "--role",
        "dsl",
        "--password-stdin",
        cwd=tmp_path,
        stdin=PASSWORD,
    )
    assert ok.returncode == 0, ok.stderr
    listed_users = json.loads(run("users", "list", "--json", cwd=tmp_path).stdout)
    assert listed_users == [{"username": "kim", "name": "Kim Lee", "role": "dsl", "active": True}]
