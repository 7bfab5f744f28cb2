"""What a record may hold: the rules ``connectors.records`` applies, and times out of range."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from connectors import records, timeparse
from connectors.base import RawComment, RawPost


@pytest.mark.parametrize(
    "value", [1e300, -1e300, float("nan"), float("inf"), 10**30, "0001-01-01T00:00:00+01:00"]
)
def test_a_time_out_of_range_is_a_value_error_not_a_crash(value: object) -> None:
    with pytest.raises(ValueError, match=r"Unix seconds|ISO 8601"):
        timeparse.parse(value)


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"next": value}
    return value


@pytest.mark.parametrize(
    "value,problem",
    [
        ({"a": deep(100)}, "nesting deeper than 100 levels (at 'a.next')"),
        ({"from": {"name": "Sam \ud800"}}, "not valid Unicode (a lone surrogate, at 'from.name')"),
        ({"k\udc00": 1}, "a key that is not valid Unicode"),
        ({"score": float("nan")}, "NaN or Infinity, at 'score'"),
        ({"x": [float("-inf")]}, "NaN or Infinity, at 'x[0]'"),
        ({"secret words \ud800": 1}, "a key that is not valid Unicode (a lone surrogate)"),
        ({"secret words": {"x": "\ud800"}}, "at '?.x'"),  # keys that are text are not quoted
    ],
)
def test_json_problems_are_named_without_quoting_text(value: Any, problem: str) -> None:
    found = records.json_problem(value)
    assert found is not None and problem in found and "secret" not in found


def test_ordinary_json_has_no_problem() -> None:
    assert (
        records.json_problem({"a": deep(98), "n": [1, 2.5, None, True], "t": "é 👍 \x00"}) is None
    )


def test_loads_refuses_what_json_does_not_allow() -> None:
    for text in ("[NaN]", '{"a": Infinity}', "[" * 100_000):
        with pytest.raises(ValueError):
            records.loads(text)
    assert records.loads('{"a": 1e400}') == {"a": float("inf")}  # parsed; json_problem refuses it


def comment(**changes: Any) -> RawComment:
    base: dict[str, Any] = {"platform_comment_id": "c1", "text": "hello", "raw": {"id": "c1"}}
    return RawComment(**(base | changes))


NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "changes,problem",
    [
        ({"platform_comment_id": ""}, "its id is empty"),
        ({"platform_comment_id": "c" * 201}, "its id is longer than 200 characters"),
        ({"author_name": "Sam\x00"}, "its author holds a NUL character"),
        ({"author_name": "A" * 196}, "its author is longer than 195 characters"),
        ({"post_id": "p\x00"}, "its post id holds a NUL character"),
        ({"parent_id": "\ud800"}, "its parent id is not valid Unicode"),
        ({"text": "hi \udfff"}, "its text is not valid Unicode"),
        ({"created_time": dt.datetime(1969, 12, 31, tzinfo=dt.UTC)}, "1969-12-31 is before 1970"),
        ({"created_time": NOW + dt.timedelta(days=2)}, "2026-12-03 is in the future"),
        ({"raw": {"x": float("nan")}}, "its JSON has a number JSON cannot hold"),
    ],
)
def test_a_comment_problem_is_named(changes: dict[str, Any], problem: str) -> None:
    found = records.comment_problem(comment(**changes), NOW)
    assert found is not None and problem in found


def test_a_fine_comment_has_no_problem_and_nul_in_its_text_is_fine() -> None:
    fine = comment(text="a \x00 b", created_time=NOW + dt.timedelta(hours=20), author_name="Sam")
    assert records.comment_problem(fine, NOW) is None


def test_a_post_with_bad_details_is_kept_by_its_id() -> None:
    post = RawPost("p1", {"id": "p1", "message": "\ud800"}, message="\ud800")
    kept = records.usable_post(comment(post=post))
    assert kept.post == RawPost("p1", {"id": "p1"})
    good = RawPost("p2", {"id": "p2", "message": "hi"}, message="hi")
    assert records.usable_post(comment(post=good)).post is good


def test_shown_escapes_and_cuts() -> None:
    assert records.shown("a\x00b\ud800c") == "a\\x00b\\ud800c"
    assert records.shown("x" * 100) == "x" * 59 + "…"
