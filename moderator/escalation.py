"""Each undecided flag's recommended rung, from its poster's whole history.

``refresh`` loads a poster's flags, asks :func:`workqueue.ladder.recommend`, and stores the
step and its reason on the flags still undecided (new, hidden, in review, or confirmed with no
rung taken yet); flags a person escalated, dismissed or closed keep the step they had. It runs
whenever a poster's history changes: a new flag, a dismissal, a reopening, linked accounts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from moderator.models import Classification, Comment, Flag
from workqueue import ladder
from workqueue.ladder import Incident, LadderRule
from workqueue.states import OPEN, FlagStatus

#: Flags whose recommendation still follows the poster's history: open ones, and confirmed
#: ones on which nobody has taken a rung yet.
UNDECIDED = or_(
    Flag.status.in_(OPEN),
    and_(Flag.status == FlagStatus.CONFIRMED, Flag.escalated_step.is_(None)),
)


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
            Flag.breach,
            Flag.created_at,
            Comment.created_time,
            Classification.step,
        )
        .join(Comment, Comment.id == Flag.comment_id)
        .join(Classification, Classification.id == Flag.classification_id)
        .where(Flag.poster_id.in_(ids))
    ).all()
    found: dict[int, list[Incident]] = {poster: [] for poster in ids}
    for flag_id, poster_id, status, categories, breach, created_at, posted_at, own_step in rows:
        found[poster_id].append(
            Incident(
                id=flag_id,
                at=posted_at or created_at,
                categories=tuple(categories),
                floor=own_step,
                dismissed=status == FlagStatus.DISMISSED or breach is False,
            )
        )
    return found


def refresh(session: Session, poster_ids: Iterable[int], rule: LadderRule) -> int:
    """Store the recommendation on each undecided flag of these posters; the number changed."""
    changed = 0
    for history in incidents(session, poster_ids).values():
        current = {
            flag_id: (step, reason)
            for flag_id, step, reason in session.execute(
                select(Flag.id, Flag.step, Flag.step_reason).where(
                    Flag.id.in_([i.id for i in history]), UNDECIDED
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
        .where(Flag.id == flag_id, UNDECIDED)
        .values(step=advice.step, step_reason=advice.reason)
    )
    return 1 if getattr(result, "rowcount", 0) else 0
