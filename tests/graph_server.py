"""A Graph-API-compatible HTTP server for tests and benchmarks (standard library only).

It imitates the parts of Meta's Graph API that the moderation worker uses (see
``docs/meta-graph-api.md`` in the shared docs, §1.2-1.6, §2.1-2.2, §4, §5.4 and §7): Facebook Page
posts (the Page's and visitors') and comments, Instagram media and comments, hide/unhide/delete,
the Page's blocked list (``POST``/``DELETE``/``GET /{page-id}/blocked``), public replies
(``POST /{comment-id}/comments`` on Facebook, ``/replies`` on Instagram), cursor paging with absolute
``paging.next`` URLs that echo every query parameter, Graph-style error bodies, usage headers and
a queue of injectable faults.

Usage::

    with GraphServer() as graph:
        graph.add_page("104857600000001", "page-token")
        post_id = graph.add_post("104857600000001", "Sports day!", created)
        graph.add_fb_comment(post_id, "Great photos", created)
        httpx.get(f"{graph.url}/v21.0/{post_id}/comments", params={"access_token": "page-token"})

Design notes:

- Every list is kept sorted by ``(created microseconds, insertion sequence)``. Cursors encode
  that key (not an offset), so they survive insertions and deletions, and a page costs
  O(log n + page) through ``bisect``.
- Lists: posts and media newest first; FB comments ``order=chronological`` (default, oldest
  first) or ``reverse_chronological``; IG comments and replies oldest first.
- Unknown fields in ``fields`` are silently omitted (Meta would answer ``(#100)``); ``before``
  cursors are not supported and answer ``(#100)``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import itertools
import json
import re
import secrets
import socket
import sys
import threading
import time
import traceback
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple, Self, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["GraphServer", "Recorded", "graph_time"]

JSON_TYPE = "application/json; charset=UTF-8"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_LIMIT = 100
DEFAULT_AUTHOR = ("7209384756102938", "Sam Example")
FAULT_KINDS = frozenset(
    {
        "rate_limit",
        "expired_token",
        "permission",
        "not_found",
        "server_error",
        "malformed_json",
        "html_502",
        "no_content_type",
        "slow",
        "drop",
    }
)
RATE_LIMIT_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try "
    "again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and "
    "try again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
}
TOKEN_MESSAGES = {
    458: "Error validating access token: The user has not authorized application 1234567890.",
    459: "Error validating access token: You cannot access the app till you log in to "
    "www.facebook.com and follow the instructions given.",
    460: "Error validating access token: The session has been invalidated because the user "
    "changed their password or Facebook has changed the session for security reasons.",
    463: "Error validating access token: Session has expired on Tuesday, 11-Mar-25 09:00:00 PDT. "
    "The current time is Wednesday, 12-Mar-25 10:00:00 PDT.",
    464: "Error validating access token: Sessions for the user are not allowed because the user "
    "is not a confirmed user.",
    467: "Error validating access token: The session is invalid because the user logged out.",
    492: "Error validating access token: The user associated with the Page access token does "
    "not have an appropriate role on the Page.",
}
PERMISSION_MESSAGES = {
    10: "(#10) Application does not have permission for this action",
    200: "(#200) Permissions error",
}
MALFORMED_BODY = b'{"data": [{"id": "1"'
HTML_502_BODY = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><p>The server returned an invalid response.</p></body></html>"
)
FB_COMMENT_DEFAULT = ("id", "message", "created_time", "from", "parent")
IG_COMMENT_DEFAULT = ("id", "text", "timestamp")
POST_DEFAULT = ("id", "message", "created_time")
FIELD_NAME = re.compile(r"^(\w+)((?:\.\w+\([^)]*\))*)$")
LIMIT_MODIFIER = re.compile(r"\.limit\((\d+)\)")

Key = tuple[int, int]
T = TypeVar("T", bound="_Item")


def graph_time(t: datetime) -> str:
    """Format an aware datetime the way Graph does: ``2025-03-12T16:41:07+0000`` (UTC)."""
    if t.tzinfo is None:
        raise ValueError("graph_time needs a timezone-aware datetime")
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _micros(t: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, no float rounding)."""
    if t.tzinfo is None:
        raise ValueError("datetimes given to GraphServer must be timezone-aware")
    return (t - EPOCH) // timedelta(microseconds=1)


def _fbtrace_id() -> str:
    """A random trace id shaped like Meta's (``AbCdEf123...``)."""
    return secrets.token_urlsafe(16)[:22]


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass
class Recorded:
    """One request as the server saw it (``access_token`` values are kept)."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    faulted: bool = False  #: answered by an injected fault, not by the Graph logic


# --------------------------------------------------------------------------------------------
# Stored objects
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Item:
    """Anything kept in a time-sorted list: ``key`` is (created microseconds, sequence)."""

    id: str
    created: datetime
    key: Key


def _item_key(item: _Item) -> Key:
    return item.key


@dataclass(eq=False)
class _Page:
    id: str
    token: str
    name: str
    posts: list[_Post] = field(default_factory=list)
    blocked: dict[str, None] = field(default_factory=dict)  #: user ids, in the order blocked


@dataclass(eq=False)
class _Post(_Item):
    page: _Page
    message: str
    updated: datetime
    comments: list[_FbComment] = field(default_factory=list)  # top level only
    stream: list[_FbComment] = field(default_factory=list)  # every level
    author: tuple[str, str] | None = None  #: a visitor's (id, name); ``None``: the Page's own
    is_hidden: bool = False


@dataclass(eq=False)
class _FbComment(_Item):
    post: _Post
    message: str
    author: tuple[str, str] | None
    parent: _FbComment | None
    can_hide: bool
    is_hidden: bool
    attachment: dict[str, Any] | None
    replies: list[_FbComment] = field(default_factory=list)


@dataclass(eq=False)
class _IgAccount:
    id: str
    token: str
    username: str
    media: list[_Media] = field(default_factory=list)


@dataclass(eq=False)
class _Media(_Item):
    account: _IgAccount
    caption: str
    comments: list[_IgComment] = field(default_factory=list)  # top level only
    total_comments: int = 0


@dataclass(eq=False)
class _IgComment(_Item):
    media: _Media
    text: str
    username: str
    author_id: str
    parent: _IgComment | None
    hidden: bool
    replies: list[_IgComment] = field(default_factory=list)


_Node = _Page | _Post | _FbComment | _IgAccount | _Media | _IgComment


def _owner_of(node: _Node) -> _Page | _IgAccount:
    """The Page or IG account whose token may read ``node``."""
    if isinstance(node, _Page | _IgAccount):
        return node
    if isinstance(node, _Post):
        return node.page
    if isinstance(node, _FbComment):
        return node.post.page
    if isinstance(node, _Media):
        return node.account
    return node.media.account


def _insert(seq: list[T], item: T) -> None:
    insort(seq, item, key=_item_key)


def _remove(seq: list[T], item: T) -> None:
    """Remove ``item`` (by identity) from a key-sorted list."""
    index = bisect_left(seq, item.key, key=_item_key)
    while index < len(seq) and seq[index].key == item.key:
        if seq[index] is item:
            del seq[index]
            return
        index += 1


# --------------------------------------------------------------------------------------------
# Errors, responses, faults
# --------------------------------------------------------------------------------------------


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str | None = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


class _GraphError(Exception):
    """Raised inside request handling; becomes a Graph error body."""

    def __init__(
        self,
        message: str,
        code: int,
        *,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        transient: bool = False,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        error: dict[str, Any] = {"message": message, "type": error_type}
        if transient:
            error["is_transient"] = True
        error["code"] = code
        if subcode is not None:
            error["error_subcode"] = subcode
        error["fbtrace_id"] = _fbtrace_id()
        self.status = status
        self.payload = {"error": error}


def _not_found(object_id: str, method: str = "GET") -> _GraphError:
    message = (
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
        "cannot be loaded due to missing permissions, or does not support this operation."
    )
    return _GraphError(message, 100, error_type="GraphMethodException", subcode=33)


def _token_error(subcode: int) -> _GraphError:
    message = TOKEN_MESSAGES.get(subcode, "Error validating access token.")
    return _GraphError(message, 190, subcode=subcode)


def _invalid_token() -> _GraphError:
    return _GraphError("Invalid OAuth access token.", 190, subcode=467)


def _bad_param(message: str) -> _GraphError:
    return _GraphError(f"(#100) {message}", 100)


def _rate_limit_error(code: int) -> _GraphError:
    if code not in RATE_LIMIT_MESSAGES:
        raise ValueError(f"unsupported rate-limit code {code}")
    subcode = 2446079 if code == 17 else None
    return _GraphError(RATE_LIMIT_MESSAGES[code], code, subcode=subcode, transient=code in (4, 17))


@dataclass
class _Fault:
    kind: str
    path_contains: str | None
    method: str | None
    remaining: int
    code: int | None
    eta_minutes: int
    seconds: float

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path_contains is None or self.path_contains in path


# --------------------------------------------------------------------------------------------
# `fields` parsing and projection
# --------------------------------------------------------------------------------------------


class _Field(NamedTuple):
    """One requested field: nested selection (parsed and raw) and a ``.limit(n)`` modifier."""

    sub: dict[str, _Field] | None
    raw_sub: str | None
    limit: int | None


_Spec = dict[str, _Field]


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside braces or parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
            if depth < 0:
                raise _bad_param("Syntax error: unbalanced '}' in fields")
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    if depth != 0:
        raise _bad_param("Syntax error: unbalanced '{' in fields")
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _parse_fields(text: str) -> _Spec:
    """Parse a Graph ``fields`` value such as ``id,from,parent{id},replies.limit(5){id,text}``."""
    spec: _Spec = {}
    for part in _split_top_level(text):
        head, brace, rest = part.partition("{")
        raw_sub: str | None = None
        if brace:
            if not rest.endswith("}"):
                raise _bad_param(f"Syntax error in fields near '{part}'")
            raw_sub = rest[:-1]
        match = FIELD_NAME.match(head.strip())
        if match is None:
            raise _bad_param(f"Syntax error in fields near '{part}'")
        limit_match = LIMIT_MODIFIER.search(match.group(2))
        sub = _parse_fields(raw_sub) if raw_sub is not None else None
        limit = int(limit_match.group(1)) if limit_match else None
        spec[match.group(1)] = _Field(sub, raw_sub, limit)
    return spec


def _project(full: dict[str, Any], spec: _Spec | None, default: tuple[str, ...]) -> dict[str, Any]:
    """Keep the requested keys of ``full`` (plus ``id``); ``spec=None`` keeps ``default``."""
    if spec is None:
        return {key: full[key] for key in default if key in full}
    out: dict[str, Any] = {"id": full["id"]} if "id" in full else {}
    for name, wanted in spec.items():
        if name not in full:
            continue
        value = full[name]
        if wanted.sub is not None and isinstance(value, dict):
            value = _project(value, wanted.sub, ())
        out[name] = value
    return out


# --------------------------------------------------------------------------------------------
# Cursors and windows
# --------------------------------------------------------------------------------------------


def _encode_cursor(key: Key) -> str:
    raw = f"gs1:{key[0]}:{key[1]}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> Key:
    """Decode a cursor made by ``_encode_cursor``; anything else is ``(#100) Invalid cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, micros, seq = raw.split(":")
        if prefix != "gs1":
            raise ValueError(prefix)
        return int(micros), int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _GraphError("(#100) Invalid cursor", 100) from None


@dataclass
class _Window:
    """What a list request asks for: bounds, cursor, size and direction."""

    limit: int
    descending: bool = False
    since: int | None = None  # microseconds, inclusive
    until: int | None = None  # microseconds, inclusive
    after: Key | None = None


def _select(seq: list[T], window: _Window) -> tuple[list[T], bool]:
    """The items of one page (in response order) and whether more follow."""
    lo = 0 if window.since is None else bisect_left(seq, (window.since, -1), key=_item_key)
    hi = len(seq)
    if window.until is not None:
        hi = bisect_right(seq, (window.until, 2**62), key=_item_key)
    if not window.descending:
        if window.after is not None:
            lo = max(lo, bisect_right(seq, window.after, key=_item_key))
        end = max(lo, min(lo + window.limit, hi))
        return seq[lo:end], end < hi
    if window.after is not None:
        hi = min(hi, bisect_left(seq, window.after, key=_item_key))
    start = min(hi, max(lo, hi - window.limit))
    return seq[start:hi][::-1], start > lo


def _parse_time(value: str, name: str) -> int:
    """``since``/``until``: unix seconds or an ISO 8601 datetime (naive means UTC)."""
    text = value.strip()
    try:
        if re.fullmatch(r"-?\d+", text):
            return int(text) * 1_000_000
        if re.fullmatch(r"-?\d+\.\d+", text):
            return round(float(text) * 1_000_000)
        text = text.replace("Z", "+00:00")
        text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _bad_param(f"The parameter {name} is not a valid time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return _micros(parsed)


def _parse_limit(params: dict[str, str], default: int) -> int:
    value = params.get("limit")
    if value is None or value == "":
        return default
    try:
        return min(MAX_LIMIT, max(1, int(value)))
    except ValueError:
        raise _bad_param("The parameter limit must be an integer") from None


def _parse_bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise _bad_param(f"Param {name} must be a boolean")


def _choice(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name) or allowed[0]
    if value not in allowed:
        raise _bad_param(f"{name} must be one of the following values: {', '.join(allowed)}")
    return value


@dataclass
class _Request:
    """The parts of a request that handlers need."""

    method: str
    path: str
    pairs: list[tuple[str, str]]  # the query string, in order
    params: dict[str, str]  # query + form
    token: str
    base_url: str

    def window(
        self,
        default_limit: int,
        *,
        descending: bool = False,
        since: bool = True,
        until: bool = True,
    ) -> _Window:
        """The paging window this request asks for (``since``/``until``: honour those params)."""
        if "before" in self.params:
            raise _bad_param("before cursors are not supported by the test server")
        since_value = self.params.get("since") if since else None
        until_value = self.params.get("until") if until else None
        after = self.params.get("after")
        return _Window(
            limit=_parse_limit(self.params, default_limit),
            descending=descending,
            since=_parse_time(since_value, "since") if since_value else None,
            until=_parse_time(until_value, "until") if until_value else None,
            after=_decode_cursor(after) if after else None,
        )

    def fields(self) -> _Spec | None:
        raw = self.params.get("fields")
        return _parse_fields(raw) if raw else None

    def next_url(self, cursor: str) -> str:
        """This request's URL with ``after`` replaced (every other parameter kept)."""
        pairs = [(k, v) for k, v in self.pairs if k != "after"] + [("after", cursor)]
        return f"{self.base_url}{self.path}?{urlencode(pairs)}"


def _paging(items: list[_Item], more: bool, next_url: Callable[[str], str]) -> dict[str, Any]:
    """A Graph ``paging`` object (empty when there are no items)."""
    if not items:
        return {}
    after = _encode_cursor(items[-1].key)
    paging: dict[str, Any] = {"cursors": {"before": _encode_cursor(items[0].key), "after": after}}
    if more:
        paging["next"] = next_url(after)
    return paging


def _page_body(
    data: list[dict[str, Any]], items: list[Any], more: bool, next_url: Callable[[str], str]
) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data}
    paging = _paging(items, more, next_url)
    if paging:
        body["paging"] = paging
    return body


# --------------------------------------------------------------------------------------------
# JSON views of stored objects
# --------------------------------------------------------------------------------------------


def _object_part(post_or_comment_id: str) -> str:
    return post_or_comment_id.rsplit("_", 1)[-1]


def _post_json(post: _Post) -> dict[str, Any]:
    page = post.page
    author_id, author_name = post.author or (page.id, page.name)
    return {
        "id": post.id,
        "message": post.message,
        "created_time": graph_time(post.created),
        "updated_time": graph_time(post.updated),
        "permalink_url": f"https://www.facebook.com/{page.id}/posts/{_object_part(post.id)}",
        "from": {"name": author_name, "id": author_id},
        "is_hidden": post.is_hidden,
    }


def _fb_permalink(comment: _FbComment) -> str:
    post = comment.post
    base = f"https://www.facebook.com/{post.page.id}/posts/{_object_part(post.id)}"
    if comment.parent is None:
        return f"{base}?comment_id={_object_part(comment.id)}"
    parent = _object_part(comment.parent.id)
    return f"{base}?comment_id={parent}&reply_comment_id={_object_part(comment.id)}"


def _fb_comment_json(comment: _FbComment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": comment.id,
        "message": comment.message,
        "created_time": graph_time(comment.created),
    }
    if comment.author is not None:
        out["from"] = {"name": comment.author[1], "id": comment.author[0]}
    out["permalink_url"] = _fb_permalink(comment)
    out["is_hidden"] = comment.is_hidden
    out["can_hide"] = comment.can_hide
    if comment.parent is not None:
        out["parent"] = {"id": comment.parent.id}
    if comment.attachment is not None:
        out["attachment"] = copy.deepcopy(comment.attachment)
    out["comment_count"] = len(comment.replies)
    out["like_count"] = 0
    return out


def _media_json(media: _Media) -> dict[str, Any]:
    return {
        "id": media.id,
        "caption": media.caption,
        "timestamp": graph_time(media.created),
        "permalink": f"https://www.instagram.com/p/{media.id}/",
        "comments_count": media.total_comments,
        "media_type": "IMAGE",
        "media_product_type": "FEED",
        "username": media.account.username,
    }


def _ig_comment_json(comment: _IgComment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": comment.id,
        "text": comment.text,
        "timestamp": graph_time(comment.created),
        "username": comment.username,
        "from": {"id": comment.author_id, "username": comment.username},
        "hidden": comment.hidden,
        "like_count": 0,
    }
    if comment.parent is not None:
        out["parent_id"] = comment.parent.id
    out["media"] = {"id": comment.media.id, "media_product_type": "FEED"}
    return out


def _node_json(node: _Node) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Full JSON of any node and its default field set."""
    if isinstance(node, _Page):
        return {"id": node.id, "name": node.name}, ("id", "name")
    if isinstance(node, _IgAccount):
        return {"id": node.id, "username": node.username}, ("id",)
    if isinstance(node, _Post):
        return _post_json(node), POST_DEFAULT
    if isinstance(node, _FbComment):
        return _fb_comment_json(node), FB_COMMENT_DEFAULT
    if isinstance(node, _Media):
        return _media_json(node), ("id",)
    return _ig_comment_json(node), IG_COMMENT_DEFAULT


# --------------------------------------------------------------------------------------------
# The HTTP layer
# --------------------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server that remembers its open connections so ``stop`` can close them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, graph: GraphServer) -> None:
        self.graph = graph
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open keep-alive connection so its handler thread ends."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up are normal here; anything else is printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Parses HTTP, hands the request to the GraphServer and writes its answer."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging."""

    def _read_form(self) -> list[tuple[str, str]]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        content_type = self.headers.get("Content-Type") or ""
        if not body or "multipart/" in content_type:
            return []
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)

    def _serve(self, method: str) -> None:
        form = self._read_form()
        parts = urlsplit(self.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        response = self.server.graph._serve(method, parts.path, query, form)
        if response.drop:
            self.close_connection = True
            return
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)


def _compact(payload: Any) -> str:
    """JSON without spaces, as Meta sends it."""
    return json.dumps(payload, separators=(",", ":"))


def _dumps(payload: Any) -> bytes:
    return _compact(payload).encode()


def _usage_type(owner: _Page | _IgAccount) -> str:
    """The BUC ``type`` of a Page or IG account."""
    return "instagram" if isinstance(owner, _IgAccount) else "pages"


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class GraphServer:
    """A real HTTP server on 127.0.0.1 that answers like Meta's Graph API (see module doc)."""

    def __init__(self, api_version: str = "v21.0", page_size: int = 25) -> None:
        self.api_version = api_version
        self.page_size = page_size
        self.delay_seconds = 0.0  #: added to every answer (a slow platform, for tests)
        self.usage: dict[str, Any] = {"call_count": 28, "total_time": 25, "total_cputime": 25}
        self.buc_usage: dict[str, Any] = {
            "type": "pages",
            "call_count": 97,
            "total_cputime": 23,
            "total_time": 23,
            "estimated_time_to_regain_access": 0,
        }
        self.requests: list[Recorded] = []
        self._lock = threading.RLock()
        self._objects: dict[str, _Node] = {}
        self._tokens: set[str] = set()
        self._expired: dict[str, int] = {}
        self._faults: list[_Fault] = []
        self._seq = itertools.count(1)
        self._fb_ids = itertools.count(100000000000001)
        self._ig_ids = itertools.count(17850000000000001)
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> GraphServer:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._http is not None:
            raise RuntimeError("GraphServer already started")
        self._http = _HTTPServer(self)
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.02},  # how long stop() waits for the loop
            name="graph-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and release the port."""
        http, thread = self._http, self._thread
        if http is None:
            return
        http.shutdown()
        http.close_connections()
        http.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._http = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._http is None:
            raise RuntimeError("GraphServer is not started")
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    # ---- state: Facebook -------------------------------------------------------------------

    def add_page(self, page_id: str, token: str, name: str = "Test School") -> None:
        """Register a Facebook Page and the Page token that may read it."""
        with self._lock:
            self._claim(page_id)
            self._objects[page_id] = _Page(page_id, token, name)
            self._tokens.add(token)

    def add_post(
        self,
        page_id: str,
        message: str,
        created_time: datetime,
        post_id: str | None = None,
        *,
        author: tuple[str, str] | None = None,
    ) -> str:
        """Add a Page post (with ``author``, a visitor's post); returns its ``{page_id}_{n}`` id."""
        with self._lock:
            page = self._get(page_id, _Page)
            if post_id is None:
                post_id = f"{page_id}_{next(self._fb_ids)}"
            elif "_" not in post_id:
                post_id = f"{page_id}_{post_id}"
            self._claim(post_id)
            key = self._key(created_time)
            post = _Post(
                post_id, created_time, key, page, message, updated=created_time, author=author
            )
            self._objects[post_id] = post
            _insert(page.posts, post)
            return post_id

    def add_fb_comment(
        self,
        post_id: str,
        message: str,
        created_time: datetime,
        *,
        author: tuple[str, str] | None = DEFAULT_AUTHOR,
        parent_id: str | None = None,
        can_hide: bool = True,
        is_hidden: bool = False,
        attachment: dict[str, Any] | None = None,
        comment_id: str | None = None,
    ) -> str:
        """Add a comment (or, with ``parent_id``, a reply); returns ``{post-object-id}_{n}``."""
        with self._lock:
            post = self._get(post_id, _Post)
            parent = self._get(parent_id, _FbComment) if parent_id is not None else None
            if parent is not None and parent.post is not post:
                raise ValueError(f"comment {parent_id} is not on post {post_id}")
            comment_id = self._fb_comment_id(post, comment_id)
            page_authored = author is not None and author[0] == post.page.id
            comment = _FbComment(
                id=comment_id,
                created=created_time,
                key=self._key(created_time),
                post=post,
                message=message,
                author=author,
                parent=parent,
                can_hide=can_hide and not page_authored,
                is_hidden=is_hidden,
                attachment=copy.deepcopy(attachment),
            )
            self._objects[comment_id] = comment
            _insert(post.stream, comment)
            _insert(parent.replies if parent is not None else post.comments, comment)
            post.updated = max(post.updated, created_time)
            return comment_id

    # ---- state: Instagram ------------------------------------------------------------------

    def add_ig_account(self, account_id: str, token: str, username: str = "test_school") -> None:
        """Register an Instagram professional account and the token that may read it."""
        with self._lock:
            self._claim(account_id)
            self._objects[account_id] = _IgAccount(account_id, token, username)
            self._tokens.add(token)

    def add_media(
        self, account_id: str, caption: str, timestamp: datetime, media_id: str | None = None
    ) -> str:
        """Add an IG media object; returns its id."""
        with self._lock:
            account = self._get(account_id, _IgAccount)
            media_id = media_id if media_id is not None else str(next(self._ig_ids))
            self._claim(media_id)
            media = _Media(media_id, timestamp, self._key(timestamp), account, caption)
            self._objects[media_id] = media
            _insert(account.media, media)
            return media_id

    def add_ig_comment(
        self,
        media_id: str,
        text: str,
        timestamp: datetime,
        *,
        username: str = "proud_parent_22",
        author_id: str = "1234567890120000",
        parent_id: str | None = None,
        hidden: bool = False,
        comment_id: str | None = None,
    ) -> str:
        """Add an IG comment; with ``parent_id`` a reply (a reply to a reply joins the top level)."""
        with self._lock:
            media = self._get(media_id, _Media)
            parent = self._get(parent_id, _IgComment) if parent_id is not None else None
            if parent is not None and parent.media is not media:
                raise ValueError(f"comment {parent_id} is not on media {media_id}")
            if parent is not None and parent.parent is not None:
                parent = parent.parent  # IG: "replies to a reply will be added to the top-level"
            comment_id = comment_id if comment_id is not None else str(next(self._ig_ids))
            self._claim(comment_id)
            comment = _IgComment(
                id=comment_id,
                created=timestamp,
                key=self._key(timestamp),
                media=media,
                text=text,
                username=username,
                author_id=author_id,
                parent=parent,
                hidden=hidden,
            )
            self._objects[comment_id] = comment
            _insert(parent.replies if parent is not None else media.comments, comment)
            media.total_comments += 1
            return comment_id

    # ---- tokens and faults -----------------------------------------------------------------

    def expire_token(self, token: str, subcode: int = 463) -> None:
        """Later calls with ``token`` get error 190 with ``subcode`` (463, 467, 460, 492, ...)."""
        with self._lock:
            self._expired[token] = subcode

    def fail_next(
        self,
        kind: str,
        *,
        path_contains: str | None = None,
        method: str | None = None,
        times: int = 1,
        code: int | None = None,
        eta_minutes: int = 0,
        seconds: float = 0.0,
    ) -> None:
        """Queue a fault for the next ``times`` matching requests (see module doc for kinds)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if kind == "rate_limit" and code is not None and code not in RATE_LIMIT_MESSAGES:
            raise ValueError(f"unsupported rate-limit code {code}")
        if kind == "permission" and code is not None and code not in PERMISSION_MESSAGES:
            raise ValueError(f"unsupported permission code {code}")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = _Fault(kind, path_contains, method, times, code, eta_minutes, seconds)
        with self._lock:
            self._faults.append(fault)

    # ---- observation -----------------------------------------------------------------------

    def hide_requests(self, comment_id: str | None = None) -> list[Recorded]:
        """Recorded POSTs that set ``is_hidden`` (FB) or ``hide`` (IG), optionally for one id."""
        with self._lock:
            recorded = list(self.requests)
        return [
            r
            for r in recorded
            if r.method == "POST"
            and any(k in r.form or k in r.query for k in ("is_hidden", "hide"))
            and (comment_id is None or r.path.rstrip("/").rsplit("/", 1)[-1] == comment_id)
        ]

    def blocked(self, page_id: str) -> list[str]:
        """The user ids the Page has blocked, in the order blocked."""
        with self._lock:
            return list(self._get(page_id, _Page).blocked)

    def requests_to(self, method: str, path_end: str) -> list[Recorded]:
        """Recorded requests with ``method`` whose path ends with ``path_end``."""
        with self._lock:
            recorded = list(self.requests)
        return [r for r in recorded if r.method == method and r.path.endswith(path_end)]

    def comment_state(self, comment_id: str) -> dict[str, Any]:
        """The full stored JSON of a FB or IG comment (``KeyError`` if unknown or deleted)."""
        with self._lock:
            node = self._objects.get(comment_id)
            if isinstance(node, _FbComment):
                return _fb_comment_json(node)
            if isinstance(node, _IgComment):
                return _ig_comment_json(node)
        raise KeyError(comment_id)

    def edit_comment(self, comment_id: str, message: str) -> None:
        """Change a comment's text as if its author edited it."""
        with self._lock:
            node = self._objects.get(comment_id)
            if isinstance(node, _FbComment):
                node.message = message
            elif isinstance(node, _IgComment):
                node.text = message
            else:
                raise KeyError(comment_id)

    def delete_comment(self, comment_id: str) -> None:
        """Remove a comment (and its replies) as if its author deleted it."""
        with self._lock:
            node = self._objects.get(comment_id)
            if not isinstance(node, _FbComment | _IgComment):
                raise KeyError(comment_id)
            self._delete(node)

    # ---- internals: state helpers ----------------------------------------------------------

    def _key(self, created: datetime) -> Key:
        return _micros(created), next(self._seq)

    def _claim(self, object_id: str) -> None:
        if object_id in self._objects:
            raise ValueError(f"id {object_id} is already used")

    def _get(self, object_id: str, kind: type[Any]) -> Any:
        node = self._objects.get(object_id)
        if not isinstance(node, kind):
            raise KeyError(f"no {kind.__name__.lstrip('_')} with id {object_id}")
        return node

    def _fb_comment_id(self, post: _Post, comment_id: str | None) -> str:
        prefix = _object_part(post.id)
        if comment_id is None:
            comment_id = f"{prefix}_{next(self._fb_ids)}"
        elif "_" not in comment_id:
            comment_id = f"{prefix}_{comment_id}"
        self._claim(comment_id)
        return comment_id

    def _delete(self, node: _FbComment | _IgComment) -> None:
        replies: list[_FbComment | _IgComment] = list(node.replies)
        for reply in replies:
            self._delete(reply)
        del self._objects[node.id]
        if isinstance(node, _FbComment):
            _remove(node.post.stream, node)
            _remove(node.parent.replies if node.parent else node.post.comments, node)
        else:
            _remove(node.parent.replies if node.parent else node.media.comments, node)
            node.media.total_comments -= 1

    # ---- internals: request pipeline -------------------------------------------------------

    def _serve(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
    ) -> _Response:
        """Record, apply a queued fault if one matches, else answer normally."""
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self._lock:
            fault = self._take_fault(method, path)
            faulted = fault is not None and fault.kind not in ("slow", "no_content_type")
            self.requests.append(Recorded(method, path, dict(query), dict(form), faulted))
        try:
            if fault is None or fault.kind in ("slow", "no_content_type"):
                if fault is not None and fault.kind == "slow":
                    time.sleep(fault.seconds)
                response = self._answer(method, path, query, form)
                if fault is not None and fault.kind == "no_content_type":
                    response.content_type = None
                return response
            return self._fault_response(fault, path)
        except Exception as exc:  # noqa: BLE001 - a bug in this server: say so, do not hang up
            traceback.print_exc()
            error = _GraphError(f"GraphServer bug: {exc!r}", 1, transient=True, status=500)
            return _Response(500, _dumps(error.payload))

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _answer(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
    ) -> _Response:
        try:
            segments = self._segments(path)
            params = dict(query) | (dict(form) if method == "POST" else {})
            token = self._authenticate(params)
            request = _Request(method, path, query, params, token, self.url)
            with self._lock:
                node = self._objects.get(segments[0])
                if node is None:
                    raise _not_found(segments[0], method)
                owner = _owner_of(node)
                if owner.token != token:
                    raise _invalid_token()
                payload = self._dispatch(request, node, segments[1:])
                headers = self._usage_headers(owner.id, _usage_type(owner))
            return _Response(200, _dumps(payload), headers=headers)
        except _GraphError as error:
            return _Response(error.status, _dumps(error.payload))

    def _segments(self, path: str) -> list[str]:
        """``/v21.0/{id}[/{edge}]`` -> ``[id, edge...]``; anything else is an unknown path."""
        parts = [part for part in path.split("/") if part]
        if len(parts) < 2 or len(parts) > 3 or parts[0] != self.api_version:
            raise _GraphError(f"Unknown path components: {path}", 2500)
        return parts[1:]

    def _authenticate(self, params: dict[str, str]) -> str:
        token = params.get("access_token")
        if not token:
            raise _GraphError(
                "An active access token must be used to query information about the current user.",
                2500,
            )
        with self._lock:
            if token in self._expired:
                raise _token_error(self._expired[token])
            if token not in self._tokens:
                raise _invalid_token()
        return token

    def _usage_headers(
        self, owner_id: str, owner_type: str, **buc_overrides: Any
    ) -> dict[str, str]:
        """``X-App-Usage`` and ``X-Business-Use-Case-Usage`` from ``usage``/``buc_usage``."""
        app = dict(self.usage)
        if "call_count" in buc_overrides:
            app["call_count"] = buc_overrides["call_count"]
        buc = dict(self.buc_usage, type=owner_type) | buc_overrides
        return {
            "X-App-Usage": _compact(app),
            "X-Business-Use-Case-Usage": _compact({owner_id: [buc]}),
        }

    # ---- internals: routing ----------------------------------------------------------------

    def _dispatch(self, request: _Request, node: _Node, edge: list[str]) -> dict[str, Any]:
        if edge:
            if request.method != "GET":
                return _write_edge(self, request, node, edge[0])
            return self._list(request, node, edge[0])
        if request.method == "GET":
            full, default = _node_json(node)
            body = _project(full, request.fields(), default)
            if isinstance(node, _IgComment):
                self._add_nested_replies(request, node, body, request.fields())
            return body
        if request.method == "POST":
            return self._set_hidden(request, node)
        if isinstance(node, _FbComment | _IgComment):
            self._delete(node)
            return {"success": True}
        raise _not_found(node.id, request.method)

    def _list(self, request: _Request, node: _Node, edge: str) -> dict[str, Any]:
        if isinstance(node, _Page) and edge in ("feed", "posts", "published_posts"):
            return self._list_posts(request, node, visitors=edge == "feed")
        if isinstance(node, _Page) and edge == "blocked":
            wanted = request.params.get("user") or request.params.get("uid")
            ids = [i for i in node.blocked if wanted is None or i in _id_list(wanted)]
            return {"data": [{"id": i} for i in ids]}
        if isinstance(node, _Post | _FbComment) and edge == "comments":
            return self._list_fb_comments(request, node)
        if isinstance(node, _IgAccount) and edge == "media":
            return self._list_media(request, node)
        if isinstance(node, _Media) and edge == "comments":
            return self._list_ig_comments(request, node.comments)
        if isinstance(node, _IgComment) and edge == "replies":
            return self._list_ig_comments(request, node.replies)
        node_type = type(node).__name__.lstrip("_")
        raise _bad_param(f"Tried accessing nonexisting field ({edge}) on node type ({node_type})")

    # ---- internals: edges ------------------------------------------------------------------

    def _list_posts(self, request: _Request, page: _Page, visitors: bool) -> dict[str, Any]:
        window = request.window(self.page_size, descending=True)
        posts = page.posts if visitors else [p for p in page.posts if p.author is None]
        items, more = _select(posts, window)
        spec = request.fields()
        data = [_project(_post_json(post), spec, POST_DEFAULT) for post in items]
        return _page_body(data, items, more, request.next_url)

    def _list_fb_comments(self, request: _Request, node: _Post | _FbComment) -> dict[str, Any]:
        filter_ = _choice(request.params, "filter", ("toplevel", "stream"))
        order = _choice(request.params, "order", ("chronological", "reverse_chronological"))
        if isinstance(node, _FbComment):
            source = node.replies
        else:
            source = node.stream if filter_ == "stream" else node.comments
        window = request.window(
            self.page_size, descending=order == "reverse_chronological", until=False
        )
        items, more = _select(source, window)
        spec = request.fields()
        data = [_project(_fb_comment_json(c), spec, FB_COMMENT_DEFAULT) for c in items]
        body = _page_body(data, items, more, request.next_url)
        summary = request.params.get("summary", "").lower()
        if summary in ("true", "1", "total_count"):
            body["summary"] = {"order": order, "total_count": len(source), "can_comment": True}
        return body

    def _list_media(self, request: _Request, account: _IgAccount) -> dict[str, Any]:
        window = request.window(self.page_size, descending=True)
        items, more = _select(account.media, window)
        spec = request.fields()
        data = [_project(_media_json(media), spec, ("id",)) for media in items]
        return _page_body(data, items, more, request.next_url)

    def _list_ig_comments(self, request: _Request, source: list[_IgComment]) -> dict[str, Any]:
        """IG comments and replies, oldest first (the order is this server's choice)."""
        window = request.window(self.page_size, since=False, until=False)  # no time bounds on IG
        items, more = _select(source, window)
        spec = request.fields()
        data = []
        for comment in items:
            body = _project(_ig_comment_json(comment), spec, IG_COMMENT_DEFAULT)
            self._add_nested_replies(request, comment, body, spec)
            data.append(body)
        return _page_body(data, items, more, request.next_url)

    def _add_nested_replies(
        self, request: _Request, comment: _IgComment, body: dict[str, Any], spec: _Spec | None
    ) -> None:
        """Embed ``replies{...}`` (first page, with a ``next`` to ``/{id}/replies``)."""
        wanted = spec.get("replies") if spec is not None else None
        if wanted is None or not comment.replies:
            return
        limit = min(MAX_LIMIT, wanted.limit or self.page_size)
        items, more = _select(comment.replies, _Window(limit=limit))
        data = [_project(_ig_comment_json(r), wanted.sub, IG_COMMENT_DEFAULT) for r in items]
        pairs = [("access_token", request.token)]
        if wanted.raw_sub:
            pairs.append(("fields", wanted.raw_sub))
        pairs.append(("limit", str(limit)))
        replies_path = f"/{self.api_version}/{comment.id}/replies"
        nested = _Request("GET", replies_path, pairs, dict(pairs), request.token, request.base_url)
        body["replies"] = _page_body(data, items, more, nested.next_url)

    def _set_hidden(self, request: _Request, node: _Node) -> dict[str, Any]:
        if isinstance(node, _Post) and node.author is not None:  # a visitor's post
            node.is_hidden = _parse_bool(request.params.get("is_hidden", ""), "is_hidden")
            return {"success": True}
        if isinstance(node, _FbComment):
            if "is_hidden" not in request.params:
                raise _bad_param("The parameter is_hidden is required")
            hidden = _parse_bool(request.params["is_hidden"], "is_hidden")
            if not node.can_hide:
                raise _GraphError("(#200) Permissions error", 200)
            node.is_hidden = hidden
            return {"success": True}
        if isinstance(node, _IgComment):
            if "hide" not in request.params:
                raise _bad_param("The parameter hide is required")
            hidden = _parse_bool(request.params["hide"], "hide")
            if node.username != node.media.account.username:  # owner comments always show
                node.hidden = hidden
            return {"success": True}
        raise _not_found(node.id, "POST")

    # ---- internals: faults -----------------------------------------------------------------

    def _fault_response(self, fault: _Fault, path: str) -> _Response:
        kind = fault.kind
        if kind == "drop":
            return _Response(0, drop=True)
        if kind == "malformed_json":
            return _Response(200, MALFORMED_BODY)
        if kind == "html_502":
            return _Response(502, HTML_502_BODY, content_type="text/html; charset=utf-8")
        if kind == "server_error":
            error = _GraphError("An unknown error has occurred.", 1, transient=True, status=500)
            del error.payload["error"]["fbtrace_id"]
            return _Response(500, _dumps(error.payload))
        if kind == "rate_limit":
            return self._rate_limit_response(fault, path)
        return _Response(400, _dumps(self._fault_error(fault, path).payload))

    def _fault_error(self, fault: _Fault, path: str) -> _GraphError:
        if fault.kind == "expired_token":
            return _token_error(463)
        if fault.kind == "permission":
            code = fault.code if fault.code is not None else 200
            return _GraphError(PERMISSION_MESSAGES[code], code)
        object_id = self._path_id(path)
        return _not_found(object_id or path)

    def _rate_limit_response(self, fault: _Fault, path: str) -> _Response:
        code = fault.code if fault.code is not None else 4
        error = _rate_limit_error(code)
        eta = fault.eta_minutes if code in (80001, 80002) else 0
        object_id = self._path_id(path) or "0"
        with self._lock:
            node = self._objects.get(object_id)
        owner_id, owner_type = object_id, "instagram" if code == 80002 else "pages"
        if node is not None:
            owner = _owner_of(node)
            owner_id, owner_type = owner.id, _usage_type(owner)
        headers = self._usage_headers(
            owner_id, owner_type, call_count=100, estimated_time_to_regain_access=eta
        )
        return _Response(400, _dumps(error.payload), headers=headers)

    def _path_id(self, path: str) -> str | None:
        parts = [part for part in path.split("/") if part]
        return parts[1] if len(parts) >= 2 else None


# --------------------------------------------------------------------------------------------
# Writes to an edge: blocking (section 1.6) and public replies (sections 1.2, 2.2)
# --------------------------------------------------------------------------------------------


def _id_list(value: str) -> list[str]:
    """A Graph ``list<string>`` parameter: a JSON array, or ids separated by commas."""
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            raise _bad_param("Invalid parameter") from None
        return [str(item) for item in items] if isinstance(items, list) else []
    return [part.strip() for part in value.split(",") if part.strip()]


def _write_edge(graph: GraphServer, request: _Request, node: _Node, edge: str) -> dict[str, Any]:
    """``POST``/``DELETE /{page-id}/blocked``, ``POST /{fb-id}/comments``, ``POST /{ig}/replies``."""
    if isinstance(node, _Page) and edge == "blocked":
        ids = _id_list(request.params.get("user") or request.params.get("uid") or "")
        if not ids:
            raise _bad_param("The parameter user is required")
        if request.method == "POST":
            node.blocked.update(dict.fromkeys(ids))
            return dict.fromkeys(ids, True)  # {"<id>": true} (section 1.6)
        for user in ids:
            node.blocked.pop(user, None)
        return {"success": True}
    if request.method != "POST" or "message" not in request.params:
        raise _not_found(f"{node.id}/{edge}", request.method)
    now = datetime.now(UTC)
    if isinstance(node, _Post | _FbComment) and edge == "comments":
        post = node if isinstance(node, _Post) else node.post
        parent = node if isinstance(node, _FbComment) else None
        if parent is not None and parent.parent is not None:
            parent = parent.parent  # a reply to a reply joins its thread
        page = post.page
        new_id = graph.add_fb_comment(
            post.id,
            request.params["message"],
            now,
            author=(page.id, page.name),
            parent_id=parent.id if parent else None,
        )
        return {"id": new_id}
    if isinstance(node, _IgComment) and edge == "replies":
        account = node.media.account
        new_id = graph.add_ig_comment(
            node.media.id,
            request.params["message"],
            now,
            username=account.username,
            author_id=account.id,
            parent_id=node.id,
        )
        return {"id": new_id}
    raise _not_found(f"{node.id}/{edge}", request.method)
