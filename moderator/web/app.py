"""The web application: routes, the signed-in check, CSRF, templates (docs/web.md)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from moderator.evidence import times
from moderator.review import alerts
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.web import details, security, sessions, untrusted
from workqueue.roles import Role

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
Handler = Callable[[Request], Awaitable[Response]]


#: The largest row id: the tables' ids are 32-bit integers on PostgreSQL.
MAX_ID = 2**31 - 1


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to ``limit`` (no sign, no spaces)."""
    digits = str(limit)
    shorter = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    lower = [
        f"{digits[:i]}[0-{int(d) - 1}][0-9]{{{len(digits) - i - 1}}}"
        for i, d in enumerate(digits)
        if d != "0"
    ]
    return "(?:" + "|".join([*shorter, *lower, digits]) + ")"


class RowId(Convertor[int]):
    """A row id in a path, ``{name:id}``: a number the databases' id columns can hold; anything
    larger (or not a number) matches no route and is a 404, never an overflow."""

    regex = _at_most(MAX_ID)

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", RowId())


@dataclass(frozen=True)
class Settings:
    """How the interface is served."""

    #: mark cookies Secure: always (True), never (False), or when the request came over HTTPS
    #: (None: behind a TLS proxy that sends X-Forwarded-Proto, or plain HTTP on loopback)
    secure_cookies: bool | None = None


@dataclass
class Web:
    """What every page needs: the database, the school's config, the templates."""

    engine: Engine
    config: SchoolConfig
    settings: Settings
    templates: Environment

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        current = request.scope.get("current")
        permissions = self.config.escalation.permissions
        page = self.templates.get_template(name).render(
            request=request,
            me=current.user if current else None,
            may=lambda what: current is not None and permissions.allows(current.user.role, what),
            csrf=current.csrf if current else "",
            school=self.config.name,
            status=status,
            alerts_unseen=request.scope.get("alerts_unseen", 0),
            alerts_told=current is not None and alerts.told(current.user.role, permissions),
            **context,
        )
        return HTMLResponse(page, status_code=status)

    def run(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
        """Database work off the event loop, in its own transaction."""

        def in_session() -> Any:
            with db.session_scope(self.engine) as session:
                return work(session, *args, **kwargs)

        return run_in_threadpool(in_session)


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates" / "web"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda moment: times.words(moment) if moment else "unknown"
    env.filters["short"] = _short
    env.filters["bdi"] = untrusted.bdi
    env.filters["isolate"] = untrusted.isolate
    env.filters["platform_link"] = untrusted.platform_link
    env.filters["detail_lines"] = details.lines
    return env


def _short(moment: Any) -> str:
    if moment is None:
        return "-"
    local = moment.astimezone(times.UK)
    return f"{local:%d %b %Y %H:%M}"


#: Where a member of staff (``staff``: reports only) lands, and the only pages they may open.
STAFF_HOME = "/staff-reports"


def signed_in(web: Web, *, staff: bool = False) -> Callable[[Handler], Handler]:
    """Pages for a signed-in user only: GETs without a session go to /login, POSTs without a
    session or without the session's CSRF token are refused (403). A ``staff`` user may open
    only the pages guarded with ``staff=True`` (reporting, their own reports): every other page
    refuses them, whatever it shows, and the queue's address takes them to their reports."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(request: Request) -> Response:
            token = request.cookies.get(sessions.COOKIE)
            current = await web.run(sessions.find, token)
            if current is None:
                if request.method == "GET":
                    target = quote(
                        request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    )
                    return RedirectResponse(f"/login?next={target}", status_code=303)
                return web.render(request, "error.html", 403, message="Sign in first.")
            request.scope["current"] = current
            request.scope["alerts_unseen"] = await web.run(
                alerts.unseen, current.user, web.config.escalation.permissions
            )
            if current.user.role is Role.STAFF and not staff:
                if request.method == "GET" and request.url.path == "/":
                    return RedirectResponse(STAFF_HOME, status_code=303)
                return web.render(
                    request,
                    "error.html",
                    403,
                    message="This page is for the moderators. As a member of staff you can "
                    "report a comment and see your own reports.",
                )
            if request.method == "POST":
                form = await request.form()
                if not sessions.same(str(form.get("csrf_token") or ""), current.csrf):
                    return web.render(
                        request,
                        "error.html",
                        403,
                        message="The form is out of date: reload the page and try again.",
                    )
                request.scope["form"] = form
            return await handler(request)

        return checked

    return wrap


def safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def create_app(engine: Engine, config: SchoolConfig, settings: Settings | None = None) -> Starlette:
    from moderator.web import (
        alerts_page,
        auth,
        dashboard,
        errors,
        intake,
        pages,
        reports,
        responding,
        school_words,
        staff_records,
    )

    web = Web(engine, config, settings or Settings(), templates())
    guard = signed_in(web)
    routes = [
        Route("/healthz", lambda request: PlainTextResponse("ok")),
        *auth.routes(web),
        *pages.routes(web, guard),
        *responding.routes(web, guard),
        *dashboard.routes(web, guard),
        *reports.routes(web, guard),
        *staff_records.routes(web, guard),
        Route("/favicon.ico", errors.favicon, methods=["GET"]),
        *intake.routes(web, signed_in(web, staff=True)),
        *school_words.routes(web, guard),
        *alerts_page.routes(web, guard),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    app = Starlette(routes=routes, exception_handlers=errors.handlers(web))
    app.add_middleware(security.Headers, hsts=web.settings.secure_cookies)
    return app
