"""Alerts at once: a flag that recommends the police, or goes to the DSL, is told by email
straight away (within the scan or webhook pass that raised it) and counted in the web
interface's badge; the daily digest stays.

:func:`raise_new` gives each such flag one ``alert`` row (unique on the flag, so a flag is
alerted once, whatever runs it twice); :func:`send_due` sends the pending ones through the
``[mail]`` server to ``[alerts] to``. An alert never carries comment text: the categories, the
flag's number and, with ``[alerts] web_url``, a link to its page. In ``[alerts] quiet_hours``
(UK time) an alert other than a threat is ``held`` and sent when they end (the worker asks
every tick). An alert is marked ``sending`` before it is handed to the server, so one that
fails half way is never sent twice; a refused one is tried again up to :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from email.message import EmailMessage

from sqlalchemy import ColumnElement, Engine, false, func, or_, select, update
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.evidence.times import UK
from moderator.ingest.recording import audit
from moderator.ops import digest
from moderator.policy.categories import ROUTE_DSL
from moderator.settings.config import AlertsConfig, SchoolConfig
from moderator.store import db
from moderator.store.models import Alert, AlertSeen, Flag, User, utcnow
from workqueue.ladder import Step
from workqueue.roles import Role

logger = logging.getLogger(__name__)
#: Flags older than this when first seen here are not alerted (an upgrade does not alert the
#: whole history); the digest has them.
WINDOW = dt.timedelta(days=2)
MAX_ATTEMPTS = 5
SENDABLE = ("pending", "held")


def raise_new(session: Session, config: SchoolConfig, now: dt.datetime | None = None) -> int:
    """An alert row for every recent flag that recommends the police or goes to the DSL and
    has none yet; how many were added."""
    now = now or utcnow()
    alerted = select(Alert.id).where(Alert.flag_id == Flag.id).exists()
    flags = session.scalars(
        select(Flag).where(
            or_(Flag.step == Step.POLICE, Flag.route == ROUTE_DSL),
            Flag.created_at >= now - WINDOW,
            ~alerted,
        )
    ).all()
    for flag in flags:
        threat = "threat" in flag.categories
        status = "pending"
        if not config.alerts.to:
            status = "unsent"
        elif not threat and quiet(config.alerts, now):
            status = "held"
        dsl = flag.route == ROUTE_DSL
        session.add(
            Alert(
                flag_id=flag.id,
                reason="dsl" if dsl else "police",
                dsl=dsl,
                threat=threat,
                status=status,
                created_at=now,
            )
        )
    session.flush()
    return len(flags)


def quiet(alerts: AlertsConfig, now: dt.datetime) -> bool:
    """True in the quiet hours (UK local time; a span may cross midnight)."""
    if alerts.quiet_hours is None:
        return False
    start, end = alerts.quiet_hours
    local = now.astimezone(UK).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def send_due(engine: Engine, config: SchoolConfig, now: dt.datetime | None = None) -> list[str]:
    """Raise alerts for new flags and send those due; the errors, in words (no text)."""
    now = now or utcnow()
    with db.session_scope(engine) as session:
        raise_new(session, config, now)
        due = session.scalars(
            select(Alert).where(Alert.status.in_(SENDABLE)).order_by(Alert.id)
        ).all()
        due_ids = [a.id for a in due if a.status == "pending" or not quiet(config.alerts, now)]
    errors: list[str] = []
    for alert_id in due_ids:
        error = _send_one(engine, config, alert_id)
        if error:
            errors.append(error)
    return errors


def _send_one(engine: Engine, config: SchoolConfig, alert_id: int) -> str | None:
    with db.session_scope(engine) as session:
        taken = session.execute(
            update(Alert)
            .where(Alert.id == alert_id, Alert.status.in_(SENDABLE))
            .values(status="sending", attempts=Alert.attempts + 1)
        )
        if db.rowcount(taken) != 1:
            return None  # another worker has it
        alert = session.get_one(Alert, alert_id)
        flag = session.get_one(Flag, alert.flag_id)
        message = render(config, alert, flag)
        attempts = alert.attempts
    try:
        recipients = dataclasses.replace(config.digest, to=config.alerts.to)
        refused = digest.send(dataclasses.replace(config, digest=recipients), message)
    except ModeratorError as exc:
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        with db.session_scope(engine) as session:
            session.execute(
                update(Alert).where(Alert.id == alert_id).values(status=status, last_error=str(exc))
            )
        logger.warning("alert not sent", extra={"alert_id": alert_id, "status": status})
        return f"alert for flag {flag.id}: {exc}"
    with db.session_scope(engine) as session:
        session.execute(
            update(Alert)
            .where(Alert.id == alert_id)
            .values(status="sent", sent_at=utcnow(), last_error=None)
        )
        audit(
            session,
            "system",
            "alert_sent",
            "flag",
            flag.id,
            reason=alert.reason,
            recipients=len(config.alerts.to) - len(refused),
        )
    logger.info("alert sent", extra={"flag_id": flag.id, "reason": alert.reason})
    return None


def render(config: SchoolConfig, alert: Alert, flag: Flag) -> EmailMessage:
    """The alert's email: the reason, the categories, the flag's number and a link; never the
    comment's text (for a DSL item the categories are the only detail)."""
    why = (
        "goes to the Designated Safeguarding Lead"
        if alert.dsl
        else "recommends reporting to the police"
    )
    message = EmailMessage()
    kind = "Threat" if alert.threat else ("Safeguarding" if alert.dsl else "Police")
    message["Subject"] = f"{config.name}: {kind} alert, flag {flag.id}"
    lines = [
        f"Flag {flag.id} {why}.",
        f"Categories: {', '.join(flag.categories) or 'none'}.",
        "",
    ]
    if config.alerts.web_url:
        lines.append(f"See it: {config.alerts.web_url.rstrip('/')}/flags/{flag.id}")
    else:
        lines.append(f"See it with: moderator queue show {flag.id}")
    lines += [
        "",
        "This alert holds no comment text. Sign in to see the flag; the daily digest lists it too.",
    ]
    message.set_content("\n".join(lines) + "\n")
    return message


def visible_to(role: Role) -> list[ColumnElement[bool]]:
    """Conditions on ``Alert`` for what a user with ``role`` is shown: the DSL everything, the
    headteacher what is not a DSL item, others nothing."""
    if role is Role.DSL:
        return []
    if role is Role.HEADTEACHER:
        return [Alert.dsl.is_(False)]
    return [false()]


def unseen(session: Session, user: User) -> int:
    """The badge: alerts ``user`` may see and has not yet seen."""
    seen = select(AlertSeen.id).where(AlertSeen.alert_id == Alert.id, AlertSeen.user_id == user.id)
    return (
        session.scalar(select(func.count(Alert.id)).where(~seen.exists(), *visible_to(user.role)))
        or 0
    )


def listing(session: Session, user: User, mark_seen: bool = True) -> list[dict[str, object]]:
    """The alerts ``user`` may see, newest first, with whether each was new to them; looking
    marks them seen."""
    seen_ids = set(session.scalars(select(AlertSeen.alert_id).where(AlertSeen.user_id == user.id)))
    rows = session.execute(
        select(Alert, Flag)
        .join(Flag, Flag.id == Alert.flag_id)
        .where(*visible_to(user.role))
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
