"""What a decision asks of the platform: a hide or an unhide in the outbox (an ``action`` row
the scan or the worker sends), or, for a source that cannot act, a note that staff must hide the
comment by hand. Each request is recorded on the flag's audit trail by the caller's ``record``."""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderator.review.outcomes import Note
from moderator.store import moves
from moderator.store.models import Action, Flag
from workqueue.states import ACTION_BUSY, ActionStatus

#: Records an audit event on the flag: ``record(action, why)``.
Record = Callable[[str, str], None]


def request_hide(session: Session, flag: Flag, actor: str, record: Record) -> tuple[Note, ...]:
    """Ask for ``flag``'s comment to be hidden, unless it is hidden or a hide is under way."""
    if flag.hidden or _live(
        session, flag, "hide", (ActionStatus.PENDING, ActionStatus.SENDING, ActionStatus.MANUAL)
    ):
        return ()
    manual = flag.comment.source.platform == "file"
    status = ActionStatus.MANUAL if manual else ActionStatus.PENDING
    _action(session, flag, "hide", status, actor, record)
    return (Note("hide_by_hand" if manual else "hide_next_scan"),)


def undo_hide(session: Session, flag: Flag, actor: str, record: Record) -> tuple[Note, ...]:
    """Cancel a hide not yet sent, and ask for an unhide when the comment is (or may be) hidden."""
    cancelled = moves.ACTIONS.move(
        session,
        ActionStatus.CANCELLED,
        expected=(ActionStatus.PENDING, ActionStatus.MANUAL, ActionStatus.FAILED),
        where=(Action.flag_id == flag.id, Action.kind == "hide"),
        values={"last_error": "cancelled: the flag was dismissed"},
    )
    if flag.hidden or _live(session, flag, "hide", (ActionStatus.SENDING,)):
        _action(session, flag, "unhide", ActionStatus.PENDING, actor, record)
        return (Note("unhide_next_scan"),)
    return (Note("hide_cancelled"),) if cancelled else ()


def _live(
    session: Session, flag: Flag, kind: str, statuses: Collection[ActionStatus] = ACTION_BUSY
) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Action)
            .where(Action.flag_id == flag.id, Action.kind == kind, Action.status.in_(statuses))
        )
    )


def _action(
    session: Session, flag: Flag, kind: str, status: ActionStatus, actor: str, record: Record
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
