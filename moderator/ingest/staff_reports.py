"""Comments staff report: a comment a member of staff saw elsewhere (a parents' group, another
page, a message), recorded through the same path as any source.

The report is a :class:`RawComment` of the source ``staff_reports`` (platform ``report``), which
cannot act: it is classified, decided by the school's policy (its word lists included), gets an
evidence snapshot taken by the reporter (the snapshot's ``raw`` names who reported it, where it
was seen, when and who posted it) and a flag. A comment the policy raises nothing on is still
flagged, for review by the moderators: a person thought it worth reporting. No image is taken
(the form has no upload), so the indecent-image rule has nothing to withhold. The report is an
audit event by the reporter (no text), which is how a member of staff finds their own reports.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from classifiers.base import Classifier, Scores
from connectors.base import FetchWindow, ManualAction, RawComment, Skipped
from moderator.errors import InputError
from moderator.ingest import recording
from moderator.ingest.scanning import SourceScan
from moderator.policy import wordlist
from moderator.policy.categories import Route
from moderator.policy.decide import Decision, Policy
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import AuditEvent, Comment, Flag
from workqueue.ladder import Step

SOURCE, PLATFORM = "staff_reports", "report"
ACTION = "staff_report"
NOTHING_RAISED = "reported by a member of staff; the policy raised no category: check it"
MAX_TEXT, MAX_FIELD = 20_000, 500


@dataclass(frozen=True)
class Report:
    """What the form asks."""

    text: str
    address: str  #: where it was seen: a link, or words ("the Year 7 parents' WhatsApp group")
    seen_at: dt.datetime  #: aware
    posted_by: str = ""  #: who posted it, as the reporter knows them

    def check(self) -> None:
        """Raise :class:`InputError` naming the field at fault (never quoting it)."""
        if not self.text.strip():
            raise InputError("give the comment's text")
        if len(self.text) > MAX_TEXT:
            raise InputError(f"the comment's text may be at most {MAX_TEXT} characters")
        if not self.address.strip():
            raise InputError("say where the comment was seen (a link or a description)")
        for name, value in (("where it was seen", self.address), ("who posted it", self.posted_by)):
            if len(value) > MAX_FIELD:
                raise InputError(f"{name} may be at most {MAX_FIELD} characters")
        if self.seen_at.tzinfo is None:
            raise InputError("when it was seen needs a time zone")
        if self.seen_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
            raise InputError("when it was seen is in the future")


@dataclass(frozen=True)
class Received:
    comment_id: int
    flag_id: int | None


class StaffReportSource:
    """The connector for reports made in the web interface: nothing to fetch, nothing to hide."""

    name, platform, can_act = SOURCE, PLATFORM, False

    def fetch(self, window: FetchWindow) -> Iterator[RawComment | Skipped]:
        return iter(())

    def fetch_comment(self, comment_id: str, post_id: str | None = None) -> RawComment | None:
        return None

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        raise ManualAction(PLATFORM, "hide", "hide it where it was seen, by hand")

    def is_hidden(self, comment_id: str) -> bool | None:
        return None

    def usage(self) -> dict[str, Any] | None:
        return None

    def close(self) -> None:
        return None


class _ReportPolicy(Policy):
    """The school's policy; a comment it raises nothing on still goes to the moderators."""

    def decide(self, text: str, scores: Scores) -> Decision:
        found = super().decide(text, scores)
        if found.categories:
            return found
        return replace(found, step=Step.REVIEW, route=Route.MODERATORS, reasons=(NOTHING_RAISED,))


def raw_comment(report: Report, username: str, full_name: str) -> RawComment:
    address = report.address.strip()
    link = address if address.startswith(("https://", "http://")) else None
    raw = {
        "kind": ACTION,
        "reported_by": {"username": username, "name": full_name, "role": "staff report"},
        "seen_at": report.seen_at.astimezone(dt.UTC).isoformat(),
        "where_seen": address,
        "posted_by": report.posted_by.strip() or None,
    }
    return RawComment(
        platform_comment_id=f"report-{uuid.uuid4().hex}",
        text=report.text,
        raw=raw,
        author_name=report.posted_by.strip() or None,
        permalink=link,
        where="the report form",
    )


def record(
    engine: Engine,
    config: SchoolConfig,
    classifier: Classifier,
    report: Report,
    username: str,
    full_name: str,
) -> Received:
    """Record ``report`` as made by ``username``: classified, snapshotted, flagged."""
    report.check()
    base = wordlist.policy_for(engine, config)
    policy = _ReportPolicy(base.roster, base.thresholds, base.floors, base.words)
    policy.school = base.school
    connector = StaffReportSource()
    run = SourceScan(engine, connector, classifier, policy, config)
    run.flag_all, run.actor, run.via = True, username, "staff report"
    comment = raw_comment(report, username, full_name)
    done = run.record([comment])
    if done.rejected:
        raise InputError(f"the report could not be recorded: {done.rejected[0].reason}")
    with db.session_scope(engine) as session:
        row = session.scalars(
            select(Comment).where(
                Comment.source_id == run.source_id,
                Comment.platform_comment_id == comment.platform_comment_id,
            )
        ).one()
        flag_id = session.scalar(select(Flag.id).where(Flag.comment_id == row.id))
        recording.audit(
            session, username, ACTION, "comment", row.id, source=SOURCE, flag_id=flag_id
        )
        return Received(row.id, flag_id)


@dataclass(frozen=True)
class Mine:
    """One of a member of staff's own reports, as they may see it."""

    reported_at: dt.datetime
    text: str | None  #: None: no longer kept (retention)
    where_seen: str | None
    seen_at: str | None
    posted_by: str | None
    flagged: bool


def mine(session: Session, username: str) -> list[Mine]:
    """The reports ``username`` made, newest first: only theirs, only what they gave."""
    events = session.execute(
        select(AuditEvent.at, AuditEvent.subject_id, Comment, Flag.id)
        .outerjoin(Comment, Comment.id == AuditEvent.subject_id)
        .outerjoin(Flag, Flag.comment_id == Comment.id)
        .where(AuditEvent.actor == username, AuditEvent.action == ACTION)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    found = []
    for at, _, comment, flag_id in events:
        raw = comment.raw if comment is not None and isinstance(comment.raw, dict) else {}
        if (raw.get("reported_by") or {}).get("username") != username:
            comment, raw = None, {}  # purged (an id SQLite may give again): not theirs to see
        found.append(
            Mine(
                reported_at=at,
                text=comment.text if comment is not None else None,
                where_seen=raw.get("where_seen"),
                seen_at=raw.get("seen_at"),
                posted_by=raw.get("posted_by"),
                flagged=flag_id is not None and comment is not None,
            )
        )
    return found
