"""Alerts at once: a flag that recommends the police, or goes to the DSL, is told by email
straight away (within the scan or webhook pass that raised it, which is handed
:func:`send_due`) and counted in the web interface's badge; the daily digest stays.

``moderator.review.alerts.raise_new`` gives each such flag one ``alert`` row (unique on the
flag, so a flag is alerted once, whatever runs it twice); :func:`send_due` sends the pending
ones through the ``[mail]`` server to ``[alerts] to``. An alert never carries comment text: the
categories (none for a DSL item), the flag's number and, with ``[alerts] web_url``, a link to
its page. In ``[alerts] quiet_hours``
(UK time) an alert other than a threat is ``held`` and sent when they end (the worker asks
every tick). An alert is marked ``sending`` before it is handed to the server, so one that
fails half way is never sent twice; a refused one is tried again up to :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage

from sqlalchemy import Engine, select, update

from moderator.errors import ModeratorError
from moderator.ingest.recording import audit
from moderator.ops import mail
from moderator.review.alerts import quiet, raise_new
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import Alert, Flag, utcnow

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SENDABLE = ("pending", "held")
#: A DSL item's categories, in its email: the DSL sees them on the flag's page.
WITHHELD = "withheld, a safeguarding matter for the Designated Safeguarding Lead"


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
        if not config.mail.configured:
            raise mail.MailError("no SMTP server: add a [mail] table with host and from_address")
        refused = mail.send(config.mail, list(config.alerts.to), message, kind="alert")
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
    comment's text. A DSL item names no category either, as the digest says only "a
    safeguarding concern": the list may reach people who may not see DSL flags."""
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
        f"Categories: {WITHHELD if alert.dsl else ', '.join(flag.categories) or 'none'}.",
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
