"""Reading the flag queue: the ``queue list`` view, most severe and oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from moderator.models import Action, Comment, Flag
from workqueue.ladder import rank


def queue(session: Session) -> list[dict[str, Any]]:
    """Every flag in the contract's shape (interface.md ``queue list --json``)."""
    flags = session.scalars(
        select(Flag).options(
            joinedload(Flag.comment).joinedload(Comment.source),
            joinedload(Flag.classification),
        )
    ).all()
    manual = set(
        session.scalars(
            select(Action.flag_id).where(
                Action.kind == "hide", Action.status.in_(("manual", "failed"))
            )
        )
    )
    flags = sorted(
        flags, key=lambda f: (-rank(f.step), f.comment.created_time or f.created_at, f.id)
    )
    return [_item(flag, flag.id in manual) for flag in flags]


def _item(flag: Flag, hide_by_hand: bool) -> dict[str, Any]:
    comment = flag.comment
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
        # additions to the contract (interface.md allows adding keys):
        "route": flag.route,
        "reasons": list(flag.classification.reasons),
        "targets": list(flag.classification.targets),
        "hide_recommended": flag.classification.hide,
        "hide_by_hand": hide_by_hand,
        "created_time": comment.created_time.isoformat() if comment.created_time else None,
        "permalink": comment.permalink,
    }
