"""Properties of the webhook parser (Hypothesis): no body crashes it (it returns changes or
raises ``PayloadError``, which the receiver answers 400), and junk around a delivery's comment
changes never costs one of them."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors import records, webhooks

#: Text that includes what hostile senders use: lone surrogates, NUL, anything else.
TEXT = st.text(st.one_of(st.characters(), st.sampled_from(["\ud800", "\udfff", "\x00"])))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities included
    TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=20,
)
IDS = st.text("0123456789_", min_size=1, max_size=30)


def body(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8", "surrogatepass")


def parses_or_refuses(raw: bytes) -> list[webhooks.WebhookChange] | None:
    """The changes, or ``None`` when it is refused as not a delivery; anything else fails."""
    try:
        return webhooks.parse(raw)
    except webhooks.PayloadError:
        return None


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_no_bytes_crash_the_parser(raw: bytes) -> None:
    parses_or_refuses(raw)


@settings(max_examples=300)
@given(JSON, st.sampled_from(["page", "instagram", None]))
def test_no_json_crashes_the_parser(value: Any, kind: str | None) -> None:
    parses_or_refuses(body(value))
    shaped = {"object": kind, "entry": [{"id": "1", "changes": [value]}, value]}
    for change in parses_or_refuses(body(shaped)) or []:
        json.dumps(change.value)  # what is returned can be stored
        assert change.problem or all(
            records.id_problem("id", v) is None
            for v in (change.comment_id, change.post_id, change.author_id)
        )


@settings(max_examples=100)
@given(st.integers(min_value=101, max_value=200_000))
def test_any_nesting_is_refused_not_a_crash(depth: int) -> None:
    raw = b'{"object": "page", "entry": [{"id": "1", "changes": [' + b"[" * depth
    assert parses_or_refuses(raw + b"]" * depth + b"]}]}") is None


def comment_change(comment_id: str, message: str) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "comment_id": comment_id,
            "post_id": "1_2",
            "from": {"id": "42", "name": "A Parent"},
            "message": message,
        },
    }


JUNK = st.one_of(
    st.none(),
    st.integers(),
    TEXT.filter(records.valid_text),
    st.fixed_dictionaries({"field": st.sampled_from(["feed", "mention"]), "value": JSON}),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
).filter(lambda junk: records.json_problem(junk) is None)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(IDS, st.text().filter(records.valid_text)),
        min_size=1,
        max_size=8,
        unique_by=lambda c: c[0],
    ),
    st.lists(JUNK, max_size=8),
    st.randoms(),
)
def test_junk_among_the_changes_never_costs_a_comment_change(
    good: list[tuple[str, str]], junk: list[Any], shuffle: Any
) -> None:
    changes: list[Any] = [comment_change(f"9_{i}", text) for i, text in good] + junk
    shuffle.shuffle(changes)
    parsed = webhooks.parse(body({"object": "page", "entry": [{"id": "1", "changes": changes}]}))
    found = {c.comment_id for c in parsed if c.problem is None}
    assert {f"9_{i}" for i, _ in good} <= found
