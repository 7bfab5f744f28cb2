"""``moderator purge`` and ``moderator sar`` as a user runs them: a real process, real files,
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, update

from moderator.store import db
from moderator.store.models import AuditEvent, Comment, utcnow
from tests.cli import cli_school, run

DAVE = ["Mrs Holloway is a useless idiot", "Thanks for sorting out the trip so quickly"]
OTHER = ["Lovely photos of the relay, well done", "Mr Evans is a moron and a disgrace"]


@pytest.fixture
def school(tmp_path: Path, database_url: str) -> tuple[Path, dict[str, str]]:
    texts = [(DAVE[0], "Dave Parent"), (OTHER[0], "Olive Other"), (DAVE[1], "Dave Parent")]
    texts.append((OTHER[1], "Olive Other"))
    rows = [
        {
            "id": f"c{i}",
            "text": text,
            "author": author,
            "post_id": "p1",
            "created_time": f"2026-10-0{i}T09:00:00+00:00",
        }
        for i, (text, author) in enumerate(texts, start=1)
    ]
    return cli_school(tmp_path, database_url, rows)


def test_purge_dry_run_then_purge_from_the_command_line(
    school: tuple[Path, dict[str, str]], database_url: str
) -> None:
    folder, env = school
    fresh = run("purge", "--dry-run", "--json", cwd=folder, env=env)
    assert fresh.returncode == 0, fresh.stderr
    report = json.loads(fresh.stdout)
    assert report["dry_run"] is True and report["total"] == 0
    assert report["periods"] == {
        "unflagged_days": 30,
        "dismissed_days": 30,
        "closed_days": 365,
        "audit_days": 0,
    }
    engine = db.connect(database_url)
    try:
        with db.session_scope(engine) as session:
            session.execute(
                update(Comment)
                .where(Comment.platform_comment_id == "c2")
                .values(first_seen_at=utcnow() - dt.timedelta(days=31))
            )
        planned = run("purge", "--dry-run", "--json", cwd=folder, env=env)
        assert planned.returncode == 0, planned.stderr
        counts = json.loads(planned.stdout)["counts"]
        assert counts["comment"] == 1 and counts["poster"] == 0  # Olive still has a flag
        words = run("purge", "--dry-run", cwd=folder, env=env)
        assert "would be deleted" in words.stdout and "nothing was deleted" in words.stdout
        done = run("purge", "--json", cwd=folder, env=env)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["counts"] == counts
        assert OTHER[0] not in done.stdout + done.stderr  # counts only, never text
        after = run("purge", "--dry-run", "--json", cwd=folder, env=env)
        assert json.loads(after.stdout)["total"] == 0
        with db.session_scope(engine) as session:
            texts = set(session.scalars(select(Comment.text)))
        assert texts == {DAVE[0], DAVE[1], OTHER[1]}
    finally:
        engine.dispose()


def test_sar_from_the_command_line_holds_only_that_posters_comments(
    school: tuple[Path, dict[str, str]], database_url: str
) -> None:
    folder, env = school
    out = folder / "dave-sar.zip"
    made = run("sar", "Dave Parent", "--out", str(out), "--json", cwd=folder, env=env)
    assert made.returncode == 0, made.stderr
    result = json.loads(made.stdout)
    assert result["comments"] == 2 and result["flags"] == 1 and result["snapshots"] == 1
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert {"README.txt", "subject.json", "comments.json", "flags.json"} <= set(files)
    assert [c["text"] for c in json.loads(files["comments.json"])] == DAVE
    for name, body in files.items():
        if not name.endswith(".png"):
            assert not any(text.encode() in body for text in OTHER), name
    words = run("sar", "Olive Other", "--out", str(folder / "olive.zip"), cwd=folder, env=env)
    assert words.returncode == 0 and "case" in words.stdout and "README.txt" in words.stdout
    with zipfile.ZipFile(folder / "olive.zip") as archive:
        comments = json.loads(archive.read("comments.json"))
    assert [c["text"] for c in comments] == OTHER
    missing = run("sar", "Nobody", "--out", str(folder / "x.zip"), cwd=folder, env=env)
    assert missing.returncode == 1 and missing.stderr.startswith("error: no poster matches")
    assert not (folder / "x.zip").exists()
    engine = db.connect(database_url)
    try:
        with db.session_scope(engine) as session:
            recorded = session.scalars(
                select(AuditEvent.subject_id)
                .where(AuditEvent.action == "subject_access_export")
                .order_by(AuditEvent.id)
            ).all()
        assert len(recorded) == 2 and recorded[0] == result["case"]
    finally:
        engine.dispose()
