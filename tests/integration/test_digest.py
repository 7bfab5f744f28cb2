"""The daily digest on SQLite and PostgreSQL, sent to a real SMTP server on 127.0.0.1.

The data comes from scanning a file source with the lexical classifier: a threat (police), abuse
(a meeting), a safeguarding plea (the DSL) and a complaint. The safeguarding comment's words
must appear nowhere in what is sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from moderator.ingest import scanning
from moderator.ops import digest
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import AuditEvent, Flag, Source, utcnow
from tests.factories import MINIMAL_CONFIG, jsonl
from tests.smtp_server import Received, SMTPServer, free_port

THREAT = "I will smash the head's face in at the gate"
ABUSE = "Mrs Holloway is a useless idiot"
SAFEGUARDING = "idk who else to tell but ive started cutting again"
COMPLAINT = "The uniform is too expensive and nobody asked parents"
#: Words of the safeguarding comment that must never leave the database in a digest.
SAFEGUARDING_WORDS = (SAFEGUARDING, "cutting", "idk who else", "started cutting")
TO = ["moderators@school.example", "head@school.example"]
SENDER = "moderation@school.example"

WriteConfig = Callable[..., Path]


def school(write_config: WriteConfig, port: int, extra: str = "", **digest_keys: str) -> Path:
    """Write the config (the minimal school, the lexical classifier, [mail] and [digest]) and
    the comments file; the config's path."""
    keys = {"to": repr(TO).replace("'", '"'), "at": '"00:00"', **digest_keys}
    body = (
        MINIMAL_CONFIG
        + '\n[classifier]\nbackend = "lexical"\n'
        + f'\n[mail]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
        + f'from_address = "{SENDER}"\ntimeout_seconds = 5\n{extra}'
        + "\n[digest]\n"
        + "".join(f"{key} = {value}\n" for key, value in keys.items())
    )
    rows = [
        {"id": "t1", "text": THREAT, "author": "Stranger"},
        {"id": "a1", "text": ABUSE, "author": "Dave Parent"},
        {"id": "s1", "text": SAFEGUARDING, "author": "A Pupil"},
        {"id": "c1", "text": COMPLAINT, "author": "Another Parent"},
        {"id": "ok", "text": "Lovely assembly today", "author": "Gran"},
    ]
    return write_config(body, jsonl(rows))


def load(
    write_config: WriteConfig, port: int, extra: str = "", **keys: str
) -> config_mod.SchoolConfig:
    return config_mod.load(school(write_config, port, extra, **keys))


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def scanned(engine: Engine, write_config: WriteConfig, smtp: SMTPServer) -> config_mod.SchoolConfig:
    """The school scanned once; its source then broken (unhealthy, with an error)."""
    config = load(write_config, smtp.port)
    result = scanning.scan(engine, config, classifier_for(config))
    assert result.errors == [] and result.flagged == 4
    with db.session_scope(engine) as session:
        session.execute(
            update(Source)
            .where(Source.name == "reports")
            .values(healthy=False, last_error="token expired (code 190)")
        )
    return config


def flag_ids(engine: Engine) -> dict[str, int]:
    """Flag ids by the platform's comment id."""
    with db.session_scope(engine) as session:
        return {flag.comment.platform_comment_id: flag.id for flag in session.scalars(select(Flag))}


def sent_events(engine: Engine) -> list[AuditEvent]:
    with db.session_scope(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == "digest_sent").order_by(AuditEvent.id)
            )
        )


def parts(received: Received) -> tuple[str, str]:
    """The plain text and HTML parts, decoded (line ends as sent: CRLF made LF)."""
    message = received.message
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and rich is not None
    return (
        plain.get_content().replace("\r\n", "\n"),
        rich.get_content().replace("\r\n", "\n"),
    )


def test_the_digest_arrives_with_counts_high_severity_and_broken_sources(
    engine: Engine, scanned: config_mod.SchoolConfig, smtp: SMTPServer
) -> None:
    now = utcnow()
    with db.session_scope(engine) as session:
        built = digest.build(session, scanned, now - dt.timedelta(hours=24), now)
    sent = digest.send_now(engine, scanned, built)
    assert sent.recipients == 2 and sent.refused == ()

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.mail_from == SENDER and received.rcpt_tos == TO
    message = received.message
    assert message["From"] == SENDER and message["To"] == ", ".join(TO)
    day = now.astimezone(digest.UK)
    assert message["Subject"] == (
        "[Moderation] Test School: 4 new flags, 1 high severity, 1 safeguarding, "
        f"1 source to check ({day:%a} {day.day} {day:%b})"
    )
    plain, rich = parts(received)
    ids = flag_ids(engine)

    assert "New flags: 4" in plain and "Open queue (new, hidden or in review): 4" in plain
    assert "by category: abuse 1, complaint 1, safeguarding 1, threat 1" in plain
    assert "by status now: new 4" in plain
    assert f"flag {ids['t1']}: police; threat; file (reports)" in plain
    assert f"\u201c{THREAT}\u201d" in plain and "smash the head&#x27;s face" in rich
    assert f"a safeguarding concern for the DSL, flag {ids['s1']}" in plain
    assert f"a safeguarding concern for the DSL, flag {ids['s1']}" in rich
    assert ABUSE not in plain and COMPLAINT not in plain  # not high severity: counted only
    assert "reports (file): marked unhealthy" in plain and "token expired (code 190)" in plain
    assert "token expired (code 190)" in rich
    assert f"/flags/{ids['t1']}" in rich and "moderator serve" in plain

    for words in SAFEGUARDING_WORDS:
        for where in (plain, rich, received.raw.decode("utf-8", "replace")):
            assert words not in where

    [event] = sent_events(engine)
    assert event.detail["recipients"] == 2 and event.detail["flags"] == 4
    assert event.detail["high_severity"] == 1 and event.detail["safeguarding"] == 1
    assert not any(w in str(event.detail) for w in (*SAFEGUARDING_WORDS, THREAT, "@"))


def test_without_include_text_no_comment_is_quoted(
    engine: Engine, write_config: WriteConfig, smtp: SMTPServer
) -> None:
    config = load(
        write_config, smtp.port, include_text="false", high_severity='["police", "meeting"]'
    )
    scanning.scan(engine, config, classifier_for(config))
    now = utcnow()
    with db.session_scope(engine) as session:
        built = digest.build(session, config, now - dt.timedelta(hours=1), now)
    assert built.high_severity == 2 and built.safeguarding == 1 and built.sources == ()
    digest.send_now(engine, config, built)
    plain, rich = parts(smtp.messages[0])
    ids = flag_ids(engine)
    for text in (THREAT, ABUSE, *SAFEGUARDING_WORDS):
        assert text not in plain and text not in rich
    assert f"comment text not included: see flag {ids['a1']}" in plain
    assert "Sources needing attention:\n  none" in plain


def test_a_stale_and_a_never_scanned_source_need_attention(
    engine: Engine, write_config: WriteConfig, smtp: SMTPServer
) -> None:
    extra_sources = (
        '\n[[sources]]\nname = "parents page"\nplatform = "file"\npath = "comments.jsonl"\n'
        "poll_interval_seconds = 600\n"
        '\n[[sources]]\nname = "old reports"\nplatform = "file"\npath = "comments.jsonl"\n'
    )
    path = school(write_config, smtp.port)
    text = path.read_text(encoding="utf-8").replace(
        "\n[classifier]", extra_sources + "\n[classifier]"
    )
    path.write_text(text, encoding="utf-8")
    config = config_mod.load(path)
    scanning.scan(engine, config, classifier_for(config), source_name="reports")
    scanning.scan(engine, config, classifier_for(config), source_name="parents page")
    now = utcnow()
    with db.session_scope(engine) as session:
        session.execute(
            update(Source)
            .where(Source.name == "parents page")
            .values(last_polled_at=now - dt.timedelta(minutes=31))
        )
        built = digest.build(session, config, now - dt.timedelta(hours=1), now)
    problems = {s.name: s.problems for s in built.sources}
    assert set(problems) == {"parents page", "old reports"}
    assert problems["old reports"] == ("never scanned",)
    [stale] = problems["parents page"]
    assert stale.startswith("not polled since ") and stale.endswith("(due every 10 minutes)")


def test_send_due_sends_once_a_day(
    engine: Engine, scanned: config_mod.SchoolConfig, smtp: SMTPServer
) -> None:
    now = utcnow()
    assert digest.send_due(engine, scanned, now) is True
    assert digest.send_due(engine, scanned, now + dt.timedelta(seconds=1)) is False
    assert len(smtp.messages) == 1 and len(sent_events(engine)) == 1
    assert "4 new flags" in smtp.messages[0].message["Subject"]

    # The next UK day: due again, covering the time since the last digest (no new flags).
    tomorrow = now + dt.timedelta(days=1)
    assert digest.send_due(engine, scanned, tomorrow) is True
    assert len(smtp.messages) == 2 and "0 new flags" in smtp.messages[1].message["Subject"]
    events = sent_events(engine)
    assert events[1].detail["since"] == now.isoformat()


def test_send_due_waits_for_the_time_and_needs_recipients(
    engine: Engine, scanned: config_mod.SchoolConfig, smtp: SMTPServer
) -> None:
    at_half_seven = dataclasses.replace(scanned.digest, at=dt.time(7, 30))
    config = dataclasses.replace(scanned, digest=at_half_seven)
    # 07:29 and 07:30 UK time in summer (BST, UTC+1) and in winter (GMT).
    summer = dt.datetime(2026, 7, 1, 6, 29, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 7, 29, tzinfo=dt.UTC)
    for before in (summer, winter):
        assert digest.send_due(engine, config, before) is False
        assert digest.send_due(engine, config, before + dt.timedelta(minutes=1)) is True
    nobody = dataclasses.replace(scanned, digest=dataclasses.replace(scanned.digest, to=()))
    assert digest.send_due(engine, nobody, dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)) is False
    assert len(smtp.messages) == 2 and len(sent_events(engine)) == 2


def test_workers_racing_send_one_digest(
    engine: Engine, scanned: config_mod.SchoolConfig, smtp: SMTPServer
) -> None:
    now = utcnow()
    start = threading.Barrier(4)
    results: list[bool] = []

    def worker() -> None:
        start.wait()
        results.append(digest.send_due(engine, scanned, now))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, False, False, True]
    assert len(smtp.messages) == 1 and len(sent_events(engine)) == 1


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        (
            {"data_reply": "554 5.7.1 Message rejected as spam"},
            "refused the message (554 5.7.1 Message rejected as spam)",
        ),
        (
            {"rcpt_reply": "550 5.1.1 No such mailbox"},
            "refused every recipient: moderators@school.example (550 5.1.1 No such mailbox)",
        ),
    ],
)
def test_a_refusing_server_records_nothing_sent(
    engine: Engine,
    write_config: WriteConfig,
    server: dict[str, str],
    problem: str,
) -> None:
    with SMTPServer(
        data_reply=server.get("data_reply"), rcpt_reply=server.get("rcpt_reply")
    ) as refusing:
        config = load(write_config, refusing.port)
        scanning.scan(engine, config, classifier_for(config))
        now = utcnow()
        with pytest.raises(digest.DigestError) as raised:
            digest.send_due(engine, config, now)
    message = str(raised.value)
    assert message.startswith(f"SMTP server 127.0.0.1:{refusing.port}: ") and problem in message
    assert "\n" not in message and refusing.messages == []
    assert sent_events(engine) == []

    # Nothing was recorded, so the day's digest is still due once the server accepts.
    with SMTPServer() as accepting:
        fixed = load(write_config, accepting.port)
        assert digest.send_due(engine, fixed, now) is True
        assert len(accepting.messages) == 1 and len(sent_events(engine)) == 1


def test_a_closed_port_and_a_missing_starttls_are_one_line_errors(
    engine: Engine, write_config: WriteConfig
) -> None:
    closed = free_port()
    config = load(write_config, closed)
    scanning.scan(engine, config, classifier_for(config))
    with pytest.raises(
        digest.DigestError, match=rf"^SMTP server 127\.0\.0\.1:{closed}: connection refused"
    ):
        digest.send_due(engine, config)
    with SMTPServer() as plain_only:
        config = load(write_config, plain_only.port)
        config = dataclasses.replace(config, mail=dataclasses.replace(config.mail, starttls=True))
        with pytest.raises(digest.DigestError, match="STARTTLS extension not supported"):
            digest.send_due(engine, config)
        assert plain_only.messages == []
    assert sent_events(engine) == []


def test_login_uses_the_password_from_the_environment_and_never_shows_it(
    engine: Engine, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cret-Pa55word"
    login = 'username = "digest-bot"\npassword_env = "DIGEST_SMTP_PASSWORD"\n'
    with SMTPServer(users={"digest-bot": secret}) as server:
        config = load(write_config, server.port, extra=login)
        scanning.scan(engine, config, classifier_for(config))

        monkeypatch.delenv("DIGEST_SMTP_PASSWORD", raising=False)
        with pytest.raises(digest.DigestError, match="DIGEST_SMTP_PASSWORD is not set"):
            digest.send_due(engine, config)

        monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "wrong-" + secret)
        with pytest.raises(digest.DigestError) as raised:
            digest.send_due(engine, config)
        assert "refused the login for 'digest-bot' (535" in str(raised.value)
        assert secret not in str(raised.value) and "127.0.0.1" in str(raised.value)
        assert sent_events(engine) == [] and server.messages == []

        monkeypatch.setenv("DIGEST_SMTP_PASSWORD", secret)
        assert digest.send_due(engine, config) is True
        assert server.logins == ["digest-bot"] and len(server.messages) == 1
