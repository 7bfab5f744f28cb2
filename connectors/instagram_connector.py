"""The Instagram source (professional account, Graph API on httpx): media, comments, replies.

Media come from ``/{account-id}/media``, newest first. Comments come from
``/{media-id}/comments`` with ``replies{...}`` nested in the same call (the edge returns
top-level comments only; replies come through the ``replies`` field); when a comment's replies
run to more than one page, they are read through ``/{comment-id}/replies``. A comment by the
account itself is marked ``by_owner`` (Instagram ignores hiding those anyway). Hiding is ``POST
/{comment-id}`` with ``hide=true``. A public reply is ``POST /{comment-id}/replies`` with
``message``, sent once.

Instagram has no API to block or restrict a person: :meth:`InstagramSource.block` and
:meth:`InstagramSource.unblock` raise :class:`~connectors.base.ManualAction` with the steps a
member of staff takes in the Instagram app instead.

Media have no "last commented" time, so an incremental poll opens every media item from the
last ``lookback_days`` that has comments; ``FetchWindow.full`` opens all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from connectors import timeparse
from connectors.base import FetchWindow, ManualAction, RawComment, RawPost, Skipped
from connectors.graph_client import GraphClient, GraphSource, next_link, obj, scalar

MEDIA_FIELDS = "id,caption,timestamp,permalink,comments_count,media_product_type,username"
_COMMENT = "id,text,timestamp,username,from,hidden,like_count,parent_id"
COMMENT_FIELDS = f"{_COMMENT},replies{{{_COMMENT}}}"
PAGE_SIZE = "100"
#: What staff do in the Instagram app, there being no API for it.
BLOCK_STEPS = (
    "in the Instagram app, signed in as the school's account, open the person's profile, "
    "tap the three dots, choose Block (or Restrict), and record here that it was done"
)
UNBLOCK_STEPS = (
    "in the Instagram app, signed in as the school's account, open Settings, Blocked, find "
    "the person and choose Unblock, and record here that it was done"
)


class InstagramSource(GraphSource):
    """Comments on one Instagram professional account."""

    platform = "instagram"
    can_act = True
    hidden_field, hide_param = "hidden", "hide"
    reply_edge, reply_fields = "replies", "id,text,username,from"

    def __init__(
        self, name: str, account_id: str, client: GraphClient, lookback_days: int = 90
    ) -> None:
        self.name = name
        self.account_id = account_id
        self.client = client
        self.lookback = dt.timedelta(days=lookback_days)
        self._media: dict[str, RawPost] = {}
        self._own_name: str | None = None

    def fetch(self, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        horizon = window.horizon(self.lookback)
        for media in self._media_list():
            if horizon and media.created_time and media.created_time < horizon:
                return  # newest first: everything further is older
            if media.raw.get("comments_count") == 0:
                continue
            yield from self._comments(media, window)

    def fetch_comment(self, comment_id: str, post_id: str | None = None) -> RawComment | None:
        data = self.client.get_or_none(comment_id, {"fields": f"{_COMMENT},media"})
        if data is None:
            return None
        media_id = post_id or scalar(obj(data.get("media")).get("id"))
        return self._comment(data, self._one_media(media_id) if media_id else None)

    def block(self, user_id: str) -> None:
        raise ManualAction(self.platform, "block", BLOCK_STEPS)

    def unblock(self, user_id: str) -> None:
        raise ManualAction(self.platform, "unblock", UNBLOCK_STEPS)

    def is_blocked(self, user_id: str) -> bool:
        raise ManualAction(
            self.platform, "read a block", "check Settings, Blocked in the Instagram app"
        )

    def _own_reply(self, item: dict[str, Any], message: str) -> bool:
        if item.get("text") != message:
            return False
        if scalar(obj(item.get("from")).get("id")) == self.account_id:
            return True
        return scalar(item.get("username")) == self._username()

    def _username(self) -> str | None:
        """The account's own username, read once."""
        if self._own_name is None:
            data = self.client.get(self.account_id, {"fields": "id,username"})
            self._own_name = scalar(data.get("username")) or ""
        return self._own_name or None

    def _media_list(self) -> Iterator[RawPost]:
        params = {"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}
        for page in self.client.pages(f"{self.account_id}/media", params):
            for item in page:
                if isinstance(item, dict) and scalar(item.get("id")):
                    yield self._remember(_raw_media(item))

    def _comments(self, media: RawPost, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        where = f"media {media.platform_post_id} comments"
        params = {"fields": COMMENT_FIELDS, "limit": PAGE_SIZE}
        for page in self.client.pages(f"{media.platform_post_id}/comments", params):
            for item in page:
                for data in self._with_replies(item):
                    try:
                        comment = self._comment(data, media)
                    except ValueError as exc:
                        yield Skipped(where, str(exc))
                        continue
                    if window.admits(comment):
                        yield comment

    def _with_replies(self, item: Any) -> Iterator[Any]:
        """The comment, then each of its replies (all pages), tagged with their parent."""
        yield item
        replies = item.get("replies") if isinstance(item, dict) else None
        if not isinstance(replies, dict):
            return
        parent = scalar(item.get("id"))
        if next_link(replies) and parent:
            params = {"fields": _COMMENT, "limit": PAGE_SIZE}
            pages: Iterator[list[Any]] = self.client.pages(f"{parent}/replies", params)
        else:
            data = replies.get("data")
            pages = iter([data if isinstance(data, list) else []])
        for page in pages:
            for reply in page:
                if isinstance(reply, dict) and parent and not reply.get("parent_id"):
                    reply = {**reply, "parent_id": parent}
                yield reply

    def _comment(self, data: Any, media: RawPost | None) -> RawComment:
        if not isinstance(data, dict) or not scalar(data.get("id")):
            raise ValueError("a comment without an id")
        author = obj(data.get("from"))
        text = data.get("text")
        try:
            created = timeparse.parse(data.get("timestamp"))
        except ValueError as exc:
            raise ValueError(f"comment {data['id']}: 'timestamp': {exc}") from None
        username = scalar(data.get("username")) or scalar(author.get("username"))
        author_id = scalar(author.get("id"))
        owner = media.raw.get("username") if media else None
        return RawComment(
            platform_comment_id=str(data["id"]),
            text=text if isinstance(text, str) else "",
            raw=data,
            created_time=created,
            author_id=author_id or (f"username:{username}" if username else None),
            author_name=username,
            post_id=media.platform_post_id if media else None,
            parent_id=scalar(data.get("parent_id")),
            permalink=media.permalink if media else None,
            is_hidden=data.get("hidden") if isinstance(data.get("hidden"), bool) else None,
            by_owner=author_id == self.account_id or (owner is not None and username == owner),
            post=media,
        )

    def _one_media(self, media_id: str) -> RawPost:
        if media_id not in self._media:
            data = self.client.get_or_none(media_id, {"fields": MEDIA_FIELDS})
            if data is None or "id" not in data:
                return RawPost(media_id, {"id": media_id})
            self._remember(_raw_media(data))
        return self._media[media_id]

    def _remember(self, media: RawPost) -> RawPost:
        self._media[media.platform_post_id] = media
        return media


def _raw_media(data: dict[str, Any]) -> RawPost:
    try:
        created = timeparse.parse(data.get("timestamp"))
    except ValueError:
        created = None
    caption = data.get("caption")
    return RawPost(
        platform_post_id=str(data["id"]),
        raw=data,
        message=caption if isinstance(caption, str) else None,
        created_time=created,
        permalink=scalar(data.get("permalink")),
    )
