"""The JSON the command line prints from the read models (``queue list/show``, ``cases
list/show``, ``--json``) keeps its field names, their order and their kinds of value: the
contract (interface.md) names the queue's first ten fields, and scripts read the rest. The
field lists below are written out, not derived from the models, so a renamed, moved or dropped
field fails here. Run in-process (click's runner) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from moderator.cli.main import main
from moderator.store import db
from tests.factories import MINIMAL_CONFIG, jsonl

#: interface.md: ``queue list --json`` is an array of these, in this order.
CONTRACT = [
    "id",
    "comment_id",
    "platform",
    "source",
    "author",
    "text",
    "categories",
    "status",
    "step",
    "hidden",
]
QUEUE_ITEM = [
    *CONTRACT,
    "step_reason",
    "route",
    "reasons",
    "targets",
    "possible_harassment",
    "case",
    "claimed_by",
    "escalated_step",
    "awaiting_second_person",
    "proposed_by",
    "hide_recommended",
    "hide_by_hand",
    "created_time",
    "permalink",
    "reported",
    "host_asked_to_remove",
    "replied",
    "edited",
    "deleted",
    "removal_requested",
    "removal_done",
]
FLAG_SHOWN = [
    *QUEUE_ITEM,
    "scores",
    "spans",
    "model",
    "poster",
    "targets_detail",
    "evidence",
    "actions",
    "letters",
    "history",
    "reports",
]
NESTED_IN_SHOW = {
    "targets_detail": ["name", "kind", "added_by"],
    "evidence": ["id", "captured_at", "sha256"],
    "actions": [
        *("id", "kind", "status", "requested_at", "confirmed_at", "last_error"),
        *("reference", "instructions", "requested_by"),
    ],
    "letters": ["id", "kind", "created_by"],
    "history": ["at", "who", "what", "why", "detail"],
}
CASE_SUMMARY = ["case", "name", "accounts", "flags", "last_flagged"]
ACCOUNT = ["platform", "id", "name"]
CASE = [
    "case",
    "name",
    "accounts",
    "linked_cases",
    "incidents",
    "highest_step_taken",
    "next_incident_would_recommend",
    "next_incident_reason",
    "possible_harassment",
    "awaiting_second_person",
    "flags",
    "letters",
    "blocked",
    "block_actions",
    "removal_requests",
]
CASE_FLAG = [
    "id",
    "status",
    "categories",
    "step",
    "step_reason",
    "escalated_step",
    "platform",
    "author",
    "posted",
    "text",
    "targets",
    "hidden",
    "edited",
    "deleted",
    "removal_requested",
    "removal_done",
]
CASE_LETTER = ["id", "kind", "flag", "created_by", "created_at", "sha256"]
REMOVAL_REQUEST = ["letter", "kind", "requested_at", "deadline", "status", "comments", "next_step"]
REMOVAL_COMMENT = ["flag", "removed_at"]
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$"

ROWS = [
    {
        "id": f"a{i}",
        "text": text,
        "author": "Dave Parent",
        "created_time": f"2026-10-0{i}T09:00:00+00:00",
        "permalink_url": f"https://example.invalid/a{i}",
    }
    for i, text in enumerate(
        ["Mrs Holloway is a useless idiot", "Mrs Holloway is a stupid cow, utterly pathetic"],
        start=1,
    )
]


class Cli:
    def __init__(self, folder: Path, database_url: str) -> None:
        self.runner = CliRunner()
        self.args = ["--config", str(folder / "moderator.toml"), "--database-url", database_url]
        self.folder = folder

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        result = self.runner.invoke(main, [*self.args, *args], input=stdin)
        assert result.exit_code == 0, result.output
        return result.output

    def json(self, *args: str) -> Any:
        """The output, parsed keeping each object's keys in order (as lists of pairs)."""
        return json.loads(self(*args), object_pairs_hook=list)


def keys(pairs: list[tuple[str, Any]]) -> list[str]:
    return [key for key, _ in pairs]


def as_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs)


@pytest.fixture
def cli(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    engines = []
    connect = db.connect

    def connected(url: str) -> Any:  # each command's engine, closed when the test ends
        engines.append(connect(url))
        return engines[-1]

    monkeypatch.setattr(db, "connect", connected)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "moderator.toml").write_text(
        MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n', encoding="utf-8"
    )
    (tmp_path / "comments.jsonl").write_text(jsonl(ROWS), encoding="utf-8")
    run = Cli(tmp_path, database_url)
    run("scan", "--json")
    for name, role in (("mod", "moderator"), ("head", "headteacher")):
        run("users", "add", name, "--name", name.title(), "--role", role, "--password-stdin",
            stdin="a long enough passphrase\n")  # fmt: skip
    first = as_dict(run.json("queue", "list", "--json")[-1])["id"]
    run("queue", "decide", str(first), "--as", "mod", "--escalate", "meeting", "--note", "first")
    yield run
    for engine in engines:
        engine.dispose()


def test_queue_list_keeps_the_contract_fields_in_order(cli: Cli) -> None:
    items = cli.json("queue", "list", "--json")
    assert len(items) == 2
    for pairs in items:
        assert keys(pairs) == QUEUE_ITEM
        item = as_dict(pairs)
        assert isinstance(item["id"], int) and isinstance(item["case"], int)
        assert item["platform"] == "file" and item["source"] == "reports"
        assert item["author"] == "Dave Parent" and item["categories"] == ["abuse"]
        assert item["route"] == "moderators" and item["targets"] == ["Janet Holloway"]
        assert isinstance(item["hidden"], bool) and isinstance(item["hide_by_hand"], bool)
        assert item["created_time"].startswith("2026-10-0")
        assert item["permalink"].startswith("https://example.invalid/a")
    escalated = [as_dict(p) for p in items if as_dict(p)["status"] == "escalated"]
    assert [i["escalated_step"] for i in escalated] == ["meeting"]


def test_queue_show_keeps_its_fields_in_order(cli: Cli) -> None:
    first = as_dict(cli.json("queue", "list", "--json", "--status", "escalated")[0])["id"]
    shown = cli.json("queue", "show", str(first), "--json")
    assert keys(shown) == FLAG_SHOWN
    item = as_dict(shown)
    assert item["status"] == "escalated" and item["escalated_step"] == "meeting"
    for field, wanted in NESTED_IN_SHOW.items():
        assert item[field], field
        assert all(keys(entry) == wanted for entry in item[field]), field
    assert all(isinstance(span, list) and len(span) == 3 for span in item["spans"])
    assert [as_dict(e)["what"] for e in item["history"]][-1] == "escalate"
    assert as_dict(item["history"][-1])["why"] == "first"
    assert as_dict(item["letters"][0])["kind"] == "meeting"
    assert all(isinstance(v, float) for _, v in item["scores"])

    assert re.match(ISO, as_dict(item["evidence"][0])["captured_at"])


def test_cases_keep_their_fields_in_order(cli: Cli) -> None:
    (summary,) = cli.json("cases", "list", "--json")
    assert keys(summary) == CASE_SUMMARY
    assert all(keys(account) == ACCOUNT for account in as_dict(summary)["accounts"])
    case = cli.json("cases", "show", str(as_dict(summary)["case"]), "--json")
    assert keys(case) == CASE
    view = as_dict(case)
    assert all(keys(flag) == CASE_FLAG for flag in view["flags"])
    assert [keys(letter) for letter in view["letters"]] == [CASE_LETTER]
    assert [keys(course) for course in view["possible_harassment"]] == [["target", "flags"]]
    course = as_dict(view["possible_harassment"][0])
    assert course["target"] == "Janet Holloway" and len(course["flags"]) == 2
    assert view["highest_step_taken"] == "meeting" and view["linked_cases"] == []
    assert view["incidents"] == 2 and view["awaiting_second_person"] == []
    (request,) = view["removal_requests"]  # the meeting letter asks for its comment's removal
    assert keys(request) == REMOVAL_REQUEST
    assert all(keys(comment) == REMOVAL_COMMENT for comment in as_dict(request)["comments"])
    request_dict = as_dict(request)
    assert request_dict["kind"] == "meeting" and request_dict["status"] == "waiting"
    assert re.match(ISO, request_dict["requested_at"]) and re.match(ISO, request_dict["deadline"])
    flagged = [as_dict(flag) for flag in view["flags"]]
    assert sorted(flag["removal_requested"] for flag in flagged) == [False, True]
    assert not any(flag["edited"] or flag["deleted"] or flag["removal_done"] for flag in flagged)
