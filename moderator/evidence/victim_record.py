"""A victim's record: everything that targeted one member of staff, for them to keep or give to
HR (``moderator evidence victim``, and the staff record page on the web).

It holds the flags naming the person (from the roster; complaints, which go to the complaints
procedure, aside), the comment each flag is about, the school's decisions on it, the letters
sent, and each evidence snapshot's fingerprint (SHA-256) with its custody log, never a snapshot
itself (threads name other people). Flags routed to the
Designated Safeguarding Lead are left out unless the person making the record may see them
(``review.visibility``), and the record does not say whether any were left out.

Making a record is logged as an evidence export is: an ``exported`` custody entry on every
snapshot it fingerprints and an ``evidence_export`` row, committed in one transaction before the
file is put in place. The zip is sealed in the evidence bundle format (with no exhibits), so the
``verify_bundle.py`` inside it checks every member.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, or_, select
from sqlalchemy.orm import Session

from moderator.evidence import custody, times, verify, victim_pdf, victim_zip
from moderator.evidence.dossier import EvidenceError
from moderator.policy.categories import Route
from moderator.policy.roster import Roster
from moderator.review import users, visibility
from moderator.settings.config import Person, SchoolConfig
from moderator.store.models import (
    AuditEvent,
    EvidenceExport,
    EvidenceSnapshot,
    Flag,
    FlagTarget,
    Letter,
    User,
    utcnow,
)
from workqueue.roles import Role

#: Who may make a record: the people who look after staff.
MAKERS = frozenset({Role.HEADTEACHER, Role.DSL, Role.ADMIN})
#: Queue events that say nothing about what was decided.
_ROUTINE = {"flag_created", "claim", "release"}
LEFT_OUT = (
    "Flags routed to the Designated Safeguarding Lead are included only in a record the DSL makes."
)
COMPLAINTS = (
    "Complaints, which may name staff but go to the school's complaints procedure and are never "
    "treated as abuse, are not included."
)


@dataclass(frozen=True)
class Fingerprint:
    """One evidence snapshot of a comment: its SHA-256 and its custody log."""

    snapshot_id: int
    sha256: str
    captured: str  #: in words (UK time with UTC)
    captured_by: str
    corrects: int | None  #: the snapshot this one corrects
    custody: tuple[dict[str, Any], ...]  #: the custody entries as ``custody.jsonl`` has them


@dataclass(frozen=True)
class Incident:
    """One flag that names the person."""

    flag_id: int
    posted: str
    platform: str
    source: str
    address: str | None
    author: str  #: as the platform gave it
    text: str  #: the comment as recorded
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    status: str  #: the school's judgement in words
    decisions: tuple[str, ...]  #: "2026-10-03 09:10:00 UTC head escalated: note"
    fingerprints: tuple[Fingerprint, ...]


@dataclass(frozen=True)
class LetterEntry:
    id: int
    kind: str
    created: str
    created_by: str
    sha256: str  #: of its text
    flag_ids: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class Record:
    school: str
    person: str  #: the roster name
    role: str  #: the roster role ("PE teacher")
    record_id: str
    prepared_by: str
    prepared_at: str
    incidents: tuple[Incident, ...]
    letters: tuple[LetterEntry, ...]
    notes: tuple[str, ...]  #: what a reader should know about what is not here

    @property
    def flag_ids(self) -> list[int]:
        return [i.flag_id for i in self.incidents]


@dataclass(frozen=True)
class Made:
    path: Path
    record_id: str
    person: str
    fingerprint: str  #: SHA-256 of the manifest (a zip) or of the PDF
    incidents: int
    letters: int


def staff_member(config: SchoolConfig, name: str) -> Person:
    """The member of staff ``name`` names (their roster name or an alias, any case)."""
    person = Roster(config.staff).find(name)
    if person is None or person.kind != "staff":
        raise EvidenceError(
            f"{name!r} is not a member of staff on the roster; the config's [[staff]] lists them",
            code="not_on_roster",
            name=name,
        )
    return person


def maker(session: Session, username: str | None) -> User | None:
    """The account making a record (None: the operator at the command line); refused unless it
    is a headteacher, a DSL or an administrator."""
    if username is None:
        return None
    user = users.acting(session, username)
    if user.role not in MAKERS:
        raise EvidenceError(
            f"{user.username} ({user.role.value}) may not make a staff member's record: it is "
            "for the headteacher, the DSL and administrators",
            code="record_refused",
        )
    return user


def gather(
    session: Session,
    config: SchoolConfig,
    person: Person,
    viewer: visibility.Viewer,
    *,
    record_id: str = "",
    prepared_by: str = "",
    at: dt.datetime | None = None,
) -> Record:
    """The record as ``viewer`` may see it (custody logs as they stand now)."""
    flags = session.scalars(
        select(Flag)
        .where(
            Flag.id.in_(
                select(FlagTarget.flag_id).where(
                    FlagTarget.kind == "staff", func.lower(FlagTarget.name) == person.name.lower()
                )
            ),
            _not_a_complaint(),
            *visibility.flag_conditions(viewer),
        )
        .order_by(Flag.id)
    ).all()
    named = sorted(flags, key=lambda f: (f.posted_at, f.id))
    ids = {f.id for f in named}
    return Record(
        school=config.name,
        person=person.name,
        role=person.role,
        record_id=record_id,
        prepared_by=prepared_by,
        prepared_at=times.words(at) if at else "",
        incidents=tuple(_incident(session, f) for f in named),
        letters=tuple(_letters(session, viewer, ids)),
        notes=(COMPLAINTS,) if viewer.sees_dsl else (COMPLAINTS, LEFT_OUT),
    )


def _not_a_complaint() -> ColumnElement[bool]:
    """A complaint names staff but is not aimed at them: it goes to the complaints procedure."""
    return or_(Flag.route.is_(None), Flag.route != Route.COMPLAINTS)


def counts(session: Session, config: SchoolConfig, viewer: visibility.Viewer) -> dict[str, int]:
    """How many flags ``viewer`` may see name each member of staff on the roster."""
    rows = session.execute(
        select(func.lower(FlagTarget.name), func.count(func.distinct(FlagTarget.flag_id)))
        .join(Flag, Flag.id == FlagTarget.flag_id)
        .where(FlagTarget.kind == "staff", _not_a_complaint(), *visibility.flag_conditions(viewer))
        .group_by(func.lower(FlagTarget.name))
    ).all()
    found = {name: int(count) for name, count in rows}
    return {p.name: found.get(p.name.lower(), 0) for p in config.staff}


def _incident(session: Session, flag: Flag) -> Incident:
    comment = flag.comment
    audit = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "flag", AuditEvent.subject_id == flag.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    shots = session.scalars(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.comment_id == flag.comment_id)
        .order_by(EvidenceSnapshot.id)
    ).all()
    return Incident(
        flag_id=flag.id,
        posted=times.words(flag.posted_at),
        platform=comment.source.platform,
        source=comment.source.name,
        address=comment.permalink,
        author=comment.author_name or "unknown",
        text=comment.text,
        categories=tuple(flag.categories),
        reasons=tuple(flag.classification.reasons or ()),
        status=_status(flag),
        decisions=tuple(_decision(e) for e in audit if e.action not in _ROUTINE),
        fingerprints=tuple(_fingerprint(session, s) for s in shots),
    )


def _status(flag: Flag) -> str:
    if flag.breach is False:
        return f"judged not a breach of the policy ({flag.status.value})"
    taken = (
        f"; rung taken: {flag.escalated_step.value.replace('_', ' ')}"
        if flag.escalated_step
        else ""
    )
    if flag.breach:
        return f"confirmed as a breach of the policy ({flag.status.value}{taken})"
    return f"not yet reviewed ({flag.status.value})"


def _decision(event: AuditEvent) -> str:
    why = event.detail.get("note") or event.detail.get("why") or ""
    line = f"{times.utc(event.at)} {event.actor} {event.action.replace('_', ' ')}"
    return f"{line}: {why}" if why else line


def _fingerprint(session: Session, shot: EvidenceSnapshot) -> Fingerprint:
    return Fingerprint(
        snapshot_id=shot.id,
        sha256=shot.sha256,
        captured=times.words(shot.captured_at),
        captured_by=shot.captured_by,
        corrects=shot.corrects_id,
        custody=tuple(custody.entry(e, shot.sha256) for e in custody.chain(session, shot)),
    )


def _letters(session: Session, viewer: visibility.Viewer, ids: set[int]) -> list[LetterEntry]:
    """Letters about these flags whose every quoted flag ``viewer`` may see."""
    found = []
    for letter in session.scalars(select(Letter).order_by(Letter.id)):
        quoted = {int(i) for i in (letter.flag_ids or [])} | {letter.flag_id}
        if not quoted & ids:
            continue
        hidden = session.scalars(
            select(Flag.id).where(Flag.id.in_(quoted), *visibility.hidden_conditions(viewer))
        ).first()
        if hidden is not None:
            continue
        found.append(
            LetterEntry(
                id=letter.id,
                kind=letter.kind,
                created=times.words(letter.created_at),
                created_by=letter.created_by,
                sha256=letter.sha256,
                flag_ids=tuple(sorted(quoted)),
                text=letter.text,
            )
        )
    return found


def make(
    engine: Engine,
    config: SchoolConfig,
    name: str,
    out: Path,
    *,
    actor: str,
    username: str | None = None,
) -> Made:
    """Write the record of the member of staff ``name`` to ``out`` (a .zip, or a .pdf alone),
    recording the export on every snapshot it fingerprints."""
    kind = out.suffix.lower()
    if kind not in (".zip", ".pdf"):
        raise EvidenceError(f"{out}: the record is a .zip (or a .pdf alone); give such a name")
    if not out.parent.is_dir():
        raise EvidenceError(f"{out.parent}: no such folder for the record")
    person = staff_member(config, name)
    return custody.place_recorded(
        engine,
        out,
        lambda session: build(session, config, person, out, actor=actor, username=username),
        what="record",
        prefix=".record-",
        error=EvidenceError,
        named=lambda made: f"record {made.record_id}",
        again="make it again",
    )


def build(
    session: Session,
    config: SchoolConfig,
    person: Person,
    out: Path,
    *,
    actor: str,
    username: str | None,
) -> tuple[Made, bytes]:
    """The record's bytes (a zip, or a PDF when ``out`` ends .pdf), its custody entries and
    export row added to ``session`` (the caller commits)."""
    user = maker(session, username)
    who = f"{user.username} ({user.full_name}, {user.role.value})" if user else actor
    viewer = (
        visibility.Viewer.of(user.role, config.escalation.permissions)
        if user
        else visibility.EVERYTHING
    )
    record_id, at = str(uuid.uuid4()), utcnow()
    subject = f"staff record: {person.name}"[:100]
    for shot in _snapshots(session, config, person, viewer):
        detail = {"bundle": record_id, "subject": "staff record"}
        custody.append(session, shot, who, "exported", detail, at=at)
    record = gather(session, config, person, viewer, record_id=record_id, prepared_by=who, at=at)
    pdf = victim_pdf.render(record)
    if out.suffix.lower() == ".pdf":
        data, fingerprint = pdf, verify.sha256(pdf)
    else:
        data, fingerprint = victim_zip.sealed(record, pdf, at)
    session.add(
        EvidenceExport(
            bundle_id=record_id,
            created_at=at,
            created_by=who,
            subject=subject,
            flag_ids=record.flag_ids,
            manifest_sha256=fingerprint,
            file_name=str(out.resolve()),
        )
    )
    made = Made(
        out, record_id, person.name, fingerprint, len(record.incidents), len(record.letters)
    )
    return made, data


def _snapshots(
    session: Session, config: SchoolConfig, person: Person, viewer: visibility.Viewer
) -> list[EvidenceSnapshot]:
    record = gather(session, config, person, viewer)
    ids = [f.snapshot_id for i in record.incidents for f in i.fingerprints]
    if not ids:
        return []
    return list(
        session.scalars(
            select(EvidenceSnapshot)
            .where(EvidenceSnapshot.id.in_(ids))
            .order_by(EvidenceSnapshot.id)
        )
    )
