"""The ``file`` source: JSONL comments that staff report from elsewhere, or an export.

Each line is ``{"id", "text", "author", "created_time", "post_id", "permalink_url"}``; only
``id`` and ``text`` are required and other keys are kept in ``raw``. A line that cannot be
read (not UTF-8, not JSON, NaN, nesting too deep for Python, a time out of range) is yielded as
:class:`Skipped` naming the file and line; reading goes on. Each comment carries its file and
line in ``where``, so a comment the application refuses later is named by its line too. The
whole file is read on every scan (reports can arrive out of time order), and recording is
idempotent on ``id``; an explicit window (``--since``) keeps only comments created inside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connectors import records, timeparse
from connectors.base import FetchWindow, RawComment, Skipped


class FileSource:
    """Comments from a JSONL file. Nothing can be hidden: the platform is elsewhere."""

    platform = "file"
    can_act = False

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path

    def fetch(self, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            yield Skipped(str(self.path), f"cannot open: {exc.strerror or exc}")
            return
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                item = self._parse(line, f"{self.path} line {number}")
                if isinstance(item, Skipped) or window.admits(item):
                    yield item

    def _parse(self, line: bytes, where: str) -> RawComment | Skipped:
        try:
            data = records.loads(line.decode("utf-8-sig").rstrip("\r\n"))
        except UnicodeDecodeError as exc:
            return Skipped(where, f"not UTF-8 text (byte {exc.start})")
        except json.JSONDecodeError as exc:
            return Skipped(where, f"invalid JSON: {exc.msg} at column {exc.pos + 1}")
        except ValueError as exc:  # NaN, nesting too deep, an integer of thousands of digits
            return Skipped(where, f"invalid JSON: {str(exc).split(';')[0]}")
        if not isinstance(data, dict):
            return Skipped(where, f"expected a JSON object; got {type(data).__name__}")
        try:
            return _comment(data, where)
        except ValueError as exc:
            return Skipped(where, str(exc))

    def fetch_comment(self, comment_id: str, post_id: str | None = None) -> RawComment | None:
        for item in self.fetch(FetchWindow()):
            if isinstance(item, RawComment) and item.platform_comment_id == comment_id:
                return item
        return None

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        raise NotImplementedError("a file source cannot hide or unhide comments")

    def is_hidden(self, comment_id: str) -> bool | None:
        return None  # the platform is elsewhere: nobody here knows

    def usage(self) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        """Nothing to release: the file is opened and closed on each read."""


def _comment(data: dict[str, Any], where: str) -> RawComment:
    comment_id = data.get("id")
    if isinstance(comment_id, bool) or not isinstance(comment_id, str | int) or comment_id == "":
        raise ValueError("'id' is missing or not a string or number")
    text = data.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError(f"'text' must be a string; got {type(text).__name__}")
    try:
        created = timeparse.parse(data.get("created_time"))
    except ValueError as exc:
        raise ValueError(f"'created_time': {exc}") from None
    return RawComment(
        platform_comment_id=str(comment_id),
        text=text,
        raw=data,
        created_time=created,
        author_id=_text(data, "author_id"),
        author_name=_text(data, "author"),
        post_id=_text(data, "post_id"),
        parent_id=_text(data, "parent_id"),
        permalink=_text(data, "permalink_url"),
        where=where,
    )


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dict):  # {"name": ..., "id": ...} as platforms give authors
        value = value.get("name") or value.get("id")
    if value is None or value == "":
        return None
    if isinstance(value, bool | dict | list):
        raise ValueError(f"'{key}' must be a string or a number; got {type(value).__name__}")
    return str(value)
