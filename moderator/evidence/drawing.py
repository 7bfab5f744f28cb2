"""The capture image, drawn once from the sealed snapshot when it is first needed.

The scan seals the snapshot (its canonical JSON and SHA-256) before any hide is requested; the
capture image is a picture of that JSON, so it can be drawn at any later time and come out the
same. Drawing it during the scan cost 45 ms a flagged comment, most of a busy Page's first scan
(``docs/operations.md``), so the scan no longer draws it. It is drawn, once, by whichever comes
first: a moderator opening the flag's page, an evidence export, or the worker between its other
work (:func:`draw_pending`, a few a tick, oldest first). Each drawing is stored as the snapshot's
``capture.png`` artefact with an ``artefact_added`` custody entry naming the image's SHA-256,
who drew it, when and why, so the chain says when the image came to exist; the snapshot itself
is never touched. ``(snapshot, name)`` is unique, so two processes cannot store two images: the
loser of a race rolls back and finds the winner's (:func:`moderator.evidence.custody.retrying`).
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import Session

from moderator.evidence import custody, snapshot
from moderator.evidence.dossier import EvidenceError
from moderator.store import db
from moderator.store.models import EvidenceArtefact, EvidenceSnapshot

logger = logging.getLogger(__name__)
IMAGE = "capture.png"
#: Images the worker draws in one tick: about a second of drawing, so polls stay prompt.
PER_TICK = 20


def stored(session: Session, shot: EvidenceSnapshot) -> bytes | None:
    """The snapshot's capture image if it has been drawn."""
    return session.scalars(
        select(EvidenceArtefact.data).where(
            EvidenceArtefact.snapshot_id == shot.id, EvidenceArtefact.name == IMAGE
        )
    ).first()


def ensure(
    session: Session, shot: EvidenceSnapshot, actor: str, why: str, at: dt.datetime | None = None
) -> bytes:
    """The capture image, drawn and recorded now if it has not been (its custody entry dated
    ``at``, so an export's own entries that follow it are not dated before it); raises
    :class:`EvidenceError` when it cannot be drawn (the reason is logged without comment text)."""
    found = stored(session, shot)
    if found is not None:
        return found
    image = snapshot.draw(shot)
    if image is None:
        raise EvidenceError(f"the capture image for evidence snapshot {shot.id} cannot be drawn")
    sha = snapshot.add_artefact(session, shot, IMAGE, "image/png", image)
    detail = {"artefacts": {IMAGE: sha}, "why": why}
    custody.append(session, shot, actor, "artefact_added", detail, at=at)
    session.flush()
    session.expire(shot, ["artefacts"])
    return image


def pending(session: Session, limit: int, skip: frozenset[int] = frozenset()) -> list[int]:
    """Ids of the oldest snapshots whose capture image has not been drawn."""
    drawn = exists().where(
        EvidenceArtefact.snapshot_id == EvidenceSnapshot.id, EvidenceArtefact.name == IMAGE
    )
    query = select(EvidenceSnapshot.id).where(~drawn)
    if skip:
        query = query.where(EvidenceSnapshot.id.not_in(skip))
    return list(session.scalars(query.order_by(EvidenceSnapshot.id).limit(limit)))


def draw_pending(engine: Engine, limit: int = PER_TICK, skip: set[int] | None = None) -> int:
    """Draw up to ``limit`` images not yet drawn, each in its own transaction; returns how many
    this call drew.
    Ids that cannot be drawn are added to ``skip`` (so a worker does not try them every tick)."""
    failed = skip if skip is not None else set()
    with db.session_scope(engine) as session:
        ids = pending(session, limit, frozenset(failed))
    drawn = 0
    for shot_id in ids:

        def work(session: Session, shot_id: int = shot_id) -> bool:
            # on PostgreSQL, a snapshot another worker is drawing now is left to it
            free = session.scalar(
                select(EvidenceSnapshot.id)
                .where(EvidenceSnapshot.id == shot_id)
                .with_for_update(skip_locked=True)
            )
            shot = session.get(EvidenceSnapshot, shot_id) if free is not None else None
            if shot is None or stored(session, shot) is not None:  # another drawer was first
                return False
            ensure(session, shot, "system", "drawn after the scan")
            return True

        try:
            drawn += custody.retrying(engine, work)
        except EvidenceError:
            failed.add(shot_id)
    return drawn
