"""The dashboard: flags per week by category and by platform, as stacked bars in inline SVG
(no script, readable without colour: each bar has a text table beside it). A flag counts in the
week its comment was posted (the platform's time, else when the moderator first saw it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from moderator.evidence import times
from moderator.policy.categories import CATEGORIES
from moderator.reporting.palette import PALETTE
from moderator.review import visibility
from moderator.store.models import Comment, Flag, Source
from moderator.web.app import Handler, Web

WEEKS = 12


@dataclass(frozen=True)
class Chart:
    title: str
    weeks: list[str]  #: week labels, oldest first
    series: list[tuple[str, str, list[int]]]  #: (name, colour, count per week)

    @property
    def peak(self) -> int:
        return max([sum(col) for col in zip(*(s[2] for s in self.series), strict=True)] or [0]) or 1

    def bars(
        self, height: int = 160, width: int = 40
    ) -> list[tuple[int, list[tuple[int, int, str, str]]]]:
        """Per week: x, then (y, h, colour, label) rectangles stacked from the bottom."""
        out = []
        for i, _ in enumerate(self.weeks):
            y, stack = height, []
            for name, colour, counts in self.series:
                h = round(counts[i] / self.peak * height)
                if counts[i]:
                    y -= h
                    stack.append((y, h, colour, f"{name}: {counts[i]}"))
            out.append((i * width, stack))
        return out


def routes(web: Web, guard: Callable[[Handler], Handler]) -> list[Route]:
    async def dashboard(request: Request) -> Response:
        viewer = visibility.Viewer.of(
            request.scope["current"].user.role, web.config.escalation.permissions
        )
        charts = await web.run(_charts, viewer, dt.datetime.now(dt.UTC))
        return web.render(request, "dashboard.html", charts=charts, title="Dashboard")

    return [Route("/dashboard", guard(dashboard), methods=["GET"])]


def _week(moment: dt.datetime) -> dt.date:
    local = moment.astimezone(times.UK).date()
    return local - dt.timedelta(days=local.weekday())


def _charts(session: Session, viewer: visibility.Viewer, now: dt.datetime) -> list[Chart]:
    first = _week(now) - dt.timedelta(weeks=WEEKS - 1)
    weeks = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    start = dt.datetime.combine(first, dt.time(), tzinfo=times.UK)
    rows = session.execute(
        select(Comment.created_time, Comment.first_seen_at, Flag.categories, Source.platform)
        .join(Comment, Comment.id == Flag.comment_id)
        .join(Source, Source.id == Comment.source_id)
        .where(
            or_(
                Comment.created_time >= start,
                and_(Comment.created_time.is_(None), Comment.first_seen_at >= start),
            ),
            *visibility.flag_conditions(viewer),
        )
    ).all()
    by_category: dict[str, Counter[dt.date]] = defaultdict(Counter)
    by_platform: dict[str, Counter[dt.date]] = defaultdict(Counter)
    for posted, seen, categories, platform in rows:
        week = _week(posted or seen)
        for category in categories:
            by_category[category][week] += 1
        by_platform[platform][week] += 1
    labels = [f"{w:%d %b}" for w in weeks]
    order = [c for c in CATEGORIES if c in by_category]
    return [
        Chart("Flags per week by category", labels, _series(order, by_category, weeks)),
        Chart(
            "Flags per week by platform", labels, _series(sorted(by_platform), by_platform, weeks)
        ),
    ]


def _series(
    names: list[str], counts: dict[str, Counter[dt.date]], weeks: list[dt.date]
) -> list[tuple[str, str, list[int]]]:
    return [
        (name, PALETTE[i % len(PALETTE)], [counts[name][w] for w in weeks])
        for i, name in enumerate(names)
    ]
