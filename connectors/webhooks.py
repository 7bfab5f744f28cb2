"""Meta webhooks: the subscription handshake, the signature check and the payload's changes.

Pure functions over bytes and strings, after Meta's webhooks guide
(https://developers.facebook.com/docs/graph-api/webhooks/getting-started); the HTTP receiver is
``moderator.web.webhook_app``.

* :func:`handshake` answers ``hub.mode=subscribe`` with ``hub.challenge`` when
  ``hub.verify_token`` matches.
* :func:`signature_ok` checks ``X-Hub-Signature-256`` (``sha256=`` + HMAC-SHA256 of the **raw
  body** with the app secret) in constant time. The legacy SHA-1 header is ignored.
* :func:`parse` returns the comment changes in a delivery: Page ``feed`` changes with
  ``item = "comment"`` and Instagram ``comments`` changes. Each carries a ``dedup_key`` that is
  the same when Meta delivers the same change again (retries run for up to 36 hours, and
  ``entry.time`` is the sending time, so it is left out of the key). A Facebook comment
  change says what happened in ``verb``: ``add``, ``edited`` (the new ``message`` is in the
  change; the comment is read again), ``remove`` (no ``message``); Meta's feed verbs ``edit``
  and ``delete`` are read as ``edited`` and ``remove``.

A body that is not a delivery raises :class:`PayloadError` (the receiver answers 400 and stores
nothing): not JSON (``NaN`` included), nested deeper than ``records.MAX_DEPTH``, holding text
that is not valid Unicode (a lone surrogate), or not of a delivery's shape (``entry`` a list of
objects, each with an id and a ``changes`` list). Inside a delivery, a change that is not a
comment change is left out, and a comment change whose ids cannot be stored (too long, a NUL)
is returned with ``problem`` set, to be kept as rejected rather than processed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors import records
from connectors.graph_client import obj, scalar

SIGNATURE_HEADER = "X-Hub-Signature-256"
#: Other spellings of a comment change's verb in Meta's feed enum, read as the usual ones.
_VERB_ALIASES = {"edit": "edited", "delete": "remove"}


class PayloadError(ValueError):
    """A webhook body that is not a Meta delivery."""


@dataclass(frozen=True)
class WebhookChange:
    """One comment change from a delivery."""

    platform: str  #: facebook | instagram
    account_id: str  #: the Page id or Instagram account id the change belongs to
    verb: str  #: add | edited | remove | hide | unhide (Instagram sends add only)
    comment_id: str | None
    post_id: str | None
    author_id: str | None
    value: dict[str, Any]  #: the change as delivered
    dedup_key: str
    problem: str | None = None  #: why it cannot be processed (its ids cannot be stored)

    @property
    def where(self) -> str:
        """The change, named for messages (never by its text)."""
        comment = f" for comment {records.shown(self.comment_id)}" if self.comment_id else ""
        return f"a {self.platform} webhook change{comment}"

    @property
    def by_owner(self) -> bool:
        """Written by the Page or account itself (Meta delivers those too)."""
        return self.author_id is not None and self.author_id == self.account_id


def handshake(params: Mapping[str, str], verify_token: str) -> str | None:
    """The challenge to echo, or ``None`` when the request is not a valid subscription."""
    if params.get("hub.mode") != "subscribe":
        return None
    given = params.get("hub.verify_token", "")
    if not verify_token or not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    challenge = params.get("hub.challenge", "")
    return challenge if challenge and len(challenge) <= 200 else None


def signature_ok(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """True when ``header`` is ``sha256=<HMAC-SHA256 of raw_body with app_secret>``."""
    if not header or not header.startswith("sha256=") or not app_secret:
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256=") :].strip().lower(), expected)


def sign(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for ``raw_body`` (for tests and tools)."""
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def parse(raw_body: bytes) -> list[WebhookChange]:
    """The comment changes in a delivery; other changes (likes, posts) are left out."""
    try:
        payload = records.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayloadError(f"the body is not JSON ({type(exc).__name__})") from None
    problem = records.json_problem(payload)
    if problem:
        raise PayloadError(f"the body has {problem}")
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise PayloadError("the body has no 'entry' list")
    kind = payload.get("object")
    if kind not in ("page", "instagram"):
        raise PayloadError(f"object {records.shown(str(kind), 40)!r} is not 'page' or 'instagram'")
    changes = []
    for number, entry in enumerate(payload["entry"], start=1):
        for change in _entry_changes(entry, number):
            found = _change(str(kind), str(entry["id"]), change)
            if found is not None:
                changes.append(found)
    return changes


def _entry_changes(entry: Any, number: int) -> list[Any]:
    """An entry's changes; :class:`PayloadError` when the entry is not of a delivery's shape."""
    if not isinstance(entry, dict):
        raise PayloadError(f"entry {number} is not an object")
    changes = entry.get("changes")
    if changes is None:
        return []
    if not isinstance(changes, list):
        raise PayloadError(f"entry {number}: 'changes' is not a list")
    account = scalar(entry.get("id"))
    if changes and (account is None or records.id_problem("its id", account)):
        raise PayloadError(f"entry {number} has no usable 'id'")
    return changes


def _change(kind: str, account_id: str, change: Any) -> WebhookChange | None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        return None
    field, value = change.get("field"), change["value"]
    author = obj(value.get("from"))
    if kind == "page" and field == "feed" and value.get("item") == "comment":
        platform, verb = "facebook", scalar(value.get("verb")) or "add"
        verb = _VERB_ALIASES.get(verb, verb)
        comment_id, post_id = scalar(value.get("comment_id")), scalar(value.get("post_id"))
    elif kind == "instagram" and field in ("comments", "live_comments"):
        media = obj(value.get("media"))
        platform, verb = "instagram", "add"
        comment_id, post_id = scalar(value.get("id")), scalar(media.get("id"))
    else:
        return None
    author_id = scalar(author.get("id"))
    problem = (
        records.id_problem("its comment id", comment_id)
        or records.id_problem("its post id", post_id)
        or records.id_problem("its author id", author_id)
    )
    key_source = json.dumps([kind, account_id, field, value], sort_keys=True, ensure_ascii=False)
    return WebhookChange(
        platform=platform,
        account_id=account_id,
        verb=verb.replace("\x00", "")[:20],
        comment_id=comment_id,
        post_id=post_id,
        author_id=author_id,
        value=value,
        dedup_key=hashlib.sha256(key_source.encode("utf-8")).hexdigest(),
        problem=problem,
    )
