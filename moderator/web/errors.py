"""Error pages in the site's own layout (400, 403, 404, 405, 500...), and the favicon.

The 500 page is drawn outside the middleware (Starlette's outermost layer catches the failure),
so it is given the security headers here.

A failure inside a page is logged by its class and the path only (an exception's message may
quote what a person typed) and answered with the styled 500 page; if even that cannot be drawn,
with plain text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from moderator.web import security

if TYPE_CHECKING:
    from moderator.web.app import Web

logger = logging.getLogger(__name__)
FAVICON = Path(__file__).parent / "static" / "favicon.svg"

#: What each status says on its page.
MESSAGES = {
    400: "The request could not be understood.",
    403: "You may not do that.",
    404: "There is no such page.",
    405: "That page cannot be used that way.",
    500: "Something went wrong on the server. Nothing was changed by this request; try again, "
    "and tell your administrator if it happens again.",
}


def handlers(web: Web) -> dict[Any, Any]:
    """Starlette's ``exception_handlers``: every HTTP error and any other exception."""

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = MESSAGES.get(status) or MESSAGES[400 if status < 500 else 500]
        response = _page(web, request, status, message)
        if isinstance(exc, HTTPException) and exc.headers:
            response.headers.update(exc.headers)
        return response

    async def server_error(request: Request, exc: Exception) -> Response:
        logger.error("page failed: %s", exc.__class__.__name__, extra={"path": request.url.path})
        response = _page(web, request, 500, MESSAGES[500])
        for name, value in security.headers(request.scope, web.settings.secure_cookies):
            response.headers[name.decode()] = value.decode()
        return response

    return {HTTPException: http_error, Exception: server_error}


def _page(web: Web, request: Request, status: int, message: str) -> Response:
    try:
        return web.render(request, "error.html", status, message=message)
    except Exception as exc:  # noqa: BLE001 - the error page failed: plain words, never a trace
        logger.error("the error page could not be drawn: %s", exc.__class__.__name__)
        return PlainTextResponse(message, status_code=status)


async def favicon(request: Request) -> Response:
    """``/favicon.ico`` for browsers that ask for it without reading the page's link."""
    return FileResponse(FAVICON, media_type="image/svg+xml")
