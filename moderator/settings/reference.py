"""docs/configuration.md, written from the schema: every table and key, what it holds, its default
and what it means. ``python -m moderator.settings.reference > docs/configuration.md`` rewrites
it; a test checks that the committed file is what this writes."""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import json
import sys
import textwrap
from typing import Any, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from moderator.settings import schema, tomlcheck
from moderator.settings.values import Kind, Shown

INTRO = """\
# Configuration reference

<!-- Written by `python -m moderator.settings.reference > docs/configuration.md` from
moderator/settings/schema.py: change the schema, then run it; a test checks the two agree. -->

A school's settings live in one TOML file: `--config PATH`, `MODERATOR_CONFIG`, or
`./moderator.toml` (without one, the bundled sample school,
`moderator/settings/sample/school.toml`, which is also a full example). Every table but
`[school]` may be left out, and every key with a default. Paths are relative to the file.

Secrets are never written in the file: a key ending in `_env` names the environment variable
that holds one. The database is not set here either: give `--database-url` or
`MODERATOR_DATABASE_URL`. An empty string (`""`) leaves a key with a default at its default.

A mistake stops the command with one line naming the file, the line, the table and the key:

    moderator.toml: line 14: [[sources]] #2 'platform': expected one of facebook, instagram, file; got 'twitter'
"""


def render() -> str:
    """The whole reference, as Markdown."""
    parts = [INTRO]
    written: dict[type[BaseModel], str] = {}
    for name, field in schema.SchoolFile.model_fields.items():
        parts.extend(_sections([name], schema.SchoolFile, field, written))
    return "\n".join(parts)


def _sections(
    names: list[str],
    parent: type[BaseModel],
    field: FieldInfo,
    written: dict[type[BaseModel], str],
) -> list[str]:
    table = tomlcheck.table_in(field.annotation)
    if table is None:
        return []
    dotted = ".".join(names)
    header = f"[[{dotted}]]" if tomlcheck.is_array(field) else f"[{dotted}]"
    if table in written:
        meaning = _words(meaning_of(parent, names[-1], field))
        return [f"## {header}\n\n{meaning} The same keys as {written[table]}.\n"]
    written[table] = header
    scalars = {
        k: f for k, f in table.model_fields.items() if tomlcheck.table_in(f.annotation) is None
    }
    lines = [f"## {header}\n", _words(table.__doc__), ""]
    if field.is_required():
        lines[1] += " Required."
    if scalars:
        lines += ["| key | value | default | meaning |", "|---|---|---|---|"]
    lines += [
        f"| `{key}` | {_cell(what(f))} | {_cell(default(f))} "
        f"| {_cell(_words(meaning_of(table, key, f)))} |"
        for key, f in scalars.items()
    ]
    sections = ["\n".join(lines).rstrip() + "\n"]
    for key, sub in table.model_fields.items():
        if key not in scalars:
            sections.extend(_sections([*names, key], table, sub, written))
    return sections


def meaning_of(model: type[BaseModel], key: str, field: FieldInfo) -> str | None:
    """What a key means: its ``description``, else the docstring written under it in the
    schema. The docstrings are read here, when the reference is written, rather than by pydantic
    at every start-up (reading the source costs a command about a fifth of a second)."""
    return field.description or _attribute_docstrings(model).get(key)


@functools.cache
def _attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError):  # made by create_model: descriptions are given directly
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for statement, following in itertools.pairwise(body):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


def what(field: FieldInfo) -> str:
    """What a key holds, in words."""
    kind = next((m.words for m in field.metadata if isinstance(m, Kind)), None)
    if kind:
        return kind
    bare = tomlcheck.unwrap(field.annotation)
    if get_origin(bare) is list:
        choices = tomlcheck.each_of(field)
        return f"a list, {choices}" if choices else "a list of non-empty strings"
    return tomlcheck.expected(field)


def default(field: FieldInfo) -> str:
    """A key's default as the file would write it, or "required"."""
    shown = next((m.words for m in field.metadata if isinstance(m, Shown)), None)
    if shown is not None:
        return shown
    if field.is_required():
        return "required"
    value: Any = field.get_default(call_default_factory=True)
    return "not set" if value is None else f"`{json.dumps(value, ensure_ascii=False)}`"


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    sys.stdout.write(render())
