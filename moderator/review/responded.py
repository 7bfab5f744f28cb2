"""The read side of the school's responses (``responses``): whether a poster is blocked on
each platform, the reports recorded on flags, the complaint replies posted. Queries only, for
the queue, the case view, the web and the evidence bundle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderator.ingest.responses import BLOCKING
from moderator.store.models import Action, AuditEvent, Comment, Poster
from workqueue.states import ActionStatus

#: Platforms a poster can be blocked on (through the API, or by hand with instructions).
BLOCKABLE = ("facebook", "instagram")
#: Where a comment was reported -> the flag's audit event that records it.
REPORT_ACTIONS = {"platform": "reported_to_platform", "host": "host_asked_to_remove"}


def blocks(session: Session, poster: Poster) -> dict[str, Any]:
    """Whether ``poster`` is blocked on each platform they have an account on (``blocked``:
    true only when the platform confirmed it), and each block or unblock asked for."""
    accounts = [a for a in poster.accounts if a.platform in BLOCKABLE]
    state = {platform: False for platform in dict.fromkeys(a.platform for a in accounts)}
    rows = session.execute(
        select(Action, Comment.source_id, Comment.author_account_id)
        .join(Comment, Comment.id == Action.comment_id)
        .where(
            Comment.author_account_id.in_([a.id for a in accounts]),
            Action.kind.in_(BLOCKING),
        )
        .order_by(Action.id)
    ).all()
    confirmed: dict[tuple[int, int | None], Action] = {}
    for action, source_id, account_id in rows:
        if action.status == ActionStatus.CONFIRMED:
            confirmed[(source_id, account_id)] = action
    by_id = {a.id: a for a in accounts}
    for (_, account_id), action in confirmed.items():
        if action.kind == "block":
            state[by_id[account_id or 0].platform] = True
    return {
        "blocked": state,
        "block_actions": tuple(
            {
                "id": action.id,
                "kind": action.kind,
                "platform": by_id[account_id or 0].platform,
                "account": by_id[account_id or 0].platform_author_id,
                "status": action.status,
                "requested_by": action.requested_by,
                "requested_at": action.requested_at.isoformat(),
                "confirmed_at": action.confirmed_at.isoformat() if action.confirmed_at else None,
                "instructions": action.instructions,
                "last_error": action.last_error,
            }
            for action, _, account_id in rows
        ),
    }


def reports(session: Session, flag_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """``{flag: [report, ...]}``: the reports recorded on these flags (their audit events),
    oldest first."""
    found: dict[int, list[dict[str, Any]]] = {}
    to = {action: where for where, action in REPORT_ACTIONS.items()}
    for event in session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == "flag",
            AuditEvent.subject_id.in_(list(flag_ids)),
            AuditEvent.action.in_(list(to)),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ):
        found.setdefault(event.subject_id or 0, []).append(
            {
                "to": to[event.action],
                "by": event.actor,
                "at": event.at.isoformat(),
                "reference": event.detail.get("reference"),
                "note": event.detail.get("note"),
            }
        )
    return found


def replied(session: Session, flag_ids: Iterable[int]) -> set[int]:
    """The flags whose complaint reply the platform confirmed posted."""
    return {
        flag_id
        for flag_id in session.scalars(
            select(Action.flag_id).where(
                Action.flag_id.in_(list(flag_ids)),
                Action.kind == "reply",
                Action.status == ActionStatus.CONFIRMED,
            )
        )
        if flag_id is not None
    }
