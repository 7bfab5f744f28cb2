"""The worker on SQLite and PostgreSQL, against the Graph-compatible server: due polls shared
out by lease, the nightly scan once a day, a stop between batches that loses nothing, model
changes classified again, and a database outage reported and retried."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from moderator.ingest import scanning
from moderator.ops.worker import Worker
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Classification, Comment, EvidenceSnapshot, Flag, Source
from tests import platform_data as data
from tests.factories import load_school
from tests.graph_server import GraphServer


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch, page_size=7) as server:
        yield server


@pytest.fixture
def school(graph: GraphServer, tmp_path: Path) -> config_mod.SchoolConfig:
    worker = '\n[worker]\nnightly_at = "02:00"\ntick_seconds = 0.1\n'
    return load_school(tmp_path, data.config_text(graph.url) + worker)


def at(hour: int, day: int = 21) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=dt.UTC)


def count(engine: Engine, column: object) -> int:
    with db.session_scope(engine) as session:
        return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def test_one_round_polls_every_source_then_waits_until_due(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    data.populate(graph, facebook=20, instagram=10)
    worker = Worker(engine, school, classifier_for(school), clock=lambda: at(1))
    worker.run(once=True)
    assert worker.tally.polls == 2 and worker.tally.nightly == 0  # 01:00: before the nightly
    assert count(engine, Comment.id) == 30
    with db.session_scope(engine) as session:
        rows = session.scalars(select(Source)).all()
        assert all(r.next_poll_at and r.lease_owner is None for r in rows)
    worker.run(once=True)
    assert worker.tally.polls == 2  # nothing due yet


def test_two_workers_never_hold_the_same_source(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    first = Worker(engine, school, classifier_for(school), name="a", clock=lambda: at(1))
    second = Worker(engine, school, classifier_for(school), name="b", clock=lambda: at(1))
    first._ensure_sources()
    taken = [first._lease(nightly=False), second._lease(nightly=False)]
    assert {t[0] for t in taken if t} == {"facebook-page", "instagram"}
    assert first._lease(nightly=False) is None and second._lease(nightly=False) is None
    with db.session_scope(engine) as session:
        owners = sorted(s.lease_owner or "" for s in session.scalars(select(Source)))
    assert owners == ["a", "b"]
    later = Worker(engine, school, classifier_for(school), name="c", clock=lambda: at(3))
    assert later._lease(nightly=False) is not None  # a lease left by a dead worker lapses


def test_the_nightly_scan_runs_once_a_day_whatever_the_workers(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    data.populate(graph, facebook=10, instagram=5)
    clock = {"now": at(3)}
    workers = [
        Worker(engine, school, classifier_for(school), name=n, clock=lambda: clock["now"])
        for n in ("a", "b")
    ]
    for worker in workers:
        worker.run(once=True)
    assert sum(w.tally.nightly for w in workers) == 2  # each source once
    for worker in workers:
        worker.run(once=True)
    assert sum(w.tally.nightly for w in workers) == 2
    clock["now"] = at(3, day=22)
    workers[1].run(once=True)
    assert workers[1].tally.nightly >= 2 and sum(w.tally.nightly for w in workers) == 4


def test_a_stop_between_batches_keeps_what_was_recorded_and_the_next_poll_reads_the_rest(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    made = data.populate(graph, facebook=scanning.BATCH * 3, instagram=0, per_post=50)
    worker = Worker(engine, school, classifier_for(school), clock=lambda: at(1))
    # SIGTERM arrives once the first batch is in
    worker.stopping.is_set = lambda: count(engine, Comment.id) > 0  # type: ignore[method-assign]
    worker._ensure_sources()
    worker._scan("facebook-page", since=None, kind="poll")
    recorded = count(engine, Comment.id)
    assert 0 < recorded < len(made.facebook)
    with db.session_scope(engine) as session:
        mark = session.scalars(select(Source).where(Source.name == "facebook-page")).one()
        assert mark.high_water_mark is None  # not moved: the rest is read next time
    fresh = Worker(engine, school, classifier_for(school), clock=lambda: at(1, day=22))
    fresh.run(once=True)
    assert count(engine, Comment.id) == len(made.facebook)


@dataclasses.dataclass
class Renamed:
    """The same scores under a new model version."""

    inner: object
    name: str
    version: str

    def score(self, texts: list[str]) -> list[object]:
        return self.inner.score(texts)  # type: ignore[attr-defined,no-any-return]


def test_a_new_model_version_classifies_recent_comments_again_at_night(
    engine: Engine, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    data.populate(graph, facebook=20, instagram=0)
    old = classifier_for(school)
    Worker(engine, school, old, clock=lambda: at(1)).run(once=True)
    before = count(engine, Classification.id)
    new = Renamed(old, old.name, old.version + "-next")
    late = dt.datetime.now(dt.UTC).replace(hour=23)
    Worker(engine, school, new, clock=lambda: late).run(once=True)  # type: ignore[arg-type]
    with db.session_scope(engine) as session:
        versions = session.scalars(select(Classification.model_version)).all()
    assert before > 0 and count(engine, Classification.id) == 2 * before  # the school's own: never
    assert sum(1 for v in versions if v.endswith("-next")) == before
    assert count(engine, Flag.id) == count(engine, EvidenceSnapshot.comment_id)


@pytest.mark.postgres
def test_a_database_outage_is_reported_retried_and_loses_nothing(
    postgres_url: str, graph: GraphServer, school: config_mod.SchoolConfig
) -> None:
    engine = db.connect(postgres_url)
    name = engine.url.database
    admin = db.create(postgres_url.rsplit("/", 1)[0] + "/postgres")
    made = data.populate(graph, facebook=30, instagram=0)
    worker = Worker(engine, school, classifier_for(school), clock=lambda: at(1))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        try:
            worker.run(once=True)
            assert worker.tally.errors and "retrying in" in worker.tally.errors[-1]
            assert "not available" in worker.tally.errors[-1]
        finally:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
    worker.run(once=True)
    assert count(engine, Comment.id) == len(made.facebook)
    engine.dispose()
    admin.dispose()
