"""Each undecided flag's recommended rung, from its poster's whole history.

``refresh`` loads a poster's flags, asks :func:`workqueue.ladder.recommend`, and stores the
step and its reason on the flags still undecided (new, hidden, in review, or confirmed with no
rung taken yet); flags a person escalated, dismissed or closed keep the step they had. It runs
whenever a poster's history changes: a new flag, a dismissal, a reopening, linked accounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from moderator.store.models import Classification, Comment, Flag
from workqueue import ladder
from workqueue.ladder import Incident, LadderRule, Step
from workqueue.states import OPEN, FlagStatus

#: Flags whose recommendation still follows the poster's history: open ones, and confirmed
#: ones on which nobody has taken a rung yet.
UNDECIDED = or_(
    Flag.status.in_(OPEN),
    and_(Flag.status == FlagStatus.CONFIRMED, Flag.escalated_step.is_(None)),
)


def incidents(session: Session, poster_ids: Iterable[int]) -> dict[int, list[Incident]]:
    """``{poster id: [Incident]}`` for every flag of each poster."""
    return {
        poster: [i for i, _ in flags] for poster, flags in _histories(session, poster_ids).items()
    }


def refresh(session: Session, poster_ids: Iterable[int], rule: LadderRule) -> int:
    """Store the recommendation on each undecided flag of these posters; the number changed."""
    changed = 0
    for history in _histories(session, poster_ids).values():
        advice = ladder.recommend([incident for incident, _ in history], rule)
        for incident, current in history:
            new = advice[incident.id]
            if current is not None and current != (new.step, new.reason):
                changed += _store(session, incident.id, new)
    return changed


def refresh_alone(session: Session, flag: Flag, rule: LadderRule) -> None:
    """A flag with no known poster is judged on its own, as a first incident."""
    incident = _incident(
        flag.id, flag.posted_at, flag.categories, flag.classification.step, flag.breach
    )
    advice = ladder.recommend([incident], rule)[flag.id]
    flag.step, flag.step_reason = advice.step, advice.reason


Current = tuple[Step | None, str | None]


def _histories(
    session: Session, poster_ids: Iterable[int]
) -> dict[int, list[tuple[Incident, Current | None]]]:
    """Each poster's flags as incidents, with the (step, reason) stored on the undecided ones
    (``None`` for the decided): one query for all the posters."""
    ids = set(poster_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(
            Flag.id,
            Flag.poster_id,
            Flag.categories,
            Flag.breach,
            Flag.created_at,
            Comment.created_time,
            Classification.step.label("floor"),
            Flag.step.label("stored_step"),
            Flag.step_reason,
            UNDECIDED.label("undecided"),
        )
        .join(Comment, Comment.id == Flag.comment_id)
        .join(Classification, Classification.id == Flag.classification_id)
        .where(Flag.poster_id.in_(ids))
    ).all()
    found: dict[int, list[tuple[Incident, Current | None]]] = {poster: [] for poster in ids}
    for row in rows:
        incident = _incident(
            row.id, row.created_time or row.created_at, row.categories, row.floor, row.breach
        )
        current = (row.stored_step, row.step_reason) if row.undecided else None
        found[row.poster_id].append((incident, current))
    return found


def _incident(
    flag_id: int,
    at: dt.datetime,
    categories: Sequence[str],
    floor: Step | None,
    breach: bool | None,
) -> Incident:
    return Incident(
        id=flag_id,
        at=at,
        categories=tuple(categories),
        floor=floor,
        dismissed=breach is False,
    )


def _store(session: Session, flag_id: int, advice: ladder.Recommendation) -> int:
    result = session.execute(
        update(Flag)
        .where(Flag.id == flag_id, UNDECIDED)
        .values(step=advice.step, step_reason=advice.reason)
    )
    return 1 if getattr(result, "rowcount", 0) else 0
