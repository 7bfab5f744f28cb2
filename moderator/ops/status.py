"""``moderator status``: what an operator checks first (no comment text).

``rejected_records`` counts the records sources sent that could not be recorded (quarantined:
``moderator rejected`` lists where and why); each source has its own count and the time the
latest was refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderator.ingest import quarantine
from moderator.settings.config import SchoolConfig
from moderator.store.models import Action, Classification, Flag, Source, WebhookEvent, utcnow
from workqueue.states import OPEN


def report(
    session: Session, config: SchoolConfig, now: dt.datetime | None = None
) -> dict[str, Any]:
    now = now or utcnow()
    rows = {s.name: s for s in session.scalars(select(Source))}
    rejected = quarantine.counts(session)
    latest = session.execute(
        select(Classification.model_name, Classification.model_version)
        .order_by(Classification.id.desc())
        .limit(1)
    ).first()
    return {
        "school": config.name,
        "classifier": f"{config.classifier.backend}"
        + (f" (last used: {latest[0]} {latest[1]})" if latest else " (not used yet)"),
        "open_flags": _count(session, Flag.id, Flag.status.in_(list(OPEN))),
        "pending_actions": _count(session, Action.id, Action.status.in_(["pending", "sending"])),
        "pending_webhooks": _count(session, WebhookEvent.id, WebhookEvent.status == "pending"),
        "rejected_records": sum(count for count, _ in rejected.values()),
        "sources": [
            _source(s.name, s.platform, s.poll_interval_seconds, rows.get(s.name), now)
            | _rejected(rows.get(s.name), rejected)
            for s in config.sources
        ],
    }


def _rejected(row: Source | None, rejected: dict[int, tuple[int, dt.datetime]]) -> dict[str, Any]:
    count, latest = rejected.get(row.id, (0, None)) if row else (0, None)
    return {"rejected": count, "last_rejected_at": latest.isoformat() if latest else None}


def _count(session: Session, column: Any, condition: Any) -> int:
    return int(session.scalar(select(func.count(column)).where(condition)) or 0)


def _source(
    name: str, platform: str, interval: int, row: Source | None, now: dt.datetime
) -> dict[str, Any]:
    if row is None:
        return {
            "name": name,
            "platform": platform,
            "healthy": True,
            "last_polled_at": None,
            "next_poll_at": None,
            "last_error": None,
            "lease_owner": None,
            "overdue": False,
        }
    overdue = row.last_polled_at is None or now - row.last_polled_at > dt.timedelta(
        seconds=3 * interval
    )
    return {
        "name": name,
        "platform": platform,
        "healthy": bool(row.healthy) and not overdue,
        "overdue": overdue,
        "last_polled_at": row.last_polled_at.isoformat() if row.last_polled_at else None,
        "next_poll_at": row.next_poll_at.isoformat() if row.next_poll_at else None,
        "last_error": row.last_error,
        "lease_owner": row.lease_owner if row.lease_until and row.lease_until > now else None,
        "high_water_mark": row.high_water_mark.isoformat() if row.high_water_mark else None,
    }


def local(value: str | None, zone: str) -> str | None:
    """A time ``report`` gives (ISO 8601, UTC) as the school reads it: its own time zone, to the
    second, with the zone's abbreviation ("2026-10-05 14:03:07 BST")."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M:%S %Z}"


def next_poll(source: dict[str, Any], zone: str, now: dt.datetime | None = None) -> str:
    """When a source is polled next, in words: after its last poll, "due now" when that time
    has passed, or when a worker runs when no worker has polled it yet."""
    due = source.get("next_poll_at")
    if due is None:
        return "when a worker runs"
    if dt.datetime.fromisoformat(due) <= (now or utcnow()):
        return "due now"
    return local(due, zone) or "when a worker runs"
