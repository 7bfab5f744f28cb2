"""The outbox: platform actions (hide, unhide; block, unblock, reply: ``responses``) sent
until confirmed, and never sent twice.

An action row is written, with the evidence snapshot and the flag, before anything is sent
(``recording.request_hide``). :func:`send_due` then works through one source's due actions:

Every status change is a conditional move along ``workqueue.states.ACTION_TRANSITIONS``
(``moderator.store.moves.ACTIONS``); an action another worker moved first is left as it is.

* **claim**: a conditional update ``pending -> sending`` (attempts + 1, ``sent_at``) commits
  before the call, so two workers never send the same action (a batch at a time);
* **send**: the connector's ``set_hidden`` (or ``responses.send`` for the other kinds);
* **confirm** on success: ``confirmed``, the flag marked hidden (a ``new`` flag moves to
  ``hidden`` through the flag store, with its own audit event), an audit event;
* a **rate limit** returns the action to ``pending`` with a later ``next_attempt_at``;
* a **temporary fault** may or may not have reached the platform, so the action stays
  ``sending`` (in doubt) until :func:`_settle_in_doubt` has read the comment's state back:
  applied -> confirmed without sending; not applied -> pending again;
* a **refusal** (the comment cannot be hidden, is gone, or the token may not do it) fails the
  action with the reason; the queue shows it as "hide by hand";
* **no API** for it (``ManualAction``: an Instagram block) makes it ``manual``, with the
  platform's instructions for a person.

A process that dies between claim and confirm leaves ``sending``; after ``IN_DOUBT_AFTER`` it
is settled by reading the platform, never by sending blindly.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import suppress
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Engine, or_, select, update
from sqlalchemy.orm import Session

from connectors.base import CommentSource, ManualAction
from connectors.graph_errors import GraphError, Kind
from moderator.ingest import recording, responses, sources
from moderator.ingest.responses import Target
from moderator.store import db, moves
from moderator.store.models import Action, Comment, Flag, Letter, utcnow
from workqueue.errors import IllegalTransition
from workqueue.states import ActionStatus, FlagStatus

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
    responded: int = 0  #: blocks, unblocks and replies the platform confirmed
    manual: int = 0  #: actions the platform has no API for: a person acts by hand
    errors: list[str] = field(default_factory=list)


def send_due(
    engine: Engine,
    connector: CommentSource,
    source_id: int,
    result: OutboxResult | None = None,
    token_env: str | None = None,
    in_doubt_after: dt.timedelta = IN_DOUBT_AFTER,
) -> OutboxResult:
    """Send every due action for one source; raises :class:`SourceAuthError` on a token problem.

    Actions are claimed ``BATCH`` at a time in one transaction, sent one by one, and their
    outcomes written in one transaction: a crash in between leaves them ``sending``, which the
    next pass settles by reading the platform.
    """
    result = result or OutboxResult()
    _settle_in_doubt(engine, connector, source_id, result, token_env, in_doubt_after)
    while claimed := _claim(engine, source_id):
        outcomes: list[_Outcome] = []
        stop: GraphError | None = None
        for target in claimed:
            action_id = target.action_id
            if stop is not None:
                outcomes.append(_Outcome(action_id, RELEASE))
                continue
            try:
                done = responses.send(connector, target)
            except GraphError as exc:
                outcome = _outcome(action_id, exc)
                outcomes.append(outcome)
                if exc.kind in (Kind.RATE_LIMIT, Kind.TOKEN):
                    stop = exc
                continue
            except ManualAction as exc:
                outcomes.append(_Outcome(action_id, ActionStatus.MANUAL, how=exc.instructions))
                continue
            except responses.NotDone as exc:
                outcomes.append(_Outcome(action_id, ActionStatus.FAILED, how=str(exc)))
                continue
            outcomes.append(
                _Outcome(action_id, ActionStatus.CONFIRMED, how=done.how, reference=done.reference)
            )
        _apply(engine, connector.name, outcomes, result, token_env)
        if stop is not None and stop.kind is Kind.TOKEN:
            raise sources.source_error(connector.name, stop, "sending an action", token_env)
        if stop is not None:
            return result  # rate limited past the run's budget: the rest waits for a later run
    return result


#: A claimed action that was never sent (a sending before it stopped the batch).
RELEASE = "release"
#: A send that may or may not have reached the platform: it stays ``sending`` until read back.
IN_DOUBT = "in_doubt"


@dataclass
class _Outcome:
    """What happened to one claimed action."""

    action_id: int
    status: str  #: an ActionStatus (confirmed, pending, failed), or RELEASE or IN_DOUBT
    error: GraphError | None = None
    how: str = ""  #: how it was confirmed; for manual, the instructions; for failed, why
    reference: str | None = None  #: the platform's id for what it did (a reply)


def _outcome(action_id: int, exc: GraphError) -> _Outcome:
    if exc.kind in (Kind.RATE_LIMIT, Kind.TOKEN):  # refused before anything happened
        return _Outcome(action_id, ActionStatus.PENDING, exc)
    if exc.kind is Kind.TRANSIENT:  # it may or may not have reached the platform
        return _Outcome(action_id, IN_DOUBT, exc)
    return _Outcome(action_id, ActionStatus.FAILED, exc)


def _claim(engine: Engine, source_id: int) -> list[Target]:
    """Due actions moved ``pending -> sending`` in one committed transaction, before any send.

    The update is conditional on ``pending``, so an action another worker claimed first is
    not returned here."""
    now = utcnow()
    with db.session_scope(engine) as session:
        due = list(
            session.scalars(
                select(Action.id)
                .join(Comment, Comment.id == Action.comment_id)
                .where(
                    Comment.source_id == source_id,
                    Action.status == ActionStatus.PENDING,
                    or_(Action.next_attempt_at.is_(None), Action.next_attempt_at <= now),
                )
                .order_by(Action.id)
                .limit(BATCH)
            )
        )
        if not due:
            return []
        claimed = moves.ACTIONS.move(
            session,
            ActionStatus.SENDING,
            expected=ActionStatus.PENDING,
            ids=due,
            values={"attempts": Action.attempts + 1, "sent_at": now},
        )
        return _targets(session, Action.id.in_(claimed))


def _targets(session: Session, *where: ColumnElement[bool]) -> list[Target]:
    rows = session.execute(
        select(
            Action.id,
            Action.kind,
            Comment.platform_comment_id,
            Comment.author_platform_id,
            Letter.text,
        )
        .join(Comment, Comment.id == Action.comment_id)
        .outerjoin(Letter, Letter.id == Action.letter_id)
        .where(*where)
        .order_by(Action.id)
    ).all()
    return [Target(*row) for row in rows]


def _apply(
    engine: Engine,
    source: str,
    outcomes: list[_Outcome],
    result: OutboxResult,
    token_env: str | None,
) -> None:
    """Write a batch's outcomes in one transaction."""
    with db.session_scope(engine) as session:
        for outcome in outcomes:
            action = session.get_one(Action, outcome.action_id)
            if outcome.status == ActionStatus.CONFIRMED:
                if _confirm(session, action, outcome.how, outcome.reference):
                    _count(result, action)
            elif outcome.status == ActionStatus.MANUAL:
                if _manual(session, action, outcome.how):
                    result.manual += 1
            elif outcome.status == RELEASE:
                values = {"next_attempt_at": None, "attempts": Action.attempts - 1}  # never sent
                _move(session, action, ActionStatus.PENDING, **values)
            elif outcome.status == ActionStatus.FAILED:
                message = outcome.how or _message(source, action.kind, outcome.error, token_env)
                if _fail(session, action, message):
                    result.failed += 1
                    result.errors.append(message)
            else:
                assert outcome.error is not None
                status = (
                    ActionStatus.SENDING if outcome.status == IN_DOUBT else ActionStatus.PENDING
                )
                if _defer(session, action, status, outcome.error):
                    result.deferred += 1
                if outcome.error.kind is not Kind.TOKEN:
                    result.errors.append(_message(source, action.kind, outcome.error, token_env))


def _count(result: OutboxResult, action: Action) -> None:
    if action.kind in responses.HIDING:
        result.confirmed += 1
    else:
        result.responded += 1


def _message(source: str, kind: str, exc: GraphError | None, token_env: str | None) -> str:
    assert exc is not None
    return str(sources.source_error(source, exc, responses.DOING[kind], token_env))


def _settle_in_doubt(
    engine: Engine,
    connector: CommentSource,
    source_id: int,
    result: OutboxResult,
    token_env: str | None,
    in_doubt_after: dt.timedelta,
) -> None:
    """Read back each stale ``sending`` action: confirm it, or return it to ``pending``."""
    now = utcnow()
    with db.session_scope(engine) as session:
        rows = _targets(
            session,
            Comment.source_id == source_id,
            Action.status == ActionStatus.SENDING,
            or_(
                Action.next_attempt_at <= now,
                Action.sent_at.is_(None),
                Action.sent_at < now - in_doubt_after,
            ),
        )
    for target in rows:
        state: responses.Done | bool | ManualAction | None
        try:
            state = responses.read_back(connector, target)
        except GraphError as exc:
            doing = f"checking {responses.DOING[target.kind]}"
            error = sources.source_error(connector.name, exc, doing, token_env)
            if exc.kind is Kind.TOKEN:
                raise error from exc
            result.errors.append(str(error))
            continue
        except ManualAction as exc:
            state = exc
        with db.session_scope(engine) as session:  # each move is void if another worker settled it
            action = session.get_one(Action, target.action_id)
            if isinstance(state, ManualAction):
                if _manual(session, action, state.instructions):
                    result.manual += 1
            elif state is None:
                if _fail(session, action, "the comment is no longer on the platform"):
                    result.failed += 1
            elif isinstance(state, responses.Done):
                if _confirm(session, action, state.how, state.reference):
                    _count(result, action)
            else:
                _move(session, action, ActionStatus.PENDING, next_attempt_at=None)


def _move(session: Session, action: Action, to: ActionStatus, **values: object) -> bool:
    """Move a ``sending`` action to ``to``; False when another worker settled it first."""
    moved = moves.ACTIONS.move(
        session, to, expected=ActionStatus.SENDING, ids=[action.id], values=values
    )
    return bool(moved)


def _confirm(session: Session, action: Action, how: str, reference: str | None = None) -> bool:
    values: dict[str, object] = {"confirmed_at": utcnow(), "last_error": None}
    if reference:
        values["reference"] = reference
    if not _move(session, action, ActionStatus.CONFIRMED, **values):
        return False
    hidden = action.kind == "hide"
    if action.flag_id is not None and action.kind in responses.HIDING:
        session.execute(update(Flag).where(Flag.id == action.flag_id).values(hidden=hidden))
        if hidden and moves.FLAGS.status(session, action.flag_id) is FlagStatus.NEW:
            with suppress(IllegalTransition):  # claimed meanwhile: its release finds it hidden
                moves.FLAGS.move(
                    session,
                    action.flag_id,
                    FlagStatus.HIDDEN,
                    expected=FlagStatus.NEW,
                    actor="system",
                    action="hide_confirmed",
                    why=None,
                    detail={"action_id": action.id, "how": how},
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
        **({"reference": reference} if reference else {}),
    )
    logger.info("platform action confirmed", extra={"action_id": action.id, "how": how})
    return True


def _manual(session: Session, action: Action, instructions: str) -> bool:
    if not _move(session, action, ActionStatus.MANUAL, instructions=instructions):
        return False
    recording.audit(
        session,
        "system",
        f"{action.kind}_by_hand",
        "action",
        action.id,
        flag_id=action.flag_id,
        instructions=instructions,
    )
    return True


def _defer(session: Session, action: Action, status: ActionStatus, exc: GraphError) -> bool:
    if exc.retry_after:
        backoff = dt.timedelta(seconds=exc.retry_after)
    else:
        backoff = min(dt.timedelta(seconds=30 * 2 ** max(action.attempts - 1, 0)), RETRY_CAP)
    error = f"{exc} ({exc.reference})" if exc.reference else str(exc)
    return _move(session, action, status, next_attempt_at=utcnow() + backoff, last_error=error)


def _fail(session: Session, action: Action, reason: str) -> bool:
    if not _move(session, action, ActionStatus.FAILED, last_error=reason):
        return False
    recording.audit(
        session,
        "system",
        f"{action.kind}_failed",
        "action",
        action.id,
        flag_id=action.flag_id,
        reason=reason,
    )
    return True
