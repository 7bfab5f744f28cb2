"""The queue's errors. ``workqueue`` cannot import the application, so its errors have their
own root; the command line reports them like :class:`moderator.exceptions.ModeratorError`.

* QueueError
  - IllegalTransition   the move is not in the transition table, or the state was stale
  - NotAllowed          the person's role may not take this decision
"""

from __future__ import annotations


class QueueError(Exception):
    """The flag queue refused."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class IllegalTransition(QueueError):
    """A flag is not in a state this transition can start from."""


class NotAllowed(QueueError):
    """This person's role may not take this decision."""
