"""The queue, a flag and its actions, the safeguarding view and the audit log.

Every action goes through ``moderator.review.decisions`` (or ``evidence.bundle``) as the signed-in user,
so the server enforces roles, the two-person police rule, claims and stale readings whatever the
browser sends. A refusal comes back to the page as a message (worded by ``web.words``, kept in
the session until the next page: never in the URL), never a traceback. A flag the user may not
see answers the same 404 to every request, GET or POST, whether or not it exists.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from moderator.errors import ModeratorError
from moderator.evidence import bundle, capture_png, custody, drawing, viewing
from moderator.evidence.dossier import EvidenceError
from moderator.policy import categories
from moderator.review import cases, claims, decisions, flags, visibility
from moderator.review.records import values_of
from moderator.store.models import AuditEvent, EvidenceSnapshot, Flag, Letter
from moderator.web import flag_answers, listing, sessions, words
from moderator.web.app import Handler, Web
from workqueue.errors import QueueError
from workqueue.ladder import Step, rank
from workqueue.states import FlagStatus, can_move

AUDIT_PER_PAGE = 100
VERBS = {"confirm", "dismiss", "close", "reopen", "escalate"}


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    permissions = web.config.escalation.permissions

    def may(request: Request, what: str) -> bool:
        return permissions.allows(request.scope["current"].user.role, what)

    def viewer(request: Request) -> visibility.Viewer:
        return visibility.Viewer.of(request.scope["current"].user.role, permissions)

    not_yours = partial(flag_answers.not_yours, web)
    back = partial(flag_answers.back, web)
    refused = partial(flag_answers.refused, web)

    async def visible(request: Request, flag_id: int) -> bool:
        return bool(await web.run(_visible, flag_id, viewer(request)))

    async def queue(request: Request) -> Response:
        filters = listing.Filters.parse(request.query_params)
        message = await web.run(sessions.take_flash, request.scope["current"].session_id)
        rows, total, names = await web.run(_queue, filters, viewer(request))
        pages = max(1, -(-total // listing.PER_PAGE))
        return web.render(
            request,
            "queue.html",
            rows=rows,
            total=total,
            filters=filters,
            pages=pages,
            targets=names,
            statuses=[s.value for s in FlagStatus],
            message=message,
            title="Flag queue",
        )

    async def safeguarding(request: Request) -> Response:
        if not may(request, "safeguarding"):
            return web.render(
                request,
                "error.html",
                403,
                message="The safeguarding view is for the Designated Safeguarding Lead.",
            )
        rows = await web.run(_dsl_rows)
        return web.render(request, "safeguarding.html", rows=rows, title="Safeguarding")

    async def flag(request: Request) -> Response:
        flag_id = _id(request)
        who = _who(request)
        found = await web.run(_flag_page, web, flag_id, who, viewer(request))
        if found is None:
            return not_yours(request, flag_id)
        message = await web.run(sessions.take_flash, request.scope["current"].session_id)
        allowed = [s for s in Step if s is not Step.REVIEW and may(request, _permission(s))]
        verbs, steps = _offered(found, allowed)
        if found.status == FlagStatus.CONFIRMED and may(request, "reopen_confirmed"):
            verbs.add("reopen")
        return web.render(
            request,
            "flag.html",
            f=found,
            steps=steps,
            verbs=verbs,
            may_reply=may(request, "reply"),
            message=message,
            title=f"Flag {flag_id}",
        )

    async def decide(request: Request) -> Response:
        flag_id, form = _id(request), request.scope["form"]
        verb, _, step_name = str(form.get("verb") or "").partition(":")
        note = str(form.get("note") or "").strip()[:2000] or None
        if not await visible(request, flag_id):
            return not_yours(request, flag_id)
        if verb not in VERBS or (verb == "escalate" and step_name not in {s.value for s in Step}):
            return await back(request, flag_id, "That is not a decision this page offers.")
        step = Step(step_name) if verb == "escalate" else None
        username = request.scope["current"].user.username
        try:
            outcome = await run_in_threadpool(
                decisions.decide,
                web.engine,
                web.config,
                flag_id,
                username,
                verb,
                step=step,
                note=note,
            )
        except (ModeratorError, QueueError) as exc:
            return await refused(request, flag_id, exc)
        return await back(request, flag_id, words.outcome(outcome))

    async def claim(request: Request) -> Response:
        username = request.scope["current"].user.username
        try:
            taken = await run_in_threadpool(claims.claim, web.engine, web.config, username, 1)
        except (ModeratorError, QueueError) as exc:
            return web.render(request, "error.html", 403, message=words.refusal(exc))
        if not taken:
            await web.run(
                sessions.flash,
                request.scope["current"].session_id,
                "Nothing to claim: the queue has no new or hidden flags you may see.",
            )
            return RedirectResponse("/", status_code=303)
        return await back(request, taken[0], "Claimed for you for review.")

    async def release(request: Request) -> Response:
        flag_id = _id(request)
        username = request.scope["current"].user.username
        if not await visible(request, flag_id):
            return not_yours(request, flag_id)
        try:
            await run_in_threadpool(decisions.release, web.engine, web.config, flag_id, username)
        except (ModeratorError, QueueError) as exc:
            return await refused(request, flag_id, exc)
        return await back(request, flag_id, "Put back in the queue.")

    async def export(request: Request) -> Response:
        flag_id = _id(request)
        username = request.scope["current"].user.username
        if not await visible(request, flag_id):
            return not_yours(request, flag_id)
        try:
            data, name = await run_in_threadpool(_export, web, flag_id, username)
        except (ModeratorError, QueueError) as exc:
            return await refused(request, flag_id, exc)
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(data, media_type="application/zip", headers=headers)

    async def capture(request: Request) -> Response:
        flag_id, seer, who = _id(request), viewer(request), _who(request)
        found = await run_in_threadpool(
            custody.retrying, web.engine, lambda session: _capture(session, flag_id, seer, who)
        )
        if found is None:
            return web.render(request, "error.html", 404, message="No capture image.")
        return Response(found, media_type="image/png")

    async def audit(request: Request) -> Response:
        if not (may(request, "safeguarding") or may(request, "legal")):
            return web.render(
                request,
                "error.html",
                403,
                message="The audit log is for the headteacher, the DSL and administrators.",
            )
        page = listing.Filters.parse(request.query_params).page
        events, total = await web.run(_audit, page, viewer(request))
        pages = max(1, -(-total // AUDIT_PER_PAGE))
        return web.render(
            request, "audit.html", events=events, page=page, pages=pages, title="Audit log"
        )

    async def letter(request: Request) -> Response:
        letter_id = int(request.path_params["letter_id"])
        found = await web.run(_letter, letter_id, viewer(request))
        if found is None:
            return web.render(
                request, "error.html", 404, message=f"There is no letter {letter_id} you may see."
            )
        return web.render(request, "letter.html", letter=found, title=f"Letter {letter_id}")

    return [
        Route("/", guard(queue), methods=["GET"]),
        Route("/letters/{letter_id:id}", guard(letter), methods=["GET"]),
        Route("/safeguarding", guard(safeguarding), methods=["GET"]),
        Route("/audit", guard(audit), methods=["GET"]),
        Route("/claim", guard(claim), methods=["POST"]),
        Route("/flags/{flag_id:id}", guard(flag), methods=["GET"]),
        Route("/flags/{flag_id:id}/capture.png", guard(capture), methods=["GET"]),
        Route("/flags/{flag_id:id}/decide", guard(decide), methods=["POST"]),
        Route("/flags/{flag_id:id}/release", guard(release), methods=["POST"]),
        Route("/flags/{flag_id:id}/export", guard(export), methods=["POST"]),
    ]


def _id(request: Request) -> int:
    return int(request.path_params["flag_id"])


def _who(request: Request) -> str:
    user = request.scope["current"].user
    return f"{user.username} ({user.full_name}, {user.role.value})"


def _offered(item: flags.FlagItem, allowed: Sequence[Step]) -> tuple[set[str], list[str]]:
    """The decisions that make sense from the flag's state (the server checks again)."""
    status = item.status
    moves = (
        ("confirm", FlagStatus.CONFIRMED),
        ("dismiss", FlagStatus.DISMISSED),
        ("escalate", FlagStatus.ESCALATED),
        ("close", FlagStatus.CLOSED),
    )
    verbs = {verb for verb, to in moves if can_move(status, to)}
    if status is FlagStatus.DISMISSED:
        verbs.add("reopen")
    taken = rank(item.escalated_step)
    proposed = item.awaiting_second_person
    steps = [s.value for s in allowed if "escalate" in verbs and (rank(s) > taken or s == proposed)]
    return verbs, steps


def _permission(step: Step) -> str:
    return "propose_police" if step is Step.POLICE else step.value


def _visible(session: Session, flag_id: int, viewer: visibility.Viewer) -> Flag | None:
    """The flag, when it exists and this user may see it."""
    flag = session.get(Flag, flag_id)
    if flag is None or not visibility.shows(viewer, flag):
        return None
    return flag


def _queue(
    session: Session, filters: listing.Filters, viewer: visibility.Viewer
) -> tuple[Any, int, list[str]]:
    rows, total = listing.page(session, filters, see_dsl=viewer.sees_dsl)
    return rows, total, listing.target_names(session, viewer)


def _dsl_rows(session: Session) -> list[listing.Row]:
    """Every flag routed to the DSL, whatever else is in the queue."""
    found: list[listing.Row] = []
    while True:
        filters = listing.Filters(
            status="all", route=categories.Route.DSL, page=len(found) // listing.PER_PAGE + 1
        )
        rows, total = listing.page(session, filters, see_dsl=True)
        found += rows
        if not rows or len(found) >= total:
            return found


@dataclass(frozen=True)
class FlagPage(flags.FlagDetail):
    """What the flag page shows: the flag in full, then the comment marked up at its spans and
    the latest snapshot as ``viewer`` may see it, the evidence and the case."""

    segments: list[tuple[str, str | None]]
    thread: dict[str, Any]
    post: dict[str, Any]
    media: list[Any]
    indecent_image_risk: bool
    redacted: bool
    evidence_detail: list[Any]
    case_view: cases.CaseView | None


def _flag_page(
    session: Session, web: Web, flag_id: int, who: str, viewer: visibility.Viewer
) -> FlagPage | None:
    flag = _visible(session, flag_id, viewer)
    if flag is None:
        return None
    counted = web.config.escalation.rule.incident_categories
    item = flags.show(session, flag_id, counted, viewer)
    if item is None:
        return None
    shots = session.scalars(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.comment_id == flag.comment_id)
        .order_by(EvidenceSnapshot.id)
    ).all()
    view = visibility.redact(session, viewer, json.loads(shots[-1].content) if shots else {})
    seen = {"via": "web flag page", **({"view": "redacted"} if view.redacted else {})}
    for shot in shots:
        custody.append(session, shot, who, "viewed", seen)
    latest = view.content
    return FlagPage(
        **values_of(item),
        segments=_segments(item.text, item.spans),
        thread=latest.get("thread") or {},
        post=latest.get("post") or {},
        media=latest.get("media") or [],
        indecent_image_risk=bool(latest.get("indecent_image_risk")),
        redacted=view.redacted,
        evidence_detail=viewing.describe(session, flag_id)["snapshots"],
        case_view=cases.view(session, web.config, flag.poster, viewer) if flag.poster else None,
    )


def _segments(text: str, spans: Sequence[Sequence[Any]]) -> list[tuple[str, str | None]]:
    """``text`` cut at the classifier's spans, each piece with its category (or None)."""
    marks: list[str | None] = [None] * len(text)
    for start, end, category in spans:
        for i in range(max(0, int(start)), min(len(text), int(end))):
            marks[i] = marks[i] or str(category)
    pieces: list[tuple[str, str | None]] = []
    for ch, mark in zip(text, marks, strict=True):
        if pieces and pieces[-1][1] == mark:
            pieces[-1] = (pieces[-1][0] + ch, mark)
        else:
            pieces.append((ch, mark))
    return pieces


def _export(web: Web, flag_id: int, username: str) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"evidence-flag-{flag_id}.zip"
        bundle.export(web.engine, web.config, str(flag_id), out, actor=username, username=username)
        return out.read_bytes(), out.name


def _capture(session: Session, flag_id: int, viewer: visibility.Viewer, who: str) -> bytes | None:
    """The latest snapshot's capture image (drawn and recorded now if no one has drawn it yet),
    or, when it shows what ``viewer`` may not see, one drawn from the redacted view of the
    snapshot (and labelled so)."""
    flag = _visible(session, flag_id, viewer)
    if flag is None:
        return None
    shot = session.scalars(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.comment_id == flag.comment_id)
        .order_by(EvidenceSnapshot.id.desc())
        .limit(1)
    ).first()
    if shot is None:
        return None
    view = visibility.redact(session, viewer, json.loads(shot.content))
    if view.redacted:
        return capture_png.render(view.content, shot.sha256)
    try:
        return drawing.ensure(session, shot, who, "drawn for the flag's page")
    except EvidenceError:
        return None


def _letter(session: Session, letter_id: int, viewer: visibility.Viewer) -> dict[str, Any] | None:
    found = session.get(Letter, letter_id)
    if found is None:
        return None
    flag = session.get(Flag, found.flag_id)
    if flag is not None and not visibility.shows(viewer, flag):
        return None
    return {
        "id": found.id,
        "kind": found.kind,
        "text": found.text,
        "sha256": found.sha256,
        "created_by": found.created_by,
        "created_at": found.created_at,
        "flag_id": found.flag_id,
    }


def _audit(
    session: Session, page: int, viewer: visibility.Viewer
) -> tuple[list[AuditEvent | dict[str, Any]], int]:
    """A page of the audit log; what was recorded about a flag ``viewer`` may not see (a DSL's
    note, a person named) is withheld."""
    total = session.scalar(select(func.count(AuditEvent.id))) or 0
    events = session.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * AUDIT_PER_PAGE)
        .limit(AUDIT_PER_PAGE)
    ).all()
    ids = {e.subject_id for e in events if e.subject_type == "flag" and e.subject_id is not None}
    hidden = set(
        session.scalars(
            select(Flag.id).where(Flag.id.in_(ids), *visibility.hidden_conditions(viewer))
        )
    )
    shown: list[AuditEvent | dict[str, Any]] = [
        _withheld(e) if e.subject_type == "flag" and e.subject_id in hidden else e for e in events
    ]
    return shown, int(total)


def _withheld(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "actor": event.actor,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "detail": {"detail": visibility.WITHHELD_DETAIL},
    }
