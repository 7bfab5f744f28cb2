"""Each open flag's recommended rung, from its poster's whole history.

``refresh`` loads a poster's flags, asks :func:`workqueue.ladder.recommend`, and stores the
step and its reason on the flags still open (new, hidden, in review); decided flags keep the
step they were decided on. It runs whenever a poster's history changes: a new flag, a
dismissal, a reopening, linked accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderator.models import Classification, Comment, Flag
from workqueue import ladder
from workqueue.ladder import Incident, LadderRule
from workqueue.states import OPEN, FlagStatus


def incidents(session: Session, poster_ids: Iterable[int]) -> dict[int, list[Incident]]:
    """``{poster id: [Incident]}`` for every flag of each poster."""
    ids = set(poster_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(
            Flag.id,
            Flag.poster_id,
            Flag.status,
            Flag.categories,
            Flag.created_at,
            Comment.created_time,
            Classification.step,
        )
        .join(Comment, Comment.id == Flag.comment_id)
        .join(Classification, Classification.id == Flag.classification_id)
        .where(Flag.poster_id.in_(ids))
    ).all()
    found: dict[int, list[Incident]] = {poster: [] for poster in ids}
    for flag_id, poster_id, status, categories, created_at, posted_at, own_step in rows:
        found[poster_id].append(
            Incident(
                id=flag_id,
                at=posted_at or created_at,
                categories=tuple(categories),
                floor=own_step,
                dismissed=status == FlagStatus.DISMISSED,
            )
        )
    return found


def refresh(session: Session, poster_ids: Iterable[int], rule: LadderRule) -> int:
    """Store the recommendation on each open flag of these posters; the number changed."""
    changed = 0
    for history in incidents(session, poster_ids).values():
        current = {
            flag_id: (step, reason)
            for flag_id, step, reason in session.execute(
                select(Flag.id, Flag.step, Flag.step_reason).where(
                    Flag.id.in_([i.id for i in history]), Flag.status.in_(OPEN)
                )
            )
        }
        for flag_id, advice in ladder.recommend(history, rule).items():
            if flag_id in current and current[flag_id] != (advice.step, advice.reason):
                changed += _store(session, flag_id, advice)
    return changed


def refresh_alone(session: Session, flag: Flag, rule: LadderRule) -> None:
    """A flag with no known poster is judged on its own, as a first incident."""
    incident = Incident(
        id=flag.id,
        at=flag.comment.created_time or flag.created_at,
        categories=tuple(flag.categories),
        floor=flag.classification.step,
        dismissed=flag.status == FlagStatus.DISMISSED,
    )
    advice = ladder.recommend([incident], rule)[flag.id]
    flag.step, flag.step_reason = advice.step, advice.reason


def _store(session: Session, flag_id: int, advice: ladder.Recommendation) -> int:
    result = session.execute(
        update(Flag)
        .where(Flag.id == flag_id, Flag.status.in_(OPEN))
        .values(step=advice.step, step_reason=advice.reason)
    )
    return 1 if getattr(result, "rowcount", 0) else 0
