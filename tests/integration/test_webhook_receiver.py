"""The webhook receiver on a real port (uvicorn), fed signed deliveries, backed by the
Graph-compatible server, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from connectors import webhooks
from moderator.ingest import scanning
from moderator.ingest import webhooks as webhook_processing
from moderator.ops import status
from moderator.policy.classify import classifier_for
from moderator.review import flags
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    Comment,
    CustodyEvent,
    EvidenceSnapshot,
    RejectedRecord,
    WebhookEvent,
)
from moderator.web import webhook_app
from tests import platform_data as data
from tests.factories import load_school
from tests.graph_server import GraphServer

SECRET, VERIFY = "made-up-app-secret", "made-up-verify-token"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    monkeypatch.setenv("TEST_APP_SECRET", SECRET)
    monkeypatch.setenv("TEST_VERIFY_TOKEN", VERIFY)
    with data.serving(monkeypatch) as server:
        yield server


@pytest.fixture
def school(graph: GraphServer, tmp_path: Path) -> config_mod.SchoolConfig:
    webhooks = (
        '\n[webhooks]\napp_secret_env = "TEST_APP_SECRET"\nverify_token_env = "TEST_VERIFY_TOKEN"\n'
    )
    return load_school(tmp_path, data.config_text(graph.url) + webhooks)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(engine: Engine, school: config_mod.SchoolConfig) -> Iterator[str]:
    classifier = classifier_for(school)
    processor = webhook_app.Processor(
        lambda: webhook_processing.process_pending(engine, school, classifier), interval=0.2
    )
    app = webhook_app.create_app(engine, school, on_stored=processor.wake)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    processor.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        processor.stop()


@pytest.fixture
def receiver(engine: Engine, school: config_mod.SchoolConfig) -> Iterator[str]:
    yield from serve(engine, school)


def page_delivery(
    comment_id: str, post_id: str, verb: str = "add", sent: int = 1741797669
) -> bytes:
    value = {
        "from": {"id": "7209384756102938", "name": "Sam Example"},
        "post_id": post_id,
        "comment_id": comment_id,
        "created_time": int(NOW.timestamp()),
        "item": "comment",
        "parent_id": post_id,
        "verb": verb,
    }
    if verb != "remove":
        value["message"] = "(a message; the worker reads the comment itself)"
    entry = {"id": data.PAGE, "time": sent, "changes": [{"field": "feed", "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def instagram_delivery(comment_id: str, media_id: str) -> bytes:
    value = {
        "from": {"id": "1234567890123456", "username": "year9_anon"},
        "media": {"id": media_id, "media_product_type": "FEED"},
        "id": comment_id,
        "text": "(text)",
    }
    entry = {"id": data.IG, "time": 1741797700, "changes": [{"field": "comments", "value": value}]}
    return json.dumps({"object": "instagram", "entry": [entry]}).encode()


def deliver(url: str, body: bytes, signature: str | None = "sign") -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        signature = webhooks.sign(body, SECRET)
    if signature is not None:
        headers[webhooks.SIGNATURE_HEADER] = signature
    return httpx.post(f"{url}/webhooks/meta", content=body, headers=headers, timeout=10)


def wait_for(check: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("the condition did not hold in time")


def stored(engine: Engine) -> list[WebhookEvent]:
    with db.session_scope(engine) as session:
        return list(session.scalars(select(WebhookEvent).order_by(WebhookEvent.id)))


def comment_count(engine: Engine) -> int:
    with db.session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Comment)) or 0


def test_handshake(receiver: str) -> None:
    params = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY}
    answer = httpx.get(f"{receiver}/webhooks/meta", params=params)
    assert answer.status_code == 200 and answer.text == "1158201444"
    assert answer.headers["content-type"].startswith("text/plain")
    wrong = httpx.get(f"{receiver}/webhooks/meta", params={**params, "hub.verify_token": "nope"})
    assert wrong.status_code == 403


def test_a_signed_comment_is_fetched_judged_and_hidden_once(
    receiver: str, engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=1))
    comment = graph.add_fb_comment(post, data.HARMFUL[1], NOW - dt.timedelta(minutes=1))
    body = page_delivery(comment, post)
    assert deliver(receiver, body).status_code == 200
    wait_for(lambda: graph.comment_state(comment)["is_hidden"] is True)
    wait_for(lambda: [e.status for e in stored(engine)] == ["done"])
    # Meta retries the same delivery later: stored once, nothing hidden twice.
    retried = page_delivery(comment, post, sent=1741801269)
    assert deliver(receiver, retried).status_code == 200
    assert len(stored(engine)) == 1
    with db.session_scope(engine) as session:
        (item,) = flags.queue(session)
    assert item.comment_id == comment and item.hidden and "threat" in item.categories
    # The reconciliation poll sees the comment again and records nothing new.
    result = scanning.scan(engine, school, classifier_for(school))
    assert result.new == 0 and result.errors == []
    assert len(graph.hide_requests(comment)) == 1


def test_an_edited_flagged_comment_gets_a_correction_snapshot(
    receiver: str, engine: Engine, graph: GraphServer
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=1))
    comment = graph.add_fb_comment(post, data.HARMFUL[1], NOW - dt.timedelta(minutes=1))
    assert deliver(receiver, page_delivery(comment, post)).status_code == 200
    wait_for(lambda: [e.status for e in stored(engine)] == ["done"])
    graph.edit_comment(comment, "sorry, I was angry")
    assert deliver(receiver, page_delivery(comment, post, verb="edited")).status_code == 200
    wait_for(lambda: [e.status for e in stored(engine)] == ["done", "done"])
    with db.session_scope(engine) as session:
        first, second = session.scalars(select(EvidenceSnapshot).order_by(EvidenceSnapshot.id))
        recorded = session.scalars(select(Comment)).one().text
        chain = [
            e.action
            for e in session.scalars(
                select(CustodyEvent).where(CustodyEvent.snapshot_id == second.id)
            )
        ]
    assert second.corrects_id == first.id and chain == ["captured"]
    assert json.loads(first.content)["comment"]["text"] == data.HARMFUL[1]
    corrected = json.loads(second.content)
    assert corrected["comment"]["text"] == "sorry, I was angry"
    assert corrected["corrects"]["sha256"] == first.sha256
    assert recorded == data.HARMFUL[1]  # what was first said stays recorded
    assert [e.last_error for e in stored(engine)][1] == "edited: correction snapshot"


def test_instagram_comment_by_webhook(receiver: str, engine: Engine, graph: GraphServer) -> None:
    media = graph.add_media(data.IG, "Photo", NOW - dt.timedelta(hours=1))
    comment = graph.add_ig_comment(media, data.HARMFUL[2], NOW)
    assert deliver(receiver, instagram_delivery(comment, media)).status_code == 200
    wait_for(lambda: graph.comment_state(comment)["hidden"] is True)
    with db.session_scope(engine) as session:
        row = session.scalars(select(Comment)).one()
        assert row.platform_comment_id == comment
        assert row.post is not None and row.post.platform_post_id == media


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "wrong"])
def test_unsigned_or_wrongly_signed_deliveries_are_refused(
    receiver: str, engine: Engine, signature: str | None
) -> None:
    answer = deliver(receiver, page_delivery("1_2", "3_4"), signature=signature)
    assert answer.status_code == 403
    assert stored(engine) == []


def test_a_signed_body_that_is_not_a_delivery_is_a_bad_request(
    receiver: str, engine: Engine
) -> None:
    assert deliver(receiver, b'{"hello": "world"}').status_code == 400
    assert stored(engine) == []


def test_removed_and_gone_comments(receiver: str, engine: Engine, graph: GraphServer) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=1))
    kept = graph.add_fb_comment(post, "Lovely photos", NOW - dt.timedelta(minutes=2))
    gone = graph.add_fb_comment(post, "Something", NOW - dt.timedelta(minutes=1))
    assert deliver(receiver, page_delivery(kept, post)).status_code == 200
    wait_for(lambda: comment_count(engine) == 1)
    graph.delete_comment(gone)
    assert deliver(receiver, page_delivery(gone, post)).status_code == 200
    assert deliver(receiver, page_delivery(kept, post, verb="remove")).status_code == 200
    wait_for(lambda: all(e.status == "done" for e in stored(engine)) and len(stored(engine)) == 3)
    with db.session_scope(engine) as session:
        (row,) = session.scalars(select(Comment)).all()
    assert row.platform_comment_id == kept and row.removed_at is not None
    notes = [e.last_error for e in stored(engine)]
    assert notes[1] == "the comment was gone before it could be read"


def test_changes_left_pending_by_a_token_problem_are_processed_later(
    receiver: str, engine: Engine, graph: GraphServer
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=1))
    comment = graph.add_fb_comment(post, "Lovely photos", NOW)
    graph.fail_next("expired_token", path_contains=comment)
    assert deliver(receiver, page_delivery(comment, post)).status_code == 200
    wait_for(lambda: stored(engine)[0].attempts == 1)  # the token failed once ...
    # ... and the processor's next pass recorded it: the comment commits before the change is
    # marked done, so wait for the change's state, not for the comment.
    wait_for(lambda: stored(engine)[0].status == "done")
    (event,) = stored(engine)
    assert event.attempts == 1 and event.last_error is None
    assert comment_count(engine) == 1


def test_a_database_outage_answers_503_so_meta_delivers_again(
    school: config_mod.SchoolConfig,
) -> None:
    down = db.create("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    app = webhook_app.create_app(down, school)
    body = page_delivery("1_2", "3_4")
    with TestClient(app) as client:
        answer = client.post(
            "/webhooks/meta",
            content=body,
            headers={webhooks.SIGNATURE_HEADER: webhooks.sign(body, SECRET)},
        )
    assert answer.status_code == 503


def hostile_bodies() -> dict[str, bytes]:
    good = json.loads(page_delivery("1_2", "3_4"))
    surrogate = page_delivery("1_2", "3_4").replace(b"(a message;", b"(a message \\ud800;")
    deep = json.dumps(good).replace('"item": "comment"', '"item": "comment", "x": DEEP')
    return {
        "changes not a list": b'{"entry":[{"changes":5}]}',
        "changes not a list, on a page": b'{"object":"page","entry":[{"id":"1","changes":5}]}',
        "an entry that is not an object": b'{"object":"page","entry":[5]}',
        "an entry without an id": b'{"object":"page","entry":[{"changes":[{"field":"feed"}]}]}',
        "a lone surrogate": surrogate,
        "nested 100,000 deep": deep.replace("DEEP", "[" * 100_000 + "]" * 100_000).encode(),
        "nested 150 deep": deep.replace("DEEP", "[" * 150 + "]" * 150).encode(),
        "NaN": deep.replace("DEEP", "NaN").encode(),
        "an account id with a NUL": page_delivery("1_2", "3_4").replace(
            data.PAGE.encode(), b"1\\u00002"
        ),
    }


@pytest.mark.parametrize("name", list(hostile_bodies()))
def test_a_signed_hostile_body_is_a_bad_request_and_stores_nothing(
    receiver: str, engine: Engine, name: str
) -> None:
    answer = deliver(receiver, hostile_bodies()[name])
    assert (answer.status_code, answer.text) == (400, "bad request")
    assert stored(engine) == [] and rejected(engine) == []
    assert httpx.get(f"{receiver}/healthz").status_code == 200  # and it keeps receiving


def rejected(engine: Engine) -> list[tuple[str, str]]:
    with db.session_scope(engine) as session:
        return [
            (row.item, row.reason)
            for row in session.scalars(select(RejectedRecord).order_by(RejectedRecord.id))
        ]


def test_a_change_whose_ids_cannot_be_stored_is_rejected_and_the_others_stored(
    receiver: str, engine: Engine, graph: GraphServer
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=1))
    comment = graph.add_fb_comment(post, "Lovely photos", NOW - dt.timedelta(minutes=1))
    payload = json.loads(page_delivery(comment, post))
    bad = json.loads(page_delivery("9\x009", post))["entry"][0]["changes"][0]
    payload["entry"][0]["changes"].insert(0, bad)
    assert deliver(receiver, json.dumps(payload).encode()).status_code == 200
    wait_for(lambda: [e.status for e in stored(engine)] == ["done"])
    assert comment_count(engine) == 1
    assert rejected(engine) == [
        ("a facebook webhook change for comment 9\\x009", "its comment id holds a NUL character")
    ]


def test_a_comment_that_cannot_be_recorded_is_rejected_and_the_next_change_goes_on(
    receiver: str, engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    post = graph.add_post(data.PAGE, "News", NOW - dt.timedelta(hours=1))
    poisoned = graph.add_fb_comment(post, "secret \ud800 words", NOW - dt.timedelta(minutes=2))
    good = graph.add_fb_comment(post, data.HARMFUL[1], NOW - dt.timedelta(minutes=1))
    assert deliver(receiver, page_delivery(poisoned, post)).status_code == 200
    assert deliver(receiver, page_delivery(good, post)).status_code == 200
    wait_for(lambda: [e.status for e in stored(engine)] == ["rejected", "done"])
    wait_for(lambda: graph.comment_state(good)["is_hidden"] is True)
    first = stored(engine)[0]
    assert first.last_error == "rejected: its text is not valid Unicode (a lone surrogate)"
    assert rejected(engine) == [
        (f"comment {poisoned}", "its text is not valid Unicode (a lone surrogate)")
    ]
    assert comment_count(engine) == 1
    with db.session_scope(engine) as session:
        report = status.report(session, school)
    counts = {s["name"]: s["rejected"] for s in report["sources"]}
    assert report["rejected_records"] == 1 and counts == {"facebook-page": 1, "instagram": 0}
