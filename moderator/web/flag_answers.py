"""How the flag page's forms answer: back to the flag with a message waiting there (kept in the
session, never in the URL), or, for a flag that does not exist or that the user may not see,
the same 404 whether or not it exists."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from moderator.web import sessions, words
from moderator.web.app import Web

#: Refusals that would say a flag exists: answered as a flag the user may not see.
HIDDEN = {"not_found", "dsl_only"}


def not_yours(web: Web, request: Request, flag_id: int) -> Response:
    """The answer for a flag that does not exist or that the user may not see."""
    return web.render(
        request, "error.html", 404, message=f"There is no flag {flag_id} you may see."
    )


async def back(web: Web, request: Request, flag_id: int, message: str) -> Response:
    """To the flag's page, with ``message`` waiting there."""
    await web.run(sessions.flash, request.scope["current"].session_id, message)
    return RedirectResponse(f"/flags/{flag_id}", status_code=303)


async def refused(web: Web, request: Request, flag_id: int, exc: Exception) -> Response:
    """A refusal worded on the flag's page, or :func:`not_yours` where saying it would tell
    that the flag exists."""
    if getattr(exc, "code", "") in HIDDEN:
        return not_yours(web, request, flag_id)
    return await back(web, request, flag_id, words.refusal(exc))
