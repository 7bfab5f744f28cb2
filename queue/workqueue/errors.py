"""The queue's errors. ``workqueue`` cannot import the application, so its errors have their
own root; the application maps them into its own tree where it calls the queue
(``moderator.errors``).

QueueError                 the flag queue refused (``code`` and ``fields`` say what)
 ├── IllegalTransition     the move is not in its transition table, or the state was stale
 ├── NotAllowed            the person's role may not take this decision
 └── NotFound              there is no such flag
"""

from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """The flag queue refused.

    A refusal is structured: ``code`` says what kind it is and ``fields`` what it names (never
    comment text), so each reader's wording can be made from them; ``str()`` is the command
    line's wording."""

    def __init__(self, message: str | None = None, *, code: str = "", **fields: Any) -> None:
        super().__init__(message or (self.__doc__ or "").strip())
        self.code = code
        self.fields = fields


class IllegalTransition(QueueError):
    """A flag is not in a state this transition can start from."""


class NotAllowed(QueueError):
    """This person's role may not take this decision."""


class NotFound(QueueError):
    """There is no such flag."""
