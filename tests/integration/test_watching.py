"""Watching what happens next, against the Graph-compatible server and the loopback SMTP
server, on SQLite and PostgreSQL: a removal a letter asked for is noticed by the next poll and
recorded on the case; a clean comment edited into abuse is flagged on the next poll with both
versions in its evidence; a threat arriving by poll alerts once within the scan; quiet hours
hold an alert that is not a threat."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from moderator.evidence.times import UK
from moderator.ingest import scanning
from moderator.ops import alerts
from moderator.policy.classify import classifier_for
from moderator.review import cases, flags, letters, removals
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Alert, AuditEvent, Comment, EvidenceSnapshot, Flag
from tests import platform_data as data
from tests.factories import write_school
from tests.graph_server import GraphServer
from tests.smtp_server import SMTPServer

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
PARENT = ("7209384756102938", "Sam Example")
TO = ["head@school.example", "dsl@school.example"]


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch, page_size=7) as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


def school(tmp_path: Path, graph: GraphServer, smtp: SMTPServer, extra: str = "") -> Path:
    mail = (
        f'\n[mail]\nhost = "127.0.0.1"\nport = {smtp.port}\nstarttls = false\n'
        'from_address = "moderator@school.example"\ntimeout_seconds = 5\n'
        f"\n[alerts]\nto = {json.dumps(TO)}\n"
        'web_url = "https://moderator.school.example/"\n'
    )
    return write_school(tmp_path, data.config_text(graph.url) + mail + extra)


def poll(engine: Engine, config: config_mod.SchoolConfig) -> scanning.ScanResult:
    result = scanning.scan(
        engine, config, classifier_for(config), source_name="facebook-page", alert=alerts.send_due
    )
    assert result.errors == []
    return result


def test_a_removal_asked_for_is_noticed_by_the_next_poll_and_recorded_on_the_case(
    engine: Engine, graph: GraphServer, smtp: SMTPServer, tmp_path: Path
) -> None:
    config = config_mod.load(school(tmp_path, graph, smtp))
    post = graph.add_post(data.PAGE, "Sports day photos", NOW - dt.timedelta(days=5))
    abuse = graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(days=4), author=PARENT)
    poll(engine, config)
    with db.session_scope(engine) as session:
        flag = session.scalars(select(Flag)).one()
        letter = letters.write(session, "meeting", config, flag, [flag], "head")
        poster_id, letter_id = flag.poster_id, letter.id
    assert poster_id is not None
    graph.add_fb_comment(post, "Lovely photos", NOW - dt.timedelta(hours=1))
    poll(engine, config)  # still up: nothing recorded, the request waits
    with db.session_scope(engine) as session:
        (request,) = removals.for_case(session, config, [poster_id])
        assert request.status == "waiting" and request.comments[0].removed_at is None
        (item,) = flags.queue(session)
        assert (item.removal_requested, item.removal_done, item.deleted) == (
            True,
            False,
            False,
        )

    graph.delete_comment(abuse)
    graph.fail_next("permission", path_contains=abuse, method="GET")  # gone, but unreadable
    poll(engine, config)
    with db.session_scope(engine) as session:  # not fetched is not gone
        assert session.scalars(select(Comment.removed_at).where(Comment.id == 1)).one() is None

    poll(engine, config)
    with db.session_scope(engine) as session:
        comment = session.scalars(select(Comment).where(Comment.platform_comment_id == abuse)).one()
        assert comment.removed_at is not None
        assert session.scalars(  # the evidence stays
            select(EvidenceSnapshot).where(EvidenceSnapshot.comment_id == comment.id)
        ).all()
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "removed_on_platform")
        ).all()
        assert events == ["removed_on_platform"]  # once
        view = cases.view(session, config, cases.resolve(session, str(poster_id)))
        (request,) = view.removal_requests
        assert request.letter == letter_id and request.status == "met"
        assert request.next_step is None
        assert view.flags[0].deleted is True
        (item,) = flags.queue(session)
        assert (item.removal_requested, item.removal_done, item.deleted) == (
            True,
            True,
            True,
        )


def test_a_request_not_met_by_its_deadline_proposes_the_next_rung(
    engine: Engine, graph: GraphServer, smtp: SMTPServer, tmp_path: Path
) -> None:
    extra = "\n[escalation]\nremoval_deadline_days = 3\n"
    config = config_mod.load(school(tmp_path, graph, smtp, extra))
    post = graph.add_post(data.PAGE, "Sports day photos", NOW - dt.timedelta(days=5))
    graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(days=4), author=PARENT)
    poll(engine, config)
    with db.session_scope(engine) as session:
        flag = session.scalars(select(Flag)).one()
        letter = letters.write(session, "written_warning", config, flag, [flag], "head")
        later = letter.created_at + dt.timedelta(days=3, minutes=1)
        (request,) = removals.for_case(session, config, [flag.poster_id or 0], now=later)
        assert request.status == "not_met" and request.next_step == "police"
        before = letter.created_at + dt.timedelta(days=2)
        (request,) = removals.for_case(session, config, [flag.poster_id or 0], now=before)
        assert request.status == "waiting" and request.next_step is None


def test_a_clean_comment_edited_into_abuse_is_flagged_on_the_next_poll_with_both_versions(
    engine: Engine, graph: GraphServer, smtp: SMTPServer, tmp_path: Path
) -> None:
    config = config_mod.load(school(tmp_path, graph, smtp))
    post = graph.add_post(data.PAGE, "Sports day photos", NOW - dt.timedelta(days=1))
    clean = data.ORDINARY[1]
    comment_id = graph.add_fb_comment(post, clean, NOW - dt.timedelta(hours=20), author=PARENT)
    graph.add_fb_comment(post, data.ORDINARY[2], NOW - dt.timedelta(hours=1))  # moves the mark
    assert poll(engine, config).flagged == 0

    graph.edit_comment(comment_id, data.HARMFUL[0])
    result = poll(engine, config)  # the mark is past it: only the re-read window finds it
    assert result.flagged == 1 and result.new == 0
    with db.session_scope(engine) as session:
        (item,) = flags.queue(session)
        assert item.comment_id == comment_id and "abuse" in item.categories
        assert item.edited is True and item.text == clean  # the record is as first read
        first, second = session.scalars(
            select(EvidenceSnapshot).order_by(EvidenceSnapshot.id)
        ).all()
        assert json.loads(first.content)["comment"]["text"] == clean
        assert json.loads(second.content)["comment"]["text"] == data.HARMFUL[0]
        assert second.corrects_id == first.id
    assert [r.form.get("is_hidden") for r in graph.hide_requests(comment_id)] == ["true"]

    assert poll(engine, config).flagged == 0  # the same edit is not judged twice
    with db.session_scope(engine) as session:
        assert len(session.scalars(select(EvidenceSnapshot)).all()) == 2


def test_a_threat_by_poll_alerts_once_within_the_scan(
    engine: Engine, graph: GraphServer, smtp: SMTPServer, tmp_path: Path
) -> None:
    config = config_mod.load(school(tmp_path, graph, smtp))
    post = graph.add_post(data.PAGE, "Sports day photos", NOW - dt.timedelta(hours=2))
    graph.add_fb_comment(post, data.HARMFUL[1], NOW - dt.timedelta(hours=1), author=PARENT)
    poll(engine, config)
    assert len(smtp.messages) == 1  # sent within the scan
    received = smtp.messages[0]
    assert sorted(received.rcpt_tos) == sorted(TO)
    body = received.message.get_body(("plain",))
    assert body is not None
    words = body.get_content()
    with db.session_scope(engine) as session:
        flag = session.scalars(select(Flag)).one()
    assert f"Flag {flag.id}" in words and "threat" in words
    assert f"https://moderator.school.example/flags/{flag.id}" in words
    assert "smash" not in words and "Patel" not in words  # no comment text at all
    assert "Threat" in str(received.message["Subject"])

    poll(engine, config)
    assert alerts.send_due(engine, config) == []
    assert len(smtp.messages) == 1  # never twice


def test_quiet_hours_hold_an_alert_that_is_not_a_threat(
    engine: Engine, graph: GraphServer, smtp: SMTPServer, tmp_path: Path
) -> None:
    local = NOW.astimezone(UK)
    span = f"{local - dt.timedelta(hours=1):%H:%M}-{local + dt.timedelta(hours=1):%H:%M}"
    config = config_mod.load(school(tmp_path, graph, smtp, f'quiet_hours = "{span}"\n'))
    post = graph.add_post(data.PAGE, "Sports day photos", NOW - dt.timedelta(hours=2))
    graph.add_fb_comment(post, data.HARMFUL[1], NOW - dt.timedelta(hours=1), author=PARENT)
    graph.add_fb_comment(
        post, "idk who else to tell but ive started cutting again", NOW - dt.timedelta(hours=1)
    )
    poll(engine, config)
    with db.session_scope(engine) as session:
        found = {(a.reason, a.threat): a.status for a in session.scalars(select(Alert))}
    assert found == {("police", True): "sent", ("dsl", False): "held"}
    assert len(smtp.messages) == 1  # the threat, in quiet hours all the same

    assert alerts.send_due(engine, config, NOW + dt.timedelta(minutes=30)) == []
    assert len(smtp.messages) == 1  # still quiet
    assert alerts.send_due(engine, config, NOW + dt.timedelta(hours=2)) == []
    assert len(smtp.messages) == 2  # the quiet hours are over
    held = smtp.messages[1].message
    assert "Safeguarding" in str(held["Subject"])
    plain = held.get_body(("plain",))
    assert plain is not None and "cutting" not in plain.get_content()
    categories = [line for line in plain.get_content().splitlines() if "Categories" in line]
    assert categories == [f"Categories: {alerts.WITHHELD}."]  # a DSL item names none
