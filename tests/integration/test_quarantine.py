"""One bad record never stops a source: it is quarantined (kept as where and why, never its
text), counted, and every good record around it is recorded, on SQLite and PostgreSQL, from a
file, Facebook and Instagram."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from classifiers.base import Scores
from classifiers.fake import FixedScoreClassifier
from moderator.ingest import quarantine, scanning
from moderator.ops import status
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Comment, Post, RejectedRecord, Source
from tests import platform_data as data
from tests.factories import MINIMAL_CONFIG
from tests.graph_server import GraphServer
from tests.poisoned_records import NOW, POISONS, SECRET_WORDS, good_line, nested, poisoned_file

LEXICAL = MINIMAL_CONFIG + '\n[classifier]\nbackend = "lexical"\n'


def comment_ids(engine: Engine) -> set[str]:
    with db.session_scope(engine) as session:
        return set(session.scalars(select(Comment.platform_comment_id)))


def rejected_rows(engine: Engine) -> list[RejectedRecord]:
    with db.session_scope(engine) as session:
        return list(session.scalars(select(RejectedRecord).order_by(RejectedRecord.id)))


def test_the_poisoned_file_source_records_every_good_line_on_its_first_scan(
    engine: Engine, write_config, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = config_mod.load(write_config(LEXICAL))
    lines = poisoned_file(tmp_path / "comments.jsonl")
    result = scanning.scan(engine, config, classifier_for(config))
    assert result.new == 200 and result.rejected == 3
    assert comment_ids(engine) == {f"good-{n}" for n in range(200)}
    path = tmp_path / "comments.jsonl"
    reasons = {
        "surrogate": "its text is not valid Unicode (a lone surrogate)",
        "time": "'created_time': Unix seconds out of range; got 1e+300",
        "deep": "its JSON has nesting deeper than 100 levels (at 'extra[0]')",
    }
    assert result.errors == [
        f"source 'reports': {path} line {lines[name]}: {reason}" for name, reason in reasons.items()
    ]
    rows = rejected_rows(engine)
    assert [r.item for r in rows] == [
        f"{path} line {lines[k]}" for k in ("surrogate", "time", "deep")
    ]
    assert all(SECRET_WORDS not in r.reason + r.item for r in rows)
    with db.session_scope(engine) as session:
        source = session.scalars(select(Source)).one()
        report = status.report(session, config)
    assert source.high_water_mark is not None  # rejected records do not hold the source back
    assert report["rejected_records"] == 3 and report["sources"][0]["rejected"] == 3

    again = scanning.scan(engine, config, classifier_for(config), full=True)
    assert again.new == 0 and again.rejected == 3
    assert [r.times_seen for r in rejected_rows(engine)] == [2, 2, 2]  # counted, not added


def test_a_rejected_line_once_fixed_is_recorded(
    engine: Engine, write_config, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = config_mod.load(write_config(LEXICAL))
    path = tmp_path / "comments.jsonl"
    path.write_text(good_line(1) + "\n" + POISONS["surrogate"] + "\n", encoding="utf-8")
    assert scanning.scan(engine, config, classifier_for(config)).rejected == 1
    fixed = POISONS["surrogate"].replace("\\ud800", "!")
    path.write_text(good_line(1) + "\n" + fixed + "\n", encoding="utf-8")
    result = scanning.scan(engine, config, classifier_for(config))
    assert result.rejected == 0 and result.errors == [] and comment_ids(engine) >= {"bad-1"}


HOSTILE_LINES = {
    "nul in author": ('{"id": "h1", "text": "x", "author": "Sam\\u0000Ex"}', "its author holds"),
    "nul in post id": ('{"id": "h2", "text": "x", "post_id": "p\\u0000"}', "its post id holds"),
    "nul in id": ('{"id": "h3\\u0000", "text": "x"}', "its id holds a NUL"),
    "long id": ('{"id": "' + "L" * 201 + '", "text": "x"}', "longer than 200"),
    "long author": ('{"id": "h4", "text": "x", "author": "' + "A" * 196 + '"}', "longer than 195"),
    "NaN": ('{"id": "h5", "text": "x", "score": NaN}', "NaN is not allowed"),
    "infinite": ('{"id": "h6", "text": "x", "score": 1e400}', "NaN or Infinity"),
    "surrogate key": ('{"id": "h7", "text": "x", "k\\udc00": 1}', "a key that is not valid"),
    "year 26": ('{"id": "h8", "text": "x", "created_time": "0026-10-05"}', "before 1970"),
    "future": ('{"id": "h9", "text": "x", "created_time": "2999-10-05"}', "in the future"),
    "too deep to read": ("[" * 100_000, "nested too deeply"),
    "huge number": ('{"id": "h10", "text": "x", "n": ' + "1" * 5000 + "}", "4300 digits"),
    "list author": ('{"id": "h11", "text": "x", "author": ["a"]}', "'author' must be"),
}


def test_every_kind_of_hostile_line_is_quarantined_by_line(
    engine: Engine, write_config, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = config_mod.load(write_config(LEXICAL))
    lines: list[str] = []
    for n, (line, _) in enumerate(HOSTILE_LINES.values()):
        lines += [good_line(n), line]
    lines.append('{"id": "nul-text", "text": "a NUL \\u0000 in text is stored as U+FFFD"}')
    (tmp_path / "comments.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scanning.scan(engine, config, classifier_for(config))
    assert comment_ids(engine) == {f"good-{n}" for n in range(len(HOSTILE_LINES))} | {"nul-text"}
    assert result.rejected == len(HOSTILE_LINES) == len(result.errors)
    for number, (error, (_, expected)) in enumerate(
        zip(result.errors, HOSTILE_LINES.values(), strict=True)
    ):
        assert f" line {2 * number + 2}: " in error and expected in error, error


class RefusesOne(FixedScoreClassifier):
    """A classifier that raises on one text, as a model might on input nobody foresaw."""

    def score(self, texts: Sequence[str]) -> list[Scores]:
        if any("poison" in text for text in texts):
            raise ValueError("cannot score this")
        return super().score(texts)


def test_a_record_that_fails_on_something_unforeseen_is_quarantined_alone(
    engine: Engine, write_config, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    config = config_mod.load(write_config(LEXICAL))
    rows = [good_line(n) for n in range(5)]
    rows.insert(2, json.dumps({"id": "odd", "text": "poison " + SECRET_WORDS}))
    (tmp_path / "comments.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = scanning.scan(engine, config, RefusesOne())
    assert comment_ids(engine) == {f"good-{n}" for n in range(5)}
    (row,) = rejected_rows(engine)
    assert row.item.endswith("comments.jsonl line 3")
    assert row.reason == "it could not be recorded (ValueError)"
    assert result.rejected == 1 and SECRET_WORDS not in " ".join(result.errors)


def test_a_classifier_that_fails_on_everything_quarantines_nothing(
    engine: Engine, write_config, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A broken model is the source's failure, not the records': nothing is set aside."""

    class Broken(FixedScoreClassifier):
        def score(self, texts: Sequence[str]) -> list[Scores]:
            raise RuntimeError("the model is broken")

    config = config_mod.load(write_config(LEXICAL))
    (tmp_path / "comments.jsonl").write_text(good_line(1) + "\n", encoding="utf-8")
    result = scanning.scan(engine, config, Broken())
    assert result.rejected == 0 and rejected_rows(engine) == []
    assert result.errors == [
        "source 'reports': failed unexpectedly (RuntimeError); what was read before it is kept"
    ]


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphServer]:
    with data.serving(monkeypatch, page_size=3) as server:
        yield server


def test_bad_facebook_and_instagram_comments_are_quarantined_and_the_rest_recorded(
    engine: Engine, graph: GraphServer, tmp_path: Path
) -> None:
    path = tmp_path / "moderator.toml"
    path.write_text(data.config_text(graph.url), encoding="utf-8")
    school = config_mod.load(path)
    when = NOW - dt.timedelta(minutes=30)
    post = graph.add_post(data.PAGE, "Sports day", NOW - dt.timedelta(hours=2))
    good_fb = [
        graph.add_fb_comment(post, f"{text} ({n})", when) for n, text in enumerate(data.ORDINARY)
    ]
    bad_fb = [
        graph.add_fb_comment(post, SECRET_WORDS + " \ud800", when),
        graph.add_fb_comment(post, SECRET_WORDS, when, author=("1234", "Sam\x00Example")),
        graph.add_fb_comment(post, SECRET_WORDS, when, attachment={"deep": nested(150)}),
        graph.add_fb_comment(post, SECRET_WORDS, when, attachment={"n": float("nan")}),
    ]
    harmful = graph.add_fb_comment(post, data.HARMFUL[0], when)
    media = graph.add_media(data.IG, "Concert", NOW - dt.timedelta(hours=2))
    good_ig = [
        graph.add_ig_comment(media, f"{text} ({n})", when) for n, text in enumerate(data.ORDINARY)
    ]
    bad_ig = [
        graph.add_ig_comment(media, SECRET_WORDS + " \udfff", when),
        graph.add_ig_comment(media, SECRET_WORDS, when, username="x" * 300),
    ]
    result = scanning.scan(engine, school, classifier_for(school), full=True)
    assert comment_ids(engine) == {*good_fb, harmful, *good_ig}
    assert result.rejected == len(bad_fb) + len(bad_ig) and result.flagged == 1
    rows = rejected_rows(engine)
    assert sorted(r.item for r in rows) == sorted(f"comment {c}" for c in bad_fb + bad_ig)
    assert all(SECRET_WORDS not in r.reason for r in rows)
    assert graph.comment_state(harmful)["is_hidden"] is True  # acted on all the same
    with db.session_scope(engine) as session:
        sources = {s.name: s for s in session.scalars(select(Source))}
        counts = quarantine.counts(session)
    for name, bad in (("facebook-page", bad_fb), ("instagram", bad_ig)):
        assert sources[name].healthy and sources[name].high_water_mark is not None
        assert counts[sources[name].id][0] == len(bad)


def test_a_post_whose_details_cannot_be_stored_costs_its_comments_nothing(
    engine: Engine, graph: GraphServer, tmp_path: Path
) -> None:
    path = tmp_path / "moderator.toml"
    path.write_text(data.config_text(graph.url), encoding="utf-8")
    school = config_mod.load(path)
    post = graph.add_post(
        data.PAGE, "A caption \ud800 that is not Unicode", NOW - dt.timedelta(hours=1)
    )
    comment = graph.add_fb_comment(post, "Lovely photos", NOW - dt.timedelta(minutes=5))
    result = scanning.scan(engine, school, classifier_for(school), source_name="facebook-page")
    assert result.errors == [] and comment_ids(engine) == {comment}
    with db.session_scope(engine) as session:
        (row,) = session.scalars(select(Post)).all()
    assert row.platform_post_id == post and row.message is None  # known by its id alone
