"""What a decision asks of the platform: a hide or an unhide in the outbox (an ``action`` row
the scan or the worker sends), or, for a source that cannot act, a note that staff must hide the
comment by hand. Each request is recorded on the flag's audit trail by the caller's ``record``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from moderator.review.outcomes import Note
from moderator.store import db
from moderator.store.models import Action, Flag

#: Records an audit event on the flag: ``record(action, why)``.
Record = Callable[[str, str], None]


def request_hide(session: Session, flag: Flag, actor: str, record: Record) -> tuple[Note, ...]:
    """Ask for ``flag``'s comment to be hidden, unless it is hidden or a hide is under way."""
    if flag.hidden or _live(session, flag, "hide", ("pending", "sending", "manual")):
        return ()
    manual = flag.comment.source.platform == "file"
    _action(session, flag, "hide", "manual" if manual else "pending", actor, record)
    return (Note("hide_by_hand" if manual else "hide_next_scan"),)


def undo_hide(session: Session, flag: Flag, actor: str, record: Record) -> tuple[Note, ...]:
    """Cancel a hide not yet sent, and ask for an unhide when the comment is (or may be) hidden."""
    pending = session.execute(
        update(Action)
        .where(
            Action.flag_id == flag.id,
            Action.kind == "hide",
            Action.status.in_(("pending", "manual", "failed")),
        )
        .values(status="cancelled", last_error="cancelled: the flag was dismissed")
    )
    if flag.hidden or _live(session, flag, "hide", ("sending",)):
        _action(session, flag, "unhide", "pending", actor, record)
        return (Note("unhide_next_scan"),)
    return (Note("hide_cancelled"),) if db.rowcount(pending) else ()


def _live(
    session: Session, flag: Flag, kind: str, statuses: tuple[str, ...] = ("pending", "sending")
) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Action)
            .where(Action.flag_id == flag.id, Action.kind == kind, Action.status.in_(statuses))
        )
    )


def _action(
    session: Session, flag: Flag, kind: str, status: str, actor: str, record: Record
) -> None:
    generation = session.scalar(
        select(func.coalesce(func.max(Action.generation), 0)).where(
            Action.comment_id == flag.comment_id, Action.kind == kind
        )
    )
    session.add(
        Action(
            comment_id=flag.comment_id,
            flag_id=flag.id,
            kind=kind,
            generation=(generation or 0) + 1,
            status=status,
        )
    )
    record(f"{kind}_requested", f"{kind} requested by {actor}")
