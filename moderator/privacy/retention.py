"""Retention: what personal data is past its period, and the purge that deletes it.

The rules (docs/data-protection.md says why):

* **Unflagged comments** (never flagged) are deleted ``unflagged_days`` after they were first
  seen, with their classifications; so are webhook deliveries processed that long ago, and
  rejected records (where a record that could not be recorded was, and why) last seen that
  long ago.
* A **case** is a poster's flags (a flag without a poster is a case of its own). Nothing of a
  case is touched while any of its flags is open (new, hidden, in review) or confirmed or
  escalated and not yet closed: the evidence of a live case is kept, dismissed flags included
  (a bundle discloses them so that it is fair).
* In a finished case with no breach (every flag judged not a breach, ``breach`` false), each
  flag goes ``dismissed_days`` after its own decision, with its comment, classifications,
  evidence, targets and platform actions.
* A finished case with a breach (some flag confirmed or escalated, then closed) goes as a whole
  ``closed_days`` after its last decision: every flag, comment, classification, evidence
  snapshot, artefact, custody log, target, action and letter.
* Accounts and posters go once nothing of theirs is left (a poster linked into another case
  goes with that case).
* The audit log is kept for ever unless ``audit_days`` is set; even then the events about a
  flag or poster still held are kept with it.
* ``evidence_export`` rows (who made which bundle, its fingerprint) are never deleted.
* The sign-in throttle's rows (``sign_in_address``: a client IP address and its failures) go as
  soon as their window has ended, whatever the periods say: every purge deletes them.

A flag or comment whose hide or unhide is still being sent (action ``pending`` or ``sending``)
waits for the next purge. Zero days means never for that kind.

:func:`purge` works in one transaction: it takes the permit (a row in ``evidence_purge``, the
only thing the database triggers let evidence be deleted under, see migration 0007), locks the
finished flags on PostgreSQL so a decision cannot reopen one meanwhile, plans again on what it
now sees, deletes child rows before parents, drops the permit, and records one ``purged`` audit
event with the counts. Logs carry counts only, never text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from moderator.ingest.recording import audit
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import (
    Action,
    AuditEvent,
    AuthorAccount,
    Base,
    Classification,
    Comment,
    CustodyEvent,
    EvidenceArtefact,
    EvidencePurge,
    EvidenceSnapshot,
    Flag,
    FlagTarget,
    Letter,
    Poster,
    RejectedRecord,
    SignInAddress,
    WebhookEvent,
    utcnow,
)
from workqueue.states import FlagStatus

logger = logging.getLogger(__name__)

#: Tables in the order the purge deletes from them: children before the rows they point at.
ORDER: tuple[type[Base], ...] = (
    CustodyEvent,
    EvidenceArtefact,
    EvidenceSnapshot,
    FlagTarget,
    Action,  # before the letter a reply posts
    Letter,
    Flag,
    Classification,
    Comment,
    AuthorAccount,
    Poster,
    WebhookEvent,
    RejectedRecord,
    SignInAddress,
    AuditEvent,
)
KINDS: tuple[str, ...] = tuple(str(model.__tablename__) for model in ORDER)
#: A case with a flag in one of these is live: nothing of it is purged.
LIVE = frozenset(
    {
        FlagStatus.NEW,
        FlagStatus.HIDDEN,
        FlagStatus.IN_REVIEW,
        FlagStatus.CONFIRMED,
        FlagStatus.ESCALATED,
    }
)
#: Platform actions still on their way: their flag and comment wait.
BUSY = ("pending", "sending")
CHUNK = 500  #: ids per statement (SQLite limits bound parameters)


@dataclass
class Plan:
    """What a purge deletes (or, in a dry run, would delete): ids per table, and why."""

    at: dt.datetime
    dry_run: bool
    periods: dict[str, int]
    #: row keys per table: ids, but the client address for ``sign_in_address``
    ids: dict[str, list[Any]] = field(default_factory=dict)
    unflagged_comments: list[int] = field(default_factory=list)
    dismissed_flags: list[int] = field(default_factory=list)
    closed_cases: list[int] = field(default_factory=list)  #: poster ids (case numbers)
    closed_case_flags: list[int] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(self.ids.get(kind, [])) for kind in KINDS}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def groups(self) -> dict[str, int]:
        return {
            "unflagged_comments": len(self.unflagged_comments),
            "dismissed_flags": len(self.dismissed_flags),
            "closed_cases": len(self.closed_cases),
            "closed_case_flags": len(self.closed_case_flags),
        }

    def as_json(self) -> dict[str, Any]:
        """The ``purge --json`` contract (counts only: no ids, no text)."""
        return {
            "dry_run": self.dry_run,
            "at": self.at.isoformat(),
            "periods": dict(self.periods),
            "groups": self.groups,
            "counts": self.counts,
            "total": self.total,
        }


def plan(session: Session, config: SchoolConfig, now: dt.datetime | None = None) -> Plan:
    """What is past its retention period at ``now`` (default: the current time)."""
    now = now or utcnow()
    retention = config.retention
    periods = {
        "unflagged_days": retention.unflagged_days,
        "dismissed_days": retention.dismissed_days,
        "closed_days": retention.closed_days,
        "audit_days": retention.audit_days,
    }
    result = Plan(at=now, dry_run=True, periods=periods)
    busy = set(session.scalars(select(Action.comment_id).where(Action.status.in_(BUSY))))
    _flags(session, result, now, retention.dismissed_days, retention.closed_days, busy)
    if retention.unflagged_days:
        before = now - dt.timedelta(days=retention.unflagged_days)
        flagged = select(Flag.id).where(Flag.comment_id == Comment.id).exists()
        result.unflagged_comments = [
            i
            for i in session.scalars(
                select(Comment.id).where(Comment.first_seen_at <= before, ~flagged)
            )
            if i not in busy
        ]
        result.ids["webhook_event"] = list(
            session.scalars(
                select(WebhookEvent.id).where(
                    WebhookEvent.status != "pending",
                    func.coalesce(WebhookEvent.processed_at, WebhookEvent.received_at) <= before,
                )
            )
        )
        result.ids["rejected_record"] = list(
            session.scalars(select(RejectedRecord.id).where(RejectedRecord.last_seen_at <= before))
        )
    # IP addresses: kept only while their throttle window runs, whatever the periods say.
    result.ids["sign_in_address"] = list(
        session.scalars(select(SignInAddress.address).where(SignInAddress.window_ends <= now))
    )
    _rows(session, result)
    _people(session, result)
    if retention.audit_days:
        _audit(session, result, now - dt.timedelta(days=retention.audit_days))
    for kind, ids in result.ids.items():
        if kind != "poster":  # posters stay in the order they can be deleted in
            result.ids[kind] = sorted(set(ids))
    return result


def purge(
    engine: Engine,
    config: SchoolConfig,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    *,
    actor: str = "system",
) -> Plan:
    """Delete what :func:`plan` finds, in one transaction (with ``dry_run``, only plan)."""
    now = now or utcnow()
    if dry_run:
        with db.session_scope(engine) as session:  # reads only
            result = plan(session, config, now)
        logger.info("purge planned (dry run)", extra={"counts": result.counts})
        return result
    with db.session_scope(engine) as session:
        # The permit first: on SQLite the INSERT takes the write lock, so what is planned
        # below is what is deleted; on PostgreSQL an advisory lock queues a second purge and
        # the finished flags are locked so that no decision reopens one meanwhile.
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(_LOCK_KEY)))
        permit = EvidencePurge()
        session.add(permit)
        session.flush()
        session.execute(
            select(Flag.id)
            .where(Flag.status.in_((FlagStatus.DISMISSED, FlagStatus.CLOSED)))
            .with_for_update()
        )
        result = plan(session, config, now)
        result.dry_run = False
        for model in ORDER:
            _delete(session, model, result.ids.get(str(model.__tablename__), []), now)
        session.execute(delete(EvidencePurge).where(EvidencePurge.purge_id == permit.purge_id))
        audit(
            session,
            actor,
            "purged",
            None,
            None,
            at=now.isoformat(),
            periods=result.periods,
            groups=result.groups,
            counts=result.counts,
        )
    logger.info("purge done", extra={"counts": result.counts, "total": result.total})
    return result


_LOCK_KEY = 0x6D6F6450  #: one purge at a time on PostgreSQL (pg_advisory_xact_lock)


def _decided(flag: Any) -> dt.datetime:
    return flag.decided_at or flag.updated_at


def _flags(
    session: Session,
    result: Plan,
    now: dt.datetime,
    dismissed_days: int,
    closed_days: int,
    busy: set[int],
) -> None:
    """The finished cases' flags past their period."""
    rows = session.execute(
        select(
            Flag.id,
            Flag.poster_id,
            Flag.status,
            Flag.breach,
            Flag.decided_at,
            Flag.updated_at,
            Flag.comment_id,
        )
    ).all()
    by_case: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for row in rows:
        by_case[("case", row.poster_id) if row.poster_id else ("flag", row.id)].append(row)
    lettered = set(session.scalars(select(Letter.flag_id)))
    dismissed_before = now - dt.timedelta(days=dismissed_days) if dismissed_days else None
    closed_before = now - dt.timedelta(days=closed_days) if closed_days else None
    for (kind, number), found in sorted(by_case.items(), key=lambda item: item[0]):
        if any(f.status in LIVE or f.comment_id in busy for f in found):
            continue
        if any(f.breach is not False for f in found):
            if closed_before and max(_decided(f) for f in found) <= closed_before:
                result.closed_case_flags += [f.id for f in found]
                if kind == "case":
                    result.closed_cases.append(number)
            continue
        if dismissed_before:
            result.dismissed_flags += [
                f.id for f in found if _decided(f) <= dismissed_before and f.id not in lettered
            ]


def _rows(session: Session, result: Plan) -> None:
    """Every row belonging to the chosen flags and comments."""
    flags = result.dismissed_flags + result.closed_case_flags
    comments = result.unflagged_comments + _values(session, Flag.comment_id, Flag.id, flags)
    snapshots = _values(session, EvidenceSnapshot.id, EvidenceSnapshot.comment_id, comments)
    ids = result.ids
    ids["flag"] = flags
    ids["comment"] = comments
    ids["evidence_snapshot"] = snapshots
    ids["evidence_artefact"] = _values(
        session, EvidenceArtefact.id, EvidenceArtefact.snapshot_id, snapshots
    )
    ids["custody_event"] = _values(session, CustodyEvent.id, CustodyEvent.snapshot_id, snapshots)
    ids["flag_target"] = _values(session, FlagTarget.id, FlagTarget.flag_id, flags)
    ids["letter"] = _values(session, Letter.id, Letter.flag_id, flags) + _values(
        session, Letter.id, Letter.poster_id, result.closed_cases
    )
    ids["action"] = _values(session, Action.id, Action.comment_id, comments) + _values(
        session, Action.id, Action.flag_id, flags
    )
    ids["classification"] = _values(session, Classification.id, Classification.comment_id, comments)


def _people(session: Session, result: Plan) -> None:
    """Accounts and posters with nothing left once the purge is done."""
    gone_comments = set(result.ids["comment"])
    gone_flags = set(result.ids["flag"])
    gone_letters = set(result.ids["letter"])
    comments_left: dict[int | None, int] = dict(
        session.execute(
            select(Comment.author_account_id, func.count())
            .where(Comment.author_account_id.is_not(None))
            .group_by(Comment.author_account_id)
        )
        .tuples()
        .all()
    )
    for account_id in _values(
        session, Comment.author_account_id, Comment.id, sorted(gone_comments)
    ):
        if account_id is not None:
            comments_left[account_id] -= 1
    holding: set[int] = set()  # posters something still points at
    for flag_id, poster_id in session.execute(select(Flag.id, Flag.poster_id)):
        if poster_id is not None and flag_id not in gone_flags:
            holding.add(poster_id)
    for letter_id, poster_id in session.execute(select(Letter.id, Letter.poster_id)):
        if poster_id is not None and letter_id not in gone_letters:
            holding.add(poster_id)
    accounts: dict[int, list[int]] = defaultdict(list)
    for account_id, poster_id in session.execute(select(AuthorAccount.id, AuthorAccount.poster_id)):
        accounts[poster_id].append(account_id)
        if comments_left.get(account_id, 0) > 0:
            holding.add(poster_id)
    merged = dict(session.execute(select(Poster.id, Poster.merged_into_id)).tuples().all())
    children: dict[int, list[int]] = defaultdict(list)
    for child, into in merged.items():
        if into is not None:
            children[into].append(child)
    going = {p for p in merged if p not in holding}
    while True:  # a link between two cases is kept while either of them is kept
        keep = {
            p
            for p in going
            if (merged[p] is not None and merged[p] not in going)
            or any(child not in going for child in children[p])
        }
        if not keep:
            break
        going -= keep
    result.ids["author_account"] = [a for p in going for a in accounts.get(p, [])]
    result.ids["poster"] = _children_first(going, children)


def _children_first(going: set[int], children: dict[int, list[int]]) -> list[int]:
    """Posters linked into another before the one they were linked into."""
    order: list[int] = []
    left = set(going)
    while left:
        leaves = {p for p in left if not any(c in left for c in children[p])}
        order += sorted(leaves)
        left -= leaves
    return order


def _audit(session: Session, result: Plan, before: dt.datetime) -> None:
    """Audit events older than ``before``, but for those about a flag or poster still held."""
    flags_kept = set(session.scalars(select(Flag.id))) - set(result.ids["flag"])
    posters_kept = set(session.scalars(select(Poster.id))) - set(result.ids["poster"])
    kept = {"flag": flags_kept, "poster": posters_kept}
    result.ids["audit_event"] = [
        event_id
        for event_id, subject_type, subject_id in session.execute(
            select(AuditEvent.id, AuditEvent.subject_type, AuditEvent.subject_id).where(
                AuditEvent.at <= before
            )
        )
        if subject_id not in kept.get(subject_type or "", set())
    ]


def _values(
    session: Session,
    column: InstrumentedAttribute[Any],
    key: InstrumentedAttribute[Any],
    keys: Sequence[int],
) -> list[Any]:
    """``column`` of the rows whose ``key`` is one of ``keys`` (asked in chunks)."""
    found: list[Any] = []
    for chunk in _chunks(sorted(set(keys))):
        found += session.scalars(select(column).where(key.in_(chunk)))
    return found


def _delete(session: Session, model: type[Base], ids: Sequence[Any], now: dt.datetime) -> None:
    table: Any = model.__table__
    if model is SignInAddress:  # keyed by address; a window begun again meanwhile stays
        for chunk in _chunks(ids):
            session.execute(
                delete(SignInAddress).where(
                    SignInAddress.address.in_(chunk), SignInAddress.window_ends <= now
                )
            )
        return
    if model is EvidenceSnapshot:  # a correction goes before the snapshot it corrects
        ids = sorted(ids, reverse=True)
    for chunk in _chunks(ids):  # posters come in the order _children_first gave
        session.execute(delete(table).where(table.c.id.in_(chunk)))


def _chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])
