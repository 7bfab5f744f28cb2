"""Classifying recorded comments again when the model changed (the nightly scan).

A comment whose newest classification came from another model name or version gets a new
classification row (the old one is kept). If the new one raises a category and the comment has
no flag yet, it is snapshotted and flagged, as the scan would; nothing is hidden automatically
for an old comment: a moderator decides.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import Session

from classifiers.base import Classifier
from moderator.evidence import snapshot
from moderator.ingest import recording
from moderator.policy import wordlist
from moderator.policy.decide import Policy
from moderator.review import escalation
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import Classification, Comment, Flag, Source

logger = logging.getLogger(__name__)
BATCH = 100


def source(
    engine: Engine, config: SchoolConfig, classifier: Classifier, name: str, since: dt.datetime
) -> int:
    """Classify again the out-of-date comments of source ``name`` since ``since``."""
    policy = wordlist.policy_for(engine, config)
    done, after = 0, 0
    while True:
        with db.session_scope(engine) as session:
            rows = _stale(session, classifier, name, since, after)
            if not rows:
                logger.info("reclassified", extra={"source": name, "comments": done})
                return done
            _judge(session, config, classifier, policy, rows)
            done += len(rows)
            after = rows[-1].id


def _stale(
    session: Session, classifier: Classifier, name: str, since: dt.datetime, after: int
) -> list[Comment]:
    newest = (
        select(Classification.comment_id, func.max(Classification.id).label("latest"))
        .group_by(Classification.comment_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Comment)
            .join(Source, Source.id == Comment.source_id)
            .join(newest, newest.c.comment_id == Comment.id)
            .join(Classification, Classification.id == newest.c.latest)
            .where(
                Source.name == name,
                Comment.id > after,
                Comment.by_owner.is_(False),
                func.coalesce(Comment.created_time, Comment.first_seen_at) >= since,
                or_(
                    Classification.model_name != classifier.name,
                    and_(
                        Classification.model_name == classifier.name,
                        Classification.model_version != classifier.version,
                    ),
                ),
            )
            .order_by(Comment.id)
            .limit(BATCH)
        )
    )


def _judge(
    session: Session,
    config: SchoolConfig,
    classifier: Classifier,
    policy: Policy,
    rows: list[Comment],
) -> None:
    flagged = set(
        session.scalars(select(Flag.comment_id).where(Flag.comment_id.in_([r.id for r in rows])))
    )
    posters: set[int] = set()
    for row, score in zip(rows, classifier.score([r.text for r in rows]), strict=True):
        decision = policy.decide(row.text, score)
        classification = recording.classification_row(session, row, classifier, score, decision)
        if not decision.categories or row.id in flagged:
            continue
        session.flush()
        how = snapshot.Capture(
            school=config.name, media_hosts=config.evidence.media_hosts, via="nightly"
        )
        snapshot.capture(session, row, classification, how)
        flag = recording.flag_row(session, row, classification, decision, policy.roster)
        if flag.poster_id is None:
            escalation.refresh_alone(session, flag, config.escalation.rule)
        else:
            posters.add(flag.poster_id)
    session.flush()
    escalation.refresh(session, posters, config.escalation.rule)
