"""Comments read again: edits classified afresh, removals confirmed.

A poll re-reads the comments of the last ``[worker] recheck_hours`` (``FetchWindow.recheck_since``)
and a webhook ``edited`` change reads one again. :func:`compare` looks at those already recorded:
when the text differs from the last reading (``comment.read_sha256``, else the recorded text) the
edit is recorded (``comment.edited_at``; the recorded text is never rewritten) and the new text
is classified again, whether the comment was flagged or not:

* a flagged comment gets a correction snapshot of the new version (the old one is never
  changed) and any category the new version adds;
* a clean comment edited into a breach is flagged: a snapshot of the version first recorded
  (with its clean verdict) and a correction snapshot of the new one, so the evidence holds both;
  then hidden as the policy says, like any new flag.

Removals: a comment absent from a poll's re-read is only a suspicion (the platform may not have
listed it; the post may not have been opened). :func:`confirm_gone` reads each suspect directly,
and only the platform's own "not found" records it removed (``comment.removed_at``); an error
concludes nothing. Suspects are the flagged comments of the re-read window the poll did not see,
and every comment a letter asked to be removed (``review.removals``), however old.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from connectors.base import RawComment
from connectors.graph_errors import GraphError
from moderator.evidence import snapshot
from moderator.ingest import recording
from moderator.policy.categories import Route
from moderator.review import escalation, removals
from moderator.store import db
from moderator.store.models import Classification, Comment, Flag, utcnow

if TYPE_CHECKING:
    from moderator.ingest.scanning import SourceScan

logger = logging.getLogger(__name__)
EDITED = "edited on the platform after capture"


def text_sha256(text: str) -> str:
    return hashlib.sha256(recording.storable(text).encode("utf-8")).hexdigest()


@dataclass
class Reread:
    """What comparing did: edits noticed, flags they made, correction snapshots taken."""

    edits: int = 0
    flagged: int = 0
    corrected: int = 0


def compare(run: SourceScan, comments: Iterable[RawComment], via: str = "scan") -> Reread:
    """Edits among ``comments`` already recorded for the source."""
    comments = list(comments)
    done = Reread()
    if not comments:
        return done
    by_id = {c.platform_comment_id: c for c in comments}
    with db.session_scope(run.engine) as session:
        rows = session.scalars(
            select(Comment).where(
                Comment.source_id == run.source_id, Comment.platform_comment_id.in_(list(by_id))
            )
        ).all()
        posters: set[int] = set()
        for row in rows:
            raw = by_id[row.platform_comment_id]
            current = text_sha256(raw.text)
            if current == (row.read_sha256 or text_sha256(row.text)):
                continue
            done.edits += 1
            row.edited_at = utcnow()
            row.read_sha256 = None if current == text_sha256(row.text) else current
            recording.audit(session, "system", "edited_on_platform", "comment", row.id, via=via)
            logger.info("comment edited on the platform", extra={"comment_id": row.id})
            if not row.by_owner:
                _judge_again(session, run, row, raw, via, posters, done)
        session.flush()
        escalation.refresh(session, posters, run.escalation.rule)
    return done


def _judge_again(
    session: Session,
    run: SourceScan,
    row: Comment,
    raw: RawComment,
    via: str,
    posters: set[int],
    done: Reread,
) -> None:
    """Classify the new version: a correction snapshot for a flag, or a new flag."""
    score = run.classifier.score([raw.text])[0]
    decision = run.policy.decide(raw.text, score)
    earlier = session.scalars(
        select(Classification)
        .where(Classification.comment_id == row.id)
        .order_by(Classification.id.desc())
        .limit(1)
    ).first()
    classification = recording.classification_row(session, row, run.classifier, score, decision)
    how = snapshot.Capture(school=run.policy.school, media_hosts=run.evidence.media_hosts, via=via)
    text, body = recording.storable(raw.text), recording.storable(raw.raw)
    flag = session.scalars(select(Flag).where(Flag.comment_id == row.id)).first()
    if flag is not None:
        if snapshot.correct(session, row, text, body, how, EDITED) is not None:
            done.corrected += 1
        added = [c for c in decision.categories if c not in flag.categories]
        if added:
            flag.categories = [*flag.categories, *added]
        if decision.route == Route.DSL:
            flag.route = Route.DSL
        _climb(session, run, flag, posters)
        return
    if not decision.categories:
        return
    session.flush()
    if earlier is not None:  # the version first recorded, as it was judged then
        snapshot.capture(session, row, earlier, how)
    flag = recording.flag_row(session, row, classification, decision, run.policy.roster)
    if earlier is None:
        snapshot.capture(session, row, classification, how)
    snapshot.correct(session, row, text, body, how, EDITED)
    _climb(session, run, flag, posters)
    if decision.hide and run.escalation.auto_hide:
        recording.request_hide(session, row, flag, raw, run.connector.can_act)
    done.flagged += 1


def _climb(session: Session, run: SourceScan, flag: Flag, posters: set[int]) -> None:
    if flag.poster_id is None:
        session.flush()
        escalation.refresh_alone(session, flag, run.escalation.rule)
    else:
        posters.add(flag.poster_id)


def confirm_gone(
    run: SourceScan, seen: set[str], recheck_since: dt.datetime | None, via: str = "scan"
) -> int:
    """Read each suspect again; record as removed those the platform no longer has. How many."""
    if not run.connector.can_act:  # a file of reports cannot say a comment is gone
        return 0
    with db.session_scope(run.engine) as session:
        suspects: set[str] = set()
        if recheck_since is not None:
            recent = session.scalars(
                select(Comment.platform_comment_id)
                .join(Flag, Flag.comment_id == Comment.id)
                .where(
                    Comment.source_id == run.source_id,
                    Comment.removed_at.is_(None),
                    Comment.created_time >= recheck_since,
                )
            ).all()
            suspects.update(cid for cid in recent if cid not in seen)
        suspects.update(c.platform_comment_id for c in removals.watched(session, run.source_id))
        posts = {
            c.platform_comment_id: (c.post.platform_post_id if c.post else None)
            for c in session.scalars(
                select(Comment).where(
                    Comment.source_id == run.source_id,
                    Comment.platform_comment_id.in_(list(suspects)),
                )
            )
        }
    gone = []
    for comment_id in sorted(suspects):
        try:
            found = run.connector.fetch_comment(comment_id, posts.get(comment_id))
        except (GraphError, ValueError):
            logger.info("a removal could not be confirmed", extra={"source": run.connector.name})
            continue  # not fetched is not gone
        if found is None:
            gone.append(comment_id)
    if gone:
        mark_removed(run.engine, run.source_id, gone, via)
    return len(gone)


def mark_removed(engine: Engine, source_id: int, comment_ids: list[str], via: str) -> int:
    """Record ``comment_ids`` removed on the platform now (kept, with their evidence)."""
    count = 0
    with db.session_scope(engine) as session:
        for row in session.scalars(
            select(Comment).where(
                Comment.source_id == source_id,
                Comment.platform_comment_id.in_(comment_ids),
                Comment.removed_at.is_(None),
            )
        ):
            row.removed_at = utcnow()
            recording.audit(session, "system", "removed_on_platform", "comment", row.id, via=via)
            count += 1
    return count
