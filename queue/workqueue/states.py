"""The queue's two state machines, each with the one table of its legal moves.

* :class:`FlagStatus` and :data:`TRANSITIONS`: where a flagged comment stands (drawn in
  docs/architecture.md);
* :class:`ActionStatus` and :data:`ACTION_TRANSITIONS`: where a platform action (hide, unhide)
  in the outbox stands.

``workqueue.store`` enforces both tables in the database: a status is only ever written by a
conditional move that the table allows.
"""

from __future__ import annotations

from enum import StrEnum


class FlagStatus(StrEnum):
    """Where a flagged comment stands. Values are stored in the database."""

    NEW = "new"  #: flagged by policy, nobody has looked at it yet
    HIDDEN = "hidden"  #: hidden on the platform by policy, awaiting a moderator
    IN_REVIEW = "in_review"  #: a moderator has claimed it and is deciding
    CONFIRMED = "confirmed"  #: a moderator agreed with the flag
    DISMISSED = "dismissed"  #: a moderator judged it not a policy breach (unhidden if hidden)
    ESCALATED = "escalated"  #: sent up the ladder (meeting, warning, legal, police, DSL)
    CLOSED = "closed"  #: the matter is finished; kept for the record


#: status -> the statuses it may move to. Anything else is an illegal transition.
TRANSITIONS: dict[FlagStatus, frozenset[FlagStatus]] = {
    FlagStatus.NEW: frozenset(
        {
            FlagStatus.HIDDEN,
            FlagStatus.IN_REVIEW,
            FlagStatus.CONFIRMED,
            FlagStatus.DISMISSED,
            FlagStatus.ESCALATED,
        }
    ),
    FlagStatus.HIDDEN: frozenset(
        {FlagStatus.IN_REVIEW, FlagStatus.CONFIRMED, FlagStatus.DISMISSED, FlagStatus.ESCALATED}
    ),
    FlagStatus.IN_REVIEW: frozenset(
        {
            FlagStatus.CONFIRMED,
            FlagStatus.DISMISSED,
            FlagStatus.ESCALATED,
            FlagStatus.NEW,
            FlagStatus.HIDDEN,
        }
    ),
    FlagStatus.CONFIRMED: frozenset(
        {FlagStatus.ESCALATED, FlagStatus.CLOSED, FlagStatus.IN_REVIEW}  # reopened by a head
    ),
    FlagStatus.DISMISSED: frozenset({FlagStatus.CLOSED, FlagStatus.IN_REVIEW}),
    FlagStatus.ESCALATED: frozenset({FlagStatus.ESCALATED, FlagStatus.CLOSED}),
    FlagStatus.CLOSED: frozenset(),
}

#: Statuses a moderator still has to act on.
OPEN: frozenset[FlagStatus] = frozenset({FlagStatus.NEW, FlagStatus.HIDDEN, FlagStatus.IN_REVIEW})
#: Statuses a moderator can claim (``in_review``).
CLAIMABLE: frozenset[FlagStatus] = frozenset({FlagStatus.NEW, FlagStatus.HIDDEN})


def can_move(current: FlagStatus, to: FlagStatus) -> bool:
    """True when ``current -> to`` is in :data:`TRANSITIONS`."""
    return to in TRANSITIONS[current]


def sources_of(to: FlagStatus) -> frozenset[FlagStatus]:
    """The statuses ``to`` can be reached from."""
    return frozenset(s for s, targets in TRANSITIONS.items() if to in targets)


class ActionStatus(StrEnum):
    """Where a platform action (hide, unhide, block, unblock, reply) in the outbox stands. Values are stored in the
    database (``action.status``)."""

    PENDING = "pending"  #: recorded, waiting to be sent (or sent again after a rate limit)
    SENDING = "sending"  #: claimed by a sender; in doubt until confirmed or read back
    CONFIRMED = "confirmed"  #: the platform shows it done
    FAILED = "failed"  #: the platform refused it; a person has to act by hand
    MANUAL = "manual"  #: the source or platform cannot act (no API); a person acts by hand
    CANCELLED = "cancelled"  #: no longer wanted: the flag was dismissed before it was sent


#: The statuses an action may be recorded in: ``confirmed`` when the platform already shows the
#: comment hidden, ``failed`` when it says it cannot be hidden.
ACTION_START: frozenset[ActionStatus] = frozenset(
    {ActionStatus.PENDING, ActionStatus.MANUAL, ActionStatus.CONFIRMED, ActionStatus.FAILED}
)

#: status -> the statuses it may move to. Anything else is an illegal transition.
ACTION_TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PENDING: frozenset({ActionStatus.SENDING, ActionStatus.CANCELLED}),
    ActionStatus.SENDING: frozenset(
        {
            ActionStatus.CONFIRMED,  # the platform confirmed it, or showed it done when read back
            ActionStatus.FAILED,  # the platform refused, or the comment is gone
            ActionStatus.PENDING,  # never sent, rate limited, or read back as not done
            ActionStatus.SENDING,  # a temporary fault: still in doubt, read back later
            ActionStatus.MANUAL,  # the platform has no API for it (Instagram blocks)
        }
    ),
    ActionStatus.CONFIRMED: frozenset(),
    ActionStatus.FAILED: frozenset({ActionStatus.CANCELLED}),
    ActionStatus.MANUAL: frozenset({ActionStatus.CANCELLED}),
    ActionStatus.CANCELLED: frozenset(),
}
#: Actions still on their way to the platform.
ACTION_BUSY: frozenset[ActionStatus] = frozenset({ActionStatus.PENDING, ActionStatus.SENDING})


def action_can_move(current: ActionStatus, to: ActionStatus) -> bool:
    """True when ``current -> to`` is in :data:`ACTION_TRANSITIONS`."""
    return to in ACTION_TRANSITIONS[current]
