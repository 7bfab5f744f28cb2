"""Flag states and the one table of legal transitions (drawn in docs/architecture.md)."""

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
    FlagStatus.CONFIRMED: frozenset({FlagStatus.ESCALATED, FlagStatus.CLOSED}),
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
