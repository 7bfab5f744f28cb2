"""The alerts page: the police and DSL alerts a headteacher or the DSL may see (DSL items for
the DSL only), newest first; opening it marks them seen, which clears the badge."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from moderator.review import alerts
from moderator.web.app import Handler, Web


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    @guard
    async def page(request: Request) -> Response:
        user = request.scope["current"].user
        items = await web.run(alerts.listing, user, web.config.escalation.permissions)
        request.scope["alerts_unseen"] = 0
        return web.render(request, "alerts.html", title="Alerts", items=items)

    return [Route("/alerts", page)]
