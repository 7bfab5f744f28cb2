"""Signing in and out. The sign-in form's CSRF defence is a double-submit cookie (there is no
session yet); after it, the session's own token."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from moderator.review import users
from moderator.web import sessions
from moderator.web.app import Web, safe_next

LOGIN_COOKIE = "moderator_login"
REFUSED = "Wrong username or password, or the account is locked or disabled."
THROTTLED = (
    "Too many failed sign-ins from your network address: wait {minutes} minutes, then try again."
)


def routes(web: Web) -> list[Route]:
    async def login_form(request: Request) -> Response:
        token = secrets.token_hex(32)
        page = web.render(
            request,
            "login.html",
            login_csrf=token,
            next=safe_next(request.query_params.get("next")),
        )
        _cookie(web, request, page, LOGIN_COOKIE, token, max_age=3600)
        return page

    async def login(request: Request) -> Response:
        form = await request.form()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not sessions.same(str(form.get("csrf_token") or ""), expected):
            return web.render(
                request,
                "login.html",
                403,
                error="The form was out of date: try again.",
                login_csrf=expected,
                next="/",
            )
        username = str(form.get("username") or "").strip()[:100]
        password = str(form.get("password") or "")[:1000]
        where = request.client.host if request.client else "unknown"
        target = safe_next(str(form.get("next") or "/"))
        try:
            token = await web.run(_sign_in, username, password, where)
        except users.Throttled as exc:
            return web.render(
                request,
                "login.html",
                429,
                error=THROTTLED.format(**exc.fields),
                login_csrf=expected,
                next=target,
                username=username,
            )
        if token is None:
            return web.render(
                request,
                "login.html",
                401,
                error=REFUSED,
                login_csrf=expected,
                next=target,
                username=username,
            )
        response = RedirectResponse(target, status_code=303)
        lifetime = int(sessions.LIFETIME.total_seconds())
        _cookie(web, request, response, sessions.COOKIE, token, max_age=lifetime)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    async def logout(request: Request) -> Response:
        form = await request.form()
        token = request.cookies.get(sessions.COOKIE)
        current = await web.run(sessions.find, token)
        if current is not None:
            if not sessions.same(str(form.get("csrf_token") or ""), current.csrf):
                return PlainTextResponse("the form is out of date: reload and try again", 403)
            await web.run(sessions.end, token)
        response = RedirectResponse("/login", status_code=303)
        if token:  # a stale cookie; none was sent with a cross-site post: leave it alone
            response.delete_cookie(sessions.COOKIE, path="/")
        return response

    return [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]


def _sign_in(session: Session, username: str, password: str, where: str) -> str | None:
    user = users.sign_in(session, username, password, where)
    return sessions.start(session, user) if user else None


def _cookie(
    web: Web, request: Request, response: Response, name: str, value: str, max_age: int
) -> None:
    secure = web.settings.secure_cookies
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" if secure is None else secure,
    )
