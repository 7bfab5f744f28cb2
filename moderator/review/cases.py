"""Cases: one per poster, across platforms. A poster's accounts (a Facebook author, an Instagram
username, a name given in a report) can be linked into one case by a moderator.

``POSTER`` on the command line is a case number, an account id or username, or a name; an
ambiguous name is an error listing the candidates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.ingest.recording import audit
from moderator.review import escalation, flags, removals, responded, users, visibility
from moderator.review.records import Record
from moderator.settings.config import SchoolConfig
from moderator.store.models import AuthorAccount, Flag, Letter, Poster, utcnow
from workqueue import ladder
from workqueue.ladder import Incident, Step, rank
from workqueue.states import FlagStatus


class CaseError(ModeratorError):
    """A case cannot be found or changed."""


@dataclass(frozen=True)
class Account(Record):
    """One of a poster's accounts on a platform."""

    platform: str
    id: str  #: the platform's id for the author (``name:...`` for a name given in a report)
    name: str | None


@dataclass(frozen=True)
class CaseSummary(Record):
    """A line of ``cases list``."""

    case: int
    name: str
    accounts: tuple[Account, ...]
    flags: int
    last_flagged: dt.datetime | None


@dataclass(frozen=True)
class Course(Record):
    """Possible harassment: two or more incidents naming the same person."""

    target: str
    flags: tuple[int, ...]


@dataclass(frozen=True)
class CaseFlag(Record):
    id: int
    status: FlagStatus
    categories: tuple[str, ...]
    step: Step | None
    step_reason: str | None
    escalated_step: Step | None
    platform: str
    author: str | None
    posted: dt.datetime
    text: str
    targets: tuple[str, ...]
    hidden: bool
    edited: bool  #: a later reading differed from the text recorded
    deleted: bool  #: read as gone from the platform (the record and evidence stay)
    removal_requested: bool  #: a letter asked the poster to remove it
    removal_done: bool  #: asked, and removed


@dataclass(frozen=True)
class CaseLetter(Record):
    id: int
    kind: str
    flag: int
    created_by: str
    created_at: dt.datetime
    sha256: str


@dataclass(frozen=True)
class CaseView(Record):
    """``cases show``: a poster's accounts, incidents, the ladder so far, harassment, letters."""

    case: int
    name: str
    accounts: tuple[Account, ...]
    linked_cases: tuple[int, ...]
    incidents: int  #: undismissed incidents the ladder counts
    highest_step_taken: Step | None
    next_incident_would_recommend: Step | None
    next_incident_reason: str
    possible_harassment: tuple[Course, ...]
    awaiting_second_person: tuple[int, ...]  #: flags with a police referral to confirm
    flags: tuple[CaseFlag, ...]
    letters: tuple[CaseLetter, ...]
    blocked: Mapping[str, bool]  #: per platform: the platform confirmed a block standing now
    block_actions: tuple[Mapping[str, Any], ...]  #: each block or unblock asked for
    removal_requests: tuple[removals.RemovalRequest, ...]  #: letters asking for removal


def resolve(session: Session, ref: str) -> Poster:
    """The poster (following links) that ``ref`` names."""
    ref = ref.strip()
    found: dict[int, Poster] = {}
    if ref.isdigit():
        poster = session.get(Poster, int(ref))
        if poster is not None:
            found[poster.id] = _current(session, poster)
    if not found:
        folded = ref.casefold()
        accounts = session.scalars(
            select(AuthorAccount).where(
                or_(
                    AuthorAccount.platform_author_id == ref,
                    AuthorAccount.platform_author_id == f"name:{ref}",
                    func.lower(AuthorAccount.name) == folded,
                )
            )
        ).all()
        for account in accounts:
            poster = _current(session, account.poster)
            found[poster.id] = poster
        for poster in session.scalars(
            select(Poster).where(func.lower(Poster.display_name) == folded)
        ):
            poster = _current(session, poster)
            found[poster.id] = poster
    if not found:
        raise CaseError(f"no poster matches {ref!r}; `moderator cases list` shows them")
    if len(found) > 1:
        options = "; ".join(f"case {p.id} ({_accounts_line(p)})" for p in found.values())
        raise CaseError(f"{ref!r} matches more than one poster: {options}; use the case number")
    return next(iter(found.values()))


def _current(session: Session, poster: Poster) -> Poster:
    seen = set()
    while poster.merged_into_id is not None and poster.id not in seen:
        seen.add(poster.id)
        poster = session.get_one(Poster, poster.merged_into_id)
    return poster


def _accounts_line(poster: Poster) -> str:
    return ", ".join(f"{a.platform} {a.name or a.platform_author_id}" for a in poster.accounts)


def link(
    session: Session, config: SchoolConfig, keep_ref: str, other_ref: str, username: str, note: str
) -> Poster:
    """Make ``other``'s accounts, flags and letters part of ``keep``'s case."""
    user = users.acting(session, username)
    config.escalation.permissions.check(user.username, user.role, "review")
    keep, other = resolve(session, keep_ref), resolve(session, other_ref)
    if keep.id == other.id:
        raise CaseError(f"{keep_ref!r} and {other_ref!r} are already the same case ({keep.id})")
    moved = [f"{a.platform}:{a.platform_author_id}" for a in other.accounts]
    for model in (AuthorAccount, Flag, Letter):
        session.execute(update(model).where(model.poster_id == other.id).values(poster_id=keep.id))
    other.merged_into_id = keep.id
    audit(
        session,
        user.username,
        "accounts_linked",
        "poster",
        keep.id,
        why=note or "the same person",
        merged_case=other.id,
        accounts=moved,
    )
    session.flush()
    session.expire_all()
    escalation.refresh(session, [keep.id], config.escalation.rule)
    return session.get_one(Poster, keep.id)


def summaries(session: Session) -> list[CaseSummary]:
    """Every case with flags, the most recent first."""
    rows = session.execute(
        select(Poster, func.count(Flag.id), func.max(Flag.created_at))
        .join(Flag, Flag.poster_id == Poster.id)
        .where(Poster.merged_into_id.is_(None))
        .group_by(Poster.id)
        .order_by(func.max(Flag.created_at).desc())
    ).all()
    return [
        CaseSummary(poster.id, poster.display_name, _accounts(poster), count, last)
        for poster, count, last in rows
    ]


def view(
    session: Session,
    config: SchoolConfig,
    poster: Poster,
    viewer: visibility.Viewer = visibility.EVERYTHING,
) -> CaseView:
    """The case: accounts, flags, the ladder so far, possible harassment, letters. The flags
    and letters listed, and the people named, are those ``viewer`` may see; the counts and the
    ladder count every incident."""
    rule = config.escalation.rule
    every_flag = session.scalars(
        select(Flag).where(Flag.poster_id == poster.id).order_by(Flag.created_at, Flag.id)
    ).all()
    poster_flags = [f for f in every_flag if visibility.shows(viewer, f)]
    history = escalation.incidents(session, [poster.id])[poster.id]
    counted = [
        i for i in history if not i.dismissed and set(i.categories) & rule.incident_categories
    ]
    nxt = _next(history, rule)
    found = flags.conduct(session, [poster.id], rule.incident_categories, viewer)
    courses = found.get(poster.id, {})
    linked = _linked(session, poster)
    marks = removals.marks(session, poster_flags)
    return CaseView(
        case=poster.id,
        name=poster.display_name,
        accounts=_accounts(poster),
        linked_cases=tuple(linked),
        incidents=len(counted),
        highest_step_taken=ladder.highest(f.escalated_step for f in every_flag),
        next_incident_would_recommend=nxt.step,
        next_incident_reason=nxt.reason,
        possible_harassment=tuple(
            Course(name, tuple(ids)) for name, ids in sorted(courses.items())
        ),
        awaiting_second_person=tuple(f.id for f in poster_flags if f.proposed_step is not None),
        flags=tuple(
            CaseFlag(
                id=f.id,
                status=f.status,
                categories=tuple(f.categories),
                step=f.step,
                step_reason=f.step_reason,
                escalated_step=f.escalated_step,
                platform=f.comment.source.platform,
                author=f.comment.author_name,
                posted=f.posted_at,
                text=f.comment.text,
                targets=tuple(t.name for t in f.targets),
                hidden=f.hidden,
                edited=marks[f.id].edited,
                deleted=marks[f.id].deleted,
                removal_requested=marks[f.id].removal_requested,
                removal_done=marks[f.id].removal_done,
            )
            for f in poster_flags
        ),
        letters=tuple(
            CaseLetter(
                letter.id,
                letter.kind,
                letter.flag_id,
                letter.created_by,
                letter.created_at,
                letter.sha256,
            )
            for letter in session.scalars(
                select(Letter)
                .join(Flag, Flag.id == Letter.flag_id)
                .where(
                    Letter.poster_id.in_([poster.id, *linked]),
                    *visibility.flag_conditions(viewer),
                )
                .order_by(Letter.id)
            )
        ),
        **responded.blocks(session, poster),
        removal_requests=removals.for_case(
            session, config, [poster.id, *linked], {f.id for f in poster_flags}
        ),
    )


def _linked(session: Session, poster: Poster) -> list[int]:
    """The cases linked into this one, directly or through another."""
    found: list[int] = []
    frontier = [poster.id]
    while frontier:
        children = session.scalars(select(Poster.id).where(Poster.merged_into_id.in_(frontier)))
        frontier = [child for child in children if child not in found]
        found += frontier
    return found


def _accounts(poster: Poster) -> tuple[Account, ...]:
    return tuple(Account(a.platform, a.platform_author_id, a.name) for a in poster.accounts)


def _next(history: list[Incident], rule: ladder.LadderRule) -> ladder.Recommendation:
    """What one more incident (of the lowest severity) would recommend today."""
    probe = Incident(
        id=-1,
        at=max([utcnow(), *(i.at for i in history)]) + dt.timedelta(seconds=1),
        categories=tuple(sorted(rule.incident_categories))[:1],
        floor=None,
    )
    advice = ladder.recommend([*history, probe], rule)[-1]
    if rank(advice.step) == 0:
        return ladder.Recommendation(None, "no incidents")
    return advice
