"""pydantic's first error about a TOML file, as one line naming the file, the line and the key::

    moderator.toml: line 14: [[sources]] #2 'platform': expected one of facebook, instagram, file; got 'twitter'

The error's ``loc`` (``("sources", 1, "platform")``) is walked down the schema to the table
(``[[sources]] #2``) and the key. ``tomllib`` gives no positions for values, so
:meth:`Lines.line_of` finds the key's line by reading the text: the n-th ``[[table]]`` (or the
``[table]``) header, then the first ``key =`` line after it. When it cannot tell, the message
names the key without a line. The words after the key come from the key's type and limits
(:func:`expected`), or, for a check :func:`values.fail` made, are its message as it stands.
"""

from __future__ import annotations

import difflib
import re
import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from moderator.errors import ConfigError
from moderator.settings.values import show

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_WHERE = re.compile(r"^\[\[?([^\]]+)\]\]?(?: #(\d+))?$")


class Lines:
    """Finds where a table or key is written in one TOML document."""

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

    def error(self, where: str, key: str | None, message: str) -> ConfigError:
        """The one-line error: file, line (when found), table and key, then ``message``."""
        line = self.line_of(where, key)
        at = f"line {line}: " if line else ""
        name = f"{where} {key!r}" if where and key else (where or repr(key))
        return ConfigError(f"{self.path}: {at}{name}: {message}")


def explain(
    exc: ValidationError, schema: type[BaseModel], data: dict[str, Any], lines: Lines
) -> ConfigError:
    """``exc``'s first error about ``data`` as one line; an unknown key goes before the rest
    (a misspelt key is the likelier mistake than the "missing" key it hides)."""
    errors = exc.errors(include_url=False)
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = (*error["loc"], *(error.get("ctx") or {}).get("at", ()))
    where, key, model, rest = _locate(loc, schema)
    field = model.model_fields.get(key)
    value = _value_at(data, loc[: len(loc) - len(rest)])
    if error["type"] == "config":
        message = str(error["msg"])
    elif error["type"] == "extra_forbidden" or field is None:
        allowed = sorted(model.model_fields)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        message = f"unknown key{hint}; expected one of {', '.join(allowed)}"
    elif table_in(field.annotation) is not None:
        message = _table_message(error["type"], key, value)
    elif error["type"] == "missing":
        message = "missing; expected a string"
    elif error["type"] == "string_pattern_mismatch" and not rest:
        message = "must not be empty"
    elif _is_choice(field) and not isinstance(value, str):
        message = f"expected a string; got {show(value)}"
    elif _is_choice(field) and not value.strip() and field.is_required():
        message = "must not be empty"
    elif rest and each_of(field) and isinstance(error["input"], str) and error["input"].strip():
        message = f"expected {each_of(field)}; got {show(error['input'])}"
    else:
        message = f"expected {expected(field)}; got {show(value)}"
    return lines.error(where, key, message)


def _locate(
    loc: tuple[str | int, ...], schema: type[BaseModel]
) -> tuple[str, str, type[BaseModel], tuple[str | int, ...]]:
    """The table (as written in the file), the key, the key's model and what follows it."""
    model, names, where, i = schema, [], "", 0
    while i < len(loc):
        key, rest = str(loc[i]), loc[i + 1 :]
        field = model.model_fields.get(key)
        table = table_in(field.annotation) if field is not None else None
        if table is None or not rest or (is_array(field) and len(rest) < 2):
            return where, key, model, rest
        names.append(key)
        if is_array(field):
            where, i = f"[[{'.'.join(names)}]] #{int(rest[0]) + 1}", i + 2
        else:
            where, i = f"[{'.'.join(names)}]", i + 1
        model = table
    return where, "", model, ()


def _value_at(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _table_message(kind: str, key: str, value: Any) -> str:
    if kind == "missing":
        return f"missing table [{key}]"
    if kind == "list_type" or isinstance(value, list):
        return f"expected an array of tables [[{key}]]"
    return f"expected a table [{key}]; got {type(value).__name__}"


def unwrap(annotation: Any) -> Any:
    """``annotation`` without ``| None``."""
    if get_origin(annotation) in (Union, types.UnionType):
        (annotation,) = (a for a in get_args(annotation) if a is not type(None))
    return annotation


def table_in(annotation: Any) -> type[BaseModel] | None:
    """The model of a table (``Model``) or of an array of tables (``list[Model]``)."""
    bare = unwrap(annotation)
    if get_origin(bare) is list:
        bare = unwrap(get_args(bare)[0])
    return bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None


def is_array(field: FieldInfo | None) -> bool:
    return field is not None and get_origin(unwrap(field.annotation)) is list


def _is_choice(field: FieldInfo) -> bool:
    return get_origin(unwrap(field.annotation)) is Literal


def each_of(field: FieldInfo) -> str:
    """ "each of a, b, c" for a list of choices, else ""."""
    bare = unwrap(field.annotation)
    if get_origin(bare) is list and get_origin(item := unwrap(get_args(bare)[0])) is Literal:
        return f"each of {', '.join(get_args(item))}"
    return ""


def expected(field: FieldInfo) -> str:
    """What ``field`` holds, in words: "a whole number of at least 1", "one of a, b"."""
    bare = unwrap(field.annotation)
    low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
    high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
    if bare is bool:
        return "true or false"
    if bare is int:
        return f"a whole number of at least {low}"
    if bare is float and high is not None:
        return f"a number from {low:g} to {high:g}"
    if bare is float:
        return f"a number of at least {low:g}"
    if get_origin(bare) is Literal:
        return f"one of {', '.join(get_args(bare))}"
    if get_origin(bare) is list:
        return "a list of non-empty strings"
    return "a string"
