"""Removal requested, removal done: what a letter asked a poster to take down, and whether it
came down by the deadline.

A meeting invitation and a written warning ask the poster to remove the comments they quote
(``Letter.flag_ids``); from the letter's creation those comments are *watched*: a poll that
reads one as gone, or a webhook ``remove``, sets ``comment.removed_at`` (the record and its
evidence stay). A request is ``met`` when every comment it named was removed by its deadline
(``[escalation] removal_deadline_days`` after the letter), ``not_met`` when the deadline passed
with one still up (the next rung is then proposed), and ``waiting`` before that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderator.review.records import Record
from moderator.settings.config import SchoolConfig
from moderator.store.models import Comment, Flag, Letter, utcnow
from workqueue.ladder import Step, rank

#: Letters that ask for the comments they quote to be removed.
ASKING = ("meeting", "written_warning")


@dataclass(frozen=True)
class Marks:
    """What became of a flag's comment (the last four fields of a queue item and a case's
    flag)."""

    edited: bool
    deleted: bool
    removal_requested: bool
    removal_done: bool


@dataclass(frozen=True)
class RemovalComment(Record):
    """A comment a removal request named, and when it was read as gone."""

    flag: int
    removed_at: dt.datetime | None


@dataclass(frozen=True)
class RemovalRequest(Record):
    """A letter's request that the comments it quotes be removed, against its deadline."""

    letter: int
    kind: str
    requested_at: dt.datetime
    deadline: dt.datetime
    status: str  #: met | not_met | waiting
    comments: tuple[RemovalComment, ...]
    next_step: Step | None  #: the rung proposed when the request was not met


def asking_letters(session: Session, poster_ids: Iterable[int] | None = None) -> list[Letter]:
    """Letters asking for removal (of ``poster_ids``' cases, or all), oldest first."""
    query = select(Letter).where(Letter.kind.in_(ASKING)).order_by(Letter.id)
    if poster_ids is not None:
        query = query.where(Letter.poster_id.in_(list(poster_ids)))
    return list(session.scalars(query))


def requested_flags(session: Session) -> set[int]:
    """Every flag whose comment a letter asked to be removed."""
    return {int(i) for letter in asking_letters(session) for i in letter.flag_ids}


def watched(session: Session, source_id: int) -> list[Comment]:
    """The comments of ``source_id`` a letter asked to be removed that are still up."""
    ids = requested_flags(session)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Comment)
            .join(Flag, Flag.comment_id == Comment.id)
            .where(
                Flag.id.in_(ids),
                Comment.source_id == source_id,
                Comment.removed_at.is_(None),
            )
            .order_by(Comment.id)
        )
    )


def marks(session: Session, flags: Iterable[Flag]) -> dict[int, Marks]:
    """Per flag: ``edited``, ``deleted``, ``removal_requested``, ``removal_done``."""
    requested = requested_flags(session)
    found = {}
    for flag in flags:
        comment = flag.comment
        asked = flag.id in requested
        found[flag.id] = Marks(
            edited=comment.edited_at is not None,
            deleted=comment.removed_at is not None,
            removal_requested=asked,
            removal_done=asked and comment.removed_at is not None,
        )
    return found


def next_rung(config: SchoolConfig, kind: str) -> Step:
    """The rung after the one a letter of ``kind`` was written for."""
    rungs = config.escalation.rule.rungs
    here = Step(kind)
    later = [r for r in rungs if rank(r) > rank(here)]
    return later[0] if later else Step.POLICE


def for_case(
    session: Session,
    config: SchoolConfig,
    poster_ids: Iterable[int],
    visible: set[int] | None = None,
    now: dt.datetime | None = None,
) -> tuple[RemovalRequest, ...]:
    """Each removal request of the case: the letter, its deadline, each named comment's removal
    and whether the request was met (comments of flags outside ``visible`` are counted, not
    named)."""
    now = now or utcnow()
    days = dt.timedelta(days=config.escalation.removal_deadline_days)
    found = []
    for letter in asking_letters(session, poster_ids):
        deadline = letter.created_at + days
        flags = session.scalars(
            select(Flag).where(Flag.id.in_([int(i) for i in letter.flag_ids])).order_by(Flag.id)
        ).all()
        removed = [f.comment.removed_at for f in flags]
        in_time = all(at is not None and at <= deadline for at in removed)
        if in_time:
            status = "met"
        elif now > deadline:
            status = "not_met"
        else:
            status = "waiting"
        found.append(
            RemovalRequest(
                letter=letter.id,
                kind=letter.kind,
                requested_at=letter.created_at,
                deadline=deadline,
                status=status,
                comments=tuple(
                    RemovalComment(f.id, f.comment.removed_at)
                    for f in flags
                    if visible is None or f.id in visible
                ),
                next_step=next_rung(config, letter.kind) if status == "not_met" else None,
            )
        )
    return tuple(found)


def lines(requests: Iterable[RemovalRequest]) -> list[str]:
    """The requests in words, for ``cases show``."""
    words = {"met": "met", "not_met": "NOT met", "waiting": "waiting"}
    out = []
    for request in requests:
        removed = sum(1 for c in request.comments if c.removed_at)
        line = (
            f"letter {request.letter} ({request.kind}) asked for removal on "
            f"{request.requested_at.isoformat()[:10]}, due {request.deadline.isoformat()[:10]}: "
            f"{words[request.status]} ({removed} of {len(request.comments)} removed)"
        )
        if request.next_step:
            line += f"; next rung proposed: {request.next_step.value}"
        out.append(line)
    return out


def suffix(flag: object) -> str:
    """What became of a flag's comment, for a line of text: `` [edited, deleted]``."""
    shown = [words for key, words in _WORDS if getattr(flag, key, False)]
    if getattr(flag, "deleted", False) and "removal requested" in shown:
        shown.remove("removal requested")
    return f" [{', '.join(shown)}]" if shown else ""


_WORDS = (("edited", "edited"), ("deleted", "deleted"), ("removal_requested", "removal requested"))
