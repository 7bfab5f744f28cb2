"""A member of staff's record for headteachers, the DSL and administrators: ``/staff-records``
lists the staff on the roster with the comments naming each, and a POST to
``/staff-records/download`` makes the record (``evidence.victim_record``: a zip or a PDF), logged
on every snapshot as an export. Flags routed to the DSL are counted and included for the DSL
alone."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from moderator.errors import ModeratorError
from moderator.evidence import victim_record
from moderator.review import visibility
from moderator.web import words
from moderator.web.app import Handler, Web

FORMATS = {"zip": "application/zip", "pdf": "application/pdf"}


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    def refused(request: Request) -> Response | None:
        if request.scope["current"].user.role in victim_record.MAKERS:
            return None
        return web.render(
            request,
            "error.html",
            403,
            message="Staff records are for the headteacher, the DSL and administrators.",
        )

    def viewer(request: Request) -> visibility.Viewer:
        role = request.scope["current"].user.role
        return visibility.Viewer.of(role, web.config.escalation.permissions)

    async def page(request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        chosen = request.query_params.get("name") or ""
        try:
            person = victim_record.staff_member(web.config, chosen) if chosen else None
        except ModeratorError as exc:
            return web.render(request, "error.html", 404, message=words.refusal(exc))
        staff, record = await web.run(_summary, web, viewer(request), person)
        return web.render(
            request,
            "staff_records.html",
            staff=staff,
            person=person,
            record=record,
            title="Staff records",
        )

    async def download(request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        form = request.scope["form"]
        name, kind = str(form.get("name") or ""), str(form.get("format") or "zip")
        if kind not in FORMATS:
            return web.render(request, "error.html", 400, message="Choose a zip or a PDF.")
        username = request.scope["current"].user.username
        try:
            data, file_name = await run_in_threadpool(_make, web, name, kind, username)
        except ModeratorError as exc:
            return web.render(request, "error.html", 400, message=words.refusal(exc))
        headers = {"Content-Disposition": f'attachment; filename="{file_name}"'}
        return Response(data, media_type=FORMATS[kind], headers=headers)

    return [
        Route("/staff-records", guard(page), methods=["GET"]),
        Route("/staff-records/download", guard(download), methods=["POST"]),
    ]


def _summary(
    session: Session, web: Web, viewer: visibility.Viewer, person: Any
) -> tuple[list[tuple[str, str, int]], victim_record.Record | None]:
    """Every member of staff with how many comments named them, and ``person``'s record."""
    counted = victim_record.counts(session, web.config, viewer)
    staff = [(p.name, p.role, counted[p.name]) for p in web.config.staff]
    record = victim_record.gather(session, web.config, person, viewer) if person else None
    return staff, record


def _make(web: Web, name: str, kind: str, username: str) -> tuple[bytes, str]:
    person = victim_record.staff_member(web.config, name)
    slug = re.sub(r"[^a-z0-9]+", "-", person.name.lower()).strip("-") or "staff"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"staff-record-{slug}.{kind}"
        victim_record.make(web.engine, web.config, name, out, actor=username, username=username)
        return out.read_bytes(), out.name
