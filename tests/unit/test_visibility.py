"""The redaction logic of ``moderator.review.visibility`` (no database: the ids to hide are given).

Property-based: whatever platform JSON and thread a snapshot holds, no comment to hide survives
the redacted view, everything else is kept as it was, and the original is never changed.
(tests/integration/test_dsl_visibility.py drives every surface against real databases.)
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from moderator.evidence import capture_png
from moderator.review import visibility

IDS = ["c1", "c2", "7"]
ids = st.sampled_from(IDS) | st.sampled_from([7, 8, True])  # numbers as a file source gives them
leaves = st.none() | st.booleans() | st.integers(-3, 9) | st.text(max_size=4)
platform_json = st.recursive(
    leaves | ids,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["id", "text", "data", "from"]), inner, max_size=3)
        | st.fixed_dictionaries(  # a comment, as the platforms send one, maybe with replies
            {"id": ids},
            optional={
                "text": st.text(max_size=4),
                "replies": st.fixed_dictionaries({"data": inner}),
            },
        )
    ),
    max_leaves=40,
)
hidden_ids = st.sets(st.sampled_from(IDS))


def reference(value: Any, hidden: set[str]) -> tuple[Any, int]:
    """The same replacement, written the obvious (recursive) way."""
    if isinstance(value, dict):
        found = value.get("id")
        if not isinstance(found, bool) and isinstance(found, str | int) and str(found) in hidden:
            return {"redacted": True, "text": visibility.PLACEHOLDER}, 1
        pairs = {key: reference(child, hidden) for key, child in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, sum(n for _, n in pairs.values())
    if isinstance(value, list):
        pairs_list = [reference(child, hidden) for child in value]
        return [v for v, _ in pairs_list], sum(n for _, n in pairs_list)
    return value, 0


@given(platform_json, hidden_ids)
def test_scrub_replaces_exactly_the_hidden_objects_and_leaves_the_original(
    value: Any, hidden: set[str]
) -> None:
    before = copy.deepcopy(value)
    scrubbed, count = visibility.scrub(value, hidden)
    assert (scrubbed, count) == reference(before, hidden)
    assert value == before


def every_id(value: Any) -> set[str]:
    """Every object id inside ``value``, the obvious (recursive) way."""
    found: set[str] = set()
    if isinstance(value, dict):
        own = value.get("id")
        if not isinstance(own, bool) and isinstance(own, str | int):
            found.add(str(own))
        for child in value.values():
            found |= every_id(child)
    elif isinstance(value, list):
        for child in value:
            found |= every_id(child)
    return found


@given(platform_json, platform_json)
def test_every_comment_a_snapshot_mentions_is_looked_up(raw: Any, post: Any) -> None:
    content = {"raw": raw, "post": post, "comment": {"id": "flagged"}}
    content["thread"] = {"parent": {"id": "p"}, "before": [{"id": "b"}], "after": [{"id": 3}]}
    wanted = every_id(raw) | every_id(post) | {"flagged", "p", "b", "3"}
    assert visibility.mentioned(content) == wanted


def test_scrub_walks_json_nested_far_deeper_than_the_stack() -> None:
    value: dict[str, Any] = {"id": "c1", "text": "secret"}
    for _ in range(100_000):
        value = {"replies": {"data": [value]}}
    scrubbed, count = visibility.scrub(value, {"c1"})
    assert count == 1
    for _ in range(100_000):
        scrubbed = scrubbed["replies"]["data"][0]
    assert scrubbed == {"redacted": True, "text": visibility.PLACEHOLDER}


entries = st.fixed_dictionaries(
    {"id": st.sampled_from(IDS), "author": st.text(max_size=6), "text": st.text(max_size=12)}
)
contents = st.fixed_dictionaries(
    {
        "source": st.just({"name": "reports", "platform": "facebook"}),
        "thread": st.fixed_dictionaries(
            {
                "parent": st.none() | entries,
                "before": st.lists(entries, max_size=4),
                "after": st.lists(entries, max_size=4),
            }
        ),
        "comment": st.fixed_dictionaries(
            {"id": st.sampled_from(["flagged", *IDS]), "text": st.text(max_size=12)}
        ),
        "raw": platform_json,
    }
)


@given(contents, hidden_ids)
def test_a_redacted_view_keeps_nothing_hidden_and_everything_else(
    content: dict[str, Any], hidden: set[str]
) -> None:
    before = copy.deepcopy(content)
    view = visibility.without(content, hidden)
    assert content == before  # the sealed original is never written into
    shown = view.content
    thread, original = shown["thread"], before["thread"]
    for key in ("before", "after"):
        assert len(thread[key]) == len(original[key])
        for now, was in zip(thread[key], original[key], strict=True):
            assert now == was if was["id"] not in hidden else _placeholder(now)
    if original["parent"] is not None:
        was = original["parent"]
        assert (
            thread["parent"] == was if was["id"] not in hidden else _placeholder(thread["parent"])
        )
    if before["comment"]["id"] in hidden:
        assert shown["comment"]["text"] == visibility.PLACEHOLDER
    else:
        assert shown["comment"] == before["comment"]
    assert shown["raw"] == reference(before["raw"], hidden)[0]
    assert view.redacted == (visibility.MARK in shown) == (view.replaced > 0)
    assert view.redacted or shown is content


def _placeholder(entry: dict[str, Any]) -> bool:
    return (
        entry["text"] == visibility.PLACEHOLDER
        and entry["author"] == visibility.WITHHELD_AUTHOR
        and entry["id"] is None
    )


def test_the_capture_image_of_a_redacted_view_says_so() -> None:
    content = {
        "source": {"name": "reports", "platform": "facebook"},
        "thread": {
            "parent": None,
            "before": [{"id": "s1", "author": "Zed Pupil", "text": "I have started cutting again"}],
            "after": [],
        },
        "comment": {"id": "a1", "text": "a useless idiot", "author": {"name": "Dave"}},
    }
    sealed = " ".join(capture_png.drawn_text(content, "ab" * 32))
    assert "EVIDENCE CAPTURE" in sealed and "cutting" in sealed and "REDACTED" not in sealed
    view = visibility.without(content, {"s1"})
    drawn = " ".join(capture_png.drawn_text(view.content, "ab" * 32))
    assert drawn.startswith("REDACTED VIEW - drawn from the recorded data")
    assert "Redacted view: not the sealed capture" in drawn
    assert f"Redacted view of snapshot SHA-256: {'ab' * 32}" in drawn
    assert visibility.PLACEHOLDER in drawn and "useless idiot" in drawn
    assert "cutting" not in drawn and "Zed Pupil" not in drawn
    assert capture_png.render(view.content, "ab" * 32) != capture_png.render(content, "ab" * 32)
