"""The outbox's status moves in the database, on SQLite and PostgreSQL: a move the table
refuses writes nothing, and a move on an action another worker moved first leaves it alone."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from moderator.store import db, moves
from moderator.store.models import Action, Comment, Source
from workqueue.errors import IllegalTransition
from workqueue.states import ActionStatus


def _action(engine: Engine, status: ActionStatus) -> int:
    with db.session_scope(engine) as session:
        source = Source(name="page", platform="facebook")
        comment = Comment(source=source, platform_comment_id="c1", text="hello", raw={})
        action = Action(comment=comment, kind="hide", status=status)
        session.add(action)
        session.flush()
        return action.id


def _status(engine: Engine, action_id: int) -> str:
    with db.session_scope(engine) as session:
        return session.scalars(select(Action.status).where(Action.id == action_id)).one()


def test_an_illegal_action_move_is_refused_and_writes_nothing(engine: Engine) -> None:
    action_id = _action(engine, ActionStatus.CONFIRMED)
    with pytest.raises(IllegalTransition) as refused, db.session_scope(engine) as session:
        moves.ACTIONS.move(
            session,
            ActionStatus.PENDING,
            expected=ActionStatus.CONFIRMED,
            ids=[action_id],
            values={"last_error": "sent again"},
        )
    assert str(refused.value) == (
        "a confirmed action cannot become pending; from confirmed it can become: nothing (final)"
    )
    assert refused.value.code == "illegal_move"
    assert _status(engine, action_id) == "confirmed"


def test_one_refused_start_refuses_the_whole_move(engine: Engine) -> None:
    action_id = _action(engine, ActionStatus.PENDING)
    refused = pytest.raises(IllegalTransition, match="a manual action cannot become sending")
    with refused, db.session_scope(engine) as session:
        moves.ACTIONS.move(
            session,
            ActionStatus.SENDING,
            expected=(ActionStatus.PENDING, ActionStatus.MANUAL),
            ids=[action_id],
        )
    assert _status(engine, action_id) == "pending"


def test_a_legal_move_applies_only_to_actions_still_as_expected(engine: Engine) -> None:
    action_id = _action(engine, ActionStatus.PENDING)
    with db.session_scope(engine) as session:
        first = moves.ACTIONS.move(
            session, ActionStatus.SENDING, expected=ActionStatus.PENDING, ids=[action_id]
        )
    with db.session_scope(engine) as session:  # a second worker, too late
        second = moves.ACTIONS.move(
            session, ActionStatus.SENDING, expected=ActionStatus.PENDING, ids=[action_id]
        )
    assert (first, second) == ([action_id], [])
    assert _status(engine, action_id) == "sending"
