"""The audit log's details as words (moderator/web/details.py) and ``moderator status``'s times in
the school's zone (moderator/ops/status.py)."""

from __future__ import annotations

import datetime as dt

from moderator.ops import status
from moderator.web import details


def test_details_are_words_not_literals() -> None:
    detail = {
        "categories": ["abuse", "threat"],
        "flag_ids": [3, 4],
        "hidden": True,
        "note": None,
        "counts": {"new": 2, "seen": []},
        "step": "written_warning",
        "by": "j_smith",
    }
    assert details.lines(detail) == [
        ("categories", "abuse, threat"),
        ("flag ids", "3, 4"),
        ("hidden", "yes"),
        ("note", "-"),
        ("counts", "(new: 2; seen: -)"),
        ("step", "written_warning"),
        ("by", "j_smith"),
    ]
    text = " ".join(f"{k}: {v}" for k, v in details.lines(detail))
    assert not set("[]{}'\"") & set(text)
    assert details.lines("just text") == [("detail", "just text")]
    deep: dict[str, object] = {"a": {"b": {"c": {"d": {"e": [1]}}}}}
    assert details.lines(deep) == [("a", "(b: (c: (d: ...)))")]


def test_status_times_are_local_to_the_second() -> None:
    summer = "2026-07-01T12:03:04.123456+00:00"
    winter = "2026-12-01T12:03:04.999999+00:00"
    assert status.local(summer, "Europe/London") == "2026-07-01 13:03:04 BST"
    assert status.local(winter, "Europe/London") == "2026-12-01 12:03:04 GMT"
    assert status.local(None, "Europe/London") is None
    now = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
    assert status.next_poll({"next_poll_at": None}, "Europe/London", now) == "when a worker runs"
    assert status.next_poll({"next_poll_at": summer}, "Europe/London", now) == (
        "2026-07-01 13:03:04 BST"
    )
    past = "2026-07-01T11:00:00+00:00"
    assert status.next_poll({"next_poll_at": past}, "Europe/London", now) == "due now"
