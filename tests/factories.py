"""Test data builders: configs and comment files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

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
