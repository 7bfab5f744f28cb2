"""The custody log: one hash-chained list of entries per snapshot (captured, viewed, exported).

Each entry's hash covers the snapshot's hash, its sequence number, time, actor, action, detail
and the previous entry's hash (the snapshot's own hash for the first), so a recipient can check
that nothing was removed, reordered or altered (``verify.py`` defines the format). Details never
hold comment text.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.evidence import archives, verify
from moderator.store import db
from moderator.store.models import CustodyEvent, EvidenceSnapshot, utcnow

logger = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 5


def stamp(moment: dt.datetime) -> str:
    """The time as an entry records it: UTC with microseconds, one form on every backend."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry(event: CustodyEvent, snapshot_sha256: str) -> dict[str, Any]:
    """The entry as it is hashed and exported (one line of ``custody.jsonl``)."""
    return {
        "snapshot": snapshot_sha256,
        "seq": event.seq,
        "at": stamp(event.at),
        "actor": event.actor,
        "action": event.action,
        "detail": event.detail,
        "prev": event.prev,
        "hash": event.hash,
    }


def append(
    session: Session,
    snapshot: EvidenceSnapshot,
    actor: str,
    action: str,
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> CustodyEvent:
    """Add an entry at the head of ``snapshot``'s chain (the snapshot row is locked on
    PostgreSQL; a concurrent append elsewhere fails on the unique ``(snapshot, seq)``)."""
    session.flush()
    session.execute(
        select(EvidenceSnapshot.id).where(EvidenceSnapshot.id == snapshot.id).with_for_update()
    )
    head = session.scalars(
        select(CustodyEvent)
        .where(CustodyEvent.snapshot_id == snapshot.id)
        .order_by(CustodyEvent.seq.desc())
        .limit(1)
    ).first()
    event = CustodyEvent(
        snapshot_id=snapshot.id,
        seq=head.seq + 1 if head else 1,
        at=at or utcnow(),
        actor=actor,
        action=action,
        detail=dict(detail or {}),
        prev=head.hash if head else snapshot.sha256,
    )
    event.hash = verify.entry_hash(entry(event, snapshot.sha256))
    session.add(event)
    session.flush()
    return event


def chain(session: Session, snapshot: EvidenceSnapshot) -> list[CustodyEvent]:
    return list(
        session.scalars(
            select(CustodyEvent)
            .where(CustodyEvent.snapshot_id == snapshot.id)
            .order_by(CustodyEvent.seq)
        )
    )


def retrying(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run ``work`` in its own transaction, again when a concurrent append took the same place
    in a chain (the unique constraint refuses the second)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.session_scope(engine) as session:
                return work(session)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
            logger.info("custody append raced another; retrying", extra={"attempt": attempt})
    raise AssertionError("unreachable")


def place_recorded(
    engine: Engine,
    out: Path,
    build: Callable[[Session], tuple[T, bytes]],
    *,
    what: str,
    prefix: str,
    error: type[ModeratorError],
    named: Callable[[T], str],
    again: str,
) -> T:
    """Build a file and record its custody in one transaction (:func:`retrying`), then put the
    file at ``out``: it is written beside ``out`` before the record commits and moved into place
    after, so a file never exists without its record. ``named(result)`` and ``again`` word the
    error when the record committed but the file could not be moved."""
    written: list[Path] = []

    def work(session: Session) -> T:
        result, data = build(session)
        written.append(archives.write_beside(out, data, what=what, prefix=prefix, error=error))
        return result

    try:
        result = retrying(engine, work)
        try:
            os.replace(written[-1], out)
        except OSError as exc:
            raise error(
                f"{out}: {named(result)} was recorded but could not be put in place "
                f"({exc.strerror}); {again}"
            ) from exc
    finally:
        for path in written:
            path.unlink(missing_ok=True)
    return result


def viewed(engine: Engine, snapshot_ids: Iterable[int], actor: str, where: str) -> None:
    """Record that ``actor`` looked at these snapshots (``where``: the command or page)."""
    ids = list(snapshot_ids)

    def work(session: Session) -> None:
        for snapshot in session.scalars(
            select(EvidenceSnapshot).where(EvidenceSnapshot.id.in_(ids))
        ):
            append(session, snapshot, actor, "viewed", {"via": where})

    if ids:
        retrying(engine, work)
