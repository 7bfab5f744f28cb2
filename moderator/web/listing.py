"""The queue page's query: filtered, most severe then oldest first, one page at a time, in SQL
(two queries per page whatever the queue's size)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, cast, exists, func, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.elements import ColumnElement

from moderator.policy.categories import Route
from moderator.review import visibility
from moderator.store.models import Comment, Flag, FlagTarget, Source
from workqueue.ladder import Step, rank
from workqueue.states import OPEN, FlagStatus

PER_PAGE = 50
SEVERITY = case({step: rank(step) for step in Step}, value=Flag.step, else_=0)


@dataclass(frozen=True)
class Filters:
    """What the queue page was asked for; blank means any."""

    category: str = ""
    platform: str = ""
    status: str = "open"  #: a status, "open" or "all"
    target: str = ""
    page: int = 1
    route: str = ""  #: only flags routed here (not from the query: the safeguarding view)

    @classmethod
    def parse(cls, query: Any) -> Filters:
        page = query.get("page", "1")[:9]  # an offset the databases can hold
        return cls(
            category=query.get("category", "")[:30],
            platform=query.get("platform", "")[:20],
            status=query.get("status", "open")[:20] or "open",
            target=query.get("target", "")[:200],
            page=max(1, int(page)) if page.isascii() and page.isdigit() else 1,
        )


@dataclass(frozen=True)
class Row:
    id: int
    status: str
    step: str | None
    categories: list[str]
    platform: str
    source: str
    author: str | None
    posted: dt.datetime
    text: str
    hidden: bool
    route: str | None
    targets: list[str]
    claimed_by: str | None

    @property
    def for_dsl(self) -> bool:
        """Routed to the Designated Safeguarding Lead."""
        return self.route == Route.DSL


def page(session: Session, filters: Filters, *, see_dsl: bool) -> tuple[list[Row], int]:
    """One page of the rows a user may see (``see_dsl``: the safeguarding permission, as
    ``visibility.Viewer.sees_dsl``), and the total matching."""
    conditions = _conditions(filters, visibility.Viewer(sees_dsl=see_dsl))
    total = session.scalar(
        select(func.count(Flag.id)).join(Flag.comment).join(Comment.source).where(*conditions)
    )
    posted = func.coalesce(Comment.created_time, Flag.created_at)
    query = (
        select(Flag)
        .join(Flag.comment)
        .join(Comment.source)
        .where(*conditions)
        .options(joinedload(Flag.comment).joinedload(Comment.source))
        .order_by(SEVERITY.desc(), posted, Flag.id)
        .offset((filters.page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    flags = session.scalars(query).unique().all()
    targets = _targets(session, [f.id for f in flags])
    return [_row(f, targets.get(f.id, [])) for f in flags], int(total or 0)


def _conditions(filters: Filters, viewer: visibility.Viewer) -> list[ColumnElement[bool]]:
    found = visibility.flag_conditions(viewer)
    if filters.status == "open":
        found.append(Flag.status.in_(list(OPEN)))
    elif filters.status in {s.value for s in FlagStatus}:
        found.append(Flag.status == FlagStatus(filters.status))
    if filters.category:
        found.append(cast(Flag.categories, String).like(f'%"{_plain(filters.category)}"%'))
    if filters.route:
        found.append(Flag.route == filters.route)
    if filters.platform:
        found.append(Source.platform == filters.platform)
    if filters.target:
        found.append(
            exists().where(
                FlagTarget.flag_id == Flag.id,
                func.lower(FlagTarget.name) == filters.target.lower(),
            )
        )
    return found


def _plain(value: str) -> str:
    """A category name as LIKE may use it (letters and underscores only)."""
    return "".join(ch for ch in value if ch.isalpha() or ch == "_")


def _targets(session: Session, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if ids:
        rows = session.execute(
            select(FlagTarget.flag_id, FlagTarget.name)
            .where(FlagTarget.flag_id.in_(ids))
            .order_by(FlagTarget.id)
        )
        for flag_id, name in rows:
            found.setdefault(flag_id, []).append(name)
    return found


def _row(flag: Flag, targets: list[str]) -> Row:
    comment = flag.comment
    return Row(
        id=flag.id,
        status=flag.status.value,
        step=flag.step.value if flag.step else None,
        categories=list(flag.categories),
        platform=comment.source.platform,
        source=comment.source.name,
        author=comment.author_name,
        posted=flag.posted_at,
        text=comment.text,
        hidden=flag.hidden,
        route=flag.route,
        targets=targets,
        claimed_by=flag.claimed_by,
    )


def target_names(session: Session, viewer: visibility.Viewer) -> list[str]:
    """The people named in the flags ``viewer`` may see (the "About" filter's choices)."""
    return list(
        session.scalars(
            select(FlagTarget.name)
            .join(Flag, Flag.id == FlagTarget.flag_id)
            .where(*visibility.flag_conditions(viewer))
            .distinct()
            .order_by(FlagTarget.name)
        )
    )
