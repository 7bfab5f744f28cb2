"""Type checks for parsed TOML that raise one-line errors naming file, line and key.

``tomllib`` gives no positions for values, so :meth:`Checker.line_of` finds a key's line by
reading the text: the n-th ``[[table]]`` (or the ``[table]``) header, then the first
``key =`` line after it. When it cannot tell, the message names the key without a line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from moderator.errors import ConfigError

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_WHERE = re.compile(r"^\[\[?([^\]]+)\]\]?(?: #(\d+))?$")


class Checker:
    """Validates values in one TOML document; every failure raises :class:`ConfigError`."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, where: str, key: str | None) -> int | None:
        """1-based line of ``key`` inside the table ``where`` ("[school]", "[[sources]] #2")."""
        start, end = self._table_range(where)
        if start is None:
            return None
        if key is None:
            return start + 1
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start, end):
            if pattern.match(self.lines[number]):
                return number + 1
        return start + 1 if where else None

    def _table_range(self, where: str) -> tuple[int | None, int]:
        if not where:
            first_header = next((i for i, ln in enumerate(self.lines) if _HEADER.match(ln)), None)
            return 0, first_header if first_header is not None else len(self.lines)
        match = _WHERE.match(where)
        if not match:
            return None, 0
        name, nth = match.group(1), int(match.group(2) or 1)
        seen = 0
        for number, line in enumerate(self.lines):
            header = _HEADER.match(line)
            if header and header.group(1) == name:
                seen += 1
                if seen == nth:
                    following = (
                        i
                        for i in range(number + 1, len(self.lines))
                        if _HEADER.match(self.lines[i])
                    )
                    return number, next(following, len(self.lines))
        return None, 0

    def fail(self, where: str, key: str | None, message: str) -> NoReturn:
        line = self.line_of(where, key)
        at = f"line {line}: " if line else ""
        name = f"{where} {key!r}" if where and key else (where or repr(key))
        raise ConfigError(f"{self.path}: {at}{name}: {message}")

    def keys(self, table: dict[str, Any], where: str, allowed: Iterable[str]) -> None:
        allowed = set(allowed)
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                expected = ", ".join(sorted(allowed))
                self.fail(where, key, f"unknown key{hint}; expected one of {expected}")

    def table(self, data: dict[str, Any], key: str, *, required: bool = False) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail("", key, f"missing table [{key}]")
            return {}
        if not isinstance(value, dict):
            self.fail("", key, f"expected a table [{key}]; got {type(value).__name__}")
        return value

    def array(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail("", key, f"expected an array of tables [[{key}]]")
        return value

    def string(self, table: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(where, key, "missing; expected a string")
            return ""
        if not isinstance(value, str):
            self.fail(where, key, f"expected a string; got {_show(value)}")
        if required and not value.strip():
            self.fail(where, key, "must not be empty")
        return value

    def strings(self, table: dict[str, Any], key: str, where: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(where, key, f"expected a list of non-empty strings; got {_show(value)}")
        return value

    def choice(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        options: tuple[str, ...],
        *,
        required: bool = False,
        default: str = "",
    ) -> str:
        value = self.string(table, key, where, required=required) or default
        if value not in options:
            self.fail(where, key, f"expected one of {', '.join(options)}; got {value!r}")
        return value

    def integer(
        self, table: dict[str, Any], key: str, where: str, *, default: int, minimum: int
    ) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(
                where, key, f"expected a whole number of at least {minimum}; got {_show(value)}"
            )
        return value

    def number(
        self, table: dict[str, Any], key: str, where: str, *, default: float, minimum: float
    ) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.fail(where, key, f"expected a number of at least {minimum:g}; got {_show(value)}")
        return float(value)

    def boolean(self, table: dict[str, Any], key: str, where: str, *, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            self.fail(where, key, f"expected true or false; got {_show(value)}")
        return value

    def probability(self, table: dict[str, Any], key: str, where: str) -> float:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self.fail(where, key, f"expected a number from 0 to 1; got {_show(value)}")
        return float(value)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
