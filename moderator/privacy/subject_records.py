"""The typed records of a subject access export (``privacy.sar``): the person
(``subject.json``), their comments (``comments.json``) and the flags on them (``flags.json``).
Each record's ``to_json()`` is what the zip holds; the field names are those the export's
README explains to the person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderator.review import visibility
from moderator.review.cases import Account
from moderator.review.records import Record
from moderator.store.models import Action, Classification, Comment, Flag, Poster
from workqueue.ladder import Step
from workqueue.states import FlagStatus


@dataclass(frozen=True)
class Subject(Record):
    """The person as the system knows them (``subject.json``)."""

    case: int
    name: str
    first_recorded: dt.datetime
    linked_cases: tuple[int, ...]
    accounts: tuple[Account, ...]
    exported_at: dt.datetime
    exported_by: str
    withheld: tuple[str, ...]  #: what was left out, and why


@dataclass(frozen=True)
class PostRef(Record):
    id: str
    permalink: str | None


@dataclass(frozen=True)
class Author(Record):
    id: str | None
    name: str | None


@dataclass(frozen=True)
class Classified(Record):
    """One automated classification of a comment."""

    at: dt.datetime
    model: str
    version: str
    scores: Any
    categories: Any
    reasons: Any
    spans: Any
    people_named: Any
    hide: bool
    step: Step | None
    route: str | None


@dataclass(frozen=True)
class CommentRecord(Record):
    """A comment recorded from the person's accounts (an entry of ``comments.json``)."""

    id: int
    platform: str
    source: str
    platform_comment_id: str
    reply_to: str | None
    post: PostRef | None
    author: Author
    text: str
    posted: dt.datetime | None
    first_seen: dt.datetime
    removed: dt.datetime | None
    permalink: str | None
    raw: Any  #: the platform's JSON, with what the exporter may not see withheld
    classifications: tuple[Classified, ...]


@dataclass(frozen=True)
class PersonNamed(Record):
    name: str
    kind: str


@dataclass(frozen=True)
class PlatformAction(Record):
    kind: str
    status: str
    requested: dt.datetime
    confirmed: dt.datetime | None


@dataclass(frozen=True)
class FlagRecord(Record):
    """A flag on one of the person's comments, and the decision on it (``flags.json``)."""

    id: int
    comment_id: int
    status: FlagStatus
    categories: tuple[str, ...]
    breach: bool | None
    recommended_step: Step | None
    why: str | None
    escalated_step: Step | None
    route: str | None
    hidden: bool
    flagged: dt.datetime
    decided_by: str | None
    decided: dt.datetime | None
    people_named: tuple[PersonNamed, ...]
    platform_actions: tuple[PlatformAction, ...]


def subject(
    poster: Poster, linked: list[int], withheld: list[str], who: str, at: dt.datetime
) -> Subject:
    """The person: ``linked`` are the cases linked into theirs."""
    return Subject(
        case=poster.id,
        name=poster.display_name,
        first_recorded=poster.created_at,
        linked_cases=tuple(linked),
        accounts=tuple(Account(a.platform, a.platform_author_id, a.name) for a in poster.accounts),
        exported_at=at,
        exported_by=who,
        withheld=tuple(withheld),
    )


def comment(session: Session, comment: Comment, viewer: visibility.Viewer) -> CommentRecord:
    """One of the person's comments, with every classification of it."""
    post = comment.post
    classifications = session.scalars(
        select(Classification)
        .where(Classification.comment_id == comment.id)
        .order_by(Classification.id)
    )
    return CommentRecord(
        id=comment.id,
        platform=comment.source.platform,
        source=comment.source.name,
        platform_comment_id=comment.platform_comment_id,
        reply_to=comment.parent_platform_id,
        post=PostRef(post.platform_post_id, post.permalink) if post else None,
        author=Author(comment.author_platform_id, comment.author_name),
        text=comment.text,
        posted=comment.created_time,
        first_seen=comment.first_seen_at,
        removed=comment.removed_at,
        permalink=comment.permalink,
        raw=visibility.redact_json(session, viewer, comment.raw, comment.source.name),
        classifications=tuple(
            Classified(
                at=c.created_at,
                model=c.model_name,
                version=c.model_version,
                scores=c.scores,
                categories=c.categories,
                reasons=c.reasons,
                spans=c.spans,
                people_named=c.targets,
                hide=c.hide,
                step=c.step,
                route=c.route,
            )
            for c in classifications
        ),
    )


def flag(session: Session, flag: Flag) -> FlagRecord:
    """A flag on one of the person's comments, with its hides and unhides on the platform."""
    actions = session.scalars(select(Action).where(Action.flag_id == flag.id).order_by(Action.id))
    return FlagRecord(
        id=flag.id,
        comment_id=flag.comment_id,
        status=flag.status,
        categories=tuple(flag.categories),
        breach=flag.breach,
        recommended_step=flag.step,
        why=flag.step_reason,
        escalated_step=flag.escalated_step,
        route=flag.route,
        hidden=flag.hidden,
        flagged=flag.created_at,
        decided_by=flag.decided_by,
        decided=flag.decided_at,
        people_named=tuple(PersonNamed(t.name, t.kind) for t in flag.targets),
        platform_actions=tuple(
            PlatformAction(a.kind, a.status, a.requested_at, a.confirmed_at) for a in actions
        ),
    )
