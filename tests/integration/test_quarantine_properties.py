"""Property (Hypothesis), on SQLite and PostgreSQL: whatever lines a file source holds among its
good records, no scan crashes, every good record is recorded exactly, and every other line is
either recorded or reported by its line number."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from connectors import records
from moderator.ingest import recording, scanning
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Comment
from tests.factories import MINIMAL_CONFIG

CONFIG = MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n'
HOSTILE_CHARS = st.sampled_from(["\ud800", "\udfff", "\x00", "\u202e"])
TEXT = st.text(st.one_of(st.characters(), HOSTILE_CHARS), max_size=40)
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=12,
)
WHEN = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2026, 11, 1), timezones=st.just(dt.UTC)
)


@st.composite
def good_record(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {"text": draw(st.text(max_size=200))}  # NUL included: stored as U+FFFD
    if draw(st.booleans()):
        record["author"] = draw(st.text(max_size=50).filter(lambda name: "\x00" not in name))
    if draw(st.booleans()):
        record["created_time"] = draw(WHEN).isoformat()
    if draw(st.booleans()):
        record["extra"] = draw(JSON.filter(lambda v: records.json_problem(v) is None))
    return record


def poisoned(draw: st.DrawFn) -> str:
    """A record with one field a hostile source chose."""
    record: dict[str, Any] = {"id": draw(TEXT), "text": draw(TEXT)}
    field = draw(st.sampled_from(["text", "author", "post_id", "id", "created_time", "extra"]))
    record[field] = draw(
        st.one_of(
            TEXT,
            JSON,
            st.floats(),
            st.integers(min_value=-(10**300), max_value=10**300),
            st.text(min_size=190, max_size=400),
            st.integers(min_value=101, max_value=3000),  # how deep to nest it
        )
    )
    value = record[field]
    if isinstance(value, int) and not isinstance(value, bool) and 101 <= value <= 3000:
        record[field] = "DEEP"
        deep = '{"a": ' * value + '"x"' + "}" * value
        return json.dumps(record).replace('"DEEP"', deep)
    return json.dumps(record)


@st.composite
def bad_line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "poisoned", "too deep to read"]))
    if kind == "bytes":
        line = draw(st.binary(min_size=1, max_size=60))
    elif kind == "json":
        line = json.dumps(draw(JSON)).encode()
    elif kind == "poisoned":
        line = poisoned(draw).encode()
    else:
        line = b"[" * draw(st.integers(min_value=1_000, max_value=100_000))
    line = line.replace(b"\n", b" ")
    return line if line.strip() else b"?"


IDS = itertools.count()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(
        st.one_of(good_record().map(lambda r: ("good", r)), bad_line().map(lambda b: ("bad", b))),
        max_size=12,
    )
)
def test_no_line_crashes_a_scan_or_costs_a_good_record(
    engine: Engine, write_config, tmp_path: Path, lines: list[tuple[str, Any]]
) -> None:  # type: ignore[no-untyped-def]
    config = config_mod.load(write_config(CONFIG))
    expected: dict[str, str] = {}
    content = []
    for kind, item in lines:
        if kind == "good":
            comment_id = f"good-{next(IDS)}"
            expected[comment_id] = recording.storable(item["text"])
            item = json.dumps({"id": comment_id, **item}).encode()
        content.append(item)
    (tmp_path / "comments.jsonl").write_bytes(b"\n".join(content) + b"\n")

    result = scanning.scan(engine, config, classifier_for(config), full=True)

    with db.session_scope(engine) as session:
        recorded = dict(
            session.execute(
                select(Comment.platform_comment_id, Comment.text).where(
                    Comment.platform_comment_id.in_(list(expected))
                )
            )
            .tuples()
            .all()
        )
    assert recorded == expected
    reported = {int(e.split(" line ")[1].split(":")[0]) for e in result.errors if " line " in e}
    assert len(reported) == len(result.errors)  # nothing failed but records, each named by line
    unreported = [
        line for n, (kind, line) in enumerate(lines, 1) if kind == "bad" and n not in reported
    ]
    # a "bad" line that happens to be a fine record is recorded (now or by an earlier example)
    ids = [str(json.loads(line)["id"]) for line in unreported]
    with db.session_scope(engine) as session:
        found = set(
            session.scalars(
                select(Comment.platform_comment_id).where(Comment.platform_comment_id.in_(ids))
            )
        )
    assert found == set(ids)
