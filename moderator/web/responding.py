"""The flag page's responses beyond deciding: record a report to the platform (or a request to
the host to remove the comment), and post an approved complaint reply in public.

Both go through ``moderator.review.responses`` as the signed-in user, so the server checks the
role whatever the browser sends; the answer comes back to the flag page as a message.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from moderator.errors import ModeratorError
from moderator.review import responses
from moderator.web import flag_answers
from moderator.web.app import Handler, Web
from workqueue.errors import QueueError


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    async def answer(request: Request, flag_id: int, call: Callable[[], str]) -> Response:
        try:
            message = await run_in_threadpool(call)
        except (ModeratorError, QueueError) as exc:
            return await flag_answers.refused(web, request, flag_id, exc)
        return await flag_answers.back(web, request, flag_id, message)

    async def report(request: Request) -> Response:
        flag_id, form = int(request.path_params["flag_id"]), request.scope["form"]
        to = "host" if form.get("to") == "host" else "platform"
        reference = str(form.get("reference") or "").strip()[:200] or None
        note = str(form.get("note") or "").strip()[:2000] or None
        username = request.scope["current"].user.username

        def call() -> str:
            responses.report(
                web.engine, web.config, flag_id, username, to=to, reference=reference, note=note
            )
            if to == "host":
                return "Recorded: the host was asked to remove it."
            return "Recorded: reported to the platform."

        return await answer(request, flag_id, call)

    async def reply(request: Request) -> Response:
        flag_id = int(request.path_params["flag_id"])
        username = request.scope["current"].user.username

        def call() -> str:
            done = responses.reply(web.engine, web.config, flag_id, username)
            status = done.requested[0].status if done.requested else "pending"
            return REPLY_WORDS.get(status, REPLY_WORDS["pending"])

        return await answer(request, flag_id, call)

    return [
        Route("/flags/{flag_id:id}/report", guard(report), methods=["POST"]),
        Route("/flags/{flag_id:id}/reply", guard(reply), methods=["POST"]),
    ]


#: What the page says after a reply was approved, by where its outbox action stands.
REPLY_WORDS = {
    "confirmed": "The complaint reply was posted under the comment.",
    "manual": "This source cannot post: post the reply under the comment by hand.",
    "failed": "The platform refused the reply: post it under the comment by hand.",
    "pending": "The complaint reply is sent on the next scan.",
    "sending": "The complaint reply was sent; it is checked on the platform before any resend.",
}
