"""The rows of things that arrive or go out on their own: webhook changes stored before they are
acknowledged, and the alerts sent at once (with who has seen them). Part of the schema in
``models`` (which imports this module, so ``Base.metadata`` always has these tables)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderator.store.models import Base, utcnow


class WebhookEvent(Base):
    """One change from a Meta webhook delivery, stored before it is acknowledged.

    ``dedup_key`` is unique, so a delivery Meta retries (for up to 36 hours) is stored once.
    ``status`` ``rejected``: its comment could not be recorded (see ``RejectedRecord``).
    """

    __tablename__ = "webhook_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the change")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    platform: Mapped[str] = mapped_column(String(20), comment="facebook | instagram")
    account_id: Mapped[str] = mapped_column(String(200), comment="Page or Instagram account id")
    comment_id: Mapped[str | None] = mapped_column(String(200))
    post_id: Mapped[str | None] = mapped_column(String(200))
    verb: Mapped[str] = mapped_column(String(20), comment="add | edited | remove | ...")
    change: Mapped[dict[str, Any]] = mapped_column(comment="the change as delivered")
    status: Mapped[str] = mapped_column(
        String(20), index=True, comment="pending | done | ignored | failed"
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, comment="no comment text")
    processed_at: Mapped[dt.datetime | None] = mapped_column()


class Alert(Base):
    """A flag that must be told at once (it recommends the police, or goes to the DSL): one row
    per flag, so each is alerted once. Holds no comment text."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(
        ForeignKey("flag.id", ondelete="CASCADE"), unique=True, comment="purged with its flag"
    )
    reason: Mapped[str] = mapped_column(String(20), comment="police | dsl")
    dsl: Mapped[bool] = mapped_column(comment="a DSL item: only the DSL sees it in the web")
    threat: Mapped[bool] = mapped_column(comment="a threat: sent even in quiet hours")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(
        String(20), index=True, comment="pending | held (quiet hours) | sent | failed | unsent"
    )
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text, comment="no comment text")


class AlertSeen(Base):
    """A user has seen an alert in the web interface (the badge counts the others)."""

    __tablename__ = "alert_seen"
    __table_args__ = (UniqueConstraint("alert_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
