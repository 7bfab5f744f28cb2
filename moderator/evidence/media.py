"""Attachments: which are downloaded and hashed, and the indecent-image rule.

A sexual comment's attachment is never downloaded or stored: nobody can tell what an image shows
without looking, and staff must not view, copy, print, share, store or save an image that may be
an indecent image of a child (UKCIS guidance; Protection of Children Act 1978). The snapshot then
keeps the attachment's type, ids and the permalink only. When pupils or minors are involved too,
the snapshot is marked ``indecent_image_risk`` and the flag goes to the DSL with the instruction
to contact the police.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import re
import time
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from moderator.policy.categories import Route
from moderator.policy.decide import Decision
from moderator.policy.roster import Roster
from workqueue.ladder import Step

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 10.0  #: per network operation
DEADLINE = 30.0  #: for the whole download
REDIRECTS = 3
WITHHELD = (
    "not downloaded or stored: the comment is sexual, so the attachment may be an indecent "
    "image of a child; do not open it"
)
POLICE = (
    "Possible indecent image of a child: do not open, view, copy or share the attachment. "
    "The DSL should contact the police (101, or 999 if a child is in danger) and follow the "
    "UKCIS guidance; only ids and the permalink are kept."
)
_MINORS = re.compile(
    r"\b(child|children|kid|kids|pupil|pupils|student|students|boy|boys|girl|girls|son|daughter|"
    r"year\s?\d{1,2}|y\d{1,2}|under\s?1\d|minor|minors|underage|teen|teens|\d{1,2}\s?(yo|year old))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attachment:
    """What the platform said is attached to a comment."""

    index: int
    type: str
    id: str | None
    url: str | None  #: the page the attachment links to
    image: str | None  #: the image file's address (a photo, sticker or video thumbnail)


def attachments(raw: dict[str, Any]) -> list[Attachment]:
    """Facebook's ``attachment`` (one per comment); Instagram comments carry none."""
    found = raw.get("attachment")
    items = found if isinstance(found, list) else [found] if isinstance(found, dict) else []
    result = []
    for index, item in enumerate(items, start=1):
        media, target = _dict(item.get("media")), _dict(item.get("target"))
        image = _dict(media.get("image"))
        result.append(
            Attachment(
                index=index,
                type=str(item.get("type") or "attachment"),
                id=_str(target.get("id")),
                url=_str(item.get("url") or target.get("url")),
                image=_str(image.get("src")),
            )
        )
    return result


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def redacted(raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` without the addresses of attached files (the ids and the photo page's permalink
    stay): kept for a sexual comment, whose attachment may be an indecent image of a child."""
    copy = json.loads(json.dumps(raw))
    found = copy.get("attachment")
    for item in found if isinstance(found, list) else [found]:
        if isinstance(item, dict) and "media" in item:
            item["media"] = {"withheld": "the file's address is not kept (see media)"}
    return copy


def minors_involved(text: str, categories: Collection[str], pupil_targets: int) -> bool:
    """Pupils named from the roster, a safeguarding concern, or words about children."""
    return pupil_targets > 0 or "safeguarding" in categories or bool(_MINORS.search(text))


def withhold(categories: Collection[str]) -> bool:
    """Whether attachments must not be downloaded: any sexual comment."""
    return "sexual" in categories


@dataclass(frozen=True)
class Download:
    data: bytes
    media_type: str
    extension: str


class DownloadFailed(Exception):
    """An attachment could not be fetched; the message is safe to record (no comment text)."""


def download(address: str, hosts: Collection[str]) -> Download:
    """The file at ``address``: http or https, on one of ``hosts`` (or a subdomain) at every
    redirect, at most :data:`MAX_BYTES`, within :data:`DEADLINE` seconds in all."""
    deadline = time.monotonic() + DEADLINE
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            for _ in range(REDIRECTS + 1):
                _allowed(address, hosts)
                with client.stream("GET", address) as response:
                    if response.is_redirect and "location" in response.headers:
                        address = str(response.url.join(response.headers["location"]))
                        continue
                    if response.status_code != 200:
                        raise DownloadFailed(f"HTTP {response.status_code}")
                    data = _read_capped(response, deadline)
                    media_type = response.headers.get("content-type", "")
                    return _found(data, media_type)
    except httpx.HTTPError as exc:
        raise DownloadFailed(f"{type(exc).__name__}: the address could not be fetched") from exc
    raise DownloadFailed(f"more than {REDIRECTS} redirects")


def _allowed(address: str, hosts: Collection[str]) -> None:
    parts = urlsplit(address)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in {"http", "https"}:
        raise DownloadFailed("not an http or https address")
    if not any(host == h or host.endswith(f".{h}") for h in hosts):
        raise DownloadFailed(f"host {host or '(none)'} is not in [evidence] media_hosts")


def _found(data: bytes, media_type: str) -> Download:
    media_type = media_type.split(";")[0].strip().lower() or "application/octet-stream"
    extension = mimetypes.guess_extension(media_type) or ".bin"
    return Download(data=data, media_type=media_type, extension=extension)


def _read_capped(response: httpx.Response, deadline: float) -> bytes:
    chunks, total = [], 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > MAX_BYTES:
            raise DownloadFailed(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        if time.monotonic() > deadline:
            raise DownloadFailed(f"took longer than {DEADLINE:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def indecent_image_risk(decision: Decision, raw: dict[str, Any], text: str, roster: Roster) -> bool:
    """A sexual comment carrying an attachment, with pupils or minors involved."""
    if not (withhold(decision.categories) and attachments(raw)):
        return False
    pupils = sum(
        1 for name in decision.targets if (person := roster.find(name)) and person.kind == "pupil"
    )
    return minors_involved(text, decision.categories, pupils)


def guarded(decision: Decision) -> Decision:
    """``decision`` sent to the DSL with the police instruction (the ladder's floor: police)."""
    return replace(decision, route=Route.DSL, step=Step.POLICE, reasons=(*decision.reasons, POLICE))
