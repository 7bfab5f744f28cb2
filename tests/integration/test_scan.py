"""Scanning end to end on SQLite and PostgreSQL: record, classify, flag, snapshot, once only."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from moderator.errors import DatabaseError
from moderator.evidence import snapshot
from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import flags
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    Action,
    AuditEvent,
    Classification,
    Comment,
    EvidenceSnapshot,
    Flag,
    Source,
)
from tests.factories import MINIMAL_CONFIG, QUEUE_ITEM_KEYS, jsonl


def counts(engine: Engine) -> dict[str, int]:
    with db.session_scope(engine) as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Comment, Classification, Flag, EvidenceSnapshot, Action)
        }


def test_sample_school_scan(engine: Engine, sample_config: config_mod.SchoolConfig) -> None:
    result = scanning.scan(engine, sample_config, classifier_for(sample_config), full=True)
    lines = sample_config.sources[0].path.read_text(encoding="utf-8").splitlines()  # type: ignore[union-attr]
    assert result.errors == []
    assert result.fetched == result.new == len(lines)
    assert 0 < result.flagged < result.new
    assert result.hidden == 0  # a file of reports cannot hide anything on a platform
    with db.session_scope(engine) as session:
        items = [i.to_json() for i in flags.queue(session)]
        snapshots = session.scalars(select(EvidenceSnapshot)).all()
        manual = session.scalars(select(Action).where(Action.status == "manual")).all()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "flag_created")).all()
    assert len(items) == result.flagged and all(QUEUE_ITEM_KEYS <= set(i) for i in items)
    assert len(snapshots) == result.flagged and all(snapshot.intact(s) for s in snapshots)
    assert len(audit) == result.flagged
    assert {a.flag_id for a in manual} == {i["id"] for i in items if i["hide_recommended"]}
    steps = [i["step"] for i in items]
    assert steps[0] == "police"  # most severe first
    complaints = [i for i in items if i["categories"] == ["complaint"]]
    assert complaints and all(
        not i["hide_recommended"] and i["route"] == "complaints" for i in complaints
    )


def test_scanning_twice_records_nothing_twice(
    engine: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    classifier = classifier_for(sample_config)
    first = scanning.scan(engine, sample_config, classifier, full=True)
    before = counts(engine)
    second = scanning.scan(engine, sample_config, classifier, full=True)
    third = scanning.scan(engine, sample_config, classifier)
    assert second.new == third.new == 0 and second.fetched == first.fetched
    assert counts(engine) == before


def test_a_malformed_line_loses_nothing(engine: Engine, write_config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = [
        {"id": "a", "text": "Lovely assembly today"},
        {"id": "b", "text": "Mrs Holloway is a useless cow"},
    ]
    config = config_mod.load(write_config(MINIMAL_CONFIG, jsonl(good)))
    scanning.scan(engine, config, classifier_for(config))
    with (tmp_path / "comments.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "c", "text": "secret words" \n')
        handle.write(json.dumps({"id": "d", "text": "When is sports day?"}) + "\n")
    result = scanning.scan(engine, config, classifier_for(config))
    (error,) = result.errors
    assert (
        error
        == f"source 'reports': {tmp_path / 'comments.jsonl'} line 3: invalid JSON: Expecting ',' delimiter at column 36"
    )
    assert "secret" not in error
    with db.session_scope(engine) as session:
        assert scanning_ids(session) == {"a", "b", "d"}
        source = session.scalar(select(Source))
        assert source is not None and source.last_error == error


def scanning_ids(session: object) -> set[str]:
    return set(session.scalars(select(Comment.platform_comment_id)))  # type: ignore[attr-defined]


def test_duplicate_ids_in_one_file_are_recorded_once(engine: Engine, write_config) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"id": "x", "text": "first"},
        {"id": "x", "text": "again"},
        {"id": "y", "text": "other"},
    ]
    config = config_mod.load(write_config(MINIMAL_CONFIG, jsonl(rows)))
    result = scanning.scan(engine, config, classifier_for(config))
    assert result.new == 2
    with db.session_scope(engine) as session:
        texts = dict(
            session.execute(select(Comment.platform_comment_id, Comment.text)).tuples().all()
        )
    assert texts == {"x": "first", "y": "other"}


def test_odd_input_is_recorded_exactly(engine: Engine, write_config) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"id": "empty", "text": ""},
        {"id": "huge", "text": "word " * 20_000},
        {"id": "unicode", "text": "Ça va 👋 \u200bzero-width مرحبا 你好"},
        {"id": "nul", "text": "before\u0000after"},
    ]
    config = config_mod.load(write_config(MINIMAL_CONFIG, jsonl(rows)))
    result = scanning.scan(engine, config, classifier_for(config))
    assert result.errors == [] and result.new == 4
    with db.session_scope(engine) as session:
        stored = dict(
            session.execute(select(Comment.platform_comment_id, Comment.text)).tuples().all()
        )
    assert stored["huge"] == rows[1]["text"] and stored["unicode"] == rows[2]["text"]
    assert stored["nul"] == "before\ufffdafter"  # PostgreSQL cannot hold NUL; both store the same


def test_an_unreachable_database_is_one_clear_error() -> None:
    with pytest.raises(
        DatabaseError,
        match=r"database postgresql\+psycopg://postgres:\*\*\*@127\.0\.0\.1:1/x is not available",
    ):
        db.connect("postgresql+psycopg://postgres:secret@127.0.0.1:1/x")


def test_two_scanners_at_once_record_each_comment_once(engine: Engine, write_config) -> None:  # type: ignore[no-untyped-def]
    rows = [{"id": f"c{i}", "text": f"comment number {i}"} for i in range(300)]
    config = config_mod.load(write_config(MINIMAL_CONFIG, jsonl(rows)))
    classifier = classifier_for(config)
    barrier = threading.Barrier(2)

    def scan_once() -> scanning.ScanResult:
        barrier.wait()
        return scanning.scan(engine, config, classifier, full=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: scan_once(), range(2)))
    assert all(r.errors == [] for r in results)
    assert sum(r.new for r in results) == 300
    assert counts(engine)["Comment"] == 300
