"""The two transition tables in ``workqueue.states``: every move each allows, every move each
refuses, written out here so that a change to either table has to change this file too."""

from __future__ import annotations

from itertools import product

import pytest

from workqueue.states import (
    ACTION_START,
    ACTION_TRANSITIONS,
    TRANSITIONS,
    ActionStatus,
    FlagStatus,
    action_can_move,
    can_move,
    sources_of,
)

A = ActionStatus
#: The outbox's moves, as the outbox and a dismissal make them (moderator.ingest.outbox,
#: moderator.review.decisions).
ACTION_MOVES = {
    (A.PENDING, A.SENDING),  # claimed by a sender
    (A.PENDING, A.CANCELLED),  # the flag was dismissed before it was sent
    (A.SENDING, A.CONFIRMED),  # the platform confirmed it, or showed it done when read back
    (A.SENDING, A.FAILED),  # the platform refused, or the comment is gone
    (A.SENDING, A.PENDING),  # never sent, rate limited, or read back as not done
    (A.SENDING, A.SENDING),  # a temporary fault: still in doubt
    (A.SENDING, A.MANUAL),  # the platform has no API for it (an Instagram block)
    (A.FAILED, A.CANCELLED),
    (A.MANUAL, A.CANCELLED),
}
F = FlagStatus
#: The flag's moves, as docs/architecture.md draws them.
FLAG_MOVES = {
    *((F.NEW, to) for to in (F.HIDDEN, F.IN_REVIEW, F.CONFIRMED, F.DISMISSED, F.ESCALATED)),
    *((F.HIDDEN, to) for to in (F.IN_REVIEW, F.CONFIRMED, F.DISMISSED, F.ESCALATED)),
    *((F.IN_REVIEW, to) for to in (F.NEW, F.HIDDEN, F.CONFIRMED, F.DISMISSED, F.ESCALATED)),
    (F.CONFIRMED, F.ESCALATED),
    (F.CONFIRMED, F.CLOSED),
    (F.CONFIRMED, F.IN_REVIEW),  # reopened by a headteacher, with a note
    (F.DISMISSED, F.IN_REVIEW),
    (F.DISMISSED, F.CLOSED),
    (F.ESCALATED, F.ESCALATED),
    (F.ESCALATED, F.CLOSED),
}


def test_the_action_statuses_are_the_strings_stored_before_the_enum() -> None:
    assert [s.value for s in ActionStatus] == [
        "pending",
        "sending",
        "confirmed",
        "failed",
        "manual",
        "cancelled",
    ]
    assert set(ACTION_TRANSITIONS) == set(ActionStatus)


@pytest.mark.parametrize(("current", "to"), sorted(ACTION_MOVES))
def test_an_allowed_action_move(current: ActionStatus, to: ActionStatus) -> None:
    assert action_can_move(current, to)


@pytest.mark.parametrize(
    ("current", "to"), sorted(set(product(ActionStatus, ActionStatus)) - ACTION_MOVES)
)
def test_a_refused_action_move(current: ActionStatus, to: ActionStatus) -> None:
    assert not action_can_move(current, to)


def test_an_action_is_recorded_only_in_a_starting_status() -> None:
    assert ACTION_START == {A.PENDING, A.MANUAL, A.CONFIRMED, A.FAILED}
    assert not ACTION_TRANSITIONS[A.CONFIRMED] and not ACTION_TRANSITIONS[A.CANCELLED]


@pytest.mark.parametrize(("current", "to"), sorted(FLAG_MOVES))
def test_an_allowed_flag_move(current: FlagStatus, to: FlagStatus) -> None:
    assert can_move(current, to)


@pytest.mark.parametrize(
    ("current", "to"), sorted(set(product(FlagStatus, FlagStatus)) - FLAG_MOVES)
)
def test_a_refused_flag_move(current: FlagStatus, to: FlagStatus) -> None:
    assert not can_move(current, to)


def test_sources_of_reads_the_flag_table_backwards() -> None:
    assert sources_of(F.HIDDEN) == {F.NEW, F.IN_REVIEW}
    assert sources_of(F.NEW) == {F.IN_REVIEW}
    assert set(TRANSITIONS) == set(FlagStatus)
