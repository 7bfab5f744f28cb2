"""The outbox's responses beyond hiding: block and unblock a comment's author, post a public
reply under a comment. How each kind is sent once and how it is read back when in doubt.

``moderator.ingest.outbox`` claims, records and settles every kind the same way; this module
only knows what to call on the connector (``connectors.base.Responder``):

* ``block``/``unblock``: the Page's blocking edge, then ``is_blocked`` read back before the
  action counts as confirmed (a block the platform does not then list is not confirmed);
* ``reply``: ``reply`` once (never retried on a fault that may have reached the platform);
  the reply's id is kept as the action's reference; in doubt, ``find_reply`` looks for it;
* a platform with no API for it (Instagram cannot block) raises ``ManualAction``: the action
  becomes ``manual`` with the platform's instructions for a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from connectors.base import CommentSource, ManualAction, Responder

#: Kinds that hide or unhide a comment; the others are responses.
HIDING = frozenset({"hide", "unhide"})
#: Kinds that act on a comment's author.
BLOCKING = frozenset({"block", "unblock"})
#: What each kind is doing, for error messages.
DOING = {
    "hide": "hiding a comment",
    "unhide": "unhiding a comment",
    "block": "blocking a poster",
    "unblock": "lifting a block",
    "reply": "posting a reply",
}
#: What a person does for a source that cannot act at all (a file of reports).
BY_HAND = {
    "block": "block the person on the platform by hand, and record here that it was done",
    "unblock": "lift the block on the platform by hand, and record here that it was done",
    "reply": "post the reply under the comment by hand, and record here that it was done",
}


@dataclass(frozen=True)
class Target:
    """A claimed action and what it acts on, as the platform names them."""

    action_id: int
    kind: str
    comment_id: str  #: the platform's comment id
    author_id: str | None = None  #: the comment author's platform id (block, unblock)
    message: str | None = None  #: the reply's text (reply)


@dataclass(frozen=True)
class Done:
    """The platform did it (or read back shows it done)."""

    how: str
    reference: str | None = None


class NotDone(Exception):
    """The platform accepted the call but does not show it done when read back."""


def responder(connector: CommentSource, kind: str) -> Responder:
    """``connector`` as a :class:`Responder`; a source without one can only act by hand."""
    if not all(hasattr(connector, name) for name in ("block", "unblock", "is_blocked", "reply")):
        raise ManualAction(connector.platform, kind, BY_HAND[kind])
    return cast(Responder, connector)


def send(connector: CommentSource, target: Target) -> Done:
    """Send ``target`` once. Raises ``GraphError`` (refused, in doubt, rate limited),
    ``ManualAction`` (no API for it) or :class:`NotDone` (a block not read back)."""
    if target.kind in HIDING:
        connector.set_hidden(target.comment_id, target.kind == "hide")
        return Done("platform confirmed")
    platform = responder(connector, target.kind)
    if target.kind in BLOCKING:
        author = _author(connector, target)
        (platform.block if target.kind == "block" else platform.unblock)(author)
        if platform.is_blocked(author) != (target.kind == "block"):
            raise NotDone(f"the platform did not show the {target.kind} when read back")
        return Done("platform confirmed and read back")
    assert target.message is not None  # a reply action always names its letter
    return Done("platform confirmed", platform.reply(target.comment_id, target.message))


def read_back(connector: CommentSource, target: Target) -> Done | bool | None:
    """What the platform shows now for an action in doubt: :class:`Done`, ``False`` (not
    done: send it again) or ``None`` (the comment is gone)."""
    how = "confirmed by reading the platform"
    if target.kind in HIDING:
        state = connector.is_hidden(target.comment_id)
        if state is None:
            return None
        return Done(how) if state == (target.kind == "hide") else False
    platform = responder(connector, target.kind)
    if target.kind in BLOCKING:
        blocked = platform.is_blocked(_author(connector, target))
        return Done(how) if blocked == (target.kind == "block") else False
    assert target.message is not None
    found = platform.find_reply(target.comment_id, target.message)
    return Done(how, found) if found else False


def _author(connector: CommentSource, target: Target) -> str:
    if not target.author_id:
        raise ManualAction(
            connector.platform,
            target.kind,
            "the platform gave no id for this person; find them from the comment on the "
            f"platform and {target.kind} them by hand",
        )
    return target.author_id
