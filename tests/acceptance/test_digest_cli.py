"""``moderator digest`` as a user runs it: a real process, a config file, a real SMTP server."""

from __future__ import annotations

from pathlib import Path

from tests.cli import run
from tests.factories import MINIMAL_CONFIG, jsonl
from tests.smtp_server import SMTPServer, free_port

THREAT = "I will smash the head's face in at the gate"
SAFEGUARDING = "idk who else to tell but ive started cutting again"


def write_school(cwd: Path, port: int) -> None:
    (cwd / "moderator.toml").write_text(
        MINIMAL_CONFIG
        + '\n[classifier]\nbackend = "lexical"\n'
        + f'\n[mail]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
        + 'username = "digest-bot"\npassword_env = "DIGEST_SMTP_PASSWORD"\n'
        + 'from_address = "moderation@school.example"\ntimeout_seconds = 5\n'
        + '\n[digest]\nto = ["moderators@school.example"]\nat = "00:00"\n',
        encoding="utf-8",
    )
    rows = [
        {"id": "t1", "text": THREAT, "author": "Stranger"},
        {"id": "s1", "text": SAFEGUARDING, "author": "A Pupil"},
        {"id": "c1", "text": "The uniform is too expensive and nobody asked parents"},
    ]
    (cwd / "comments.jsonl").write_text(jsonl(rows), encoding="utf-8")


def test_digest_prints_then_sends(tmp_path: Path, database_url: str) -> None:
    password = "s3cret-Pa55word"
    env = {"MODERATOR_DATABASE_URL": database_url, "DIGEST_SMTP_PASSWORD": password}
    with SMTPServer(users={"digest-bot": password}) as smtp:
        write_school(tmp_path, smtp.port)
        scanned = run("scan", cwd=tmp_path, env=env)
        assert scanned.returncode == 0, scanned.stderr

        printed = run("digest", "--since", "1h", cwd=tmp_path, env=env)
        assert printed.returncode == 0, printed.stderr
        assert "New flags: 3" in printed.stdout and THREAT in printed.stdout
        assert "a safeguarding concern for the DSL, flag 2" in printed.stdout
        assert "cutting" not in printed.stdout and smtp.messages == []

        sent = run("digest", "--send", cwd=tmp_path, env=env)
        assert sent.returncode == 0, sent.stderr
        assert "to 1 recipient(s) via 127.0.0.1" in sent.stdout
        [received] = smtp.messages
        assert received.rcpt_tos == ["moderators@school.example"]
        subject = received.message["Subject"]
        assert subject.startswith("[Moderation] Test School: 3 new flags, 1 high severity, ")
        assert b"cutting" not in received.raw and password.encode() not in received.raw

        # --send recorded digest_sent, so today's scheduled digest is already done.
        due = run("digest", "--due", cwd=tmp_path, env=env)
        assert due.returncode == 0, due.stderr
        assert "already been sent" in due.stdout and len(smtp.messages) == 1


def test_digest_send_failure_is_one_line(tmp_path: Path, database_url: str) -> None:
    closed = free_port()
    write_school(tmp_path, closed)
    env = {"MODERATOR_DATABASE_URL": database_url, "DIGEST_SMTP_PASSWORD": "hunter2"}
    failed = run("digest", "--send", cwd=tmp_path, env=env)
    assert failed.returncode == 1
    assert failed.stderr == (
        f"error: SMTP server 127.0.0.1:{closed}: connection refused (is the host and port right?)\n"
    )
    assert "hunter2" not in failed.stdout + failed.stderr
    due = run("digest", "--due", cwd=tmp_path, env=env)
    assert due.returncode == 1 and "connection refused" in due.stderr
