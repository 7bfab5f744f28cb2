"""A small Graph API client: one call, the retries around it, and paging to the end.

Two transports send the calls: :class:`SdkGraphClient` on ``facebook-sdk`` 3.1.0 (the Facebook
connector, as the project's users asked) and :class:`HttpxGraphClient` on ``httpx`` (Instagram).
Both point at the configured ``graph_url`` and ``api_version``, give every call a timeout, read
the usage headers of every response, and turn every failure into a
:class:`~connectors.graph_errors.GraphError`.

Paging follows ``paging.next`` until it no longer appears, as Meta's paging guide says
(https://developers.facebook.com/docs/graph-api/results): its path and query are reused
against the configured base URL with our token, so a ``next`` that names another host never
leaves it, and one that drops ``access_token`` still works. A page may be empty and still
carry ``next``; a guard stops a server that loops on the same ``next``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import facebook
import httpx
import requests

from connectors import graph_errors
from connectors.graph_errors import GraphError, Kind
from connectors.graph_retry import Caller, RetryPolicy
from connectors.graph_usage import Tracker

logger = logging.getLogger(__name__)
MAX_PAGES = 100_000  #: a guard against a server whose ``next`` never ends


class GraphClient:
    """Calls for one source. Subclasses implement :meth:`_send` (one HTTP call)."""

    def __init__(
        self,
        source: str,
        base_url: str,
        api_version: str,
        token: str,
        policy: RetryPolicy | None = None,
        caller: Caller | None = None,
    ) -> None:
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version.strip("/")
        self.token = token
        self.policy = policy or RetryPolicy()
        self.usage = Tracker()
        self.caller = caller or Caller(source, self.policy, self.usage)

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """``GET /{version}/{path}``, retried per the policy."""
        return self.caller.call(lambda: self._send("GET", self._versioned(path), params or {}))

    def get_or_none(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        """:meth:`get`, or ``None`` when the object is gone or cannot be seen."""
        try:
            return self.get(path, params)
        except GraphError as exc:
            if exc.kind is Kind.NOT_FOUND:
                return None
            raise

    def post(self, path: str, data: dict[str, str], *, once: bool = False) -> dict[str, Any]:
        """``POST /{version}/{path}`` with a form body. ``once``: a write that is not idempotent
        (it creates something): never resent after a temporary fault, whose request may have
        reached the platform; the caller reads back instead."""
        return self.caller.call(
            lambda: self._send("POST", self._versioned(path), {}, dict(data)),
            retry_transient=not once,
        )

    def delete(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """``DELETE /{version}/{path}`` with query parameters (an idempotent write)."""
        return self.caller.call(
            lambda: self._send("DELETE", self._versioned(path), dict(params or {}))
        )

    def pages(self, path: str, params: dict[str, str]) -> Iterator[list[Any]]:
        """Each page's ``data`` list, following ``paging.next`` to the end."""
        url_path, query = self._versioned(path), dict(params)
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            body = self._get_page(url_path, query)
            yield data_list(body, path)
            link = next_link(body)
            if link is None or link in seen:
                return
            seen.add(link)
            url_path, query = self._split(link)

    def close(self) -> None:
        """Release connections."""

    def _get_page(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        return self.caller.call(lambda: self._send("GET", path, query))

    def _versioned(self, path: str) -> str:
        return f"{self.api_version}/{path.lstrip('/')}"

    def _split(self, link: str) -> tuple[str, dict[str, str]]:
        """The path (relative to the base URL) and query of a ``next`` link."""
        parts = urlsplit(link)
        path = parts.path
        base_path = urlsplit(self.base_url).path.rstrip("/")
        if base_path and path.startswith(base_path + "/"):
            path = path[len(base_path) :]
        query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        query.pop("access_token", None)
        return path.lstrip("/"), query

    def _send(
        self, method: str, path: str, params: dict[str, str], data: dict[str, str] | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _check(self, status: int, body: Any, headers: Any, action: bool) -> dict[str, Any]:
        """The decoded body, or the :class:`GraphError` it carries, raised."""
        reading = self.usage.record(headers)
        error = graph_errors.from_body(
            body, status, action=action, retry_after=reading.regain_seconds or None
        )
        if error is not None:
            raise error
        if not isinstance(body, dict):
            raise GraphError(Kind.INVALID, "the server answered JSON that is not an object")
        return body


class GraphSource:
    """What the Facebook and Instagram sources share: reading a hide back, public replies,
    usage, closing."""

    hidden_field: str  #: the field that reads a hide: ``is_hidden`` (FB) or ``hidden`` (IG)
    hide_param: str  #: the form field that sets it: ``is_hidden`` (FB) or ``hide`` (IG)
    reply_edge: str  #: where replies are posted: ``comments`` (FB) or ``replies`` (IG)
    reply_fields: str  #: the fields that say who wrote a reply and what it says
    client: GraphClient

    def reply(self, comment_id: str, message: str) -> str:
        """``POST /{comment-id}/{reply_edge}`` once: a reply that may have been created is never sent twice."""
        body = self.client.post(f"{comment_id}/{self.reply_edge}", {"message": message}, once=True)
        new_id = scalar(body.get("id"))
        if new_id is None:
            raise GraphError(Kind.REFUSED, "the platform did not say which reply it posted")
        return new_id

    def find_reply(self, comment_id: str, message: str) -> str | None:
        params = {"fields": self.reply_fields, "limit": "100"}
        for page in self.client.pages(f"{comment_id}/{self.reply_edge}", params):
            for item in page:
                if isinstance(item, dict) and self._own_reply(item, message):
                    return scalar(item.get("id"))
        return None

    def _own_reply(self, item: dict[str, Any], message: str) -> bool:
        raise NotImplementedError

    def is_hidden(self, comment_id: str) -> bool | None:
        data = self.client.get_or_none(comment_id, {"fields": f"id,{self.hidden_field}"})
        return None if data is None else data.get(self.hidden_field) is True

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        confirm(self.client.post(comment_id, {self.hide_param: "true" if hidden else "false"}))

    def usage(self) -> dict[str, Any] | None:
        return self.client.usage.latest.raw or None

    def close(self) -> None:
        self.client.close()


def data_list(body: dict[str, Any], path: str) -> list[Any]:
    data = body.get("data", [])
    if not isinstance(data, list):
        raise GraphError(Kind.INVALID, f"the list at {path!r} has no 'data' array")
    return data


def next_link(body: dict[str, Any]) -> str | None:
    paging = body.get("paging")
    if not isinstance(paging, dict):
        return None
    link = paging.get("next")
    return link if isinstance(link, str) and link else None


def scalar(value: Any) -> str | None:
    """A JSON id or name as text; ``None`` for missing, empty or non-scalar values."""
    if value is None or value == "" or isinstance(value, dict | list | bool):
        return None
    return str(value)


def obj(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def confirm(body: dict[str, Any]) -> None:
    """Raise unless a write answered ``{"success": true}``."""
    if body.get("success") not in (True, "true"):
        raise GraphError(Kind.REFUSED, "the platform did not confirm the change")


def _malformed(status: int | None) -> GraphError:
    return GraphError(
        Kind.TRANSIENT,
        "the server sent a response that is not valid JSON"
        + (f" (HTTP {status})" if status else ""),
        http_status=status,
    )


def _unreachable(exc: Exception) -> GraphError:
    name = "timed out" if "timeout" in type(exc).__name__.lower() else "could not be reached"
    return GraphError(Kind.TRANSIENT, f"the Graph API {name} ({type(exc).__name__})")


class _RoutingSession(requests.Session):
    """facebook-sdk's session: calls go to the configured base URL; usage headers are read."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"
        self.last: requests.Response | None = None
        self.hooks["response"].append(self._remember)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        verb = method.decode() if isinstance(method, bytes) else method
        text = url.decode() if isinstance(url, bytes) else url
        if text.startswith(facebook.FACEBOOK_GRAPH_URL):
            text = self.base_url + text[len(facebook.FACEBOOK_GRAPH_URL) :]
        self.last = None
        return super().request(verb, text, *args, **kwargs)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.last = response


class SdkGraphClient(GraphClient):
    """Calls through ``facebook.GraphAPI.request`` (facebook-sdk 3.1.0), with its workarounds.

    * 3.1.0 validates versions against 2.8-3.1 and rejects ``v21.0``; the version is set on the
      instance after construction, which every method reads.
    * Its default timeout is none at all; ours is always passed.
    * It hides response headers and the HTTP status; the session keeps the last response.
    * ``GraphAPIError`` has no ``error_subcode`` in 3.1.0: codes are read from ``e.result``.
    * A response without ``Content-Type`` raises ``KeyError`` inside it; an HTML body raises
      ``GraphAPIError`` with a string; network errors are raw ``requests`` exceptions.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = _RoutingSession(self.base_url)
        self.api = facebook.GraphAPI(
            access_token=self.token, timeout=self.policy.timeout_seconds, session=self.session
        )
        self.api.version = self.api_version

    def _send(
        self, method: str, path: str, params: dict[str, str], data: dict[str, str] | None = None
    ) -> dict[str, Any]:
        action = method != "GET"
        try:
            body = self.api.request(path, args=dict(params), post_args=data, method=method)
        except facebook.GraphAPIError as exc:
            status = self._status()
            if isinstance(exc.result, dict):
                return self._check(status or 400, exc.result, self._headers(), action)
            raise graph_errors.from_body(None, status or 502) or _malformed(status) from None
        except KeyError:  # no Content-Type header: the SDK indexes headers["content-type"]
            raise _malformed(self._status()) from None
        except (ValueError, RecursionError):  # requests' JSONDecodeError, or nested too deep
            raise _malformed(self._status()) from None
        except requests.RequestException as exc:
            raise _unreachable(exc) from None
        return self._check(self._status() or 200, body, self._headers(), action)

    def _status(self) -> int | None:
        return self.session.last.status_code if self.session.last is not None else None

    def _headers(self) -> Any:
        return self.session.last.headers if self.session.last is not None else {}

    def close(self) -> None:
        self.session.close()


class HttpxGraphClient(GraphClient):
    """Calls through an ``httpx.Client`` with keep-alive; the token goes as ``access_token``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = httpx.Client(
            base_url=self.base_url + "/",
            timeout=self.policy.timeout_seconds,
            headers={"User-Agent": "school-moderator"},
        )

    def _send(
        self, method: str, path: str, params: dict[str, str], data: dict[str, str] | None = None
    ) -> dict[str, Any]:
        if data is not None:
            data = {**data, "access_token": self.token}
        else:
            params = {**params, "access_token": self.token}
        try:
            response = self.client.request(method, path, params=params, data=data)
        except httpx.HTTPError as exc:
            raise _unreachable(exc) from None
        content_type = response.headers.get("content-type", "")
        try:
            body = json.loads(response.content) if response.content else None
        except (ValueError, RecursionError):  # RecursionError: nested too deep to read
            body = None
            if "json" in content_type or response.status_code < 400:
                self.usage.record(response.headers)
                raise _malformed(response.status_code) from None
        return self._check(response.status_code, body, response.headers, method != "GET")

    def close(self) -> None:
        self.client.close()
