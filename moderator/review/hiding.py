"""What a decision asks of the platform: a hide or an unhide in the outbox (an ``action`` row
the scan or the worker sends), or, for a source that cannot act, a note that staff must hide the
comment by hand. Each request is recorded on the flag's audit trail by the caller's ``record``.

:func:`standing` and :func:`next_generation` are what every outbox request asks first (the
school's responses in ``responses`` too): is one already under way, and which generation is
the new one."""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from moderator.review.outcomes import Note
from moderator.store import moves
from moderator.store.models import Action, Flag
from workqueue.states import ActionStatus

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


def _live(session: Session, flag: Flag, kind: str, statuses: Collection[ActionStatus]) -> bool:
    return standing(session, statuses, Action.flag_id == flag.id, Action.kind == kind)


def standing(
    session: Session, statuses: Collection[ActionStatus], *where: ColumnElement[bool]
) -> bool:
    """Whether an action matching ``where`` is in one of ``statuses``."""
    count = select(func.count()).select_from(Action).where(*where, Action.status.in_(statuses))
    return bool(session.scalar(count))


def next_generation(session: Session, comment_id: int, kind: str) -> int:
    """The generation of a new ``kind`` action on the comment: one more than the last (a comment
    hidden, unhidden and hidden again has hide actions 1 and 2), unique with the two."""
    last = session.scalar(
        select(func.coalesce(func.max(Action.generation), 0)).where(
            Action.comment_id == comment_id, Action.kind == kind
        )
    )
    return (last or 0) + 1


def _action(
    session: Session, flag: Flag, kind: str, status: ActionStatus, actor: str, record: Record
) -> None:
    session.add(
        Action(
            comment_id=flag.comment_id,
            flag_id=flag.id,
            kind=kind,
            generation=next_generation(session, flag.comment_id, kind),
            status=status,
        )
    )
    record(f"{kind}_requested", f"{kind} requested by {actor}")
