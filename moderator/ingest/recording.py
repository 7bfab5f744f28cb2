"""Rows for what a scan records: config snapshots, sources, comments, posters, verdicts, flags."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.base import Classifier, Scores
from connectors.base import RawComment
from moderator.policy.decide import Decision
from moderator.policy.roster import Roster
from moderator.settings.config import SchoolConfig
from moderator.store import db, moves
from moderator.store.models import (
    Action,
    AuditEvent,
    AuthorAccount,
    Classification,
    Comment,
    ConfigSnapshot,
    Flag,
    FlagTarget,
    Post,
    Poster,
    Source,
    utcnow,
)
from workqueue.states import ACTION_START, ActionStatus, FlagStatus

logger = logging.getLogger(__name__)


def snapshot_config(session: Session, config: SchoolConfig) -> ConfigSnapshot:
    """The stored copy of this exact config text, added the first time it is seen."""
    values = {
        "sha256": config.sha256,
        "school_name": config.name,
        "path": str(config.path),
        "text": config.text,
    }
    db.insert_if_absent(session, ConfigSnapshot, values, "sha256")
    return session.scalars(
        select(ConfigSnapshot).where(ConfigSnapshot.sha256 == config.sha256)
    ).one()


def source_row(session: Session, name: str, platform: str) -> Source:
    """The source's row, created on first use (safe when several scanners start at once)."""
    db.insert_if_absent(
        session, Source, {"name": name, "platform": platform, "healthy": True}, "name"
    )
    return session.scalars(select(Source).where(Source.name == name)).one()


def unseen(session: Session, source: Source, comments: list[RawComment]) -> list[RawComment]:
    """The comments not yet recorded for ``source``, first occurrence of each id only."""
    ids = {c.platform_comment_id for c in comments}
    known = set(
        session.scalars(
            select(Comment.platform_comment_id).where(
                Comment.source_id == source.id, Comment.platform_comment_id.in_(ids)
            )
        )
    )
    fresh: dict[str, RawComment] = {}
    for comment in comments:
        if comment.platform_comment_id not in known:
            fresh.setdefault(comment.platform_comment_id, comment)
    return list(fresh.values())


def storable(value: Any) -> Any:
    """``value`` with NUL characters replaced by U+FFFD: PostgreSQL text and JSONB cannot hold
    NUL, and both backends must store the same thing."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


def comment_rows(session: Session, source: Source, comments: list[RawComment]) -> list[Comment]:
    """Rows for new comments, with their posts and authors found or created (a few queries per
    batch, not per comment)."""
    posts = _posts(session, source, comments)
    accounts = _accounts(session, source.platform, comments)
    rows = [
        Comment(
            source=source,
            post=posts.get(_post_key(raw) or ""),
            platform_comment_id=raw.platform_comment_id,
            parent_platform_id=raw.parent_id,
            author_account=accounts.get(_account_key(raw) or ""),
            author_platform_id=raw.author_id,
            author_name=raw.author_name,
            text=storable(raw.text),
            created_time=raw.created_time,
            permalink=raw.permalink,
            raw=storable(raw.raw),
            by_owner=raw.by_owner,
        )
        for raw in comments
    ]
    session.add_all(rows)
    return rows


def _post_key(raw: RawComment) -> str | None:
    return raw.post.platform_post_id if raw.post else raw.post_id


def _posts(session: Session, source: Source, comments: list[RawComment]) -> dict[str, Post]:
    """Each comment's post, created on first sight and completed when the platform says more."""
    ids = {key for raw in comments if (key := _post_key(raw))}
    if not ids:
        return {}
    posts = {
        post.platform_post_id: post
        for post in session.scalars(
            select(Post).where(Post.source_id == source.id, Post.platform_post_id.in_(ids))
        )
    }
    for raw in comments:
        key = _post_key(raw)
        if not key:
            continue
        post = posts.get(key)
        if post is None:
            post = posts[key] = Post(source_id=source.id, platform_post_id=key)
            session.add(post)
        if raw.post is not None and post.raw is None and len(raw.post.raw) > 1:
            post.message = storable(raw.post.message)
            post.permalink = raw.post.permalink
            post.created_time = raw.post.created_time
            post.raw = storable(raw.post.raw)
    return posts


def _account_key(raw: RawComment) -> str | None:
    """A report without an author id is keyed on the name as given."""
    return raw.author_id or (f"name:{raw.author_name}" if raw.author_name else None)


def _accounts(
    session: Session, platform: str, comments: list[RawComment]
) -> dict[str, AuthorAccount]:
    """The posters' accounts, created (each with a new poster) on first sight."""
    keys = {key for raw in comments if (key := _account_key(raw))}
    if not keys:
        return {}
    accounts = {
        account.platform_author_id: account
        for account in session.scalars(
            select(AuthorAccount).where(
                AuthorAccount.platform == platform, AuthorAccount.platform_author_id.in_(keys)
            )
        )
    }
    for raw in comments:
        key = _account_key(raw)
        if key and key not in accounts:
            poster = Poster(display_name=raw.author_name or key)
            accounts[key] = AuthorAccount(
                platform=platform, platform_author_id=key, name=raw.author_name, poster=poster
            )
            session.add(accounts[key])
    return accounts


def classification_row(
    session: Session, comment: Comment, classifier: Classifier, scores: Scores, decision: Decision
) -> Classification:
    row = Classification(
        comment_id=comment.id,
        model_name=classifier.name,
        model_version=classifier.version,
        scores={k: round(v, 4) for k, v in scores.labels.items()},
        categories=list(decision.categories),
        reasons=list(decision.reasons),
        spans=[list(s) for s in decision.spans],
        targets=list(decision.targets),
        hide=decision.hide,
        step=decision.step,
        route=decision.route,
    )
    session.add(row)
    return row


def flag_row(
    session: Session,
    comment: Comment,
    classification: Classification,
    decision: Decision,
    roster: Roster,
) -> Flag:
    """The flag for a raised comment, with the people it targets (its recommended step is set
    by ``escalation`` once the batch is in)."""
    flag = Flag(
        comment_id=comment.id,
        classification=classification,
        poster_id=comment.author_account.poster_id if comment.author_account else None,
        status=FlagStatus.NEW,
        step=decision.step,
        categories=list(decision.categories),
        route=decision.route,
    )
    session.add(flag)
    session.flush()
    for name in decision.targets:
        person = roster.find(name)
        session.add(
            FlagTarget(
                flag_id=flag.id,
                name=person.name if person else name,
                kind=person.kind if person else "other",
                added_by="policy",
            )
        )
    audit(session, "system", "flag_created", "flag", flag.id, categories=list(decision.categories))
    logger.info("comment flagged", extra={"flag_id": flag.id, "categories": decision.categories})
    return flag


def request_hide(
    session: Session, comment: Comment, flag: Flag, raw: RawComment, can_act: bool
) -> Action:
    """Record a hide in the outbox before anything is sent (``outbox`` sends it).

    ``manual`` when the source cannot act (a file of reports); ``confirmed`` at once when the
    platform already shows the comment hidden (the flag moves ``new -> hidden``); ``failed``
    when the platform says it cannot be hidden (``can_hide`` false). Nothing is sent for any of
    these.
    """
    status, note = ActionStatus.PENDING, None
    if not can_act:
        status = ActionStatus.MANUAL
    elif raw.is_hidden:
        status, note = ActionStatus.CONFIRMED, "already hidden on the platform when fetched"
    elif raw.can_hide is False:
        status = ActionStatus.FAILED
        note = "the platform does not allow this comment to be hidden"
    assert status in ACTION_START
    action = Action(
        comment_id=comment.id,
        flag_id=flag.id,
        kind="hide",
        status=status,
        last_error=note if status is ActionStatus.FAILED else None,
        confirmed_at=utcnow() if status is ActionStatus.CONFIRMED else None,
    )
    session.add(action)
    if status is ActionStatus.CONFIRMED:
        session.flush()  # the flag's earlier audit events first
        moves.FLAGS.move(
            session,
            flag.id,
            FlagStatus.HIDDEN,
            expected=FlagStatus.NEW,
            actor="system",
            action=f"hide_{status}",
            why=None,
            values={"hidden": True},
            detail={"reason": note},
        )
        session.expire(flag, ["status", "hidden", "updated_at"])
    elif note:
        audit(session, "system", f"hide_{status}", "flag", flag.id, reason=note)
    return action


def audit(
    session: Session,
    actor: str,
    action: str,
    subject_type: str | None,
    subject_id: int | None,
    **detail: object,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, detail=detail
    )
    session.add(event)
    return event
