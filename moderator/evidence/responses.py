"""What the school did about the comments in a bundle, beyond the queue's decisions:
``responses.json`` lists the platform actions (hide, unhide, the complaint reply posted, and
the poster's blocks and unblocks, with who approved them and what the platform confirmed), the
reports to the platform or requests to the host, and the decisions taken on the case itself
(a block approved, with its note). No comment text: the exhibits hold that."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderator.evidence import custody, verify
from moderator.evidence.dossier import Dossier
from moderator.ingest.responses import BLOCKING
from moderator.review import responded
from moderator.store.models import Action, AuditEvent, AuthorAccount, Comment

NAME = "responses.json"
WORDS = "platform actions (hides, the complaint reply, blocks), reports to the platform or host"


def member(session: Session, found: Dossier) -> tuple[str, bytes, str, str]:
    """The bundle member: its path, bytes, media type and description."""
    ids = found.flag_ids
    blocks = (
        Action.kind.in_(BLOCKING) & (AuthorAccount.poster_id == found.poster_id)
        if found.poster_id is not None
        else None
    )
    actions = session.execute(
        select(Action, Comment.platform_comment_id, AuthorAccount.platform_author_id)
        .join(Comment, Comment.id == Action.comment_id)
        .outerjoin(AuthorAccount, AuthorAccount.id == Comment.author_account_id)
        .where(or_(Action.flag_id.in_(ids), *([blocks] if blocks is not None else [])))
        .order_by(Action.id)
    ).all()
    reports = responded.reports(session, ids)
    case_events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "poster", AuditEvent.subject_id == found.poster_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    data: dict[str, Any] = {
        "platform_actions": [
            {
                "id": action.id,
                "kind": action.kind,
                "flag": action.flag_id,
                "comment": comment_id if action.kind not in BLOCKING else None,
                "account": author_id if action.kind in BLOCKING else None,
                "status": action.status,
                "requested_by": action.requested_by,
                "requested_at": custody.stamp(action.requested_at),
                "confirmed_at": custody.stamp(action.confirmed_at) if action.confirmed_at else None,
                "reference": action.reference,
                "letter": action.letter_id,
                "instructions": action.instructions,
                "last_error": action.last_error,
            }
            for action, comment_id, author_id in actions
        ],
        "reports": [
            {"flag": flag_id, **report}
            for flag_id, listed in sorted(reports.items())
            for report in listed
        ],
        "case_decisions": [
            {"at": custody.stamp(e.at), "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in case_events
        ],
    }
    return NAME, verify.canonical(data), "application/json", WORDS
