"""The ``moderator`` command as a user runs it: a real process, real files, real databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run
from tests.factories import MINIMAL_CONFIG, QUEUE_ITEM_KEYS, jsonl

VERDICT_KEYS = {"id", "categories", "scores", "hide", "step", "reasons", "spans"}
DETOXIFY_LABELS = {"toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack"}


def test_demo_in_an_empty_directory(tmp_path: Path) -> None:
    demo = run("demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "Flag queue" in demo.stdout and "police" in demo.stdout
    assert (tmp_path / "moderator.db").is_file()
    listed = run("queue", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert items and all(QUEUE_ITEM_KEYS <= set(item) for item in items)
    assert all(item["platform"] == "file" and item["categories"] for item in items)


@pytest.mark.postgres
def test_scan_twice_on_postgres_is_idempotent(tmp_path: Path, postgres_url: str) -> None:
    rows = [
        {"id": f"c{i}", "text": text}
        for i, text in enumerate(
            [
                "Great play!",
                "Mrs Holloway is a stupid cow",
                "I'll break the head's jaw",
                "Why no reply to my email?",
            ]
        )
    ]
    (tmp_path / "moderator.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    (tmp_path / "comments.jsonl").write_text(jsonl(rows), encoding="utf-8")
    env = {"MODERATOR_DATABASE_URL": postgres_url}
    first = run("scan", "--json", cwd=tmp_path, env=env)
    second = run("scan", "--full", "--json", cwd=tmp_path, env=env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert json.loads(first.stdout) == {
        "fetched": 4,
        "new": 4,
        "flagged": 3,
        "hidden": 0,
        "rejected": 0,
        "errors": [],
    }
    assert json.loads(second.stdout)["new"] == 0


def test_malformed_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "moderator.toml").write_text(
        MINIMAL_CONFIG.replace('platform = "file"', "platform = 3")
    )
    result = run("scan", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: moderator.toml: line 15: [[sources]] #1 'platform': expected a string; got 3"
    ]


def test_malformed_jsonl_names_file_and_line_and_keeps_records(tmp_path: Path) -> None:
    (tmp_path / "moderator.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    comments = tmp_path / "comments.jsonl"
    comments.write_text(
        jsonl([{"id": "a", "text": "Mrs Holloway is a useless cow"}]), encoding="utf-8"
    )
    assert run("scan", cwd=tmp_path).returncode == 0
    with comments.open("a", encoding="utf-8") as handle:
        handle.write("{not json}\n")
    result = run("scan", "--json", cwd=tmp_path)
    assert result.returncode == 1
    expected = (
        "source 'reports': comments.jsonl line 2: invalid JSON: "
        "Expecting property name enclosed in double quotes at column 2"
    )
    assert json.loads(result.stdout)["errors"] == [expected]
    assert "Traceback" not in result.stderr
    items = json.loads(run("queue", "list", "--json", cwd=tmp_path).stdout)
    assert [item["comment_id"] for item in items] == ["a"]


def test_database_down_is_one_line(tmp_path: Path) -> None:
    result = run(
        "--database-url",
        "postgresql+psycopg://postgres@127.0.0.1:1/none",
        "queue",
        "list",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        "error: database postgresql+psycopg://postgres@127.0.0.1:1/none is not available"
    )


def test_classify_follows_the_contract(tmp_path: Path) -> None:
    lines = [
        {"id": "c1", "text": "Mr Evans wants to be careful walking to his car tonight"},
        {"id": "c2", "text": "Thank you for a lovely harvest festival"},
        {"id": 3, "text": "", "other": "ignored"},
        {"id": "c4", "text": "Ça alors, quelle belle fête de l'école !"},
        {"id": "c5", "text": "abc " * 25_000},
    ]
    (tmp_path / "moderator.toml").write_text(
        MINIMAL_CONFIG.replace("Janet Holloway", "Gareth Evans")
    )
    result = run("classify", cwd=tmp_path, stdin=jsonl(lines))
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["id"] for v in verdicts] == ["c1", "c2", 3, "c4", "c5"]
    for verdict in verdicts:
        assert VERDICT_KEYS <= set(verdict) and DETOXIFY_LABELS <= set(verdict["scores"])
        assert all(0.0 <= p <= 1.0 for p in verdict["scores"].values())
    threat = verdicts[0]
    assert "threat" in threat["categories"] and threat["hide"] and threat["step"] == "police"
    start, end, category = threat["spans"][0]
    assert category == "threat" and "careful" in lines[0]["text"][start:end]
    assert (
        verdicts[1]["categories"] == [] and verdicts[1]["step"] is None and not verdicts[1]["hide"]
    )
    assert verdicts[2]["categories"] == [] and verdicts[3]["categories"] == []


def test_classify_keeps_order_and_reports_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "hi"}\nnot json\n{"id": "b", "text": 5}\n{"id": "c", "text": "ok"}\n'
    )
    result = run("classify", str(source), cwd=tmp_path)
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "c"]
    assert (
        out[1]["error"].startswith("line 2: invalid JSON")
        and out[2]["error"] == "line 3: 'text' must be a string"
    )


@pytest.mark.slow
def test_classify_ten_thousand_lines_in_order(tmp_path: Path) -> None:
    texts = [
        "Lovely day at school",
        "you are a useless idiot",
        "When is parents evening?",
        "shut up",
        "",
        "Merci pour la fête de l'école",
        "学校的音乐会很精彩",
    ]
    huge = "the school fair was lovely " * 4_000  # about 100 KB
    source = tmp_path / "many.jsonl"
    source.write_text(
        jsonl(
            {"id": f"n{i}", "text": huge if i % 1000 == 999 else texts[i % len(texts)]}
            for i in range(10_000)
        )
    )
    result = run("classify", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["id"] for v in verdicts] == [f"n{i}" for i in range(10_000)]
    assert "abuse" in verdicts[1]["categories"] and verdicts[1]["hide"]
    assert all(v["categories"] == [] for v in verdicts[4:7] + verdicts[999::1000])


def test_help_names_environment_variables(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "MODERATOR_CONFIG" in result.stdout and "MODERATOR_DATABASE_URL" in result.stdout
    for command in ("demo", "scan", "classify", "queue", "db"):
        assert command in result.stdout
