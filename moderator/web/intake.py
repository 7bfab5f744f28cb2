"""Reporting a comment seen elsewhere (``/staff-reports/new``) and one's own reports
(``/staff-reports``), for every signed-in user, ``staff`` included (the only pages a member of
staff may open). The report goes through ``moderator.ingest.staff_reports``: classified by the
school's classifier (loaded on the first report, then kept), snapshotted, flagged."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from classifiers.base import Classifier
from moderator.errors import InputError, ModeratorError
from moderator.evidence.times import UK
from moderator.ingest import staff_reports
from moderator.policy import classify
from moderator.web import sessions
from moderator.web.app import STAFF_HOME, Handler, Web

THANKS = (
    "Thank you: the comment is recorded with an evidence snapshot and passed to the moderators."
)


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    lock = threading.Lock()
    loaded: list[Classifier] = []

    def classifier() -> Classifier:
        with lock:
            if not loaded:
                loaded.append(classify.classifier_for(web.config))
            return loaded[0]

    def form_page(request: Request, status: int = 200, **context: Any) -> Response:
        now = dt.datetime.now(UK).replace(second=0, microsecond=0, tzinfo=None)
        values = {"seen_at": now.isoformat(timespec="minutes"), **context.pop("values", {})}
        return web.render(
            request,
            "staff_report.html",
            status,
            values=values,
            most=staff_reports.MAX_TEXT,
            title="Report a comment",
            **context,
        )

    async def new(request: Request) -> Response:
        return form_page(request)

    async def submit(request: Request) -> Response:
        form, user = request.scope["form"], request.scope["current"].user
        values = {k: str(form.get(k) or "") for k in ("text", "address", "seen_at", "posted_by")}
        try:
            report = staff_reports.Report(
                text=values["text"].replace("\r\n", "\n"),
                address=values["address"],
                seen_at=_local(values["seen_at"]),
                posted_by=values["posted_by"],
            )
            report.check()
            await run_in_threadpool(
                lambda: staff_reports.record(
                    web.engine, web.config, classifier(), report, user.username, user.full_name
                )
            )
        except ModeratorError as exc:
            return form_page(request, 400, values=values, error=str(exc))
        await web.run(sessions.flash, request.scope["current"].session_id, THANKS)
        return RedirectResponse(STAFF_HOME, status_code=303)

    async def mine(request: Request) -> Response:
        user = request.scope["current"].user
        message = await web.run(sessions.take_flash, request.scope["current"].session_id)
        rows = await web.run(staff_reports.mine, user.username)
        return web.render(
            request, "staff_reports.html", rows=rows, message=message, title="My reports"
        )

    return [
        Route(STAFF_HOME, guard(mine), methods=["GET"]),
        Route(STAFF_HOME, guard(submit), methods=["POST"]),
        Route(f"{STAFF_HOME}/new", guard(new), methods=["GET"]),
    ]


def _local(value: str) -> dt.datetime:
    """A ``datetime-local`` value (UK time) as an aware time."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError("when it was seen: give a date and time") from None
    return moment.replace(tzinfo=UK) if moment.tzinfo is None else moment
