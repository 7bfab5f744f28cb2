"""Evidence snapshots: what a flagged comment looked like when it was detected.

A snapshot is canonical JSON (sorted keys, UTF-8) of the comment as recorded, its raw
platform JSON, where it was and the classification that flagged it, hashed with SHA-256.
It is taken before any hide and never updated: a correction is a new snapshot.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from moderator.models import Classification, Comment, EvidenceSnapshot, utcnow


def canonical(data: dict[str, Any]) -> str:
    """One exact text for ``data``, so the same capture always hashes the same."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def capture(session: Session, comment: Comment, classification: Classification) -> EvidenceSnapshot:
    captured_at = utcnow()
    content = canonical(
        {
            "captured_at": captured_at.isoformat(),
            "source": {"name": comment.source.name, "platform": comment.source.platform},
            "post": {"id": comment.post.platform_post_id if comment.post else None},
            "comment": {
                "id": comment.platform_comment_id,
                "parent_id": comment.parent_platform_id,
                "text": comment.text,
                "author": {"id": comment.author_platform_id, "name": comment.author_name},
                "created_time": comment.created_time.isoformat() if comment.created_time else None,
                "permalink": comment.permalink,
                "first_seen_at": comment.first_seen_at.isoformat()
                if comment.first_seen_at
                else None,
            },
            "raw": comment.raw,
            "classification": {
                "model": classification.model_name,
                "version": classification.model_version,
                "scores": classification.scores,
                "categories": classification.categories,
                "reasons": classification.reasons,
                "spans": classification.spans,
                "step": classification.step.value if classification.step else None,
            },
        }
    )
    snapshot = EvidenceSnapshot(
        comment_id=comment.id, captured_at=captured_at, content=content, sha256=digest(content)
    )
    session.add(snapshot)
    return snapshot


def digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def intact(snapshot: EvidenceSnapshot) -> bool:
    """True when the stored content still matches the hash taken at capture."""
    return digest(snapshot.content) == snapshot.sha256
