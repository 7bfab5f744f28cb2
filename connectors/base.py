"""The connector port: what every comment source gives the application.

Connectors return plain :class:`RawComment` records (never ORM objects) and know nothing of
policy or the database; ``moderator.ingest.scanning`` maps between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class RawPost:
    """The post (Facebook) or media (Instagram) a comment sits under, as the platform gave it."""

    platform_post_id: str
    raw: dict[str, Any]  #: the platform's JSON for the post, unchanged
    message: str | None = None
    created_time: dt.datetime | None = None
    permalink: str | None = None
    updated_time: dt.datetime | None = None  #: Facebook bumps it on every new comment


#: What a record is: a comment (or reply), or a visitor's own post on the Page, which the
#: policy judges like a comment.
COMMENT, VISITOR_POST = "comment", "visitor_post"


@dataclass(frozen=True)
class RawComment:
    """One comment as a platform (or a report file) gave it, or a visitor's post on a Page
    (``kind`` is :data:`VISITOR_POST`; its ``post_id`` is its own id).

    Graph gives no edit time for comments: an edit is noticed by comparing ``text`` (and
    ``raw``) with what was recorded, on a poll that reads the comment again
    (``FetchWindow.recheck_since``) or on a webhook ``edited`` change."""

    platform_comment_id: str
    text: str
    raw: dict[str, Any]  #: the platform's JSON for this comment, unchanged
    created_time: dt.datetime | None = None  #: UTC; None when the platform gave none
    author_id: str | None = None  #: page- or app-scoped id; often absent on Facebook
    author_name: str | None = None
    post_id: str | None = None
    parent_id: str | None = None  #: the comment replied to, for replies
    permalink: str | None = None
    is_hidden: bool | None = None  #: hidden on the platform when fetched
    can_hide: bool | None = None  #: False when the platform will refuse to hide it
    by_owner: bool = False  #: written by the Page or account itself: recorded, never acted on
    post: RawPost | None = None
    kind: str = COMMENT  #: :data:`COMMENT` or :data:`VISITOR_POST`
    #: where the source found it, for messages (``file.jsonl line 7``); ``None``: its id says
    where: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Skipped:
    """An item the source could not read, or the application could not record; ``where``
    names it (``file.jsonl line 7``, ``comment 123_456``), ``reason`` says why without
    quoting its text."""

    where: str
    reason: str


@dataclass(frozen=True)
class FetchWindow:
    """Which comments to fetch: those created at or after ``since`` (all when ``None``).

    ``full`` walks every post however old; otherwise posts older than the source's look-back
    period are not opened. ``recheck_since`` (earlier than ``since``) also reads the comments
    created from then on again, whatever ``since`` says, so that a poll notices the ones edited
    or deleted since they were recorded.
    """

    since: dt.datetime | None = None
    full: bool = False
    recheck_since: dt.datetime | None = None

    @property
    def earliest(self) -> dt.datetime | None:
        """The oldest creation time read: ``since``, or ``recheck_since`` when earlier."""
        if self.since is None or self.recheck_since is None:
            return self.since
        return min(self.since, self.recheck_since)

    def admits(self, comment: RawComment) -> bool:
        """True when ``comment`` belongs in the window (one without a time always does)."""
        earliest = self.earliest
        return earliest is None or comment.created_time is None or comment.created_time >= earliest

    def horizon(self, lookback: dt.timedelta) -> dt.datetime | None:
        """Posts created before this are not opened (``None`` for a full walk)."""
        return None if self.full else dt.datetime.now(dt.UTC) - lookback


class ManualAction(Exception):
    """The platform has no API for this action (Instagram cannot block; a file of reports
    cannot act at all): a person must do it by hand, as ``instructions`` say."""

    def __init__(self, platform: str, action: str, instructions: str) -> None:
        super().__init__(f"{platform} cannot {action} through its API: {instructions}")
        self.platform = platform
        self.action = action
        self.instructions = instructions


class Responder(Protocol):
    """What a source can do about a poster beyond hiding: block them from the Page, and reply
    to a comment in public. A source that cannot raises :class:`ManualAction`."""

    def block(self, user_id: str) -> None:
        """Block ``user_id`` (a page-scoped id) from the Page; idempotent."""
        ...

    def unblock(self, user_id: str) -> None:
        """Lift a block; idempotent."""
        ...

    def is_blocked(self, user_id: str) -> bool:
        """Whether the platform lists ``user_id`` as blocked now (the read-back)."""
        ...

    def reply(self, comment_id: str, message: str) -> str:
        """Post ``message`` as the Page's public reply to a comment, once; the new reply's id.
        A temporary fault is not retried (the reply may have been posted): read back with
        :meth:`find_reply`."""
        ...

    def find_reply(self, comment_id: str, message: str) -> str | None:
        """The id of the account's own reply to ``comment_id`` with exactly ``message``."""
        ...


class CommentSource(Protocol):
    """A channel of comments."""

    name: str
    platform: str
    can_act: bool  #: True when hide/unhide reach a platform

    def fetch(self, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        """Yield comments (and unreadable items) in the source's order."""
        ...

    def fetch_comment(self, comment_id: str, post_id: str | None = None) -> RawComment | None:
        """One comment, read afresh (``None`` when it is gone); ``post_id`` when known."""
        ...

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        """Hide (or unhide) a comment; raises ``GraphError`` when the platform refuses."""
        ...

    def is_hidden(self, comment_id: str) -> bool | None:
        """Whether the platform shows the comment as hidden now (``None``: it is gone)."""
        ...

    def usage(self) -> dict[str, Any] | None:
        """The platform's latest rate-limit usage headers, when it sends them."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
