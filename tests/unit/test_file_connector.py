"""The JSONL file source: tolerant of odd input, exact about what it could not read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from connectors.base import FetchWindow, RawComment, Skipped
from connectors.file_connector import FileSource


def fetch(
    tmp_path: Path, content: bytes, window: FetchWindow | None = None
) -> list[RawComment | Skipped]:
    path = tmp_path / "reports.jsonl"
    path.write_bytes(content)
    return list(FileSource("reports", path).fetch(window or FetchWindow()))


def test_reads_every_field(tmp_path: Path) -> None:
    line = {
        "id": "c1",
        "text": "Hello",
        "author": "Sam",
        "created_time": "2026-10-05T08:12:00+0000",
        "post_id": "p1",
        "permalink_url": "https://example.org/c1",
        "extra": [1],
    }
    (comment,) = fetch(tmp_path, json.dumps(line).encode() + b"\n")
    assert isinstance(comment, RawComment)
    assert comment.platform_comment_id == "c1" and comment.author_name == "Sam"
    assert comment.created_time == dt.datetime(2026, 10, 5, 8, 12, tzinfo=dt.UTC)
    assert comment.raw == line and comment.post_id == "p1"


def test_bad_lines_are_named_and_reading_goes_on(tmp_path: Path) -> None:
    content = (
        b'{"id": "a", "text": "fine"}\n'
        b'{"id": "b", "text": "broken"\n'
        b"\n"
        b'["not", "an", "object"]\n'
        b'{"text": "no id"}\n'
        b'{"id": "c", "text": "bad time", "created_time": "last tuesday"}\n'
        b'{"id": "d", "text": "\xff\xfe bad utf-8"}\n'
        b'{"id": 7, "text": null}\n'
    )
    items = fetch(tmp_path, content)
    skipped = [i for i in items if isinstance(i, Skipped)]
    comments = [i for i in items if isinstance(i, RawComment)]
    assert [c.platform_comment_id for c in comments] == ["a", "7"]
    assert comments[1].text == ""
    assert [s.where.rsplit(" ", 1)[1] for s in skipped] == ["2", "4", "5", "6", "7"]
    assert "invalid JSON" in skipped[0].reason
    assert "ISO 8601" in skipped[3].reason
    assert "broken" not in " ".join(s.reason for s in skipped)  # no comment text in errors


def test_window_keeps_recent_comments(tmp_path: Path) -> None:
    lines = [
        {"id": "old", "text": "x", "created_time": "2026-01-01T00:00:00Z"},
        {"id": "new", "text": "y", "created_time": "2026-10-01T00:00:00Z"},
        {"id": "undated", "text": "z"},
    ]
    content = "\n".join(json.dumps(x) for x in lines).encode()
    since = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    ids = [c.platform_comment_id for c in fetch(tmp_path, content, FetchWindow(since=since))]  # type: ignore[union-attr]
    assert ids == ["new", "undated"]


def test_missing_file_is_reported(tmp_path: Path) -> None:
    (item,) = FileSource("reports", tmp_path / "gone.jsonl").fetch(FetchWindow())
    assert isinstance(item, Skipped) and "cannot open" in item.reason
