"""What a record from a source may hold before the application will record it.

A hostile or broken source can send JSON that parses but cannot be stored or judged: a lone
surrogate (text that is not valid Unicode), NaN or a number too big for a float, nesting
hundreds of levels deep, an id the database cannot hold (too long, or with a NUL character),
a time out of range. :func:`comment_problem` names the first such problem in a comment, in
words that never quote the comment's text; ``moderator.ingest.quarantine`` keeps the comment's place
and that reason instead of the comment, and the records around it are recorded as usual.
NUL characters in free text (the comment, its raw JSON, a post's message) are not a problem:
the application stores them as U+FFFD (``moderator.ingest.recording.storable``).

:func:`loads` is ``json.loads`` that refuses what JSON itself does not allow (``NaN``,
``Infinity``) and nesting too deep for Python, with a ``ValueError`` instead of a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from typing import Any

from connectors.base import RawComment, RawPost

#: Deeper JSON than this is refused (platforms send about 5 levels; comments nest no further).
MAX_DEPTH = 100
#: The longest id (comment, post, author, parent) the database holds.
ID_LIMIT = 200
#: The longest author name: an author known by name alone is keyed ``name:<name>`` in 200.
NAME_LIMIT = 195
#: A comment dated further ahead than this is refused (clocks differ a little, not by days).
FUTURE = dt.timedelta(days=1)
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_SURROGATE = re.compile("[\ud800-\udfff]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")


def loads(data: bytes | str) -> Any:
    """Decoded JSON; ``ValueError`` (``json.JSONDecodeError`` for syntax) for anything else."""
    try:
        return json.loads(data, parse_constant=_constant)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def valid_text(value: str) -> bool:
    """False when ``value`` holds a lone surrogate (it cannot be written as UTF-8)."""
    return _SURROGATE.search(value) is None


def json_problem(value: Any) -> str | None:
    """Why decoded JSON ``value`` cannot be stored, or ``None``: nesting deeper than
    :data:`MAX_DEPTH`, NaN or Infinity, or a string or key that is not valid Unicode. The
    place is named by its first two keys when they are plain field names (never by other
    text): ``"nesting deeper than 100 levels (at 'extra')"``."""
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 1, ())]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            if not valid_text(item):
                return f"text that is not valid Unicode (a lone surrogate{_at(path)})"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"a number JSON cannot hold (NaN or Infinity{_at(path)})"
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                where = f" ({_at(path)[2:]})" if path else ""
                return f"nesting deeper than {MAX_DEPTH} levels{where}"
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and not valid_text(key):
                    return f"a key that is not valid Unicode (a lone surrogate{_at(path)})"
                stack.append((child, depth + 1, _child(path, key)))
    return None


def _child(path: tuple[str, ...], key: object) -> tuple[str, ...]:
    if len(path) >= 2:
        return path
    if isinstance(key, int):
        return (*path, f"[{key}]")
    return (*path, key if isinstance(key, str) and _NAME.fullmatch(key) else "?")


def _at(path: tuple[str, ...]) -> str:
    """``", at 'from.name'"`` (or nothing for the top level)."""
    if not path:
        return ""
    text = "".join(part if part.startswith("[") else f".{part}" for part in path).lstrip(".")
    return f", at '{text}'"


def id_problem(label: str, value: str | None, limit: int = ID_LIMIT) -> str | None:
    """Why an identifier or a name cannot be stored, or ``None``."""
    if value is None:
        return None
    if not valid_text(value):
        return f"{label} is not valid Unicode (a lone surrogate)"
    if "\x00" in value:
        return f"{label} holds a NUL character"
    if len(value) > limit:
        return f"{label} is longer than {limit} characters"
    return None


def time_problem(label: str, value: dt.datetime | None, now: dt.datetime) -> str | None:
    """Why a comment time cannot be right, or ``None``: before 1970 or more than a day ahead."""
    if value is None:
        return None
    if value < EARLIEST:
        return f"{label} {value.date().isoformat()} is before 1970"
    if value > now + FUTURE:
        return f"{label} {value.date().isoformat()} is in the future"
    return None


def comment_problem(comment: RawComment, now: dt.datetime | None = None) -> str | None:
    """Why ``comment`` cannot be recorded, or ``None`` (its post is checked by
    :func:`usable_post`: a post's bad details never cost the comment)."""
    now = now or dt.datetime.now(dt.UTC)
    checks = (
        id_problem("its id", comment.platform_comment_id),
        "its id is empty" if not comment.platform_comment_id else None,
        id_problem("its author id", comment.author_id),
        id_problem("its author", comment.author_name, NAME_LIMIT),
        id_problem("its post id", comment.post_id),
        id_problem("its post id", comment.post.platform_post_id if comment.post else None),
        id_problem("its parent id", comment.parent_id),
        id_problem("its link", comment.permalink, limit=10_000),
        None if valid_text(comment.text) else "its text is not valid Unicode (a lone surrogate)",
        time_problem("its time", comment.created_time, now),
    )
    for problem in checks:
        if problem:
            return problem
    found = json_problem(comment.raw)
    return f"its JSON has {found}" if found else None


def usable_post(comment: RawComment) -> RawComment:
    """``comment``, with its post reduced to the id when the post's details cannot be stored
    (the comment is still recorded, under a post known by id alone)."""
    post = comment.post
    if post is None:
        return comment
    bad = (
        json_problem(post.raw)
        or (post.message is not None and not valid_text(post.message))
        or id_problem("link", post.permalink, limit=10_000)
    )
    if not bad:
        return comment
    bare = RawPost(post.platform_post_id, {"id": post.platform_post_id})
    return dataclasses.replace(comment, post=bare)


def shown(value: str, limit: int = 60) -> str:
    """An identifier fit for a message: control characters and surrogates escaped, cut short."""
    text = "".join(ch if ch.isprintable() and valid_text(ch) else repr(ch)[1:-1] for ch in value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
