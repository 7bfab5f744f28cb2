"""What goes into a bundle, read from the database: the flags, their snapshots and artefacts,
the queue's decisions, letters, and the report's content.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.evidence import legislation, media, snapshot, times
from moderator.evidence.report import ChronologyRow, CustodyLine, Exhibit, Member, Report
from moderator.review import cases, flags, visibility
from moderator.settings.config import SchoolConfig
from moderator.store.models import AuditEvent, CustodyEvent, EvidenceSnapshot, Flag, Letter, User
from workqueue.roles import Permissions


class EvidenceError(ModeratorError):
    """Evidence cannot be exported or checked as asked."""


@dataclass
class Item:
    """One exhibit: a flag and one of its snapshots (a correction is an exhibit of its own)."""

    ref: str
    flag: Flag
    snapshot: EvidenceSnapshot
    content: dict[str, Any]
    #: ``content`` is a redacted view (``visibility.redact``) for a viewer who may not see all
    #: of the snapshot: it travels beside the exhibits, never as one
    redacted: bool = False

    @property
    def folder(self) -> str:
        return f"{'redacted' if self.redacted else 'exhibits'}/{self.ref}"


@dataclass
class Dossier:
    subject: str  #: "flag 12" | "case 3"
    poster_id: int | None
    items: list[Item]
    letters: list[Letter]
    audit: list[AuditEvent]
    left_out: list[str] = field(default_factory=list)  #: why flags were not included
    viewer: visibility.Viewer = visibility.EVERYTHING

    @property
    def flag_ids(self) -> list[int]:
        return sorted({item.flag.id for item in self.items})


def gather(
    session: Session,
    ref: str,
    *,
    case: bool,
    viewer: User | None,
    permissions: Permissions,
) -> Dossier:
    """The flags ``ref`` names (a flag id, or with ``case`` a case), those ``viewer`` may see."""
    poster_id: int | None
    if case:
        poster = cases.resolve(session, ref)
        found = _case_flags(session, poster.id)
        subject, poster_id = f"case {poster.id}", poster.id
    else:
        flag = session.get(Flag, int(ref)) if ref.isdigit() else None
        if flag is None:
            raise EvidenceError(
                f"there is no flag {ref}; `moderator queue list` shows them",
                code="not_found",
                id=ref,
            )
        found, subject, poster_id = [flag], f"flag {flag.id}", flag.poster_id
    sees = visibility.Viewer.of(viewer.role, permissions) if viewer else visibility.EVERYTHING
    dossier = Dossier(subject, poster_id, [], [], [], viewer=sees)
    for flag in found:
        if viewer is not None and not visibility.shows(sees, flag):
            if not case:
                raise EvidenceError(
                    f"flag {flag.id} is a safeguarding concern for the DSL; {viewer.username} "
                    f"({viewer.role.value}) may not export its evidence",
                    code="dsl_only",
                    id=flag.id,
                )
            dossier.left_out.append(f"flag {flag.id}: a safeguarding matter for the DSL")
            continue
        _add_items(session, dossier, flag)
    if not dossier.items:
        reason = "; ".join(dossier.left_out) or "no evidence snapshot was captured"
        raise EvidenceError(f"nothing to export for {subject}: {reason}", code="no_evidence")
    ids = dossier.flag_ids
    dossier.letters = [
        letter
        for letter in session.scalars(select(Letter).order_by(Letter.id))
        if set(letter.flag_ids or [letter.flag_id]) & set(ids) or letter.flag_id in ids
    ]
    dossier.audit = list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "flag", AuditEvent.subject_id.in_(ids))
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
    return dossier


def _case_flags(session: Session, poster_id: int) -> list[Flag]:
    found = session.scalars(select(Flag).where(Flag.poster_id == poster_id)).all()
    return sorted(found, key=lambda f: (f.posted_at, f.id))


def _add_items(session: Session, dossier: Dossier, flag: Flag) -> None:
    shots = session.scalars(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.comment_id == flag.comment_id)
        .order_by(EvidenceSnapshot.id)
    ).all()
    if not shots:
        dossier.left_out.append(f"flag {flag.id}: no evidence snapshot was captured")
    for shot in shots:
        if not snapshot.intact(shot):
            raise EvidenceError(
                f"snapshot {shot.id} of flag {flag.id} no longer matches the hash taken at "
                "capture; the database has been altered outside the moderator: do not export, "
                "report it to your data protection officer",
                code="evidence_altered",
                snapshot=shot.id,
                flag=flag.id,
            )
        ref = f"EX-{len(dossier.items) + 1:03d}"
        view = visibility.redact(session, dossier.viewer, json.loads(shot.content))
        dossier.items.append(Item(ref, flag, shot, view.content, view.redacted))


def report(
    session: Session,
    config: SchoolConfig,
    dossier: Dossier,
    chains: dict[int, list[CustodyEvent]],
    *,
    bundle_id: str,
    actor: str,
    at: dt.datetime,
    members: list[Member],
    counted: Collection[str],
) -> Report:
    """The report's content (``report_pdf`` draws it)."""
    poster = dossier.items[0].flag.poster if dossier.poster_id else None
    exhibits = tuple(
        _exhibit(item, dossier, chains[item.snapshot.id], members) for item in dossier.items
    )
    courses = flags.conduct(
        session, [dossier.poster_id] if dossier.poster_id else [], counted, dossier.viewer
    )
    by_flag = {item.flag.id: item.ref for item in dossier.items}
    harassment = tuple(
        f"{person}: {', '.join(by_flag[i] for i in ids if i in by_flag)} (flags {', '.join(map(str, ids))})"
        for person, ids in courses.get(dossier.poster_id or 0, {}).items()
    )
    live = {i.ref: i.flag.categories for i in dossier.items if i.flag.breach is not False}
    courses_refs = [
        by_flag[i]
        for ids in courses.get(dossier.poster_id or 0, {}).values()
        for i in ids
        if i in by_flag
    ]
    risky = [i.ref for i in dossier.items if i.content.get("indecent_image_risk")]
    return Report(
        school=config.name,
        bundle_id=bundle_id,
        title=f"Evidence bundle for {dossier.subject}",
        prepared_by=actor,
        prepared_at=times.words(at),
        poster=poster.display_name if poster else None,
        accounts=tuple(
            f"{a.platform}: {a.name or ''} ({a.platform_author_id})"
            for a in (poster.accounts if poster else [])
        ),
        summary=_summary(dossier),
        exhibits=exhibits,
        chronology=_chronology(dossier),
        harassment=harassment,
        policy_clauses=(config.letters.policy_wording,),
        considerations=legislation.considerations(live, courses_refs, risky),
        letters=tuple(
            f"Letter {x.id} ({x.kind.replace('_', ' ')}), {times.words(x.created_at)}, by "
            f"{x.created_by}; SHA-256 {x.sha256}"
            for x in dossier.letters
        ),
        safeguarding=(f"{media.POLICE} Exhibits: {', '.join(risky)}.",) if risky else (),
        members=tuple(members),
    )


def _summary(dossier: Dossier) -> tuple[str, ...]:
    items = dossier.items
    first = min(item.flag.posted_at for item in items)
    last = max(item.flag.posted_at for item in items)
    dismissed = sum(1 for item in items if item.flag.breach is False)
    when = (
        f"a comment posted {times.words(first)}"
        if len(items) == 1
        else f"comments posted between {times.words(first)} and {times.words(last)}"
    )
    lines = [
        (
            f"This bundle holds {len(items)} exhibit(s) for {dossier.subject}: {when}, each captured "
            "by the school's moderation system when it was first detected, before anything was hidden."
        )
    ]
    if dismissed:
        lines.append(
            f"{dismissed} exhibit(s) were judged by the school not to breach its policy; they are "
            "included, and marked so, for completeness."
        )
    redacted = [item.ref for item in items if item.redacted]
    if redacted:
        lines.append(
            f"Exhibit(s) {', '.join(redacted)} are redacted views, not sealed evidence: the thread "
            f"around the comment held comments routed to the safeguarding lead, shown here as "
            f"{visibility.PLACEHOLDER!r}. The sealed snapshots (their SHA-256 is given) are kept "
            "unchanged by the school for its Designated Safeguarding Lead and the police."
        )
    lines += [f"Not included: {why}." for why in dossier.left_out]
    return tuple(lines)


def _status(flag: Flag) -> str:
    if flag.breach is False:
        return f"dismissed: judged not a breach ({flag.status.value})"
    if flag.breach:
        taken = f", rung taken: {flag.escalated_step.value}" if flag.escalated_step else ""
        return f"confirmed as a breach ({flag.status.value}{taken})"
    return f"not yet reviewed ({flag.status.value}); recommended: {flag.step.value if flag.step else '-'}"


def _exhibit(
    item: Item, dossier: Dossier, chain: list[CustodyEvent], members: list[Member]
) -> Exhibit:
    content, flag = item.content, item.flag
    comment = content.get("comment", {})
    author = comment.get("author") or {}
    classification = content.get("classification", {})
    if item.redacted:  # the redacted view's own files, as the bundle holds them
        names = [m.path.rpartition("/") for m in members]
        artefacts = [
            (name, m.sha256)
            for m, (folder, _, name) in zip(members, names, strict=True)
            if folder == item.folder and name not in ("raw.json", "custody.jsonl")
        ]
    else:
        artefacts = [("snapshot.json", item.snapshot.sha256)]
        artefacts += [(a.name, a.sha256) for a in item.snapshot.artefacts]
    return Exhibit(
        ref=item.ref,
        flag_id=flag.id,
        platform=(content.get("source") or {}).get("platform", ""),
        source=(content.get("source") or {}).get("name", ""),
        address=content.get("address"),
        author=author.get("name") or "unknown",
        author_id=author.get("id"),
        posted=times.words(comment.get("created_time")),
        captured=times.words(content.get("captured_at")),
        text=comment.get("text", ""),
        categories=tuple(flag.categories),
        reasons=tuple(classification.get("reasons", [])),
        targets=tuple(f"{t.name} ({t.kind})" for t in flag.targets),
        status=_status(flag),
        decisions=tuple(_decision_line(e) for e in dossier.audit if e.subject_id == flag.id),
        model=f"{classification.get('model', '?')} {classification.get('version', '?')}",
        snapshot_sha256=item.snapshot.sha256,
        artefacts=tuple((f"{item.folder}/{name}", sha) for name, sha in artefacts),
        media_notes=tuple(_media_note(m) for m in content.get("media", [])),
        custody=tuple(
            CustodyLine(e.seq, times.utc(e.at), e.actor, e.action, e.hash) for e in chain
        ),
    )


def _decision_line(event: AuditEvent) -> str:
    why = event.detail.get("note") or event.detail.get("why") or ""
    return f"{times.utc(event.at)} {event.actor} {event.action.replace('_', ' ')}" + (
        f": {why}" if why else ""
    )


def _media_note(entry: dict[str, Any]) -> str:
    kind = entry.get("type", "attachment")
    if entry.get("status") == "stored":
        return f"{kind}: stored as {entry.get('file')} (SHA-256 {entry.get('sha256')})"
    return f"{kind}: {entry.get('status')}: {entry.get('reason') or ''}".rstrip(": ")


def _chronology(dossier: Dossier) -> tuple[ChronologyRow, ...]:
    rows: list[tuple[dt.datetime, ChronologyRow]] = []
    refs = {item.flag.id: item.ref for item in dossier.items}
    for item in dossier.items:
        if item.snapshot.corrects_id is None:
            rows.append(
                (
                    item.flag.posted_at,
                    ChronologyRow(
                        times.words(item.flag.posted_at),
                        item.ref,
                        f"comment posted ({', '.join(item.flag.categories)})",
                    ),
                )
            )
        rows.append(
            (
                item.snapshot.captured_at,
                ChronologyRow(
                    times.words(item.snapshot.captured_at), item.ref, "captured as evidence"
                ),
            )
        )
    for event in dossier.audit:
        if event.action in {"flag_created", "claim", "release"}:
            continue
        rows.append(
            (
                event.at,
                ChronologyRow(
                    times.words(event.at),
                    refs.get(event.subject_id or 0),
                    _decision_line(event).split(" ", 3)[-1],
                ),
            )
        )
    for letter in dossier.letters:
        rows.append(
            (
                letter.created_at,
                ChronologyRow(
                    times.words(letter.created_at),
                    None,
                    f"letter {letter.id} ({letter.kind.replace('_', ' ')}) written by {letter.created_by}",
                ),
            )
        )
    return tuple(row for _, row in sorted(rows, key=lambda pair: pair[0]))
