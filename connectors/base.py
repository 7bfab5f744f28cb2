"""The connector port: what every comment source gives the application.

Connectors return plain :class:`RawComment` records (never ORM objects) and know nothing of
policy or the database; ``moderator.scanning`` maps between them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class RawComment:
    """One comment as a platform (or a report file) gave it."""

    platform_comment_id: str
    text: str
    raw: dict[str, Any]  #: the platform's JSON for this comment, unchanged
    created_time: dt.datetime | None = None  #: UTC; None when the platform gave none
    author_id: str | None = None  #: page- or app-scoped id; often absent on Facebook
    author_name: str | None = None
    post_id: str | None = None
    parent_id: str | None = None  #: the comment replied to, for replies
    permalink: str | None = None
    is_hidden: bool | None = None
    can_hide: bool | None = None


@dataclass(frozen=True)
class Skipped:
    """An item the source could not read; ``where`` names it (e.g. ``file.jsonl line 7``)."""

    where: str
    reason: str


@dataclass(frozen=True)
class FetchWindow:
    """Which comments to fetch: those created at or after ``since`` (all when ``None``)."""

    since: dt.datetime | None = None
    full: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class CommentSource(Protocol):
    """A channel of comments."""

    name: str
    platform: str
    can_act: bool  #: True when hide/unhide reach a platform

    def fetch(self, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        """Yield comments (and unreadable items) in the source's order."""
        ...

    def hide(self, comment: RawComment) -> None:
        """Hide ``comment`` on the platform; raise ``SourceError`` when refused."""
        ...

    def unhide(self, comment: RawComment) -> None:
        """Undo :meth:`hide`."""
        ...
