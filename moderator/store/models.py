"""The database schema (SQLAlchemy 2.0 typed models). Migrations live in ``migrations/``.

One comment is stored once per source (unique on the platform's comment id), each
classification run is kept (model name and version), and at most one flag exists per comment.
Enums are stored by value. Times are timezone-aware UTC on every backend.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from workqueue.ladder import Step
from workqueue.roles import Role
from workqueue.states import FlagStatus


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime everywhere (SQLite has no time zones of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must carry a time zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")


def _enum(kind: type[enum.Enum], name: str) -> SAEnum:
    return SAEnum(
        kind,
        name=name,
        native_enum=False,
        length=24,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class ConfigSnapshot(Base):
    """The school configuration as it was when a scan ran."""

    __tablename__ = "config_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, comment="hash of the TOML text")
    school_name: Mapped[str] = mapped_column(String(200), comment="[school] name")
    path: Mapped[str] = mapped_column(Text, comment="where the config was read from")
    text: Mapped[str] = mapped_column(Text, comment="the TOML as read (it holds no secrets)")
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow, comment="first seen (UTC)")


class Source(Base):
    """A configured channel: a Facebook Page, an Instagram account or a file of reports."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True, comment="name in the config")
    platform: Mapped[str] = mapped_column(String(20), comment="facebook | instagram | file")
    high_water_mark: Mapped[dt.datetime | None] = mapped_column(
        comment="newest comment created_time fetched; incremental scans start here"
    )
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(comment="end of the last scan")
    healthy: Mapped[bool] = mapped_column(default=True, comment="false after a token problem")
    last_error: Mapped[str | None] = mapped_column(Text, comment="the last error, no comment text")
    usage: Mapped[dict[str, Any] | None] = mapped_column(
        comment="the platform's last rate-limit usage headers"
    )
    next_poll_at: Mapped[dt.datetime | None] = mapped_column(
        comment="due for its next poll (worker)"
    )
    lease_owner: Mapped[str | None] = mapped_column(
        String(200), comment="the worker polling it now"
    )
    lease_until: Mapped[dt.datetime | None] = mapped_column(comment="the lease lapses then")
    nightly_on: Mapped[str | None] = mapped_column(
        String(10), comment="local date of its last nightly scan"
    )


class Post(Base):
    """The post or media a comment sits under."""

    __tablename__ = "post"
    __table_args__ = (UniqueConstraint("source_id", "platform_post_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    platform_post_id: Mapped[str] = mapped_column(String(200), comment="the platform's post id")
    message: Mapped[str | None] = mapped_column(Text, comment="the post's text, when fetched")
    permalink: Mapped[str | None] = mapped_column(Text)
    created_time: Mapped[dt.datetime | None] = mapped_column()
    raw: Mapped[dict[str, Any] | None] = mapped_column(comment="the platform's JSON")


class Poster(Base):
    """A person who comments; the unit of a case. Several accounts can be one poster."""

    __tablename__ = "poster"
    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), comment="the name moderators see")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("poster.id"), comment="linked into another poster's case (kept for the record)"
    )
    accounts: Mapped[list[AuthorAccount]] = relationship(back_populates="poster")


class AuthorAccount(Base):
    """One platform identity (a page-scoped id, an Instagram username, a reported name)."""

    __tablename__ = "author_account"
    __table_args__ = (UniqueConstraint("platform", "platform_author_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_author_id: Mapped[str] = mapped_column(String(200), comment="id, or name when no id")
    name: Mapped[str | None] = mapped_column(String(200), comment="as the platform gave it")
    poster_id: Mapped[int] = mapped_column(ForeignKey("poster.id"))
    poster: Mapped[Poster] = relationship(back_populates="accounts")


class Comment(Base):
    """A comment exactly as fetched; never rewritten after it is first recorded."""

    __tablename__ = "comment"
    __table_args__ = (
        UniqueConstraint("source_id", "platform_comment_id"),
        Index("ix_comment_created", "source_id", "created_time"),
        Index("ix_comment_post", "post_id", "created_time"),  # a snapshot's thread
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    platform_comment_id: Mapped[str] = mapped_column(String(200), comment="the platform's id")
    parent_platform_id: Mapped[str | None] = mapped_column(String(200), comment="for replies")
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("author_account.id"))
    author_platform_id: Mapped[str | None] = mapped_column(
        String(200), comment="absent on FB often"
    )
    author_name: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, comment="personal data: never logged at INFO")
    created_time: Mapped[dt.datetime | None] = mapped_column(comment="platform time (UTC)")
    permalink: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict[str, Any]] = mapped_column(comment="the platform's JSON, as received")
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, comment="capture time")
    by_owner: Mapped[bool] = mapped_column(
        default=False, comment="written by the Page or account itself: never acted on"
    )
    removed_at: Mapped[dt.datetime | None] = mapped_column(
        comment="when the platform said it was removed (the record is kept)"
    )
    edited_at: Mapped[dt.datetime | None] = mapped_column(
        comment="when a later reading first differed from what was recorded (the latest edit)"
    )
    read_sha256: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the text as last read, when it differs from text"
    )
    source: Mapped[Source] = relationship()
    post: Mapped[Post | None] = relationship()
    author_account: Mapped[AuthorAccount | None] = relationship()


class Classification(Base):
    """One model's verdict on one comment; a new model version adds a row."""

    __tablename__ = "classification"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    model_name: Mapped[str] = mapped_column(String(100))
    model_version: Mapped[str] = mapped_column(String(100))
    scores: Mapped[dict[str, Any]] = mapped_column(comment="label -> probability")
    categories: Mapped[list[Any]] = mapped_column(comment="policy categories raised")
    reasons: Mapped[list[Any]] = mapped_column(comment="plain-words reasons")
    spans: Mapped[list[Any]] = mapped_column(comment="[start, end, category] in the text")
    targets: Mapped[list[Any]] = mapped_column(comment="staff and pupils named")
    hide: Mapped[bool] = mapped_column(comment="the policy's decision to hide")
    step: Mapped[Step | None] = mapped_column(_enum(Step, "step"))
    route: Mapped[str | None] = mapped_column(String(20), comment="dsl | complaints | moderators")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Flag(Base):
    """A comment the policy raised, in the moderators' queue."""

    __tablename__ = "flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), unique=True)
    classification_id: Mapped[int] = mapped_column(ForeignKey("classification.id"))
    poster_id: Mapped[int | None] = mapped_column(ForeignKey("poster.id"), index=True)
    status: Mapped[FlagStatus] = mapped_column(_enum(FlagStatus, "flag_status"), index=True)
    step: Mapped[Step | None] = mapped_column(_enum(Step, "step"), comment="recommended rung")
    categories: Mapped[list[Any]] = mapped_column()
    route: Mapped[str | None] = mapped_column(String(20))
    hidden: Mapped[bool] = mapped_column(default=False, comment="hidden on the platform now")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    step_reason: Mapped[str | None] = mapped_column(Text, comment="why this step, in words")
    breach: Mapped[bool | None] = mapped_column(
        comment="a person's judgement: true a breach, false not a breach (kept when closed)"
    )  # every dismissal sets it false, so "not dismissed" is breach IS NOT false
    claimed_by: Mapped[str | None] = mapped_column(String(100), comment="reviewer (in_review)")
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(100), comment="last decision's user")
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    escalated_step: Mapped[Step | None] = mapped_column(
        _enum(Step, "step"), comment="the highest rung a person decided to take"
    )
    proposed_step: Mapped[Step | None] = mapped_column(
        _enum(Step, "step"), comment="a rung awaiting a second person (police)"
    )
    proposed_by: Mapped[str | None] = mapped_column(String(100))
    proposed_at: Mapped[dt.datetime | None] = mapped_column()
    comment: Mapped[Comment] = relationship()
    classification: Mapped[Classification] = relationship()
    poster: Mapped[Poster | None] = relationship()
    targets: Mapped[list[FlagTarget]] = relationship(order_by="FlagTarget.id")

    @property
    def posted_at(self) -> dt.datetime:
        """When the comment was posted (when it was flagged, if the platform did not say)."""
        return self.comment.created_time or self.created_at


class FlagTarget(Base):
    """A person an incident targets: named by the policy (the roster) or added by a moderator."""

    __tablename__ = "flag_target"
    __table_args__ = (UniqueConstraint("flag_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), comment="the roster name, or as given")
    kind: Mapped[str] = mapped_column(String(10), comment="staff | pupil | other")
    added_by: Mapped[str] = mapped_column(String(100), comment="'policy' or a username")
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Letter(Base):
    """A letter generated for a case (meeting invitation, written warning, complaint reply).
    Never changed after it is written; the text is hashed."""

    __tablename__ = "letter"
    id: Mapped[int] = mapped_column(primary_key=True)
    poster_id: Mapped[int | None] = mapped_column(ForeignKey("poster.id"), index=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id"), comment="the decision's flag")
    flag_ids: Mapped[list[Any]] = mapped_column(comment="the flags whose comments it quotes")
    kind: Mapped[str] = mapped_column(String(30), comment="meeting | written_warning | ...")
    template: Mapped[str] = mapped_column(String(200), comment="template file name")
    template_sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, comment="the letter as generated")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of text (UTF-8)")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    """A named person who uses the moderator (the queue, the web interface)."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    password_hash: Mapped[str] = mapped_column(Text, comment="scrypt$n$r$p$salt$hash")
    active: Mapped[bool] = mapped_column(default=True, comment="false: cannot sign in or decide")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    failed_logins: Mapped[int] = mapped_column(default=0, comment="failed sign-ins in a row")
    locked_until: Mapped[dt.datetime | None] = mapped_column(comment="no sign-in before this")
    last_login_at: Mapped[dt.datetime | None] = mapped_column()


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept here."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    flash: Mapped[str | None] = mapped_column(
        Text, comment="a status message for the next page, shown once"
    )
    user: Mapped[User] = relationship()


class SignInAddress(Base):
    """Failed sign-ins from one client address in the current window (the address throttle)."""

    __tablename__ = "sign_in_address"
    address: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(comment="attempts not (yet) followed by a success")
    window_ends: Mapped[dt.datetime] = mapped_column(comment="the count starts again after this")


class Action(Base):
    """A platform action in the outbox, recorded before it is sent: hide or unhide a comment,
    block or unblock its author (naming the source), or post a reply under it (``letter_id``)."""

    __tablename__ = "action"
    __table_args__ = (UniqueConstraint("comment_id", "kind", "generation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"))
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flag.id"))
    kind: Mapped[str] = mapped_column(String(20), comment="hide | unhide | block | unblock | reply")
    generation: Mapped[int] = mapped_column(default=1, comment="bumps on hide-unhide-hide")
    status: Mapped[str] = mapped_column(
        String(20),
        index=True,
        comment="pending | sending | confirmed | failed | manual (platform cannot act) | cancelled",
    )  # workqueue.states.ActionStatus; its moves: ACTION_TRANSITIONS
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(comment="not before (retries)")
    sent_at: Mapped[dt.datetime | None] = mapped_column(comment="last handed to the platform")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter.id"), comment="reply: its text"
    )
    reference: Mapped[str | None] = mapped_column(String(200), comment="the platform's id for it")
    instructions: Mapped[str | None] = mapped_column(
        Text, comment="manual: what a person does by hand, in the platform's app"
    )
    requested_by: Mapped[str | None] = mapped_column(String(100), comment="who approved it")
    comment: Mapped[Comment] = relationship()


class EvidenceSnapshot(Base):
    """What was captured at detection time, before any hide. Never updated or deleted (database
    triggers refuse it); a correction is a new snapshot that names the one it corrects."""

    __tablename__ = "evidence_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    captured_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    content: Mapped[str] = mapped_column(Text, comment="canonical JSON of the capture")
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of content (UTF-8)")
    captured_by: Mapped[str] = mapped_column(
        String(100), default="system", comment="'system' (a scan) or a username"
    )
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_snapshot.id"), comment="the snapshot this one corrects"
    )
    artefacts: Mapped[list[EvidenceArtefact]] = relationship(order_by="EvidenceArtefact.id")


class EvidenceArtefact(Base):
    """A file belonging to a snapshot: the capture image, a downloaded attachment. Never changed."""

    __tablename__ = "evidence_artefact"
    __table_args__ = (UniqueConstraint("snapshot_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("evidence_snapshot.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), comment="file name, e.g. capture.png")
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CustodyEvent(Base):
    """One link of a snapshot's hash-chained custody log: captured, viewed, exported...

    ``hash`` is SHA-256 of the canonical JSON of the other fields; ``prev`` is the previous
    entry's hash, or the snapshot's own hash for the first. Never changed."""

    __tablename__ = "custody_event"
    __table_args__ = (UniqueConstraint("snapshot_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("evidence_snapshot.id"), index=True)
    seq: Mapped[int] = mapped_column(comment="1, 2, 3... within the snapshot")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200), comment="a username, or 'system'")
    action: Mapped[str] = mapped_column(String(30), comment="captured | viewed | exported | ...")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="no comment text")
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class EvidenceExport(Base):
    """An evidence bundle made: who, when, of what, and its manifest hash (its fingerprint)."""

    __tablename__ = "evidence_export"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(100), comment="'flag 12' or 'case 3'")
    flag_ids: Mapped[list[Any]] = mapped_column()
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(Text, comment="where it was written")
    timestamp_token: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="the RFC 3161 reply, when a TSA is configured"
    )


class EvidencePurge(Base):
    """The retention purge's permit: evidence rows can be deleted only while a row exists here.

    ``moderator purge`` adds its row, deletes and removes the row in one transaction, so no
    other transaction ever sees it (docs/data-protection.md)."""

    __tablename__ = "evidence_purge"
    purge_id: Mapped[int] = mapped_column(primary_key=True)


class AuditEvent(Base):
    """Who did what, when and why. Append-only."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), comment="a username, or 'system'")
    action: Mapped[str] = mapped_column(String(50), comment="e.g. scan, flag_created, hide")
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column()
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="no comment text")


class SchoolWord(Base):
    """The school's own words (its "Hidden Words"): a blocked word or phrase raises its category
    and hides; an allowed word stops a lexicon hit on itself. Changes are audited."""

    __tablename__ = "school_word"
    __table_args__ = (UniqueConstraint("kind", "phrase"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), comment="blocked | allowed")
    phrase: Mapped[str] = mapped_column(String(200), comment="lower case, single spaces")
    category: Mapped[str | None] = mapped_column(String(20), comment="blocked: what it raises")
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RejectedRecord(Base):
    """A record a source sent that could not be recorded (quarantined): where it was and why,
    never its content. The same record refused again (a file is read on every scan) counts on
    its row; ``key`` is SHA-256 of the source, ``item`` and ``reason``."""

    __tablename__ = "rejected_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(
        String(64), unique=True, comment="SHA-256: source, item, reason"
    )
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), index=True)
    item: Mapped[str] = mapped_column(Text, comment="file and line, or the platform's id")
    reason: Mapped[str] = mapped_column(Text, comment="why, in words; never the record's text")
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    times_seen: Mapped[int] = mapped_column(default=1, comment="scans that refused it")
    source: Mapped[Source] = relationship()


# Webhook changes and alerts are in notices.py (so this module stays under 500 lines); imported
# here so that Base.metadata has their tables and ``models`` still names them.
from moderator.store.notices import Alert, AlertSeen, WebhookEvent  # noqa: E402, F401
