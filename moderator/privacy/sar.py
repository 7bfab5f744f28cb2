"""``moderator sar``: everything held about one poster, for a subject access request (UK GDPR
article 15), as a zip for the school's data protection lead to check and send.

The poster is named as for ``cases`` (a case number, an account id or username, a name); a case
others were linked into covers their accounts too. The zip holds the poster's accounts, every
comment recorded from them (text, times, the platform's JSON) with its classifications, their
flags and the decisions on them, the letters, and the evidence snapshots with the hashes of
every stored file and a capture image. Other people's comments around theirs are withheld from
the snapshots and the images drawn from them (DPA 2018 schedule 2 paragraph 16); flags for the
Designated Safeguarding Lead are left out unless the person exporting may see them, and always
marked for the DSL's review. README.txt in the zip explains each part; the records it holds are typed in
``privacy.subject_records``.

Making the export appends a ``viewed`` entry to each snapshot's custody log and records one
``subject_access_export`` audit event (who, which case, how many of each; never text). The zip
is written beside ``out`` and moved into place, so a failure leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.evidence import archives, capture_png, custody, drawing, snapshot
from moderator.evidence.dossier import EvidenceError
from moderator.ingest.recording import audit
from moderator.policy.categories import Route
from moderator.privacy import subject_records
from moderator.review import cases, users, visibility
from moderator.settings.config import SchoolConfig
from moderator.store.models import (
    AuditEvent,
    Comment,
    EvidenceArtefact,
    EvidenceSnapshot,
    Flag,
    Letter,
    Poster,
    utcnow,
)

WITHHELD_TEXT = "[withheld: another person's comment]"
WITHHELD_AUTHOR = "(another person)"
WITHHELD_OWN = "[withheld: a comment for the Designated Safeguarding Lead to review]"


class SarError(ModeratorError):
    """A subject access export cannot be made as asked."""


@dataclass(frozen=True)
class Exported:
    path: Path
    case: int
    name: str
    comments: int
    flags: int
    letters: int
    snapshots: int
    withheld: tuple[str, ...]  #: what was left out, and why
    sha256: str  #: of the zip

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "case": self.case,
            "comments": self.comments,
            "flags": self.flags,
            "letters": self.letters,
            "snapshots": self.snapshots,
            "withheld": list(self.withheld),
            "sha256": self.sha256,
        }


def export(
    session: Session,
    config: SchoolConfig,
    poster_ref: str,
    out: Path,
    *,
    actor: str = "system",
    username: str | None = None,
) -> Exported:
    """Write the subject access export for the poster ``poster_ref`` names to ``out`` (a zip).

    ``username`` (an active user) is who makes it: flags for the DSL are left out unless they
    may see them. Without it ``actor`` is recorded and everything is included. The caller
    commits ``session`` (the custody entries and the audit event)."""
    if out.suffix.lower() != ".zip":
        raise SarError(f"{out}: the export is a zip file; give a name ending .zip")
    if not out.parent.is_dir():
        raise SarError(f"{out.parent}: no such folder for the export")
    viewer = users.acting(session, username) if username else None
    who = f"{viewer.username} ({viewer.full_name}, {viewer.role.value})" if viewer else actor
    poster = cases.resolve(session, poster_ref)
    at = utcnow()
    gathered = _Gathered.collect(session, config, poster, viewer)
    for shot in gathered.snapshots:
        custody.append(
            session, shot, who, "viewed", {"via": "subject access export", "case": poster.id}, at=at
        )
    files = _files(session, config, gathered, who, at)
    archive = archives.deterministic(files, at)
    digest = hashlib.sha256(archive).hexdigest()
    result = Exported(
        path=out,
        case=poster.id,
        name=poster.display_name,
        comments=len(gathered.comments),
        flags=len(gathered.flags),
        letters=len(gathered.letters),
        snapshots=len(gathered.snapshots),
        withheld=tuple(gathered.withheld),
        sha256=digest,
    )
    audit(
        session,
        viewer.username if viewer else actor,
        "subject_access_export",
        "poster",
        poster.id,
        comments=result.comments,
        flags=result.flags,
        letters=result.letters,
        snapshots=result.snapshots,
        withheld_flags=gathered.withheld_flags,
        sha256=digest,
    )
    session.flush()
    _write(out, archive)
    return result


@dataclass
class _Gathered:
    poster: Poster
    cases: list[int]  #: this case and those linked into it
    names: set[str]  #: the poster's names, to tell their comments in a thread from others'
    comments: list[Comment]
    flags: list[Flag]
    letters: list[Letter]
    snapshots: list[EvidenceSnapshot]
    withheld: list[str]
    withheld_flags: list[int]
    withheld_comments: set[str]  #: platform ids of the poster's comments left out (the DSL's)
    viewer: visibility.Viewer  #: who makes the export: what of the DSL's they may see

    @classmethod
    def collect(
        cls, session: Session, config: SchoolConfig, poster: Poster, viewer: Any
    ) -> _Gathered:
        linked = [poster.id, *cases._linked(session, poster)]
        accounts = list(poster.accounts)
        names = {poster.display_name.casefold()} | {a.name.casefold() for a in accounts if a.name}
        flags = list(
            session.scalars(select(Flag).where(Flag.poster_id.in_(linked)).order_by(Flag.id))
        )
        withheld: list[str] = []
        hidden_flags: list[int] = []
        sees = (
            visibility.Viewer.of(viewer.role, config.escalation.permissions)
            if viewer
            else visibility.EVERYTHING
        )
        if not sees.sees_dsl:
            hidden_flags = [f.id for f in flags if not visibility.shows(sees, f)]
            flags = [f for f in flags if visibility.shows(sees, f)]
            if hidden_flags:
                withheld.append(
                    f"{len(hidden_flags)} flag(s) routed to the Designated Safeguarding Lead "
                    f"(flags {', '.join(map(str, hidden_flags))}): only the DSL may export them"
                )
        hidden_comments = set(
            session.scalars(select(Flag.comment_id).where(Flag.id.in_(hidden_flags)))
        )
        hidden_platform_ids = set(
            session.scalars(
                select(Comment.platform_comment_id).where(Comment.id.in_(hidden_comments))
            )
        )
        comment_ids = {f.comment_id for f in flags}
        account_ids = [a.id for a in accounts]
        comments = [
            c
            for c in session.scalars(
                select(Comment)
                .where(or_(Comment.author_account_id.in_(account_ids), Comment.id.in_(comment_ids)))
                .order_by(Comment.created_time, Comment.id)
            )
            if c.id not in hidden_comments
        ]
        flag_ids = {f.id for f in flags}
        letters = [
            letter
            for letter in session.scalars(
                select(Letter)
                .where(or_(Letter.poster_id.in_(linked), Letter.flag_id.in_(flag_ids)))
                .order_by(Letter.id)
            )
            if letter.flag_id not in hidden_flags
        ]
        shots = list(
            session.scalars(
                select(EvidenceSnapshot)
                .where(EvidenceSnapshot.comment_id.in_([c.id for c in comments]))
                .order_by(EvidenceSnapshot.id)
            )
        )
        return cls(
            poster,
            linked,
            names,
            comments,
            flags,
            letters,
            shots,
            withheld,
            hidden_flags,
            hidden_platform_ids,
            sees,
        )


def _files(
    session: Session, config: SchoolConfig, found: _Gathered, who: str, at: dt.datetime
) -> dict[str, bytes]:
    files: dict[str, bytes] = {"README.txt": b"", "subject.json": b""}  # filled in last
    files["comments.json"] = _json(
        [subject_records.comment(session, c, found.viewer).to_json() for c in found.comments]
    )
    files["flags.json"] = _json([subject_records.flag(session, f).to_json() for f in found.flags])
    files["decisions.jsonl"] = _decisions(session, found)
    for letter in found.letters:
        files[f"letters/letter-{letter.id}-{letter.kind}.txt"] = letter.text.encode()
    withheld_anywhere = False
    for shot in found.snapshots:
        folder = f"evidence/snapshot-{shot.id}"
        content, withheld = _redact(json.loads(shot.content), found.names, found.withheld_comments)
        view = visibility.redact(session, found.viewer, content)  # the DSL's, in the raw JSON too
        content, withheld = view.content, withheld + view.replaced
        withheld_anywhere |= withheld > 0
        if not withheld:  # the stored image is what the export copies: draw it if no one has
            _drawn(session, shot, who, at)
        artefacts = list(
            session.scalars(
                select(EvidenceArtefact)
                .where(EvidenceArtefact.snapshot_id == shot.id)
                .order_by(EvidenceArtefact.id)
            )
        )
        files[f"{folder}/snapshot.json"] = _json(content)
        files[f"{folder}/record.json"] = _json(
            {
                "snapshot": shot.id,
                "comment_id": content.get("comment", {}).get("id"),
                "captured_at": shot.captured_at.isoformat(),
                "captured_by": shot.captured_by,
                "stored_sha256": shot.sha256,
                "intact": snapshot.intact(shot),
                "other_peoples_comments_withheld": withheld,
                "artefacts": [
                    {"name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256}
                    for a in artefacts
                ],
            }
        )
        stored = next((a.data for a in artefacts if a.name == "capture.png"), None)
        image = stored if stored is not None and not withheld else _draw(content, shot.sha256)
        if image is not None:
            files[f"{folder}/capture.png"] = image
        files[f"{folder}/custody.jsonl"] = "".join(
            json.dumps(custody.entry(e, shot.sha256), sort_keys=True) + "\n"
            for e in custody.chain(session, shot)
        ).encode()
    if withheld_anywhere:
        found.withheld.append(
            "comments around the poster's own in the evidence snapshots (other people's, and "
            "any of theirs left out above), and in the capture images drawn from them"
        )
    files["README.txt"] = _readme(config, found, who, at).encode()
    person = subject_records.subject(found.poster, found.cases[1:], found.withheld, who, at)
    files["subject.json"] = _json(person.to_json())
    return files


def _decisions(session: Session, found: _Gathered) -> bytes:
    events = session.scalars(
        select(AuditEvent)
        .where(
            or_(
                (AuditEvent.subject_type == "flag")
                & AuditEvent.subject_id.in_([f.id for f in found.flags]),
                (AuditEvent.subject_type == "poster") & AuditEvent.subject_id.in_(found.cases),
            )
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return "".join(
        json.dumps(
            {
                "at": e.at.isoformat(),
                "by": e.actor,
                "action": e.action,
                "about": f"{e.subject_type} {e.subject_id}",
                "detail": e.detail,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        + "\n"
        for e in events
    ).encode()


def _redact(
    content: dict[str, Any], names: set[str], left_out: set[str]
) -> tuple[dict[str, Any], int]:
    """The snapshot with comments by anyone but the poster (or the school) withheld, and the
    poster's own comments that this export leaves out (``left_out``: platform ids)."""
    thread = content.get("thread")
    if not isinstance(thread, dict):
        return content, 0
    withheld = 0

    def keep(entry: Any) -> Any:
        nonlocal withheld
        if not isinstance(entry, dict):
            return entry
        author = entry.get("author")
        mine = isinstance(author, str) and author.casefold() in names
        if (entry.get("by_owner") or mine) and entry.get("id") not in left_out:
            return entry
        withheld += 1
        return {
            "parent_id": entry.get("parent_id"),
            "author": entry.get("author") if mine else WITHHELD_AUTHOR,
            "created_time": entry.get("created_time"),
            "text": WITHHELD_OWN if mine else WITHHELD_TEXT,
            "by_owner": False,
            "withheld": True,
        }

    redacted = {
        "parent": keep(thread.get("parent")) if thread.get("parent") else None,
        "before": [keep(e) for e in thread.get("before") or []],
        "after": [keep(e) for e in thread.get("after") or []],
    }
    return {**content, "thread": redacted}, withheld


def _draw(content: dict[str, Any], sha256: str) -> bytes | None:
    try:
        return capture_png.render(content, sha256)
    except Exception:  # noqa: BLE001 - an image must never cost the export; record.json says
        return None


def _drawn(session: Session, shot: EvidenceSnapshot, who: str, at: dt.datetime) -> None:
    try:
        drawing.ensure(session, shot, who, "drawn for a subject access export", at=at)
    except EvidenceError:
        pass  # logged without text; the export draws it below or goes without


def _readme(config: SchoolConfig, found: _Gathered, who: str, at: dt.datetime) -> str:
    withheld = "".join(f"  - {why}\n" for why in found.withheld) or "  nothing\n"
    return README.format(
        school=config.name,
        case=found.poster.id,
        name=found.poster.display_name,
        who=who,
        at=f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
        comments=len(found.comments),
        flags=len(found.flags),
        letters=len(found.letters),
        snapshots=len(found.snapshots),
        withheld=withheld,
    )


README = """\
SUBJECT ACCESS EXPORT - {school}
Case {case}: {name}
Made by {who} at {at}

This zip holds the personal data the school's social media moderation system holds about one
person (a data subject), for a subject access request under UK GDPR article 15. It is for the
school's data protection lead to check before anything is sent: it contains personal data.

WHAT IS HERE
  subject.json       the person as the system knows them: case number, name, the platform
                     accounts linked to them, other cases linked into this one
  comments.json      {comments} comment(s) recorded from those accounts: the text, when it was
                     posted and first seen, where, the platform's own JSON ("raw") and every
                     automated classification of it (model, scores, categories, reasons)
  flags.json         {flags} flag(s): comments the system raised for a person to review, with
                     the decision (status, whether it was judged a breach of the school's
                     social media policy, the step recommended and taken), the people the
                     comment named, and any hide or unhide on the platform
  decisions.jsonl    the audit log of those flags and of the case: who did what, when, and
                     the reason they gave (one JSON object per line)
  letters/           {letters} letter(s) the system produced for the case, as written
  evidence/snapshot-N/
    snapshot.json    {snapshots} evidence snapshot(s): what was captured when a comment was
                     flagged (the comment, its post and thread, the classification)
    record.json      when and by whom it was captured, the SHA-256 of the snapshot as stored,
                     and the name, size and SHA-256 of every file stored with it
    capture.png      an image of the comment in its thread, drawn from the recorded data
    custody.jsonl    who captured, viewed and exported the snapshot (hash-chained)

WITHHELD
{withheld}
Other people's comments are replaced by "{withheld_text}": they are those
people's personal data. Where that was needed, capture.png is drawn again from snapshot.json as
given here, so its hash differs from the stored image's (listed in record.json). Attachments
the person posted are listed by hash but not copied: they may show other people. Flags routed
to the Designated Safeguarding Lead are marked "route": "{dsl_route}"; the DSL should review them, as
safeguarding information can be exempt from disclosure (DPA 2018 schedule 3).

HOW LONG THIS IS KEPT
Comments that were never flagged are deleted after the school's retention period, and so are
flags judged not to breach the policy; the evidence of a case is kept until the case is closed
and a further period has passed (see the school's privacy notice).
""".replace("{withheld_text}", WITHHELD_TEXT).replace("{dsl_route}", Route.DSL)


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _write(out: Path, archive: bytes) -> None:
    temporary = archives.write_beside(out, archive, what="export", prefix=".sar-", error=SarError)
    try:
        os.replace(temporary, out)
    except OSError as exc:
        raise SarError(f"{out}: cannot write the export ({exc.strerror})") from exc
    finally:
        temporary.unlink(missing_ok=True)
