"""Reading the flag queue: ``queue list`` (most severe and oldest first) and ``queue show``,
as typed read models (:class:`FlagItem`, :class:`FlagDetail`) whose ``to_json()`` is the JSON
the command line prints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from moderator.review import removals, responded, visibility
from moderator.review.records import Record, values_of
from moderator.store.models import (
    Action,
    AuditEvent,
    Comment,
    EvidenceSnapshot,
    Flag,
    FlagTarget,
    Letter,
)
from workqueue.harassment import courses_of_conduct
from workqueue.ladder import DEFAULT_INCIDENT_CATEGORIES, Step, rank
from workqueue.states import FlagStatus


@dataclass(frozen=True)
class FlagItem(Record):
    """A flag in the queue: the contract's fields (interface.md, ``queue list --json``) first,
    then additions (the contract allows adding keys)."""

    id: int
    comment_id: str
    platform: str
    source: str
    author: str | None
    text: str
    categories: tuple[str, ...]
    status: FlagStatus
    step: Step | None
    hidden: bool
    step_reason: str | None
    route: str | None  #: a :class:`moderator.policy.categories.Route` value
    reasons: tuple[str, ...]
    targets: tuple[str, ...]
    possible_harassment: tuple[str, ...]  #: targets of a possible course of conduct
    case: int | None  #: the poster's case
    claimed_by: str | None
    escalated_step: Step | None
    awaiting_second_person: Step | None  #: a proposed rung (police) not yet confirmed
    proposed_by: str | None
    hide_recommended: bool
    hide_by_hand: bool
    created_time: dt.datetime | None
    permalink: str | None
    reported: bool  #: reported through the platform's own reporting flow (``queue report``)
    host_asked_to_remove: bool  #: the host was asked to remove it (``queue report --host``)
    replied: bool  #: the complaint reply was posted under it (``queue reply``)
    edited: bool  #: a later reading differed from the text recorded
    deleted: bool  #: read as gone from the platform (the record and evidence stay)
    removal_requested: bool  #: a letter asked the poster to remove it
    removal_done: bool  #: asked, and removed


@dataclass(frozen=True)
class TargetDetail(Record):
    name: str
    kind: str  #: staff, pupil or other
    added_by: str | None  #: None when the classifier named them


@dataclass(frozen=True)
class EvidenceRef(Record):
    id: int
    captured_at: dt.datetime
    sha256: str


@dataclass(frozen=True)
class ActionRef(Record):
    """A hide or unhide on the platform (the outbox)."""

    id: int
    kind: str
    status: str
    requested_at: dt.datetime
    confirmed_at: dt.datetime | None
    last_error: str | None
    reference: str | None = None  #: the platform's id for what it did (the reply posted)
    instructions: str | None = None  #: for a manual action: what a person does by hand
    requested_by: str | None = None


@dataclass(frozen=True)
class LetterRef(Record):
    id: int
    kind: str
    created_by: str


@dataclass(frozen=True)
class HistoryEvent(Record):
    """One audit event on a flag: who, when, what and why."""

    at: dt.datetime
    who: str
    what: str
    why: str | None
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class FlagDetail(FlagItem):
    """One flag in full (``queue show``): the queue item, then scores, spans, evidence,
    actions, letters and history."""

    scores: Mapping[str, float]
    spans: tuple[tuple[Any, ...], ...]  #: (start, end, category), offsets into ``text``
    model: str  #: the classifier's name and version
    poster: str | None
    targets_detail: tuple[TargetDetail, ...]
    evidence: tuple[EvidenceRef, ...]
    actions: tuple[ActionRef, ...]
    letters: tuple[LetterRef, ...]
    history: tuple[HistoryEvent, ...]
    reports: tuple[Mapping[str, Any], ...]  #: to the platform or the host: who, when, reference


def queue(
    session: Session,
    *,
    statuses: Collection[FlagStatus] = (),
    route: str | None = None,
    hide_dsl: bool = False,
    counted: Collection[str] = DEFAULT_INCIDENT_CATEGORIES,
) -> list[FlagItem]:
    """Flags in the contract's shape (``queue list --json``, docs/commands.md), with additions;
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
    marked = removals.marks(session, flags)  # edited, deleted, removal requested and done
    return [
        _item(
            flag,
            flag.id in manual,
            courses.get(flag.poster_id or 0, {}),
            done(flag.id),
            marked[flag.id],
        )
        for flag in flags
    ]


def _responses(session: Session, ids: list[int]) -> Callable[[int], dict[str, bool]]:
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
        if (found := courses_of_conduct(targeted))
    }


def _item(
    flag: Flag,
    hide_by_hand: bool,
    courses: dict[str, list[int]],
    done: dict[str, bool],
    marks: removals.Marks,
) -> FlagItem:
    comment = flag.comment
    targets = tuple(t.name for t in flag.targets)
    return FlagItem(
        id=flag.id,
        comment_id=comment.platform_comment_id,
        platform=comment.source.platform,
        source=comment.source.name,
        author=comment.author_name,
        text=comment.text,
        categories=tuple(flag.categories),
        status=flag.status,
        step=flag.step,
        hidden=flag.hidden,
        step_reason=flag.step_reason,
        route=flag.route,
        reasons=tuple(flag.classification.reasons),
        targets=targets,
        possible_harassment=tuple(n for n in targets if flag.id in courses.get(n, [])),
        case=flag.poster_id,
        claimed_by=flag.claimed_by,
        escalated_step=flag.escalated_step,
        awaiting_second_person=flag.proposed_step,
        proposed_by=flag.proposed_by,
        hide_recommended=flag.classification.hide,
        hide_by_hand=hide_by_hand,
        created_time=comment.created_time,
        permalink=comment.permalink,
        **done,
        edited=marks.edited,
        deleted=marks.deleted,
        removal_requested=marks.removal_requested,
        removal_done=marks.removal_done,
    )


def show(
    session: Session,
    flag_id: int,
    counted: Collection[str] = DEFAULT_INCIDENT_CATEGORIES,
    viewer: visibility.Viewer = visibility.EVERYTHING,
) -> FlagDetail | None:
    """One flag in full: the queue item plus scores, spans, evidence, actions and history;
    None when there is no such flag or ``viewer`` may not see it."""
    flag = session.get(Flag, flag_id)
    if flag is None or not visibility.shows(viewer, flag):
        return None
    hide_by_hand = flag.id in hidden_by_hand(session, flag.id)
    courses = conduct(session, [flag.poster_id] if flag.poster_id else [], counted, viewer)
    item = _item(
        flag,
        hide_by_hand,
        courses.get(flag.poster_id or 0, {}),
        _responses(session, [flag.id])(flag.id),
        removals.marks(session, [flag])[flag.id],
    )
    classification = flag.classification
    return FlagDetail(
        **values_of(item),
        scores=dict(classification.scores),
        spans=tuple(tuple(span) for span in classification.spans),
        model=f"{classification.model_name} {classification.model_version}",
        poster=flag.poster.display_name if flag.poster else None,
        targets_detail=tuple(TargetDetail(t.name, t.kind, t.added_by) for t in flag.targets),
        evidence=tuple(
            EvidenceRef(e.id, e.captured_at, e.sha256)
            for e in session.scalars(
                select(EvidenceSnapshot)
                .where(EvidenceSnapshot.comment_id == flag.comment_id)
                .order_by(EvidenceSnapshot.id)
            )
        ),
        actions=tuple(
            ActionRef(
                a.id,
                a.kind,
                a.status,
                a.requested_at,
                a.confirmed_at,
                a.last_error,
                a.reference,
                a.instructions,
                a.requested_by,
            )
            for a in session.scalars(
                select(Action).where(Action.flag_id == flag.id).order_by(Action.id)
            )
        ),
        letters=tuple(
            LetterRef(letter.id, letter.kind, letter.created_by)
            for letter in session.scalars(
                select(Letter).where(Letter.flag_id == flag.id).order_by(Letter.id)
            )
        ),
        history=history(session, flag.id),
        reports=tuple(responded.reports(session, [flag.id]).get(flag.id, [])),
    )


def history(session: Session, flag_id: int) -> tuple[HistoryEvent, ...]:
    """The flag's audit events, oldest first: who, when, what and why."""
    return tuple(
        HistoryEvent(
            at=event.at,
            who=event.actor,
            what=event.action,
            why=event.detail.get("why"),
            detail={k: v for k, v in event.detail.items() if k != "why"},
        )
        for event in session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "flag", AuditEvent.subject_id == flag_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
