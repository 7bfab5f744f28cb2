"""Staff reports and the school's own words, through the web app on SQLite and PostgreSQL (the
demo school, signed in as test_web.py does): a member of staff reports a comment and sees only
their own reports; a headteacher's blocked phrase changes the next scan, and is audited."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from moderator.ingest import scanning, staff_reports
from moderator.policy.classify import classifier_for
from moderator.policy.school_words import REASON
from moderator.review import users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    AuditEvent,
    Comment,
    CustodyEvent,
    EvidenceSnapshot,
    Flag,
    SchoolWord,
    Source,
    User,
)
from tests.reports_support import demo, signed_in
from tests.web_client import PASSWORD, cheap_hashes, csrf_of
from workqueue.roles import Role

__all__ = ["cheap_hashes", "demo"]

REPORTED = "Mr Asante is a useless drunk and everyone in the Year 7 parents group knows it"
SEEN = "the Year 7 parents' WhatsApp group"


def staff(engine: Engine, config: config_mod.SchoolConfig, username: str) -> TestClient:
    with db.session_scope(engine) as session:
        users.add(session, username, f"Staff {username}", "staff", PASSWORD)
    return signed_in(engine, config, username)


def report(client: TestClient, text: str, where: str = SEEN, poster: str = "Gaz P") -> int:
    token = csrf_of(client.get("/staff-reports/new").text)
    answer = client.post(
        "/staff-reports",
        data={
            "csrf_token": token,
            "text": text,
            "address": where,
            "seen_at": "2026-10-14T19:30",
            "posted_by": poster,
        },
    )
    return answer.status_code


def test_a_staff_report_becomes_a_flag_with_a_snapshot_naming_the_reporter(
    demo: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    client = staff(demo, sample_config, "sam")
    assert report(client, REPORTED) == 303
    with db.session_scope(demo) as session:
        assert session.scalars(select(User.role).where(User.username == "sam")).one() is Role.STAFF
        comment = session.scalars(
            select(Comment).join(Source).where(Source.name == staff_reports.SOURCE)
        ).one()
        assert comment.source.platform == staff_reports.PLATFORM
        assert comment.author_name == "Gaz P" and comment.text == REPORTED
        flag = session.scalars(select(Flag).where(Flag.comment_id == comment.id)).one()
        assert "defamation" in flag.categories or "abuse" in flag.categories
        shot = session.scalars(
            select(EvidenceSnapshot).where(EvidenceSnapshot.comment_id == comment.id)
        ).one()
        content = json.loads(shot.content)
        assert content["raw"]["reported_by"] == {
            "username": "sam",
            "name": "Staff sam",
            "role": "staff report",
        }
        assert content["raw"]["where_seen"] == SEEN
        assert content["source"] == {"name": "staff_reports", "platform": "report"}
        assert shot.captured_by == "sam"
        custody = session.scalars(
            select(CustodyEvent).where(CustodyEvent.snapshot_id == shot.id)
        ).one()
        assert custody.actor == "sam" and custody.detail["via"] == "staff report"
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "staff_report"))
        assert (event.actor, event.subject_id) == ("sam", comment.id)
        assert REPORTED not in json.dumps(event.detail)
    mine = client.get("/staff-reports")
    assert mine.status_code == 200 and "Mr Asante is a useless drunk" in mine.text
    # a comment the policy raises nothing on is flagged all the same, for review
    assert report(client, "Lovely photos from sports day, well done everyone") == 303
    with db.session_scope(demo) as session:
        flags = session.scalars(
            select(Flag).join(Comment).join(Source).where(Source.name == staff_reports.SOURCE)
        ).all()
        assert len(flags) == 2
        assert next(f for f in flags if not f.categories).route == "moderators"


def test_a_staff_report_refuses_what_is_missing(
    demo: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    client = staff(demo, sample_config, "sam")
    assert report(client, "   ") == 400
    assert report(client, REPORTED, where="") == 400
    with db.session_scope(demo) as session:
        assert not session.scalars(select(Source).where(Source.name == "staff_reports")).all()


PAGES = ["/", "/dashboard", "/audit", "/report", "/report.pdf", "/safeguarding", "/school-words"]


def test_a_staff_user_sees_no_flag_but_their_own_reports(
    demo: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    other = staff(demo, sample_config, "other")
    assert report(other, "The head is a liar and a thief, SAYS OTHER") == 303
    client = staff(demo, sample_config, "sam")
    with db.session_scope(demo) as session:
        flag_ids = session.scalars(select(Flag.id)).all()
        texts = [c.text for c in session.scalars(select(Comment))]
    assert client.get("/").headers["location"] == "/staff-reports"
    for path in PAGES[1:] + [f"/flags/{i}" for i in flag_ids] + ["/letters/1"]:
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert not [t for t in texts if t[:30] in answer.text], path
    token = csrf_of(client.get("/staff-reports/new").text)
    for path in ["/claim", f"/flags/{flag_ids[0]}/decide", f"/flags/{flag_ids[0]}/export"]:
        answer = client.post(path, data={"csrf_token": token, "verb": "dismiss"})
        assert answer.status_code == 403, path
    mine = client.get("/staff-reports")
    assert mine.status_code == 200
    assert "You have not reported a comment yet." in mine.text
    assert not [t for t in texts if t[:30] in mine.text]
    # the moderators' pages still work for a moderator
    assert signed_in(demo, sample_config, "mod").get("/").status_code == 200


def test_the_schools_blocked_phrase_changes_the_next_scan_and_is_audited(
    demo: Engine, sample_config: config_mod.SchoolConfig, tmp_path: Path
) -> None:
    text = "Ask where the sports hall money went, I want answers about the uniform prices"
    lines = [json.dumps({"id": f"w{i}", "text": text, "author": "A Parent"}) for i in (1, 2)]
    (tmp_path / "one.jsonl").write_text(lines[0] + "\n", encoding="utf-8")
    (tmp_path / "two.jsonl").write_text(lines[1] + "\n", encoding="utf-8")

    def scan(name: str) -> Flag | None:
        source = config_mod.SourceConfig(name=name, platform="file", path=tmp_path / name)
        config = dataclasses.replace(sample_config, sources=(source,))
        result = scanning.scan(demo, config, classifier_for(config), full=True)
        assert result.new == 1 and not result.errors, result
        with db.session_scope(demo) as session:
            found = session.scalars(
                select(Flag).join(Comment).join(Source).where(Source.name == name)
            ).first()
            if found is not None:
                session.expunge(found)
            return found

    assert scan("one.jsonl") is None
    head = signed_in(demo, sample_config, "head")
    token = csrf_of(head.get("/school-words").text)
    added = head.post(
        "/school-words",
        data={
            "csrf_token": token,
            "kind": "blocked",
            "phrase": " Sports  Hall Money ",
            "category": "abuse",
        },
    )
    assert added.status_code == 303
    page = head.get("/school-words")
    assert "sports hall money" in page.text and "Added to the blocked list" in page.text
    flag = scan("two.jsonl")
    assert flag is not None and flag.categories == ["abuse"]
    with db.session_scope(demo) as session:
        row = session.get(Flag, flag.id)
        assert row is not None
        assert row.classification.hide
        assert row.classification.reasons == [f"abusive or insulting language; {REASON}"]
        ((start, end, _),) = row.classification.spans
        assert text[start:end] == "sports hall money"
        word = session.scalars(select(SchoolWord)).one()
        (event,) = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "school_word_added")
        )
        assert (event.actor, event.subject_id) == ("head", word.id)
        assert event.detail == {
            "list": "blocked",
            "phrase": "sports hall money",
            "category": "abuse",
        }
    assert "school word added" in head.get("/audit").text
    # removing it is audited too; a moderator may not edit the lists
    token = csrf_of(head.get("/school-words").text)
    assert (
        head.post(f"/school-words/{word.id}/remove", data={"csrf_token": token}).status_code == 303
    )
    with db.session_scope(demo) as session:
        assert not session.scalars(select(SchoolWord)).all()
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.action == "school_word_removed"))
            .one()
            .actor
            == "head"
        )
    mod = signed_in(demo, sample_config, "mod")
    assert mod.get("/school-words").status_code == 403
    token = csrf_of(mod.get("/").text)
    refused = mod.post(
        "/school-words", data={"csrf_token": token, "kind": "allowed", "phrase": "x"}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize("role", ["staff"])
def test_users_add_takes_the_staff_role(engine: Engine, role: str) -> None:
    with db.session_scope(engine) as session:
        users.add(session, "s1", "Sam Staff", role, PASSWORD)
    with db.session_scope(engine) as session:
        assert session.scalars(select(User.role)).one() is Role.STAFF
