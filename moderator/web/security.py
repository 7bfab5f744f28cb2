"""Security headers on every response."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


class Headers:
    """ASGI middleware: CSP, no framing or sniffing, no referrer, no caching of pages."""

    def __init__(self, app: ASGIApp, *, hsts: bool | None) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers(scope, self.hsts)]
            await send(message)

        await self.app(scope, receive, with_headers)


def headers(scope: Scope, hsts: bool | None) -> list[tuple[bytes, bytes]]:
    """The headers every response gets (the 500 page, drawn outside the middleware, too)."""
    found = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if not scope["path"].startswith("/static/"):
        found.append((b"cache-control", b"no-store"))
    if hsts or (hsts is None and scope.get("scheme") == "https"):
        found.append((b"strict-transport-security", b"max-age=31536000"))
    return found
