"""Evidence snapshots: what a flagged comment looked like when it was detected.

A snapshot is canonical JSON (sorted keys, UTF-8) of the comment as recorded, its raw platform
JSON, its post and the thread around it as recorded at that moment, where it was, and the
classification that flagged it, hashed with SHA-256. Its downloaded attachments are stored
beside it and named with their hashes in the first custody entry; the capture image, a picture
of the sealed JSON, is drawn later, once, when first needed (:mod:`moderator.evidence.drawing`).
It is taken during the scan, before any hide is requested, and never updated: a correction is a
new snapshot.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderator.evidence import capture_png, custody, media
from moderator.settings.config import DEFAULT_MEDIA_HOSTS
from moderator.store.models import (
    Classification,
    Comment,
    EvidenceArtefact,
    EvidenceSnapshot,
    Flag,
    utcnow,
)

logger = logging.getLogger(__name__)
FORMAT = "school-moderator/evidence-snapshot/2"
#: Comments either side of the flagged one kept as its thread.
THREAD = 5
#: The first custody entry's word on the capture image (:mod:`moderator.evidence.drawing`).
LATER = "drawn from this snapshot when first needed; an artefact_added entry records it"


def canonical(data: dict[str, Any]) -> str:
    """One exact text for ``data``, so the same capture always hashes the same."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def intact(snapshot: EvidenceSnapshot) -> bool:
    """True when the stored content still matches the hash taken at capture."""
    return digest(snapshot.content) == snapshot.sha256


@dataclass(frozen=True)
class Capture:
    """What :func:`capture` needs besides the comment and its classification."""

    school: str
    indecent_image_risk: bool = False
    download: bool = True  #: fetch attachments (never for a sexual comment)
    media_hosts: tuple[str, ...] = DEFAULT_MEDIA_HOSTS  #: where attachments may come from
    actor: str = "system"
    via: str = "scan"


@dataclass(frozen=True)
class Correction:
    """A later reading of the comment that the first snapshot no longer matches."""

    previous: EvidenceSnapshot
    text: str
    raw: dict[str, Any]
    reason: str  #: e.g. "edited on the platform after capture"


def capture(
    session: Session,
    comment: Comment,
    classification: Classification,
    how: Capture,
    correction: Correction | None = None,
) -> EvidenceSnapshot:
    """Snapshot ``comment`` (or, for a correction, the comment as read again) with its artefacts
    and the first custody entry."""
    captured_at = utcnow()
    raw = correction.raw if correction else comment.raw
    files: list[tuple[str, str, bytes]] = []
    entries = _media(raw, classification.categories, how, files)
    body = _content(session, comment, classification, how, captured_at, entries)
    if correction:
        body["comment"]["text"], body["raw"] = correction.text, correction.raw
        body["corrects"] = {
            "snapshot_id": correction.previous.id,
            "sha256": correction.previous.sha256,
            "reason": correction.reason,
        }
    if media.withhold(classification.categories):
        body["raw"] = media.redacted(body["raw"])
    content = canonical(body)
    snapshot = EvidenceSnapshot(
        comment_id=comment.id,
        captured_at=captured_at,
        content=content,
        sha256=digest(content),
        captured_by=how.actor,
        corrects_id=correction.previous.id if correction else None,
    )
    session.add(snapshot)
    session.flush()
    artefacts = {
        name: add_artefact(session, snapshot, name, kind, data) for name, kind, data in files
    }
    detail: dict[str, Any] = {"artefacts": artefacts, "via": how.via, "capture_image": LATER}
    custody.append(session, snapshot, how.actor, "captured", detail, at=captured_at)
    return snapshot


def draw(snapshot: EvidenceSnapshot) -> bytes | None:
    """The capture image, or None when it cannot be drawn (logged without comment text)."""
    try:
        return capture_png.render(json.loads(snapshot.content), snapshot.sha256)
    except Exception as exc:  # noqa: BLE001 - an image must never cost the snapshot itself
        error = type(exc).__name__  # not the message: it could quote the comment
        logger.warning("capture image not drawn", extra={"snapshot": snapshot.id, "error": error})
        return None


def add_artefact(
    session: Session, snapshot: EvidenceSnapshot, name: str, media_type: str, data: bytes
) -> str:
    sha = media.digest(data)
    session.add(
        EvidenceArtefact(
            snapshot_id=snapshot.id,
            name=name,
            media_type=media_type,
            size=len(data),
            sha256=sha,
            data=data,
        )
    )
    return sha


def correct(
    session: Session, comment: Comment, text: str, raw: dict[str, Any], how: Capture, reason: str
) -> EvidenceSnapshot | None:
    """A new snapshot when the comment now reads differently from its latest one; None if not
    flagged (never snapshotted) or unchanged."""
    previous = session.scalars(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.comment_id == comment.id)
        .order_by(EvidenceSnapshot.id.desc())
        .limit(1)
    ).first()
    if previous is None:
        return None
    before = json.loads(previous.content)
    if before.get("comment", {}).get("text") == text:
        return None
    flag = session.scalars(select(Flag).where(Flag.comment_id == comment.id)).first()
    if flag is None:
        return None
    found = Correction(previous=previous, text=text, raw=raw, reason=reason)
    return capture(session, comment, flag.classification, how, found)


def _media(
    raw: dict[str, Any],
    categories: list[Any],
    how: Capture,
    files: list[tuple[str, str, bytes]],
) -> list[dict[str, Any]]:
    """One entry per attachment; downloads land in ``files``, never for a sexual comment."""
    withheld = media.withhold(categories)
    entries = []
    for item in media.attachments(raw):
        entry: dict[str, Any] = {
            "index": item.index,
            "type": item.type,
            "id": item.id,
            "url": item.url,
            "status": "stored",
            "file": None,
            "sha256": None,
            "reason": None,
        }
        if withheld:
            entry.update(status="withheld", url=None, reason=media.WITHHELD)
        elif item.image is None or not how.download:
            entry.update(status="not_downloaded", reason="no image file to download")
        else:
            _fetch(item, entry, files, how.media_hosts)
        entries.append(entry)
    return entries


def _fetch(
    item: media.Attachment,
    entry: dict[str, Any],
    files: list[tuple[str, str, bytes]],
    hosts: tuple[str, ...],
) -> None:
    try:
        found = media.download(item.image or "", hosts)
    except media.DownloadFailed as exc:
        entry.update(status="failed", reason=str(exc))
        return
    name = f"media-{item.index}{found.extension}"
    entry.update(file=name, sha256=media.digest(found.data), media_type=found.media_type)
    files.append((name, found.media_type, found.data))


def _content(
    session: Session,
    comment: Comment,
    classification: Classification,
    how: Capture,
    captured_at: Any,
    media_entries: list[dict[str, Any]],
) -> dict[str, Any]:
    post = comment.post
    return {
        "format": FORMAT,
        "captured_at": captured_at.isoformat(),
        "school": how.school,
        "source": {"name": comment.source.name, "platform": comment.source.platform},
        "address": comment.permalink or (post.permalink if post else None),
        "post": {
            "id": post.platform_post_id,
            "message": post.message,
            "permalink": post.permalink,
            "created_time": _iso(post.created_time),
            "raw": post.raw,
        }
        if post
        else None,
        "thread": _thread(session, comment),
        "comment": {
            "id": comment.platform_comment_id,
            "parent_id": comment.parent_platform_id,
            "text": comment.text,
            "author": {"id": comment.author_platform_id, "name": comment.author_name},
            "created_time": _iso(comment.created_time),
            "permalink": comment.permalink,
            "first_seen_at": _iso(comment.first_seen_at),
        },
        "raw": comment.raw,
        "classification": {
            "model": classification.model_name,
            "version": classification.model_version,
            "scores": classification.scores,
            "categories": classification.categories,
            "reasons": classification.reasons,
            "spans": classification.spans,
            "targets": classification.targets,
            "step": classification.step.value if classification.step else None,
            "route": classification.route,
        },
        "media": media_entries,
        "indecent_image_risk": how.indecent_image_risk,
        "corrects": None,
    }


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _thread(session: Session, comment: Comment) -> dict[str, Any]:
    """The parent comment and up to :data:`THREAD` comments either side, as recorded now."""
    if comment.post_id is None:
        return {"parent": None, "before": [], "after": []}
    when = func.coalesce(Comment.created_time, Comment.first_seen_at)
    mine = comment.created_time or comment.first_seen_at or utcnow()
    same_post = select(Comment).where(
        Comment.post_id == comment.post_id,
        Comment.id != comment.id,
        Comment.platform_comment_id != (comment.parent_platform_id or ""),
    )
    before = session.scalars(
        same_post.where(when <= mine).order_by(when.desc(), Comment.id.desc()).limit(THREAD)
    ).all()
    after = session.scalars(
        same_post.where(when > mine).order_by(when, Comment.id).limit(THREAD)
    ).all()
    parent = (
        session.scalars(
            select(Comment).where(
                Comment.source_id == comment.source_id,
                Comment.platform_comment_id == comment.parent_platform_id,
            )
        ).first()
        if comment.parent_platform_id
        else None
    )
    return {
        "parent": _entry(parent) if parent else None,
        "before": [_entry(c) for c in reversed(before)],
        "after": [_entry(c) for c in after],
    }


def _entry(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.platform_comment_id,
        "parent_id": comment.parent_platform_id,
        "author": comment.author_name,
        "created_time": _iso(comment.created_time),
        "text": comment.text,
        "by_owner": comment.by_owner,
    }
