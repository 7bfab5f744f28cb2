"""The governors' report as a typed read model: counts, never text (docs/reporting.md).

Everything is about the comments POSTED in the period (the platform's time, or when the
moderator first saw a comment the platform gave no time for), wherever their flags stand now.

- **Breaches**: flags not dismissed that raise a category of the policy other than a complaint
  or a safeguarding concern, counted per week or month by category (a comment raising two
  counts under each) and by platform (once).
- **Safeguarding**: flags routed to the Designated Safeguarding Lead are counted there and
  nowhere else (their categories, posters, targets and timings are left out of the rest).
- **What was done**: hidden on the platform (and to be hidden by hand where the source cannot),
  meetings and written warnings (their letters), legal advice and police referrals (the audit
  log's escalations), blocks (none: the moderator cannot block yet).
- **How fast**: median and 90th percentile from posting to hiding and to the first decision a
  person took.
- **Repeat posters**: how many posters, and how many with two or more breaches; never who.
- **People**: how many breaches name a member of staff, and a pupil; staff are named only
  when asked (``name_staff``), pupils never.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from moderator.policy.categories import CATEGORIES, Route
from moderator.reporting.periods import Period
from moderator.store.models import (
    Action,
    AuditEvent,
    Comment,
    Flag,
    FlagTarget,
    Letter,
    Poster,
    Source,
)
from workqueue.states import FlagStatus

#: Categories that make a flag a breach of the policy.
BREACHES = tuple(c for c in CATEGORIES if c not in ("complaint", "safeguarding"))
#: Audit actions that are a person's decision on a flag.
DECISIONS = (
    "confirm",
    "dismiss",
    "escalate",
    "hide",
    "close",
    "police_referral_proposed",
    "police_referral_confirmed",
)
STAFF = "a member of staff"


@dataclass(frozen=True)
class Breakdown:
    """Counts per period (rows) and per series (columns): a chart and its table."""

    title: str
    periods: list[str]
    series: list[str]
    counts: list[list[int]]  #: counts[period][series]

    @property
    def totals(self) -> list[int]:
        return [sum(row[i] for row in self.counts) for i in range(len(self.series))]


@dataclass(frozen=True)
class Count:
    what: str
    count: int


@dataclass(frozen=True)
class Timing:
    what: str
    count: int  #: how many comments the figures are drawn from
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class Figures:
    school: str
    first: dt.date
    last: dt.date
    unit: str  #: week | month
    breaches: int
    confirmed: int  #: of the breaches, those a person has agreed with
    by_category: Breakdown
    by_platform: Breakdown
    actions: list[Count]
    timings: list[Timing]
    posters: list[Count]
    safeguarding: list[Count]
    complaints: int
    people: list[Count]
    staff_named: list[Count] | None  #: per member of staff, only when asked

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["first"], out["last"] = self.first.isoformat(), self.last.isoformat()
        return out


@dataclass(frozen=True)
class _Row:
    flag_id: int
    comment_id: int
    posted: dt.datetime
    categories: list[str]
    route: str | None
    status: FlagStatus
    breach: bool | None
    poster_id: int | None
    platform: str


def build(session: Session, school: str, period: Period, name_staff: bool = False) -> Figures:
    rows = _rows(session, period)
    dsl = [r for r in rows if r.route == Route.DSL]
    breaches = [
        r
        for r in rows
        if r.route != Route.DSL
        and r.status != FlagStatus.DISMISSED
        and any(c in BREACHES for c in r.categories)
    ]
    ids = {r.flag_id for r in breaches}
    hidden, by_hand, to_hide = _hides(session, period, {r.comment_id: r for r in breaches})
    events = _events(session, period, ids)
    letters = Counter(kind for flag_id, kind in _letters(session, period) if flag_id in ids)
    first_decision: dict[int, dt.datetime] = {}
    for flag_id, _action, _step, at in events:
        if flag_id not in first_decision or at < first_decision[flag_id]:
            first_decision[flag_id] = at
    posted = {r.flag_id: r.posted for r in breaches}
    buckets = period.buckets()
    per_poster = Counter(r.poster_id for r in breaches if r.poster_id is not None)
    targets = _targets(session, period, ids)
    return Figures(
        school=school,
        first=period.first,
        last=period.last,
        unit=period.unit,
        breaches=len(breaches),
        confirmed=sum(1 for r in breaches if r.breach),
        by_category=_breakdown(
            f"Breaches per {period.unit} by category",
            period,
            buckets,
            [(c, r.posted) for r in breaches for c in r.categories if c in BREACHES],
            BREACHES,
        ),
        by_platform=_breakdown(
            f"Breaches per {period.unit} by platform",
            period,
            buckets,
            [(r.platform, r.posted) for r in breaches],
            sorted({r.platform for r in breaches}),
        ),
        actions=[
            Count("hidden on the platform", hidden),
            Count("to be hidden by hand (the source cannot hide)", by_hand),
            Count("meetings with the headteacher", letters["meeting"]),
            Count("written warnings", letters["written_warning"]),
            Count("blocked (the moderator cannot block yet)", 0),
            Count("legal advice taken", sum(1 for e in events if e[2] == "legal")),
            Count(
                "police referrals",
                sum(1 for e in events if e[1] == "police_referral_confirmed"),
            ),
        ],
        timings=[
            _timing("from posting to hiding", [at - posted[f] for f, at in to_hide.items()]),
            _timing(
                "from posting to a decision",
                [at - posted[f] for f, at in first_decision.items()],
            ),
        ],
        posters=[
            Count("posters with a breach", len(per_poster)),
            Count("posters with 2 or more breaches", sum(1 for n in per_poster.values() if n > 1)),
            Count(
                "breaches by posters the platform did not identify",
                len(breaches) - sum(per_poster.values()),
            ),
        ],
        safeguarding=[
            Count("concerns routed to the safeguarding lead", len(dsl)),
            Count(
                "of which still open",
                sum(1 for r in dsl if r.status not in (FlagStatus.CLOSED, FlagStatus.DISMISSED)),
            ),
        ],
        complaints=sum(1 for r in rows if r.route == Route.COMPLAINTS),
        people=[
            Count(
                "breaches naming a member of staff",
                len({f for f, kind, _ in targets if kind == "staff"}),
            ),
            Count("breaches naming a pupil", len({f for f, kind, _ in targets if kind == "pupil"})),
        ],
        staff_named=_named_staff(targets) if name_staff else None,
    )


def _posted(period: Period) -> ColumnElement[bool]:
    """The comment was posted in the period (its platform time, else when first seen)."""
    return or_(
        and_(Comment.created_time >= period.start, Comment.created_time < period.end),
        and_(
            Comment.created_time.is_(None),
            Comment.first_seen_at >= period.start,
            Comment.first_seen_at < period.end,
        ),
    )


def _rows(session: Session, period: Period) -> list[_Row]:
    merged = aliased(Poster)
    query = (
        select(
            Flag.id,
            Comment.id,
            Comment.created_time,
            Comment.first_seen_at,
            Flag.categories,
            Flag.route,
            Flag.status,
            Flag.breach,
            func.coalesce(merged.merged_into_id, Flag.poster_id),
            Source.platform,
        )
        .join(Comment, Comment.id == Flag.comment_id)
        .join(Source, Source.id == Comment.source_id)
        .outerjoin(merged, merged.id == Flag.poster_id)
        .where(_posted(period))
    )
    return [
        _Row(f, c, created or seen, list(cats), route, status, breach, poster, platform)
        for f, c, created, seen, cats, route, status, breach, poster, platform in session.execute(
            query
        )
    ]


def _hides(
    session: Session, period: Period, breaches: dict[int, _Row]
) -> tuple[int, int, dict[int, dt.datetime]]:
    """Breaches hidden on the platform, to be hidden by hand, and when each was first hidden."""
    query = (
        select(Action.comment_id, Action.status, Action.confirmed_at)
        .join(Comment, Comment.id == Action.comment_id)
        .where(Action.kind == "hide", Action.status.in_(("confirmed", "manual")), _posted(period))
    )
    when: dict[int, dt.datetime] = {}
    manual: set[int] = set()
    for comment_id, status, confirmed_at in session.execute(query):
        row = breaches.get(comment_id)
        if row is None:
            continue
        if status == "manual":
            manual.add(comment_id)
        elif confirmed_at is not None:
            earlier = when.get(row.flag_id)
            when[row.flag_id] = min(confirmed_at, earlier) if earlier else confirmed_at
    by_hand = {c for c in manual if breaches[c].flag_id not in when}
    return len(when), len(by_hand), when


def _events(
    session: Session, period: Period, ids: set[int]
) -> list[tuple[int, str, str | None, dt.datetime]]:
    """People's decisions on the breaches: flag, action, the rung escalated to, when."""
    query = (
        select(AuditEvent.subject_id, AuditEvent.action, AuditEvent.detail, AuditEvent.at)
        .join(Flag, Flag.id == AuditEvent.subject_id)
        .join(Comment, Comment.id == Flag.comment_id)
        .where(
            AuditEvent.subject_type == "flag",
            AuditEvent.action.in_(DECISIONS),
            AuditEvent.actor != "system",
            _posted(period),
        )
    )
    return [
        (flag_id, action, (detail or {}).get("step"), at)
        for flag_id, action, detail, at in session.execute(query)
        if flag_id in ids
    ]


def _letters(session: Session, period: Period) -> list[tuple[int, str]]:
    query = (
        select(Letter.flag_id, Letter.kind)
        .join(Flag, Flag.id == Letter.flag_id)
        .join(Comment, Comment.id == Flag.comment_id)
        .where(_posted(period))
    )
    return [(flag_id, kind) for flag_id, kind in session.execute(query)]


def _targets(session: Session, period: Period, ids: set[int]) -> list[tuple[int, str, str]]:
    query = (
        select(FlagTarget.flag_id, FlagTarget.kind, FlagTarget.name)
        .join(Flag, Flag.id == FlagTarget.flag_id)
        .join(Comment, Comment.id == Flag.comment_id)
        .where(FlagTarget.kind.in_(("staff", "pupil")), _posted(period))
    )
    return [(f, kind, name) for f, kind, name in session.execute(query) if f in ids]


def _named_staff(targets: list[tuple[int, str, str]]) -> list[Count]:
    per = Counter(name for name, _ in {(n, f) for f, kind, n in targets if kind == "staff"})
    return [Count(name, n) for name, n in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))]


def _breakdown(
    title: str,
    period: Period,
    buckets: list[dt.date],
    items: list[tuple[str, dt.datetime]],
    names: Sequence[str],
) -> Breakdown:
    counts = Counter((name, period.bucket(at)) for name, at in items)
    present = [n for n in names if any(counts[(n, b)] for b in buckets)]
    return Breakdown(
        title,
        [period.label(b) for b in buckets],
        present,
        [[counts[(n, b)] for n in present] for b in buckets],
    )


def _timing(what: str, spans: list[dt.timedelta]) -> Timing:
    hours = sorted(max(0.0, s.total_seconds() / 3600) for s in spans)
    if not hours:
        return Timing(what, 0, None, None)
    p90 = hours[math.ceil(0.9 * len(hours)) - 1]  # nearest rank
    return Timing(what, len(hours), round(statistics.median(hours), 1), round(p90, 1))
