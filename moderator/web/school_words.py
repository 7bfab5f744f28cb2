"""The school's own words (``/school-words``): blocked words and phrases, and allowed words,
listed, added and removed by a headteacher or an administrator. Every change is an audit event
(``moderator.policy.wordlist``) and applies from the next decision: the next scan, webhook or
report reads the lists afresh."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from moderator.errors import InputError
from moderator.policy import school_words, wordlist
from moderator.web import sessions
from moderator.web.app import Handler, Web
from workqueue.roles import Role

#: Who may edit the lists: the people who set the school's policy.
EDITORS = frozenset({Role.HEADTEACHER, Role.ADMIN})
PATH = "/school-words"


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    def refused(request: Request) -> Response | None:
        if request.scope["current"].user.role in EDITORS:
            return None
        return web.render(
            request,
            "error.html",
            403,
            message="The school's word lists are for the headteacher and administrators.",
        )

    async def back(request: Request, message: str) -> Response:
        await web.run(sessions.flash, request.scope["current"].session_id, message)
        return RedirectResponse(PATH, status_code=303)

    async def page(request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        message = await web.run(sessions.take_flash, request.scope["current"].session_id)
        rows = await web.run(lambda session: [_row(r) for r in wordlist.entries(session)])
        return web.render(
            request,
            "school_words.html",
            rows=rows,
            configured=web.config.words,
            categories=school_words.BLOCKABLE,
            default=school_words.DEFAULT_CATEGORY,
            message=message,
            title="The school's words",
        )

    async def add(request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        form, user = request.scope["form"], request.scope["current"].user
        kind = str(form.get("kind") or "")
        try:
            await web.run(
                wordlist.add,
                user.username,
                kind,
                str(form.get("phrase") or ""),
                str(form.get("category") or ""),
            )
        except InputError as exc:
            return await back(request, f"Not added: {exc}.")
        return await back(request, f"Added to the {kind} list; it applies from the next scan.")

    async def remove(request: Request) -> Response:
        if (answer := refused(request)) is not None:
            return answer
        word_id = int(request.path_params["word_id"])
        try:
            await web.run(wordlist.remove, request.scope["current"].user.username, word_id)
        except InputError as exc:
            return await back(request, f"Not removed: {exc}.")
        return await back(request, "Removed; it applies from the next scan.")

    return [
        Route(PATH, guard(page), methods=["GET"]),
        Route(PATH, guard(add), methods=["POST"]),
        Route(PATH + "/{word_id:id}/remove", guard(remove), methods=["POST"]),
    ]


def _row(row: object) -> dict[str, object]:
    return {
        k: getattr(row, k) for k in ("id", "kind", "phrase", "category", "added_by", "added_at")
    }
