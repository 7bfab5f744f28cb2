"""Issue 18, the school's actions: block and unblock a poster, the complaint reply posted in
public, reports to the platform or the host, and reopening a confirmed flag; against the
Graph-compatible server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from moderator.evidence import bundle
from moderator.ingest import outbox, scanning, sources
from moderator.policy.classify import classifier_for
from moderator.review import cases, decisions, flags, responses, users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Action, AuditEvent, Comment, Flag, Source
from tests import platform_data as data
from tests.factories import load_school
from tests.graph_server import GraphServer
from workqueue.errors import IllegalTransition, NotAllowed
from workqueue.states import ActionStatus, FlagStatus

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
PARENT = ("7209384756100001", "Sam Example")
IG_PARENT = ("1234567890129999", "sam_on_ig")
PASSWORD = "correct horse battery staple"


pytestmark = pytest.mark.usefixtures("quick_retries")


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch) as server:
        yield server


@pytest.fixture
def school(graph: GraphServer, tmp_path: Path) -> config_mod.SchoolConfig:
    return load_school(tmp_path, data.config_text(graph.url))


@pytest.fixture
def scanned(engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig) -> dict[str, str]:
    """Sam's abuse on the Page and on Instagram, and another parent's complaint, scanned."""
    post = graph.add_post(data.PAGE, "Sports day", NOW - dt.timedelta(hours=3))
    abuse = graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(hours=2), author=PARENT)
    complaint = graph.add_fb_comment(
        post, data.COMPLAINT, NOW - dt.timedelta(hours=1), author=("7209384756100002", "Kim Other")
    )
    media = graph.add_media(data.IG, "Sports day", NOW - dt.timedelta(hours=3))
    graph.add_ig_comment(
        media,
        data.HARMFUL[2],
        NOW - dt.timedelta(hours=2),
        username=IG_PARENT[1],
        author_id=IG_PARENT[0],
    )
    result = scanning.scan(engine, school, classifier_for(school), full=True)
    assert result.errors == []
    with db.session_scope(engine) as session:
        users.add(session, "head", "Ann Head", "headteacher", PASSWORD)
        users.add(session, "mod", "Mo Derator", "moderator", PASSWORD)
        fb_case = cases.resolve(session, PARENT[1]).id
        ig_case = cases.resolve(session, IG_PARENT[1]).id
        cases.link(session, school, str(fb_case), str(ig_case), "head", "the same parent")
    return {"abuse": abuse, "complaint": complaint, "case": str(fb_case)}


def flag_of(engine: Engine, comment_id: str) -> int:
    with db.session_scope(engine) as session:
        for item in flags.queue(session):
            if item.comment_id == comment_id:
                return item.id
    raise AssertionError(f"no flag for {comment_id}")


def case_view(engine: Engine, school: config_mod.SchoolConfig, ref: str) -> dict[str, Any]:
    with db.session_scope(engine) as session:
        return cases.view(session, school, cases.resolve(session, ref)).to_json()


def test_a_block_and_an_unblock_are_each_sent_once_and_read_back(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig, scanned: dict[str, str]
) -> None:
    assert case_view(engine, school, scanned["case"])["blocked"] == {
        "facebook": False,
        "instagram": False,
    }
    done = responses.block(engine, school, scanned["case"], "head", "continued after a warning")
    by_platform = {r.platform: r for r in done.requested}
    assert by_platform["facebook"].status == ActionStatus.CONFIRMED
    assert graph.blocked(data.PAGE) == [PARENT[0]]
    assert len(graph.requests_to("POST", f"{data.PAGE}/blocked")) == 1
    assert len(graph.requests_to("GET", f"{data.PAGE}/blocked")) == 1  # read back once
    view = case_view(engine, school, scanned["case"])
    assert view["blocked"] == {"facebook": True, "instagram": False}

    with pytest.raises(IllegalTransition) as again:
        responses.block(engine, school, scanned["case"], "head")
    assert again.value.fields["case"] == int(scanned["case"])
    assert len(graph.requests_to("POST", f"{data.PAGE}/blocked")) == 1  # never sent twice

    lifted = responses.block(engine, school, scanned["case"], "head", lift=True)
    assert [r.status for r in lifted.requested if r.platform == "facebook"] == ["confirmed"]
    assert graph.blocked(data.PAGE) == []
    assert len(graph.requests_to("DELETE", f"{data.PAGE}/blocked")) == 1
    assert len(graph.requests_to("POST", f"{data.PAGE}/blocked")) == 1
    assert case_view(engine, school, scanned["case"])["blocked"]["facebook"] is False
    with db.session_scope(engine) as session:
        approved = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "poster").order_by(AuditEvent.id)
        ).all()
        confirmed = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.in_(("block_confirmed", "unblock_confirmed"))
            )
        ).all()
    assert [(e.action, e.actor) for e in approved][-2:] == [
        ("block_approved", "head"),
        ("unblock_approved", "head"),
    ]
    assert approved[-2].detail["why"] == "continued after a warning"
    assert sorted(confirmed) == ["block_confirmed", "unblock_confirmed"]


def test_instagram_block_is_a_manual_action_with_the_platforms_instructions(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig, scanned: dict[str, str]
) -> None:
    done = responses.block(engine, school, scanned["case"], "head")
    (instagram,) = [r for r in done.requested if r.platform == "instagram"]
    assert instagram.status == ActionStatus.MANUAL
    assert instagram.detail and "in the Instagram app" in instagram.detail
    assert not [r for r in graph.requests if "blocked" in r.path and data.IG in r.path]
    view = case_view(engine, school, scanned["case"])
    assert view["blocked"]["instagram"] is False  # not confirmed: a person does it by hand
    manual = [a for a in view["block_actions"] if a["platform"] == "instagram"]
    assert manual[0]["status"] == "manual" and "Block" in manual[0]["instructions"]


def test_only_a_headteacher_may_block(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig, scanned: dict[str, str]
) -> None:
    with pytest.raises(NotAllowed) as refused:
        responses.block(engine, school, scanned["case"], "mod")
    assert refused.value.code == "not_permitted" and refused.value.fields["what"] == "block"
    assert graph.requests_to("POST", f"{data.PAGE}/blocked") == []


def test_a_block_sent_before_a_crash_is_read_back_never_sent_again(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig, scanned: dict[str, str]
) -> None:
    offline = replace(school, sources=())  # nothing can be sent now: the actions wait
    responses.block(engine, offline, scanned["case"], "head")
    with db.session_scope(engine) as session:
        source_id = session.scalars(select(Source.id).where(Source.platform == "facebook")).one()
        action = session.scalars(
            select(Action)
            .join(Comment, Comment.id == Action.comment_id)
            .where(
                Action.kind == "block", Action.status == "pending", Comment.source_id == source_id
            )
        ).one()
        old = NOW - dt.timedelta(hours=1)
        session.execute(
            update(Action).where(Action.id == action.id).values(status="sending", sent_at=old)
        )
    connector = sources.connect(school.sources[0])
    try:
        connector.block(PARENT[0])  # type: ignore[attr-defined]  # it reached the platform
        sent = outbox.send_due(engine, connector, source_id)
    finally:
        connector.close()
    assert sent.responded == 1 and sent.errors == []
    assert len(graph.requests_to("POST", f"{data.PAGE}/blocked")) == 1  # not sent again
    assert case_view(engine, school, scanned["case"])["blocked"]["facebook"] is True


def test_a_complaint_reply_is_posted_once_after_approval(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig, scanned: dict[str, str]
) -> None:
    flag_id = flag_of(engine, scanned["complaint"])
    with pytest.raises(IllegalTransition) as early:
        responses.reply(engine, school, flag_id, "head")
    assert early.value.code == "no_complaint_reply"
    confirmed = decisions.decide(engine, school, flag_id, "mod", "confirm")
    assert confirmed.did == "complaint_confirmed" and confirmed.letter_id
    assert graph.requests_to("POST", f"{scanned['complaint']}/comments") == []  # not yet
    with pytest.raises(NotAllowed):
        responses.reply(engine, school, flag_id, "mod")

    done = responses.reply(engine, school, flag_id, "head")
    (posted,) = done.requested
    assert posted.status == ActionStatus.CONFIRMED and posted.detail
    assert len(graph.requests_to("POST", f"{scanned['complaint']}/comments")) == 1
    state = graph.comment_state(posted.detail)
    assert state["from"]["id"] == data.PAGE and "complaints" in state["message"].lower()
    with db.session_scope(engine) as session:
        letter_id = session.scalars(select(Action.letter_id).where(Action.kind == "reply")).one()
        (item,) = [i.to_json() for i in flags.queue(session) if i.id == flag_id]
        detail = flags.show(session, flag_id)
        assert detail is not None
        shown = detail.to_json()
    assert letter_id == confirmed.letter_id
    assert item["replied"] is True and item["reported"] is False
    assert [a["reference"] for a in shown["actions"] if a["kind"] == "reply"] == [posted.detail]
    assert "reply_approved" in [h["what"] for h in shown["history"]]

    with pytest.raises(IllegalTransition) as twice:
        responses.reply(engine, school, flag_id, "head")
    assert twice.value.code == "already_replied"
    assert len(graph.requests_to("POST", f"{scanned['complaint']}/comments")) == 1


def test_reports_are_recorded_with_who_when_and_the_reference(
    engine: Engine, school: config_mod.SchoolConfig, scanned: dict[str, str], tmp_path: Path
) -> None:
    flag_id = flag_of(engine, scanned["abuse"])
    responses.report(engine, school, flag_id, "mod", reference="FB-REPORT-778")
    responses.report(engine, school, flag_id, "mod", to="host", note="asked by email")
    responses.block(engine, school, scanned["case"], "head")
    with db.session_scope(engine) as session:
        (item,) = [i.to_json() for i in flags.queue(session) if i.id == flag_id]
        detail = flags.show(session, flag_id)
        assert detail is not None
        shown = detail.to_json()
    assert item["reported"] is True and item["host_asked_to_remove"] is True
    assert [(r["to"], r["by"], r["reference"]) for r in shown["reports"]] == [
        ("platform", "mod", "FB-REPORT-778"),
        ("host", "mod", None),
    ]
    assert {"reported_to_platform", "host_asked_to_remove"} <= {h["what"] for h in shown["history"]}

    done = bundle.export(
        engine,
        school,
        scanned["case"],
        tmp_path / "case.zip",
        actor="head",
        case=True,
        use_tsa=False,
    )
    with zipfile.ZipFile(done.path) as archive:
        listed = json.loads(archive.read("responses.json"))
    assert [r["reference"] for r in listed["reports"]] == ["FB-REPORT-778", None]
    kinds = {(a["kind"], a["status"]) for a in listed["platform_actions"]}
    assert {("block", "confirmed"), ("block", "manual")} <= kinds
    assert [d["action"] for d in listed["case_decisions"]][-1] == "block_approved"


def test_a_confirmed_flag_is_reopened_by_a_headteacher_with_a_note_not_by_a_moderator(
    engine: Engine, school: config_mod.SchoolConfig, scanned: dict[str, str]
) -> None:
    flag_id = flag_of(engine, scanned["abuse"])
    decisions.decide(engine, school, flag_id, "mod", "confirm")
    with pytest.raises(NotAllowed) as refused:
        decisions.decide(engine, school, flag_id, "mod", "reopen", note="mistake")
    assert refused.value.code == "not_permitted"
    with pytest.raises(IllegalTransition) as bare:
        decisions.decide(engine, school, flag_id, "head", "reopen")
    assert bare.value.code == "reopen_needs_note"
    done = decisions.decide(engine, school, flag_id, "head", "reopen", note="wrong parent")
    assert done.did == "reopened" and done.status == FlagStatus.IN_REVIEW
    with db.session_scope(engine) as session:
        flag = session.get_one(Flag, flag_id)
        assert flag.breach is None and flag.claimed_by == "head"
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "flag", AuditEvent.subject_id == flag_id)
            .order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None and event.action == "reopen" and event.actor == "head"
    assert event.detail["why"] == "wrong parent"
