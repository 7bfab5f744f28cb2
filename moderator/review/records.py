"""The base of the read models (flags, cases, subject access exports): frozen dataclasses
whose fields, in order, are the JSON the command line prints (``--json``).

:meth:`Record.to_json` is :func:`dataclasses.asdict` with the values made plain for
:func:`json.dumps`: an enum as its value, a time as ISO 8601, a tuple as a list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from enum import Enum
from typing import Any, cast


def plain(value: Any) -> Any:
    """``value`` as JSON holds it (dataclasses are already dicts here, from ``asdict``)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def _as_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {key: plain(value) for key, value in pairs}


class Record:
    """A read model: subclasses are frozen dataclasses."""

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object, its keys in the order of the fields."""
        return asdict(cast(Any, self), dict_factory=_as_dict)


def values_of(record: Record) -> dict[str, Any]:
    """The record's fields and values, one level deep (to build a record that extends it)."""
    return {field.name: getattr(record, field.name) for field in fields(cast(Any, record))}
