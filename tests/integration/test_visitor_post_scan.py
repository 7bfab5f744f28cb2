"""A parent's own post on the Page is read, judged and hidden like a comment, end to end
(scan -> policy -> flag -> outbox) against the Graph-compatible server, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import flags
from moderator.settings import config as config_mod
from moderator.store import db
from tests import platform_data as data
from tests.graph_server import GraphServer

EARLIER = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=3)


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch, page_size=7) as server:
        yield server


def test_a_visitor_post_is_read_and_judged_like_a_comment(
    engine: Engine, graph: GraphServer, tmp_path: Path
) -> None:
    path = tmp_path / "moderator.toml"
    path.write_text(data.config_text(graph.url), encoding="utf-8")
    school = config_mod.load(path)
    parent = ("7209384756102938", "Sam Example")
    threat = graph.add_post(
        data.PAGE,
        "I know where that teacher parks and I will smash her face in",
        EARLIER,
        author=parent,
    )
    kind = graph.add_post(data.PAGE, "Thank you for a lovely sports day", EARLIER, author=parent)
    result = scanning.scan(engine, school, classifier_for(school), full=True)
    assert result.errors == [] and result.new == 2
    with db.session_scope(engine) as session:
        queue = {item.comment_id: item.to_json() for item in flags.queue(session)}
    assert set(queue) == {threat}  # judged: the threat is flagged, the thanks is not
    assert queue[threat]["step"] == "police" and "threat" in queue[threat]["categories"]
    assert [r.form.get("is_hidden") for r in graph.hide_requests(threat)] == ["true"]  # once
    assert kind not in queue
