"""The governors' report for headteachers: ``/report`` (the figures and charts for a chosen
period) and ``/report.pdf`` (the same as the PDF the command line writes). Counts only
(moderator.reporting.governors); staff are not named on the web."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from moderator.errors import InputError
from moderator.evidence.times import UK
from moderator.reporting import charts, governors, pdf
from moderator.reporting.periods import Period
from moderator.web.app import Handler, Web
from workqueue.roles import Role

#: Who may read the report: the people who answer to the governors.
READERS = frozenset({Role.HEADTEACHER, Role.DSL, Role.ADMIN})
#: The period shown when none is chosen: the last 13 weeks.
DEFAULT_DAYS = 90


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    async def figures(request: Request) -> governors.Figures | Response:
        if request.scope["current"].user.role not in READERS:
            return web.render(
                request,
                "error.html",
                403,
                message="The governors' report is for the headteacher, the DSL and administrators.",
            )
        today = dt.datetime.now(UK).date()
        try:
            period = Period.parse(
                request.query_params.get("from")
                or (today - dt.timedelta(days=DEFAULT_DAYS)).isoformat(),
                request.query_params.get("to") or today.isoformat(),
            )
        except InputError as exc:
            return web.render(request, "error.html", 400, message=str(exc))
        built: governors.Figures = await web.run(governors.build, web.config.name, period)
        return built

    async def page(request: Request) -> Response:
        found = await figures(request)
        if isinstance(found, Response):
            return found
        images = [
            base64.b64encode((await run_in_threadpool(charts.svg, chart)).encode()).decode()
            for chart in (found.by_category, found.by_platform)
        ]
        return web.render(request, "report.html", f=found, images=images, title="Governors' report")

    async def download(request: Request) -> Response:
        found = await figures(request)
        if isinstance(found, Response):
            return found
        name = f"governors-report-{found.first}-to-{found.last}.pdf"
        return Response(
            await run_in_threadpool(pdf.render, found),
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return [
        Route("/report", guard(page), methods=["GET"]),
        Route("/report.pdf", guard(download), methods=["GET"]),
    ]
