"""A comments file with poisoned records among good ones: a lone surrogate, an impossible time
and nesting too deep to read, each carrying words that must never reach a reason or a log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


SECRET_WORDS = "confidential words"  # in every poisoned record: must never reach a reason


def nested(depth: int) -> object:
    value: object = SECRET_WORDS
    for _ in range(depth):
        value = [value]
    return value


def good_line(n: int) -> str:
    return json.dumps(
        {
            "id": f"good-{n}",
            "text": f"Lovely assembly today, number {n}",
            "author": "Parent A",
            "post_id": "post-1",
            "created_time": (NOW - dt.timedelta(hours=1)).isoformat(),
        }
    )


#: The probe's three poisons, as raw JSONL lines
POISONS = {
    "surrogate": '{"id": "bad-1", "text": "' + SECRET_WORDS + ' \\ud800"}',
    "time": '{"id": "bad-2", "text": "' + SECRET_WORDS + '", "created_time": 1e300}',
    "deep": json.dumps({"id": "bad-3", "text": SECRET_WORDS, "extra": nested(600)}),
}


def poisoned_file(path: Path) -> dict[str, int]:
    """200 good lines with the three poisons among them; returns each poison's line number."""
    lines = [good_line(n) for n in range(200)]
    at = {"surrogate": 10, "time": 101, "deep": 180}
    for name, index in sorted(at.items(), key=lambda item: item[1]):
        lines.insert(index, POISONS[name])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {name: index + 1 for name, index in at.items()}
