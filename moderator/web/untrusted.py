"""Showing what a source or a person typed: names and comment text isolated from the page's own
words (a right-to-left override in a name must not turn the rest of the line round), and a
source's links only when they go to the platform over http(s)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

#: The platforms' own web addresses: the only hosts a comment's permalink may open.
PLATFORM_HOSTS = frozenset(
    {
        "facebook.com",
        "www.facebook.com",
        "m.facebook.com",
        "instagram.com",
        "www.instagram.com",
    }
)
#: Unicode's isolates: FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, the plain-text <bdi>.
FSI, PDI = "\u2068", "\u2069"


def bdi(value: Any) -> Markup:
    """``value`` escaped inside ``<bdi>``: its direction is its own and cannot leak out."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else value)


def isolate(value: Any) -> str:
    """``value`` between FSI and PDI, for places that take text only (an ``<option>``, an
    attribute): the PDI closes any override or embedding the text left open."""
    return f"{FSI}{'' if value is None else value}{PDI}"


def platform_link(url: Any) -> str | None:
    """``url`` when it is an http(s) address on a platform host; else None (shown as no link)."""
    if not isinstance(url, str) or not url or len(url) > 2000:
        return None
    if any(ch.isspace() or ord(ch) < 0x20 or ch in "\\\x7f" for ch in url):
        return None  # what browsers strip or re-read differently from the parser below
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or parts.username or parts.password:
        return None
    if (parts.hostname or "").lower() not in PLATFORM_HOSTS or port not in (None, 80, 443):
        return None
    return url
