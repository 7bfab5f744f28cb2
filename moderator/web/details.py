"""The audit log's details as a person reads them: ``key: value`` text, never a Python or JSON
literal. Keys are words (``flag_ids``: "flag ids"), lists comma-separated values, nested objects
``key: value`` pairs in brackets, ``true``/``false`` yes/no, and a missing value a dash. Values
are shown as recorded (a username keeps its underscores)."""

from __future__ import annotations

from typing import Any

#: How deep nested values are spelt out before "..." (details are small; this bounds the work).
DEPTH = 4


def readable(value: Any, depth: int = 0) -> str:
    """One value in words."""
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if depth >= DEPTH and isinstance(value, dict | list | tuple):
        return "..."
    if isinstance(value, dict):
        return "(" + pairs(value, depth + 1, "; ") + ")"
    if isinstance(value, list | tuple):
        return ", ".join(readable(item, depth + 1) for item in value)
    return str(value)


def pairs(detail: dict[str, Any], depth: int = 0, separator: str = "; ") -> str:
    """A detail object as ``key: value`` pairs, keys in words."""
    return separator.join(
        f"{str(key).replace('_', ' ')}: {readable(value, depth)}" for key, value in detail.items()
    )


def lines(detail: Any) -> list[tuple[str, str]]:
    """A detail object as (key, value) rows for a page, in words."""
    if not isinstance(detail, dict):
        return [("detail", readable(detail))]
    return [(str(key).replace("_", " "), readable(value, 1)) for key, value in detail.items()]
