"""Scanning Facebook and Instagram end to end against the Graph-compatible server, on SQLite
and PostgreSQL: every comment once, hides sent once and confirmed, failures contained."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from moderator.ingest import outbox, scanning, sources
from moderator.policy.classify import classifier_for
from moderator.review import flags
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Action, Comment, Flag, Source
from tests import platform_data as data
from tests.factories import load_school
from tests.graph_server import GraphServer

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


pytestmark = pytest.mark.usefixtures("quick_retries")


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch, page_size=7) as server:
        yield server


@pytest.fixture
def school(graph: GraphServer, tmp_path: Path) -> config_mod.SchoolConfig:
    return load_school(tmp_path, data.config_text(graph.url))


def scan(engine: Engine, school: config_mod.SchoolConfig, **options: object) -> scanning.ScanResult:
    return scanning.scan(engine, school, classifier_for(school), **options)  # type: ignore[arg-type]


def hides(graph: GraphServer) -> list[str]:
    """Comment ids of the successful hide calls the server received."""
    return [
        r.path.rsplit("/", 1)[-1]
        for r in graph.hide_requests()
        if not r.faulted and (r.form.get("is_hidden") == "true" or r.form.get("hide") == "true")
    ]


def actions(engine: Engine) -> list[Action]:
    with db.session_scope(engine) as session:
        return list(session.scalars(select(Action).order_by(Action.id)))


def test_full_scan_records_all_hides_per_policy_and_a_second_scan_adds_nothing(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    made = data.populate(graph, facebook=60, instagram=40)
    graph.fail_next("rate_limit", code=4, path_contains="/comments")  # one transient limit
    first = scan(engine, school, full=True)
    assert first.errors == []
    assert first.fetched == first.new == 100
    with db.session_scope(engine) as session:
        queue = [i.to_json() for i in flags.queue(session)]
        owner = session.scalars(select(Comment).where(Comment.by_owner)).all()
    to_hide = {i["comment_id"] for i in queue if i["hide_recommended"]}
    assert to_hide and to_hide <= made.harmful  # only what policy says, nothing ordinary
    assert sorted(hides(graph)) == sorted(to_hide)  # each sent exactly once
    assert first.hidden == len(to_hide)
    assert all(i["hidden"] and i["status"] == "hidden" for i in queue if i["hide_recommended"])
    assert {c.platform_comment_id for c in owner} == made.owner
    assert not {i["comment_id"] for i in queue} & made.owner  # the school's own: never flagged
    for comment_id in to_hide:
        state = graph.comment_state(comment_id)
        assert state.get("is_hidden", state.get("hidden")) is True

    second = scan(engine, school)
    assert second.new == 0 and second.errors == [] and second.hidden == 0
    assert sorted(hides(graph)) == sorted(to_hide)  # nothing hidden twice
    third = scan(engine, school, full=True)
    assert third.new == 0 and third.fetched == 100 and len(hides(graph)) == len(to_hide)


def test_high_water_mark_is_the_newest_comment_over_every_batch(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    data.populate(graph, facebook=scanning.BATCH * 2 + 5, instagram=0, per_post=50)
    scan(engine, school, source_name="facebook-page")
    with db.session_scope(engine) as session:
        mark = session.scalars(
            select(Source.high_water_mark).where(Source.name == "facebook-page")
        ).one()
        newest = max(session.scalars(select(Comment.created_time)))
    assert mark == newest
    assert scan(engine, school, source_name="facebook-page").fetched == 205  # the re-read window
    no_recheck = dataclasses.replace(
        school, worker=dataclasses.replace(school.worker, recheck_hours=0)
    )
    assert scan(engine, no_recheck, source_name="facebook-page").fetched < 20  # only the overlap


def test_incremental_scan_reads_only_new_comments_and_window_scan_its_window(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    data.populate(graph, facebook=20, instagram=10, now=NOW - dt.timedelta(days=2))
    assert scan(engine, school).new == 30
    post = graph.add_post(data.PAGE, "New post", NOW - dt.timedelta(minutes=30))
    graph.add_fb_comment(post, "Lovely!", NOW - dt.timedelta(minutes=20))
    later = scan(engine, school)
    assert later.new == 1
    fetched_posts = {
        r.path.split("/")[2] for r in graph.requests[-20:] if r.path.endswith("/comments")
    }
    assert post in fetched_posts
    window = scan(engine, school, since=NOW - dt.timedelta(hours=1))
    assert window.fetched == 1 and window.new == 0


def test_expired_token_marks_that_source_unhealthy_and_the_other_carries_on(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    data.populate(graph, facebook=10, instagram=10)
    graph.expire_token(data.IG_TOKEN)
    result = scan(engine, school, full=True)
    assert result.new == 10  # Facebook's
    assert len(result.errors) == 1
    message = result.errors[0]
    assert message.startswith("source 'instagram': token problem")
    assert "expired" in message and "190/463" in message and data.IG_TOKEN not in message
    with db.session_scope(engine) as session:
        health = {s.name: (s.healthy, s.high_water_mark) for s in session.scalars(select(Source))}
    assert health["instagram"] == (False, None)
    assert health["facebook-page"][0] is True and health["facebook-page"][1] is not None


def test_missing_token_variable_is_a_token_problem(
    engine: Engine,
    graph: GraphServer,
    school: config_mod.SchoolConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(data.FB_ENV)
    result = scan(engine, school)
    assert result.errors == [
        f"source 'facebook-page': environment variable {data.FB_ENV} is not set"
    ]
    with db.session_scope(engine) as session:
        fb = session.scalars(select(Source).where(Source.name == "facebook-page")).one()
    assert fb.healthy is False


def test_comments_the_platform_will_not_hide_are_never_sent(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=2))
    refused = graph.add_fb_comment(
        post, data.HARMFUL[0], NOW - dt.timedelta(hours=1), can_hide=False
    )
    already = graph.add_fb_comment(
        post, data.HARMFUL[2], NOW - dt.timedelta(minutes=50), is_hidden=True
    )
    result = scan(engine, school)
    assert result.errors == [] and hides(graph) == []
    with db.session_scope(engine) as session:
        queue = {i.comment_id: i.to_json() for i in flags.queue(session)}
    assert queue[refused]["hide_by_hand"] and not queue[refused]["hidden"]
    assert queue[already]["hidden"] and not queue[already]["hide_by_hand"]


def test_a_flag_becomes_hidden_only_through_the_store_with_its_audit_event(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=2))
    sent = graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(hours=1))
    already = graph.add_fb_comment(
        post, data.HARMFUL[2], NOW - dt.timedelta(minutes=50), is_hidden=True
    )
    assert scan(engine, school).errors == []
    with db.session_scope(engine) as session:
        queue = {i.comment_id: i.to_json() for i in flags.queue(session)}
        moved = {
            comment_id: [
                (e.who, e.what, e.why, e.detail["from"], e.detail["to"])
                for e in flags.history(session, queue[comment_id]["id"])
                if "to" in e.detail
            ]
            for comment_id in (sent, already)
        }
    assert queue[sent]["status"] == queue[already]["status"] == "hidden"
    assert moved[sent] == moved[already] == [("system", "hide_confirmed", None, "new", "hidden")]


def test_a_rate_limited_hide_waits_for_a_later_run(
    engine: Engine, graph: GraphServer, tmp_path: Path
) -> None:
    path = tmp_path / "moderator.toml"
    text = data.config_text(graph.url).replace(
        "rate_limit_backoff_seconds = 0",
        "rate_limit_backoff_seconds = 5\nmax_rate_limit_wait_seconds = 1",
    )
    path.write_text(text, encoding="utf-8")
    school = config_mod.load(path)
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=2))
    target = graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(hours=1))
    graph.fail_next("rate_limit", code=32, method="POST")
    result = scan(engine, school)
    assert result.hidden == 0 and "rate limit" in " ".join(result.errors)
    assert [a.status for a in actions(engine)] == ["pending"]
    assert actions(engine)[0].next_attempt_at is not None
    assert scan(engine, school).hidden == 0  # not due yet: nothing sent
    with db.session_scope(engine) as session:
        session.execute(update(Action).values(next_attempt_at=NOW - dt.timedelta(minutes=1)))
    assert scan(engine, school).hidden == 1
    assert hides(graph) == [target]
    assert [a.status for a in actions(engine)] == ["confirmed"]


def test_a_hide_lost_in_the_network_is_read_back_before_any_resend(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=2))
    target = graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(hours=1))
    tries = 1 + sources.policy(school.sources[0]).transient_retries
    graph.fail_next("drop", method="POST", times=tries)  # every try: the outcome is unknown
    result = scan(engine, school)
    assert result.hidden == 0
    (action,) = actions(engine)
    assert action.status == "sending" and action.next_attempt_at is not None  # in doubt
    with db.session_scope(engine) as session:  # time passes
        session.execute(update(Action).values(next_attempt_at=NOW - dt.timedelta(minutes=1)))
    graph.comment_state(target)  # the platform did not apply it: it must be sent again
    assert scan(engine, school).hidden == 1
    assert graph.comment_state(target)["is_hidden"] is True


def test_a_crash_after_sending_is_settled_by_reading_the_platform(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=2))
    target = graph.add_fb_comment(post, data.HARMFUL[0], NOW - dt.timedelta(hours=1))
    graph.fail_next(
        "drop", method="POST", times=1 + sources.policy(school.sources[0]).transient_retries
    )
    scan(engine, school)
    # As if the hide had reached Facebook before the connection died, and the worker crashed.
    connector = sources.connect(school.source("facebook-page"))
    connector.set_hidden(target, True)
    connector.close()
    sent_before = len(graph.hide_requests())
    with db.session_scope(engine) as session:
        session.execute(
            update(Action).values(
                next_attempt_at=None, sent_at=NOW - outbox.IN_DOUBT_AFTER - dt.timedelta(minutes=1)
            )
        )
    result = scan(engine, school)
    assert result.hidden == 1  # confirmed by reading is_hidden back ...
    assert len(graph.hide_requests()) == sent_before  # ... without sending again
    with db.session_scope(engine) as session:
        flag = session.scalars(select(Flag)).one()
    assert flag.hidden


def test_two_workers_never_send_the_same_action(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    made = data.populate(graph, facebook=40, instagram=0)
    graph.fail_next("permission", code=200, method="POST", times=1000)  # refuse every send
    scan(engine, school)  # records; every hide fails
    graph._faults.clear()
    with db.session_scope(engine) as session:
        session.execute(update(Action).values(status="pending", next_attempt_at=None))
        source_id = session.scalars(select(Source.id).where(Source.name == "facebook-page")).one()
        pending = len(session.scalars(select(Action)).all())
    assert pending >= 2

    def work() -> None:
        connector = sources.connect(school.source("facebook-page"))
        try:
            outbox.send_due(engine, connector, source_id)
        finally:
            connector.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = hides(graph)
    assert len(sent) == len(set(sent)) == pending
    assert set(sent) <= made.harmful
