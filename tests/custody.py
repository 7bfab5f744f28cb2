"""A made-up evidence snapshot and its one-entry custody chain, for hand-made bundles."""

from __future__ import annotations

from typing import Any

from moderator.evidence import verify

SNAPSHOT = b'{"comment":{"text":"made up"}}'


def chain(snapshot: bytes = SNAPSHOT) -> bytes:
    anchor = verify.sha256(snapshot)
    entry: dict[str, Any] = {
        "snapshot": anchor,
        "seq": 1,
        "at": "2026-11-21T10:00:00.000000Z",
        "actor": "system",
        "action": "captured",
        "detail": {"artefacts": {}},
        "prev": anchor,
    }
    entry["hash"] = verify.entry_hash(entry)
    return verify.canonical(entry) + b"\n"
