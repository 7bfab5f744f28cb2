"""Moves and claims on the flag table and the outbox: the SQL that matters when several people
and workers act at once. Nothing else writes a flag's or an action's status.

* :meth:`FlagStore.move` is a conditional ``UPDATE … WHERE id = :id AND status = :expected``;
  when no row matches, the state was stale and :class:`IllegalTransition` is raised. The
  audit event is written in the same transaction, so a move is never without its record.
* :meth:`FlagStore.claim` takes the next flags for one person or worker: ``SELECT … FOR UPDATE
  SKIP LOCKED`` then ``UPDATE`` on PostgreSQL, one conditional ``UPDATE … WHERE id IN (SELECT
  … LIMIT n) AND status IN (new, hidden) RETURNING id`` on SQLite (whose writers take turns).
  Two workers never take the same flag.
* :meth:`ActionStore.move` is the outbox's conditional ``UPDATE … WHERE status IN (…)``,
  checked against ``states.ACTION_TRANSITIONS`` before anything is written.

The store works on the tables it is given, so ``workqueue`` needs SQLAlchemy but never the
application. ``items`` needs the columns ``id``, ``status``, ``hidden``, ``claimed_by``,
``claimed_at``, ``updated_at``; ``audit`` needs ``at``, ``actor``, ``action``,
``subject_type``, ``subject_id``, ``detail``; ``actions`` needs ``id`` and ``status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, case, insert, select, true, update
from sqlalchemy.orm import Session

from workqueue.errors import IllegalTransition, NotFound
from workqueue.states import (
    ACTION_TRANSITIONS,
    CLAIMABLE,
    TRANSITIONS,
    ActionStatus,
    FlagStatus,
    action_can_move,
    can_move,
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FlagStore:
    """Status moves, claims and their audit events on ``items`` (the flag table)."""

    def __init__(self, items: Table, audit: Table, subject: str = "flag") -> None:
        self.items = items
        self.audit = audit
        self.subject = subject

    def status(self, session: Session, item_id: int) -> FlagStatus:
        value = session.execute(
            select(self.items.c.status).where(self.items.c.id == item_id)
        ).scalar_one_or_none()
        if value is None:
            raise NotFound(
                f"there is no {self.subject} {item_id}",
                code="not_found",
                subject=self.subject,
                id=item_id,
            )
        return FlagStatus(value)

    def move(
        self,
        session: Session,
        item_id: int,
        to: FlagStatus,
        *,
        actor: str,
        action: str,
        why: str | None,
        expected: FlagStatus | None = None,
        values: Mapping[str, Any] | None = None,
        detail: Mapping[str, Any] | None = None,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> FlagStatus:
        """Move ``item_id`` from ``expected`` (default: its status now) to ``to``, setting
        ``values`` too, and record who did it and why. ``where`` adds what else must still be
        as it was read (a rung, a claim). ``why`` None records no reason (the audit event's
        ``detail`` says it). Returns the status it left."""
        current = expected if expected is not None else self.status(session, item_id)
        if not can_move(current, to):
            raise IllegalTransition(
                self._illegal(item_id, current, to),
                code="illegal_move",
                subject=self.subject,
                id=item_id,
                status=current.value,
                to=to.value,
                allowed=tuple(sorted(s.value for s in TRANSITIONS[current])),
            )
        moved = session.execute(
            update(self.items)
            .where(self.items.c.id == item_id, self.items.c.status == current.value, *where)
            .values(status=to.value, updated_at=_now(), **dict(values or {}))
        )
        if getattr(moved, "rowcount", 0) != 1:
            now = self.status(session, item_id)
            change = (
                f"it was {current.value} and is now {now.value}"
                if now != current
                else "someone else decided it meanwhile"
            )
            raise IllegalTransition(
                f"{self.subject} {item_id} changed while this decision was being made ({change}); "
                "nothing was changed, look again",
                code="changed",
                subject=self.subject,
                id=item_id,
                was=current.value,
                now=now.value,
            )
        self.record(
            session,
            item_id,
            actor=actor,
            action=action,
            why=why,
            detail={"from": current.value, "to": to.value, **dict(detail or {})},
        )
        return current

    def record(
        self,
        session: Session,
        item_id: int,
        *,
        actor: str,
        action: str,
        why: str | None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """An audit event about ``item_id`` that moves nothing (a proposal, a target)."""
        reason = {} if why is None else {"why": why}
        session.execute(
            insert(self.audit).values(
                at=_now(),
                actor=actor,
                action=action,
                subject_type=self.subject,
                subject_id=item_id,
                detail={**reason, **dict(detail or {})},
            )
        )

    def claim(
        self,
        session: Session,
        actor: str,
        *,
        limit: int = 1,
        where: Sequence[ColumnElement[bool]] = (),
        order_by: Sequence[Any] = (),
    ) -> list[int]:
        """Claim up to ``limit`` new or hidden flags (matching ``where``, in ``order_by``
        order) for ``actor``: they move to ``in_review``. Returns their ids."""
        items = self.items
        claimable = [s.value for s in CLAIMABLE]
        pick = (
            select(items.c.id)
            .where(items.c.status.in_(claimable), *where)
            .order_by(*order_by, items.c.id)
            .limit(limit)
        )
        now = _now()
        claim = update(items).values(
            status=FlagStatus.IN_REVIEW.value, claimed_by=actor, claimed_at=now, updated_at=now
        )
        if session.get_bind().dialect.name == "postgresql":
            ids = list(session.scalars(pick.with_for_update(skip_locked=True)))
            if not ids:
                return []
            statement = claim.where(items.c.id.in_(ids))
        else:
            statement = claim.where(items.c.id.in_(pick.scalar_subquery()))
        rows = session.execute(
            statement.where(items.c.status.in_(claimable)).returning(items.c.id, items.c.hidden)
        ).all()
        if rows:
            session.execute(
                insert(self.audit),
                [
                    {
                        "at": now,
                        "actor": actor,
                        "action": "claim",
                        "subject_type": self.subject,
                        "subject_id": item_id,
                        "detail": {
                            "why": "taken for review",
                            "from": (FlagStatus.HIDDEN if hidden else FlagStatus.NEW).value,
                            "to": FlagStatus.IN_REVIEW.value,
                        },
                    }
                    for item_id, hidden in rows
                ],
            )
        return sorted(item_id for item_id, _ in rows)

    def release(
        self,
        session: Session,
        item_id: int,
        *,
        actor: str,
        why: str,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> FlagStatus:
        """Put a claimed flag back: ``hidden`` if it is hidden on the platform, else ``new``,
        decided inside the UPDATE so a hide confirmed meanwhile is not lost. ``where`` narrows
        which claim may be released (``release_stale``: only the one found stale)."""
        items = self.items
        now = _now()
        row = session.execute(
            update(items)
            .where(items.c.id == item_id, items.c.status == FlagStatus.IN_REVIEW.value, *where)
            .values(
                status=case(
                    (items.c.hidden == true(), FlagStatus.HIDDEN.value),
                    else_=FlagStatus.NEW.value,
                ),
                claimed_by=None,
                claimed_at=None,
                updated_at=now,
            )
            .returning(items.c.status)
        ).first()
        if row is None:
            current = self.status(session, item_id)
            if current != FlagStatus.IN_REVIEW:
                raise IllegalTransition(
                    f"{self.subject} {item_id} is {current.value}: only a claimed flag "
                    "(in_review) can be released",
                    code="not_claimed",
                    subject=self.subject,
                    id=item_id,
                    status=current.value,
                )
            raise IllegalTransition(
                f"{self.subject} {item_id} was claimed again meanwhile; nothing was changed",
                code="changed",
                subject=self.subject,
                id=item_id,
                was=current.value,
                now=current.value,
            )
        to = FlagStatus(row[0])
        self.record(
            session,
            item_id,
            actor=actor,
            action="release",
            why=why,
            detail={"from": FlagStatus.IN_REVIEW.value, "to": to.value},
        )
        return to

    def release_stale(self, session: Session, claimed_before: dt.datetime) -> list[int]:
        """Release every claim taken before ``claimed_before`` (a reviewer who went away); a
        claim taken afresh meanwhile is left alone."""
        stale = session.scalars(
            select(self.items.c.id).where(
                self.items.c.status == FlagStatus.IN_REVIEW.value,
                self.items.c.claimed_at < claimed_before,
            )
        ).all()
        released = []
        for item_id in stale:
            try:
                self.release(
                    session,
                    item_id,
                    actor="system",
                    why="claim expired",
                    where=(self.items.c.claimed_at < claimed_before,),
                )
            except IllegalTransition:
                continue  # decided, or claimed afresh, meanwhile
            released.append(item_id)
        return released

    def _illegal(self, item_id: int, current: FlagStatus, to: FlagStatus) -> str:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing (final)"
        return (
            f"{self.subject} {item_id} is {current.value} and cannot become {to.value}; "
            f"from {current.value} it can become: {allowed}"
        )


class ActionStore:
    """Status moves on ``actions`` (the outbox's platform actions), checked against
    :data:`~workqueue.states.ACTION_TRANSITIONS`. The outbox writes its own audit events (about
    the action, not a flag), so a move here records nothing."""

    def __init__(self, actions: Table, subject: str = "action") -> None:
        self.actions = actions
        self.subject = subject

    def move(
        self,
        session: Session,
        to: ActionStatus,
        *,
        expected: ActionStatus | Collection[ActionStatus],
        ids: Iterable[int] | None = None,
        values: Mapping[str, Any] | None = None,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> list[int]:
        """Move the actions among ``ids`` (or all matching ``where``) that are still in
        ``expected`` to ``to``, setting ``values`` too; returns the ids moved, in order. An
        action that is no longer as expected (another worker moved it first) is left alone and
        not returned. Raises :class:`IllegalTransition`, writing nothing, when the table does
        not allow ``expected -> to``."""
        starts = [expected] if isinstance(expected, ActionStatus) else sorted(expected)
        for current in starts:
            if not action_can_move(current, to):
                allowed = ", ".join(sorted(ACTION_TRANSITIONS[current])) or "nothing (final)"
                raise IllegalTransition(
                    f"a {current.value} {self.subject} cannot become {to.value}; from "
                    f"{current.value} it can become: {allowed}",
                    code="illegal_move",
                    subject=self.subject,
                    status=current.value,
                    to=to.value,
                    allowed=tuple(sorted(s.value for s in ACTION_TRANSITIONS[current])),
                )
        actions = self.actions
        conditions = [actions.c.status.in_([s.value for s in starts]), *where]
        if ids is not None:
            conditions.append(actions.c.id.in_(list(ids)))
        moved = session.scalars(
            update(actions)
            .where(*conditions)
            .values(status=to.value, **dict(values or {}))
            .returning(actions.c.id)
        )
        return sorted(moved)
