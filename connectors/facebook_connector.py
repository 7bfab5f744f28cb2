"""The Facebook Page source: the Page's feed, every comment and reply, hide and unhide,
blocking a person from the Page and public replies.

Posts come from ``/{page-id}/feed`` (the Page's posts and visitors' posts), newest first.
A **visitor post** (one whose ``from`` is not the Page: parents post on school Pages) is
itself yielded as a record of kind ``visitor_post`` and judged like a comment; a post without
``from`` is taken as the Page's own. Comments come from ``/{post-id}/comments?filter=stream``:
every level in one flat list, replies carrying ``parent``. ``from`` is optional
(Meta withholds the author unless a Page token reads the Page's own comments): a comment without
it is recorded with no author. Comments by
the Page itself are marked ``by_owner`` and never acted on. Hiding is ``POST /{id}`` with
``is_hidden=true`` (comments and visitor posts alike); ``can_hide`` is read first and a
comment the platform will not let us hide is never sent.

Blocking is ``POST /{page-id}/blocked`` with ``user``, lifting it ``DELETE`` with the same,
and ``GET /{page-id}/blocked?user=`` reads it back. A public reply is
``POST /{comment-id}/comments`` with ``message``, sent once.

Which posts are opened: with ``FetchWindow.full`` all of them; otherwise those created in the
last ``lookback_days``, and of those only the ones whose ``updated_time`` (bumped by every new
comment) falls inside the window.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

from connectors import timeparse
from connectors.base import VISITOR_POST, FetchWindow, RawComment, RawPost, Skipped
from connectors.graph_client import GraphClient, GraphSource, obj, scalar
from connectors.graph_errors import GraphError, Kind

POST_FIELDS = "id,message,created_time,updated_time,permalink_url,from,status_type,is_hidden"
COMMENT_FIELDS = (
    "id,message,created_time,from,permalink_url,is_hidden,can_hide,parent{id},"
    "attachment,comment_count,like_count"
)
PAGE_SIZE = "100"
#: Where posts are listed, in order of preference: /feed has visitors' posts too (parents post
#: on school Pages); the others are fallbacks for tokens or servers without it.
FEED_EDGES = ("feed", "published_posts", "posts")


class FacebookPageSource(GraphSource):
    """Comments on one Facebook Page."""

    platform = "facebook"
    can_act = True
    hidden_field = hide_param = "is_hidden"
    reply_edge, reply_fields = "comments", "id,message,from"

    def __init__(
        self, name: str, page_id: str, client: GraphClient, lookback_days: int = 90
    ) -> None:
        self.name = name
        self.page_id = page_id
        self.client = client
        self.lookback = dt.timedelta(days=lookback_days)
        self._posts: dict[str, RawPost] = {}

    def fetch(self, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        horizon = window.horizon(self.lookback)
        for post in self._feed():
            if horizon and post.created_time and post.created_time < horizon:
                return  # the feed is newest first: everything further is older
            visitor = self._visitor_post(post)
            if visitor is not None and window.admits(visitor):
                yield visitor
            if _untouched(post, window.earliest):
                continue
            yield from self._comments(post, window)

    # -- responding ------------------------------------------------------------------------

    def block(self, user_id: str) -> None:
        body = self.client.post(f"{self.page_id}/blocked", {"user": user_id})
        if body.get(user_id) not in (True, "true") and body.get("success") not in (True, "true"):
            raise GraphError(Kind.REFUSED, "the platform did not confirm the block")

    def unblock(self, user_id: str) -> None:
        body = self.client.delete(f"{self.page_id}/blocked", {"user": user_id})
        if body.get("success") not in (True, "true"):
            raise GraphError(Kind.REFUSED, "the platform did not confirm lifting the block")

    def is_blocked(self, user_id: str) -> bool:
        params = {"user": user_id, "fields": "id"}
        for page in self.client.pages(f"{self.page_id}/blocked", params):
            if any(isinstance(i, dict) and scalar(i.get("id")) == user_id for i in page):
                return True
        return False

    def _own_reply(self, item: dict[str, Any], message: str) -> bool:
        return scalar(obj(item.get("from")).get("id")) == self.page_id and (
            item.get("message") == message
        )

    # -- reading ---------------------------------------------------------------------------

    def fetch_comment(self, comment_id: str, post_id: str | None = None) -> RawComment | None:
        data = self.client.get_or_none(comment_id, {"fields": COMMENT_FIELDS})
        if data is None:
            return None
        return self._comment(data, self._post(post_id) if post_id else None)

    def _feed(self) -> Iterator[RawPost]:
        """The Page's posts, from the first edge this token and server can read."""
        params = {"fields": POST_FIELDS, "limit": PAGE_SIZE}
        for edge in FEED_EDGES:
            pages = self.client.pages(f"{self.page_id}/{edge}", params)
            try:
                first = next(pages, [])
            except GraphError as exc:
                if exc.kind in (Kind.NOT_FOUND, Kind.INVALID) and edge != FEED_EDGES[-1]:
                    continue  # e.g. /feed needs a task this token lacks: try the next edge
                raise
            for page in itertools.chain([first], pages):
                for item in page:
                    if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                        yield self._remember(_raw_post(item))
            return

    def _comments(self, post: RawPost, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        params = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "reverse_chronological",
            "limit": PAGE_SIZE,
        }
        if window.earliest is not None:  # a hint only: filtered again below
            params["since"] = str(int(window.earliest.timestamp()))
        where = f"post {post.platform_post_id} comments"
        for page in self.client.pages(f"{post.platform_post_id}/comments", params):
            for item in page:
                try:
                    comment = self._comment(item, post)
                except ValueError as exc:
                    yield Skipped(where, str(exc))
                    continue
                if window.admits(comment):
                    yield comment

    def _comment(self, data: Any, post: RawPost | None) -> RawComment:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str | int):
            raise ValueError("a comment without an id")
        author = obj(data.get("from"))
        parent = obj(data.get("parent"))
        message = data.get("message")
        try:
            created = timeparse.parse(data.get("created_time"))
        except ValueError as exc:
            raise ValueError(f"comment {data['id']}: 'created_time': {exc}") from None
        author_id = scalar(author.get("id"))
        return RawComment(
            platform_comment_id=str(data["id"]),
            text=message if isinstance(message, str) else "",
            raw=data,
            created_time=created,
            author_id=author_id,
            author_name=scalar(author.get("name")),
            post_id=post.platform_post_id if post else None,
            parent_id=scalar(parent.get("id")),
            permalink=scalar(data.get("permalink_url")),
            is_hidden=data.get("is_hidden") if isinstance(data.get("is_hidden"), bool) else None,
            can_hide=data.get("can_hide") if isinstance(data.get("can_hide"), bool) else None,
            by_owner=author_id == self.page_id,
            post=post,
        )

    def _visitor_post(self, post: RawPost) -> RawComment | None:
        """A post by someone other than the Page, as a record to judge (else ``None``)."""
        author = obj(post.raw.get("from"))
        author_id = scalar(author.get("id"))
        if author_id is None or author_id == self.page_id:
            return None
        hidden = post.raw.get("is_hidden")
        return RawComment(
            platform_comment_id=post.platform_post_id,
            text=post.message or "",
            raw=post.raw,
            created_time=post.created_time,
            author_id=author_id,
            author_name=scalar(author.get("name")),
            post_id=post.platform_post_id,
            permalink=post.permalink,
            is_hidden=hidden if isinstance(hidden, bool) else None,
            post=post,
            kind=VISITOR_POST,
        )

    def _post(self, post_id: str) -> RawPost:
        if post_id not in self._posts:
            data = self.client.get_or_none(post_id, {"fields": POST_FIELDS})
            if data is None or "id" not in data:
                return RawPost(post_id, {"id": post_id})
            self._remember(_raw_post(data))
        return self._posts[post_id]

    def _remember(self, post: RawPost) -> RawPost:
        self._posts[post.platform_post_id] = post
        return post


def _raw_post(data: dict[str, Any]) -> RawPost:
    def time(key: str) -> dt.datetime | None:
        try:
            return timeparse.parse(data.get(key))
        except ValueError:
            return None

    message = data.get("message")
    return RawPost(
        platform_post_id=str(data["id"]),
        raw=data,
        message=message if isinstance(message, str) else None,
        created_time=time("created_time"),
        permalink=scalar(data.get("permalink_url")),
        updated_time=time("updated_time"),
    )


def _untouched(post: RawPost, since: dt.datetime | None) -> bool:
    """True when nothing on ``post`` can be newer than ``since``."""
    return since is not None and post.updated_time is not None and post.updated_time < since
