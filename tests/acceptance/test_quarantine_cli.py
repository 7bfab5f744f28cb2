"""Bad records as a user meets them: ``moderator scan``, ``status``, ``rejected`` and ``worker
--once`` as real processes, on SQLite and PostgreSQL; ``classify`` with records that are not
comments and with no input at all."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.cli import run
from tests.factories import MINIMAL_CONFIG
from tests.poisoned_records import SECRET_WORDS, poisoned_file

CONFIG = MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n'


def test_a_poisoned_file_source_is_reported_by_line_and_the_worker_carries_on(
    tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "moderator.toml").write_text(CONFIG, encoding="utf-8")
    lines = poisoned_file(tmp_path / "comments.jsonl")
    env = {"MODERATOR_DATABASE_URL": database_url}

    scan = run("scan", cwd=tmp_path, env=env)
    assert scan.returncode == 1 and "Traceback" not in scan.stderr
    assert "200 new" in scan.stdout and "3 rejected" in scan.stdout
    errors = scan.stderr.strip().splitlines()
    assert [line.split(": ")[2] for line in errors] == [
        f"comments.jsonl line {lines[name]}" for name in ("surrogate", "time", "deep")
    ]
    assert SECRET_WORDS not in scan.stdout + scan.stderr

    worker = run("worker", "--once", cwd=tmp_path, env=env)
    assert worker.returncode == 0 and "Traceback" not in worker.stderr, worker.stderr

    report = json.loads(run("status", "--json", cwd=tmp_path, env=env).stdout)
    assert report["rejected_records"] == 3 and report["sources"][0]["rejected"] == 3
    text = run("status", cwd=tmp_path, env=env).stdout
    assert "rejected: 3 record(s)" in text and "moderator rejected --source reports" in text

    listed = run("rejected", "--json", cwd=tmp_path, env=env)
    items = json.loads(listed.stdout)
    assert sorted(item["item"] for item in items) == sorted(
        f"comments.jsonl line {number}" for number in lines.values()
    )
    assert all(item["source"] == "reports" and item["times_seen"] >= 2 for item in items)
    assert SECRET_WORDS not in listed.stdout
    plain = run("rejected", "--source", "reports", cwd=tmp_path, env=env).stdout
    assert f"reports: comments.jsonl line {lines['surrogate']}: its text is not valid" in plain
    unknown = run("rejected", "--source", "nope", cwd=tmp_path, env=env)
    assert unknown.returncode == 1 and "no source named 'nope'" in unknown.stderr


def test_classify_reports_a_record_without_text_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "moderator.toml").write_text(CONFIG, encoding="utf-8")
    given = '{"id": "a", "text": "hi"}\n{"id": "b"}\n{"id": "c", "text": null}\n{"id": "d", "text": "you idiot"}\n'
    result = run("classify", cwd=tmp_path, stdin=given)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert out[1] == {
        "id": "b",
        "line": 2,
        "error": "line 2: no 'text': there is nothing to classify",
    }
    assert out[2]["error"] == "line 3: no 'text': there is nothing to classify"
    assert "categories" in out[0] and "abuse" in out[3]["categories"]
    assert result.stderr.strip() == (
        'error: 2 input line(s) could not be classified; see the "error" lines'
    )


def test_classify_answers_empty_input_at_once(tmp_path: Path) -> None:
    (tmp_path / "moderator.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")  # the bundled model
    for given in ("", "\n  \n"):
        started = time.monotonic()
        result = run("classify", cwd=tmp_path, stdin=given)
        assert result.returncode == 0 and result.stdout == ""
        assert result.stderr.strip() == "No input: nothing to classify."
        assert time.monotonic() - started < 4  # the model is not loaded for nothing
