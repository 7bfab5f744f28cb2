"""The outbox: platform actions (hide, unhide) sent until confirmed, and never sent twice.

An action row is written, with the evidence snapshot and the flag, before anything is sent
(``recording.request_hide``). :func:`send_due` then works through one source's due actions:

* **claim**: a conditional update ``pending -> sending`` (attempts + 1, ``sent_at``) commits
  before the call, so two workers never send the same action;
* **send**: the connector's ``set_hidden``;
* **confirm** on success: ``confirmed``, the flag marked hidden, an audit event;
* a **rate limit** returns the action to ``pending`` with a later ``next_attempt_at``;
* a **temporary fault** may or may not have reached the platform, so the action stays
  ``sending`` (in doubt) until :func:`_settle_in_doubt` has read the comment's state back:
  applied -> confirmed without sending; not applied -> pending again;
* a **refusal** (the comment cannot be hidden, is gone, or the token may not do it) fails the
  action with the reason; the queue shows it as "hide by hand".

A process that dies between claim and confirm leaves ``sending``; after ``IN_DOUBT_AFTER`` it
is settled by reading the platform, never by sending blindly.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine, or_, select, update

from connectors.base import CommentSource
from connectors.graph_errors import GraphError, Kind
from moderator import db, recording, sources
from moderator.exceptions import SourceAuthError
from moderator.models import Action, Comment, Flag, utcnow
from workqueue.states import FlagStatus

logger = logging.getLogger(__name__)
IN_DOUBT_AFTER = dt.timedelta(minutes=5)
RETRY_CAP = dt.timedelta(hours=1)
BATCH = 50


@dataclass
class OutboxResult:
    """What one pass did."""

    confirmed: int = 0  #: hides (or unhides) the platform confirmed in this pass
    deferred: int = 0  #: left for a later pass (rate limit, temporary fault)
    failed: int = 0  #: refused by the platform; a person has to act
    errors: list[str] = field(default_factory=list)


def send_due(
    engine: Engine, connector: CommentSource, source_id: int, result: OutboxResult | None = None
) -> OutboxResult:
    """Send every due action for one source; raises :class:`SourceAuthError` on a token problem."""
    result = result or OutboxResult()
    _settle_in_doubt(engine, connector, source_id, result)
    done: set[int] = set()
    while batch := [i for i in _due(engine, source_id) if i not in done]:
        for action_id in batch:
            done.add(action_id)
            if not _send(engine, connector, action_id, result):
                return result  # rate limited past the run's budget: stop for now
    return result


def _due(engine: Engine, source_id: int) -> list[int]:
    now = utcnow()
    with db.session_scope(engine) as session:
        return list(
            session.scalars(
                select(Action.id)
                .join(Comment, Comment.id == Action.comment_id)
                .where(
                    Comment.source_id == source_id,
                    Action.status == "pending",
                    or_(Action.next_attempt_at.is_(None), Action.next_attempt_at <= now),
                )
                .order_by(Action.id)
                .limit(BATCH)
            )
        )


def _send(engine: Engine, connector: CommentSource, action_id: int, result: OutboxResult) -> bool:
    """Claim, send and settle one action; False when the source should stop for now."""
    claimed = _claim(engine, action_id, "pending")
    if claimed is None:
        return True  # another worker has it
    comment_id, kind = claimed
    try:
        connector.set_hidden(comment_id, kind == "hide")
    except GraphError as exc:
        return _after_error(engine, connector, action_id, exc, result)
    _confirm(engine, action_id, "platform confirmed")
    result.confirmed += 1
    return True


def _claim(engine: Engine, action_id: int, expected: str) -> tuple[str, str] | None:
    """``expected -> sending`` in one conditional update, committed before anything is sent."""
    now = utcnow()
    with db.session_scope(engine) as session:
        claimed = db.rowcount(
            session.execute(
                update(Action)
                .where(Action.id == action_id, Action.status == expected)
                .values(status="sending", attempts=Action.attempts + 1, sent_at=now)
            )
        )
        if not claimed:
            return None
        action = session.get_one(Action, action_id)
        return action.comment.platform_comment_id, action.kind


def _after_error(
    engine: Engine,
    connector: CommentSource,
    action_id: int,
    exc: GraphError,
    result: OutboxResult,
) -> bool:
    message = str(sources.source_error(connector.name, exc, "hiding a comment"))
    if exc.kind is Kind.RATE_LIMIT:
        _defer(engine, action_id, "pending", exc, exc.retry_after)
        result.deferred += 1
        result.errors.append(message)
        return False
    if exc.kind is Kind.TRANSIENT:
        _defer(engine, action_id, "sending", exc, None)  # in doubt: read back before resending
        result.deferred += 1
        result.errors.append(message)
        return True
    if exc.kind is Kind.TOKEN:  # not this comment's fault: keep it for a later run
        _defer(engine, action_id, "pending", exc, None)
        result.deferred += 1
        raise SourceAuthError(connector.name, "token problem while " + message.split(": ", 1)[1])
    _fail(engine, action_id, message)
    result.failed += 1
    result.errors.append(message)
    return True


def _settle_in_doubt(
    engine: Engine, connector: CommentSource, source_id: int, result: OutboxResult
) -> None:
    """Read back each stale ``sending`` action: confirm it, or return it to ``pending``."""
    now = utcnow()
    with db.session_scope(engine) as session:
        rows = session.execute(
            select(Action.id, Action.kind, Comment.platform_comment_id)
            .join(Comment, Comment.id == Action.comment_id)
            .where(
                Comment.source_id == source_id,
                Action.status == "sending",
                or_(
                    Action.next_attempt_at <= now,
                    Action.sent_at.is_(None),
                    Action.sent_at < now - IN_DOUBT_AFTER,
                ),
            )
        ).all()
    for action_id, kind, comment_id in rows:
        try:
            state = connector.is_hidden(comment_id)
        except GraphError as exc:
            if exc.kind is Kind.TOKEN:
                raise SourceAuthError(connector.name, str(exc)) from exc
            result.errors.append(str(sources.source_error(connector.name, exc, "checking a hide")))
            continue
        if state is None:
            _fail(engine, action_id, "the comment is no longer on the platform")
            result.failed += 1
        elif state == (kind == "hide"):
            _confirm(engine, action_id, "confirmed by reading the platform")
            result.confirmed += 1
        else:
            _release(engine, action_id)


def _confirm(engine: Engine, action_id: int, how: str) -> None:
    with db.session_scope(engine) as session:
        action = session.get_one(Action, action_id)
        action.status, action.confirmed_at, action.last_error = "confirmed", utcnow(), None
        hidden = action.kind == "hide"
        if action.flag_id is not None:
            session.execute(update(Flag).where(Flag.id == action.flag_id).values(hidden=hidden))
            if hidden:
                session.execute(
                    update(Flag)
                    .where(Flag.id == action.flag_id, Flag.status == FlagStatus.NEW)
                    .values(status=FlagStatus.HIDDEN)
                )
        recording.audit(
            session,
            "system",
            f"{action.kind}_confirmed",
            "action",
            action.id,
            flag_id=action.flag_id,
            how=how,
            attempts=action.attempts,
        )
    logger.info("platform action confirmed", extra={"action_id": action_id, "how": how})


def _defer(
    engine: Engine, action_id: int, status: str, exc: GraphError, wait: float | None
) -> None:
    with db.session_scope(engine) as session:
        action = session.get_one(Action, action_id)
        backoff = (
            dt.timedelta(seconds=wait)
            if wait
            else min(dt.timedelta(seconds=30 * 2 ** max(action.attempts - 1, 0)), RETRY_CAP)
        )
        action.status, action.next_attempt_at = status, utcnow() + backoff
        action.last_error = f"{exc} ({exc.reference})" if exc.reference else str(exc)


def _release(engine: Engine, action_id: int) -> None:
    with db.session_scope(engine) as session:
        session.execute(
            update(Action)
            .where(Action.id == action_id, Action.status == "sending")
            .values(status="pending", next_attempt_at=None)
        )


def _fail(engine: Engine, action_id: int, reason: str) -> None:
    with db.session_scope(engine) as session:
        action = session.get_one(Action, action_id)
        action.status, action.last_error = "failed", reason
        recording.audit(
            session,
            "system",
            f"{action.kind}_failed",
            "action",
            action.id,
            flag_id=action.flag_id,
            reason=reason,
        )
