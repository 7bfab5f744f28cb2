"""Test data builders: configs, comment files and school folders."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from moderator.settings import config as config_mod

#: The keys ``queue list --json`` promises for every item (interface.md).
QUEUE_ITEM_KEYS = frozenset(
    {
        "id",
        "comment_id",
        "platform",
        "source",
        "author",
        "text",
        "categories",
        "status",
        "step",
        "hidden",
    }
)

MINIMAL_CONFIG = """\
[school]
name = "Test School"

[[staff]]
name = "Janet Holloway"
role = "Headteacher"
aliases = ["Mrs Holloway", "the head"]

[[pupils]]
name = "Oliver Bennett"
aliases = ["Oliver B"]

[[sources]]
name = "reports"
platform = "file"
path = "comments.jsonl"
"""


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    """JSONL text for ``rows``."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


#: The lexical classifier: quick to load, and what most tests of the pipeline need.
LEXICAL = '\n[classifier]\nbackend = "lexical"\n'


def write_school(
    folder: Path, config: str = MINIMAL_CONFIG, rows: Iterable[dict[str, Any]] | None = None
) -> Path:
    """Write a school's ``moderator.toml`` (``config``) and, given ``rows``, its
    ``comments.jsonl`` into ``folder``; the config's path."""
    path = folder / "moderator.toml"
    path.write_text(config, encoding="utf-8")
    if rows is not None:
        (folder / "comments.jsonl").write_text(jsonl(rows), encoding="utf-8")
    return path


def load_school(
    folder: Path, config: str = MINIMAL_CONFIG, rows: Iterable[dict[str, Any]] | None = None
) -> config_mod.SchoolConfig:
    """:func:`write_school`, then the school's configuration as the moderator loads it."""
    return config_mod.load(write_school(folder, config, rows))
