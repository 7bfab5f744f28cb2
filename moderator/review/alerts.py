"""Alerts at once, the decision: a flag that recommends the police, or goes to the DSL, gets
one ``alert`` row (unique on the flag, so a flag is alerted once, whatever runs it twice) as soon
as a scan or webhook pass raises it; the web interface's badge counts those a user has not seen.

:func:`raise_new` decides the alert's state: ``pending``, ``held`` in ``[alerts] quiet_hours``
(UK time) unless it is a threat, ``unsent`` when ``[alerts] to`` is empty. Sending them through
the ``[mail]`` server is ``moderator.ops.alerts``'s (the ingest layer, which raises them, never
imports ``ops``: a scan is handed the sender as a callback).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from moderator.evidence.times import UK
from moderator.policy.categories import Route
from moderator.review import visibility
from moderator.settings.config import AlertsConfig, SchoolConfig
from moderator.store import db
from moderator.store.models import Alert, AlertSeen, Flag, User, utcnow
from workqueue.ladder import Step
from workqueue.roles import Permissions, Role

#: Flags older than this when first seen here are not alerted (an upgrade does not alert the
#: whole history); the digest has them.
WINDOW = dt.timedelta(days=2)
#: The roles told of alerts in the web interface (besides whoever may see DSL flags).
TOLD = frozenset({Role.HEADTEACHER, Role.DSL})


def raise_new(session: Session, config: SchoolConfig, now: dt.datetime | None = None) -> int:
    """An alert row for every recent flag that recommends the police or goes to the DSL and
    has none yet; how many this call added. Several workers may raise at once (each scan and
    each tick raises for every recent flag, its own or another worker's): the row is inserted
    only if absent, so the second raiser of a flag adds nothing instead of failing its scan."""
    now = now or utcnow()
    alerted = select(Alert.id).where(Alert.flag_id == Flag.id).exists()
    flags = session.scalars(
        select(Flag)
        .where(
            or_(Flag.step == Step.POLICE, Flag.route == Route.DSL),
            Flag.created_at >= now - WINDOW,
            ~alerted,
        )
        .order_by(Flag.id)  # concurrent raisers insert in the same order: none waits in a cycle
    ).all()
    added = 0
    for flag in flags:
        threat = "threat" in flag.categories
        status = "pending"
        if not config.alerts.to:
            status = "unsent"
        elif not threat and quiet(config.alerts, now):
            status = "held"
        dsl = flag.route == Route.DSL
        row = {
            "flag_id": flag.id,
            "reason": "dsl" if dsl else "police",
            "dsl": dsl,
            "threat": threat,
            "status": status,
            "attempts": 0,
            "created_at": now,
        }
        added += db.insert_if_absent(session, Alert, row, "flag_id")
    return added


def quiet(alerts: AlertsConfig, now: dt.datetime) -> bool:
    """True in the quiet hours (UK local time; a span may cross midnight)."""
    if alerts.quiet_hours is None:
        return False
    start, end = alerts.quiet_hours
    local = now.astimezone(UK).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def told(role: Role, permissions: Permissions) -> bool:
    """Whether a user with ``role`` is told of alerts in the web interface: the headteacher,
    the DSL and whoever else may see DSL flags."""
    return role in TOLD or visibility.Viewer.of(role, permissions).sees_dsl


def visible_to(role: Role, permissions: Permissions) -> list[ColumnElement[bool]]:
    """Conditions on ``Alert`` for what a user with ``role`` is shown: nothing unless they are
    :func:`told`; DSL items only to whoever may see DSL flags (``visibility``, the one rule)."""
    if not told(role, permissions):
        return [false()]
    if visibility.Viewer.of(role, permissions).sees_dsl:
        return []
    return [Alert.dsl.is_(False)]


def unseen(session: Session, user: User, permissions: Permissions) -> int:
    """The badge: alerts ``user`` may see and has not yet seen."""
    if not told(user.role, permissions):
        return 0  # no query on every page for a user who is told of none
    seen = select(AlertSeen.id).where(AlertSeen.alert_id == Alert.id, AlertSeen.user_id == user.id)
    shown = visible_to(user.role, permissions)
    return session.scalar(select(func.count(Alert.id)).where(~seen.exists(), *shown)) or 0


def listing(
    session: Session, user: User, permissions: Permissions, mark_seen: bool = True
) -> list[dict[str, object]]:
    """The alerts ``user`` may see, newest first, with whether each was new to them; looking
    marks them seen."""
    seen_ids = set(session.scalars(select(AlertSeen.alert_id).where(AlertSeen.user_id == user.id)))
    rows = session.execute(
        select(Alert, Flag)
        .join(Flag, Flag.id == Alert.flag_id)
        .where(*visible_to(user.role, permissions))
        .order_by(Alert.id.desc())
        .limit(200)
    ).all()
    items: list[dict[str, object]] = []
    for alert, flag in rows:
        items.append(
            {
                "id": alert.id,
                "flag": flag.id,
                "reason": alert.reason,
                "threat": alert.threat,
                "categories": list(flag.categories),
                "at": alert.created_at,
                "status": alert.status,
                "new": alert.id not in seen_ids,
            }
        )
        if mark_seen and alert.id not in seen_ids:
            session.add(AlertSeen(alert_id=alert.id, user_id=user.id))
    session.flush()
    return items
