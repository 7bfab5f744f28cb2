"""Taking flags for review: the next flags, most severe first, each given to one person only
(``workqueue.store``'s claim), and claims that ran out going back to the queue. Putting a
claimed flag back by hand is checked like a decision (``decisions.release``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, case, or_

from moderator.policy.categories import Route
from moderator.review import users
from moderator.review.decisions import STORE
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import Flag, utcnow
from workqueue.ladder import Step, rank

#: Highest recommended rung first, then the oldest.
PRIORITY = (
    case({step: rank(step) for step in Step}, value=Flag.step, else_=0).desc(),
    Flag.created_at,
)


def claim(engine: Engine, config: SchoolConfig, username: str, limit: int = 1) -> list[int]:
    """Take up to ``limit`` flags for review, most severe first (expired claims go back to
    the queue first). Flags for the DSL are only given to those who may see them."""
    release_stale(engine, config)
    with db.session_scope(engine) as session:
        user = users.acting(session, username)
        permissions = config.escalation.permissions
        permissions.check(user.username, user.role, "review")
        where = []
        if not permissions.allows(user.role, "safeguarding"):
            where.append(or_(Flag.route.is_(None), Flag.route != Route.DSL))
        return STORE.claim(session, user.username, limit=limit, where=where, order_by=PRIORITY)


def release_stale(engine: Engine, config: SchoolConfig) -> list[int]:
    """Put back in the queue every claim older than ``[escalation] claim_timeout_minutes``."""
    before = utcnow() - dt.timedelta(minutes=config.escalation.claim_timeout_minutes)
    with db.session_scope(engine) as session:
        return STORE.release_stale(session, before)
