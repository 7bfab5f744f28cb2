"""Graph API errors: what went wrong, decided by ``error.code`` and ``error_subcode`` only.

Meta's message texts vary and are not a contract, and the HTTP status is not reliable (errors
come with 400, 403 or 500: https://developers.facebook.com/docs/graph-api/guides/error-handling),
so :func:`from_body` keys on the codes. Messages built here name the code, the subcode and
``fbtrace_id`` (what Meta support asks for) and say what to do; they never carry comment text
or tokens.

* ConnectorError                 the connectors' root
  + GraphError(kind, code, ...)  the platform answered with an error, or could not be reached
"""

from __future__ import annotations

import enum
from typing import Any


class Kind(enum.Enum):
    """What a Graph error means for the caller."""

    RATE_LIMIT = "rate_limit"  #: stop calling, wait, resume
    TOKEN = "token"  #: the access token is expired, revoked or lacks a permission: re-authorise
    TRANSIENT = "transient"  #: a temporary fault or a network error: retry shortly
    NOT_FOUND = "not_found"  #: the object is gone or cannot be seen: skip it
    REFUSED = "refused"  #: the platform refuses this one action (e.g. the comment cannot be hidden)
    INVALID = "invalid"  #: the request or the response is malformed: a bug or a broken server


RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 80001, 80002, 368})
TOKEN_CODES = frozenset({10, 102, 190})
TRANSIENT_CODES = frozenset({1, 2})
RETRYABLE_HTTP = frozenset({429, 500, 502, 503, 504})

_TOKEN_SUBCODES = {
    458: "the app is not installed for this account",
    459: "the account is checkpointed (Facebook needs the person to log in)",
    460: "the password was changed, which revoked the token",
    463: "the token has expired",
    464: "the account is not confirmed",
    467: "the token is invalid (logged out or revoked)",
    492: "the person who issued the token no longer has a role on the Page",
}


class ConnectorError(Exception):
    """A connector failed."""


class GraphError(ConnectorError):
    """The Graph API answered with an error, or could not be reached."""

    def __init__(
        self,
        kind: Kind,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        fbtrace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.kind = kind
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.fbtrace_id = fbtrace_id
        self.retry_after = retry_after  #: seconds Meta asked us to wait, when it said
        super().__init__(message)

    @property
    def reference(self) -> str:
        """``Graph error 190/463, fbtrace_id X`` for messages and support tickets."""
        parts = []
        if self.code is not None:
            parts.append(f"Graph error {self.code}" + (f"/{self.subcode}" if self.subcode else ""))
        if self.http_status is not None and self.code is None:
            parts.append(f"HTTP {self.http_status}")
        if self.fbtrace_id:
            parts.append(f"fbtrace_id {self.fbtrace_id}")
        return ", ".join(parts)


def kind_of(code: int | None, http_status: int | None = None, action: bool = False) -> Kind:
    """The kind of an error with this ``code``; ``action`` for a hide/unhide call."""
    if code in RATE_LIMIT_CODES:
        return Kind.RATE_LIMIT
    if code in TOKEN_CODES:
        return Kind.TOKEN
    if code is not None and 200 <= code <= 299:
        # On a read it is the token's permissions; on a hide it is usually this one comment.
        return Kind.REFUSED if action else Kind.TOKEN
    if code in TRANSIENT_CODES:
        return Kind.TRANSIENT
    if code == 100:
        return Kind.NOT_FOUND
    if code is None and http_status in RETRYABLE_HTTP:
        return Kind.TRANSIENT
    if code is None and http_status is not None and http_status >= 500:
        return Kind.TRANSIENT
    return Kind.INVALID


def from_body(
    body: Any, http_status: int | None, action: bool = False, retry_after: float | None = None
) -> GraphError | None:
    """The error in a decoded response body, or ``None`` when it carries none."""
    if not isinstance(body, dict) or not body.get("error"):
        if http_status is not None and http_status >= 400:
            kind = kind_of(None, http_status)
            return GraphError(
                kind,
                f"the server answered HTTP {http_status} without a Graph error body",
                http_status=http_status,
            )
        return None
    error = body["error"]
    if not isinstance(error, dict):
        return GraphError(
            Kind.INVALID, "the server answered an error that is not a Graph error object"
        )
    code = _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    kind = kind_of(code, http_status, action)
    if error.get("is_transient") is True and kind is Kind.INVALID:
        kind = Kind.TRANSIENT
    return GraphError(
        kind,
        describe(kind, code, subcode),
        code=code,
        subcode=subcode,
        http_status=http_status,
        fbtrace_id=str(error["fbtrace_id"])[:64] if error.get("fbtrace_id") else None,
        retry_after=retry_after,
    )


def describe(kind: Kind, code: int | None, subcode: int | None) -> str:
    """Our words for an error: what it is and what to do."""
    if kind is Kind.TOKEN:
        if code == 190:
            problem = _TOKEN_SUBCODES.get(subcode or 0, "the access token is not valid")
            return (
                f"{problem}; generate a new Page access token for an account with the MODERATE task"
            )
        return (
            "the access token lacks a permission this needs (pages_read_engagement, "
            "pages_read_user_content and pages_manage_engagement for a Page; "
            "instagram_basic and instagram_manage_comments for Instagram); "
            "re-authorise the app with them"
        )
    if kind is Kind.RATE_LIMIT:
        if code == 368:
            return "the platform has temporarily blocked these calls"
        return "the platform's rate limit was reached"
    if kind is Kind.NOT_FOUND:
        return "the object does not exist or cannot be seen with this token"
    if kind is Kind.REFUSED:
        return "the platform refused this action for this comment"
    if kind is Kind.TRANSIENT:
        return "the platform had a temporary fault"
    return "the platform rejected the request"


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
