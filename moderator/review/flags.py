"""Reading the flag queue: ``queue list`` (most severe and oldest first) and ``queue show``."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from moderator.review import responded, visibility
from moderator.store.models import (
    Action,
    AuditEvent,
    Comment,
    EvidenceSnapshot,
    Flag,
    FlagTarget,
    Letter,
)
from workqueue import harassment
from workqueue.ladder import DEFAULT_INCIDENT_CATEGORIES, rank
from workqueue.states import FlagStatus


def queue(
    session: Session,
    *,
    statuses: Collection[FlagStatus] = (),
    route: str | None = None,
    hide_dsl: bool = False,
    counted: Collection[str] = DEFAULT_INCIDENT_CATEGORIES,
) -> list[dict[str, Any]]:
    """Flags in the shape ``queue list --json`` promises (its documented keys), with additions;
    with ``hide_dsl``, only what a user who is not the DSL may see."""
    viewer = visibility.STAFF if hide_dsl else visibility.EVERYTHING
    query = select(Flag).options(
        joinedload(Flag.comment).joinedload(Comment.source),
        joinedload(Flag.classification),
        selectinload(Flag.targets),
    )
    if statuses:
        query = query.where(Flag.status.in_(list(statuses)))
    if route:
        query = query.where(Flag.route == route)
    query = query.where(*visibility.flag_conditions(viewer))
    flags = session.scalars(query).unique().all()
    manual = hidden_by_hand(session)
    courses = conduct(session, {f.poster_id for f in flags if f.poster_id}, counted, viewer)
    flags = sorted(flags, key=lambda f: (-rank(f.step), f.posted_at, f.id))
    done = _responses(session, [f.id for f in flags])
    return [
        {**_item(flag, flag.id in manual, courses.get(flag.poster_id or 0, {})), **done(flag.id)}
        for flag in flags
    ]


def _responses(session: Session, ids: list[int]) -> Callable[[int], dict[str, Any]]:
    """What the school did about each flag outside the queue: reported to the platform, the
    host asked to remove it, the complaint reply posted."""
    reports = responded.reports(session, ids)
    replied = responded.replied(session, ids)
    return lambda flag_id: {
        "reported": any(r["to"] == "platform" for r in reports.get(flag_id, [])),
        "host_asked_to_remove": any(r["to"] == "host" for r in reports.get(flag_id, [])),
        "replied": flag_id in replied,
    }


def hidden_by_hand(session: Session, flag_id: int | None = None) -> set[int]:
    """Flags the policy would hide that staff must hide by hand: a source that cannot act, or
    a platform that refused (all flags, or just ``flag_id``)."""
    query = select(Action.flag_id).where(
        Action.kind == "hide", Action.status.in_(("manual", "failed"))
    )
    if flag_id is not None:
        query = query.where(Action.flag_id == flag_id)
    return {found for found in session.scalars(query) if found is not None}


def conduct(
    session: Session,
    poster_ids: Iterable[int],
    counted: Collection[str],
    viewer: visibility.Viewer = visibility.EVERYTHING,
) -> dict[int, dict[str, list[int]]]:
    """``{poster: {person: [flag ids]}}``: possible courses of conduct (harassment), in the
    flags ``viewer`` may see (a person named only for the DSL is never named to others)."""
    ids = set(poster_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Flag.poster_id, Flag.id, Flag.categories, FlagTarget.name)
        .join(FlagTarget, FlagTarget.flag_id == Flag.id)
        .where(
            Flag.poster_id.in_(ids),
            Flag.breach.is_not(False),  # not dismissed
            *visibility.flag_conditions(viewer),
        )
    ).all()
    pairs: dict[int, list[tuple[int, str]]] = {}
    for poster_id, flag_id, categories, name in rows:
        if set(categories) & set(counted):
            pairs.setdefault(poster_id, []).append((flag_id, name))
    return {
        poster: found
        for poster, targeted in pairs.items()
        if (found := harassment.courses_of_conduct(targeted))
    }


def _item(flag: Flag, hide_by_hand: bool, courses: dict[str, list[int]]) -> dict[str, Any]:
    comment = flag.comment
    targets = [t.name for t in flag.targets]
    return {
        "id": flag.id,
        "comment_id": comment.platform_comment_id,
        "platform": comment.source.platform,
        "source": comment.source.name,
        "author": comment.author_name,
        "text": comment.text,
        "categories": list(flag.categories),
        "status": flag.status.value,
        "step": flag.step.value if flag.step else None,
        "hidden": flag.hidden,
        # additions to the contract (it allows adding keys):
        "step_reason": flag.step_reason,
        "route": flag.route,
        "reasons": list(flag.classification.reasons),
        "targets": targets,
        "possible_harassment": [name for name in targets if flag.id in courses.get(name, [])],
        "case": flag.poster_id,
        "claimed_by": flag.claimed_by,
        "escalated_step": flag.escalated_step.value if flag.escalated_step else None,
        "awaiting_second_person": flag.proposed_step.value if flag.proposed_step else None,
        "proposed_by": flag.proposed_by,
        "hide_recommended": flag.classification.hide,
        "hide_by_hand": hide_by_hand,
        "created_time": comment.created_time.isoformat() if comment.created_time else None,
        "permalink": comment.permalink,
    }


def show(
    session: Session,
    flag_id: int,
    counted: Collection[str] = DEFAULT_INCIDENT_CATEGORIES,
    viewer: visibility.Viewer = visibility.EVERYTHING,
) -> dict[str, Any] | None:
    """One flag in full: the queue item plus scores, spans, evidence, actions and history;
    None when there is no such flag or ``viewer`` may not see it."""
    flag = session.get(Flag, flag_id)
    if flag is None or not visibility.shows(viewer, flag):
        return None
    hide_by_hand = flag.id in hidden_by_hand(session, flag.id)
    courses = conduct(session, [flag.poster_id] if flag.poster_id else [], counted, viewer)
    item = _item(flag, hide_by_hand, courses.get(flag.poster_id or 0, {}))
    item.update(_responses(session, [flag.id])(flag.id))
    classification = flag.classification
    item.update(
        {
            "scores": dict(classification.scores),
            "spans": [list(span) for span in classification.spans],
            "model": f"{classification.model_name} {classification.model_version}",
            "poster": flag.poster.display_name if flag.poster else None,
            "targets_detail": [
                {"name": t.name, "kind": t.kind, "added_by": t.added_by} for t in flag.targets
            ],
            "evidence": [
                {"id": e.id, "captured_at": e.captured_at.isoformat(), "sha256": e.sha256}
                for e in session.scalars(
                    select(EvidenceSnapshot)
                    .where(EvidenceSnapshot.comment_id == flag.comment_id)
                    .order_by(EvidenceSnapshot.id)
                )
            ],
            "actions": [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "status": a.status,
                    "requested_at": a.requested_at.isoformat(),
                    "confirmed_at": a.confirmed_at.isoformat() if a.confirmed_at else None,
                    "last_error": a.last_error,
                    "reference": a.reference,
                    "instructions": a.instructions,
                    "requested_by": a.requested_by,
                }
                for a in session.scalars(
                    select(Action).where(Action.flag_id == flag.id).order_by(Action.id)
                )
            ],
            "letters": [
                {"id": letter.id, "kind": letter.kind, "created_by": letter.created_by}
                for letter in session.scalars(
                    select(Letter).where(Letter.flag_id == flag.id).order_by(Letter.id)
                )
            ],
            "reports": responded.reports(session, [flag.id]).get(flag.id, []),
            "history": history(session, flag.id),
        }
    )
    return item


def history(session: Session, flag_id: int) -> list[dict[str, Any]]:
    """The flag's audit events, oldest first: who, when, what and why."""
    return [
        {
            "at": event.at.isoformat(),
            "who": event.actor,
            "what": event.action,
            "why": event.detail.get("why"),
            "detail": {k: v for k, v in event.detail.items() if k != "why"},
        }
        for event in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "flag", AuditEvent.subject_id == flag_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    ]
