"""``moderator evidence export``: the zip a police officer or solicitor receives.

The layout and the checks are in docs/evidence.md. Everything is built in memory, the custody
entries ("exported") and the export record are committed in one transaction, and only then is
the zip moved into place; a failure leaves neither a half-written file nor a record of an export
that did not happen.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from moderator.evidence import (
    archives,
    capture_png,
    custody,
    dossier,
    report_pdf,
    responses,
    snapshot,
    timestamp,
    verify,
)
from moderator.evidence.dossier import EvidenceError
from moderator.evidence.report import Member
from moderator.review import users
from moderator.settings.config import SchoolConfig
from moderator.store.models import CustodyEvent, EvidenceExport, utcnow

VERIFIER = Path(verify.__file__)
REDACTED_SNAPSHOT = "snapshot-redacted.json"
REDACTED_CAPTURE = "capture-redacted.png"


@dataclass(frozen=True)
class Exported:
    path: Path
    bundle_id: str
    subject: str
    manifest_sha256: str
    members: int
    exhibits: int
    timestamped: bool
    left_out: tuple[str, ...]


@dataclass
class _Files:
    """The members so far, in order, with a description of each for the manifest."""

    data: dict[str, bytes]
    described: dict[str, tuple[str, str]]

    def add(self, path: str, data: bytes, media_type: str, description: str) -> None:
        self.data[path] = data
        self.described[path] = (media_type, description)

    def members(self) -> list[Member]:
        return [Member(p, verify.sha256(d), len(d)) for p, d in self.data.items()]


def export(
    engine: Engine,
    config: SchoolConfig,
    ref: str,
    out: Path,
    *,
    actor: str,
    username: str | None = None,
    case: bool = False,
    use_tsa: bool = True,
) -> Exported:
    """Write the bundle for flag ``ref`` (or case ``ref``) to ``out``."""
    if out.suffix.lower() != ".zip":
        raise EvidenceError(f"{out}: the bundle is a zip file; give a name ending .zip")
    if not out.parent.is_dir():
        raise EvidenceError(f"{out.parent}: no such folder for the bundle")
    tsa = config.evidence.tsa_url if use_tsa else None
    written: list[Path] = []

    def work(session: Session) -> Exported:
        result, archive = _build(
            session, config, ref, out, actor=actor, username=username, case=case, tsa=tsa
        )
        temporary = archives.write_beside(
            out, archive, what="bundle", prefix=".bundle-", error=EvidenceError
        )
        written.append(temporary)  # on disk before the record commits
        return result

    try:
        result = custody.retrying(engine, work)
        try:
            os.replace(written[-1], out)
        except OSError as exc:
            raise EvidenceError(
                f"{out}: bundle {result.bundle_id} was recorded but could not be put in place "
                f"({exc.strerror}); export it again"
            ) from exc
    finally:
        for path in written:
            path.unlink(missing_ok=True)
    return result


def _build(
    session: Session,
    config: SchoolConfig,
    ref: str,
    out: Path,
    *,
    actor: str,
    username: str | None,
    case: bool,
    tsa: str | None,
) -> tuple[Exported, bytes]:
    viewer = users.acting(session, username) if username else None
    who = f"{viewer.username} ({viewer.full_name}, {viewer.role.value})" if viewer else actor
    found = dossier.gather(
        session, ref, case=case, viewer=viewer, permissions=config.escalation.permissions
    )
    bundle_id, at = str(uuid.uuid4()), utcnow()
    chains = _log_export(session, found, who, bundle_id, at)
    files = _contents(session, config, found, chains, bundle_id=bundle_id, who=who, at=at)
    draft = _manifest(files, config, found, bundle_id, who, at)
    token = _stamp(draft, tsa, config.evidence.tsa_timeout) if tsa else None
    draft["seal"] = verify.seal(draft)
    manifest = verify.canonical(draft)
    digest = verify.sha256(manifest)
    session.add(
        EvidenceExport(
            bundle_id=bundle_id,
            created_at=at,
            created_by=who,
            subject=found.subject,
            flag_ids=found.flag_ids,
            manifest_sha256=digest,
            file_name=str(out.resolve()),
            timestamp_token=token,
        )
    )
    archive = _zip(files.data, manifest, token, at)
    _check(archive, out)
    result = Exported(
        path=out,
        bundle_id=bundle_id,
        subject=found.subject,
        manifest_sha256=digest,
        members=len(files.data) + 1 + (1 if token else 0),
        exhibits=len(found.items),
        timestamped=token is not None,
        left_out=tuple(found.left_out),
    )
    return result, archive


def _log_export(
    session: Session, found: dossier.Dossier, who: str, bundle_id: str, at: dt.datetime
) -> dict[int, list[CustodyEvent]]:
    """The ``exported`` custody entry on every snapshot; each chain as the bundle carries it."""
    chains: dict[int, list[CustodyEvent]] = {}
    for item in found.items:
        _complete(session, item, who)
        detail = {"bundle": bundle_id, "subject": found.subject, "exhibit": item.ref}
        if item.redacted:
            detail["view"] = "redacted"
        custody.append(session, item.snapshot, who, "exported", detail, at=at)
        chains[item.snapshot.id] = custody.chain(session, item.snapshot)
    return chains


def _contents(
    session: Session,
    config: SchoolConfig,
    found: dossier.Dossier,
    chains: dict[int, list[CustodyEvent]],
    *,
    bundle_id: str,
    who: str,
    at: dt.datetime,
) -> _Files:
    """Every member but the manifest (and the time-stamp), the report last but SHA256SUMS."""
    files = _Files({}, {})
    _exhibits(files, found, chains)
    _records(files, found)
    files.add(*responses.member(session, found))
    files.add(
        "verify_bundle.py",
        VERIFIER.read_bytes(),
        "text/x-python",
        "the checker (Python 3.11+, standard library only)",
    )
    files.add(
        "README.txt",
        _readme(config, found, bundle_id, who, at).encode(),
        "text/plain",
        "for the recipient: what this is and how to check it",
    )
    counted = config.escalation.rule.incident_categories
    content = dossier.report(
        session,
        config,
        found,
        chains,
        bundle_id=bundle_id,
        actor=who,
        at=at,
        members=files.members(),
        counted=counted,
    )
    files.add(
        "report.pdf",
        report_pdf.render(content),
        "application/pdf",
        "the report: chronology, exhibits, matters to consider, custody",
    )
    files.add(
        verify.SUMS,
        _sums(files),
        "text/plain",
        "sha256sum -c format, every member but the manifest",
    )
    return files


def _complete(session: Session, item: dossier.Item, actor: str) -> None:
    """Draw the capture image for a snapshot taken before images were drawn (a new artefact with
    its own custody entry; the snapshot itself is untouched)."""
    if any(a.name == "capture.png" for a in item.snapshot.artefacts):
        return
    image = snapshot.draw(item.snapshot)
    if image is None:
        raise EvidenceError(f"the capture image for snapshot {item.snapshot.id} cannot be drawn")
    sha = snapshot.add_artefact(session, item.snapshot, "capture.png", "image/png", image)
    custody.append(
        session, item.snapshot, actor, "artefact_added", {"artefacts": {"capture.png": sha}}
    )
    session.flush()
    session.refresh(item.snapshot, ["artefacts"])


def _exhibits(files: _Files, found: dossier.Dossier, chains: dict[int, list[CustodyEvent]]) -> None:
    for item in found.items:
        folder, shot = item.folder, item.snapshot
        if item.redacted:
            _redacted_view(files, item)
        else:
            files.add(
                f"{folder}/snapshot.json",
                shot.content.encode(),
                "application/json",
                f"{item.ref}: the snapshot as captured (its SHA-256 anchors the custody log)",
            )
        raw = json.dumps(item.content.get("raw"), ensure_ascii=False, indent=2, sort_keys=True)
        files.add(
            f"{folder}/raw.json",
            raw.encode(),
            "application/json",
            f"{item.ref}: the platform's JSON for the comment as received (pretty-printed)"
            + (", comments routed to the safeguarding lead replaced" if item.redacted else ""),
        )
        for artefact in shot.artefacts:
            if item.redacted and artefact.name == "capture.png":
                continue  # drawn from the sealed snapshot: the redacted view has its own
            files.add(
                f"{folder}/{artefact.name}",
                artefact.data,
                artefact.media_type,
                f"{item.ref}: {_artefact_words(artefact.name)}",
            )
        lines = [verify.canonical(custody.entry(e, shot.sha256)).decode() for e in chains[shot.id]]
        files.add(
            f"{folder}/custody.jsonl",
            ("\n".join(lines) + "\n").encode(),
            "application/jsonl",
            f"{item.ref}: the custody log, hash-chained",
        )


def _redacted_view(files: _Files, item: dossier.Item) -> None:
    """A redacted view in place of the sealed snapshot and its capture image (both derived,
    both marked; the custody log still names the sealed snapshot's SHA-256)."""
    sealed = item.snapshot.sha256
    files.add(
        f"{item.folder}/{REDACTED_SNAPSHOT}",
        verify.canonical(item.content),
        "application/json",
        f"{item.ref}: a REDACTED VIEW of the snapshot with SHA-256 {sealed}, not the snapshot "
        "itself: comments routed to the safeguarding lead are replaced",
    )
    files.add(
        f"{item.folder}/{REDACTED_CAPTURE}",
        capture_png.render(item.content, sealed),
        "image/png",
        f"{item.ref}: a capture image drawn from the redacted view (labelled so)",
    )


def _artefact_words(name: str) -> str:
    if name == "capture.png":
        return "capture image drawn from the recorded data"
    return "attachment as downloaded at capture"


def _records(files: _Files, found: dossier.Dossier) -> None:
    for letter in found.letters:
        files.add(
            f"letters/letter-{letter.id}-{letter.kind}.txt",
            letter.text.encode(),
            "text/plain",
            f"letter {letter.id} as generated (SHA-256 of its text {letter.sha256})",
        )
    lines = [
        verify.canonical(
            {
                "at": custody.stamp(e.at),
                "actor": e.actor,
                "action": e.action,
                "flag": e.subject_id,
                "detail": e.detail,
            }
        ).decode()
        for e in found.audit
    ]
    files.add(
        "audit.jsonl",
        ("\n".join(lines) + "\n" if lines else "").encode(),
        "application/jsonl",
        "the queue's decisions on these flags: who, when, what, why",
    )


def _sums(files: _Files) -> bytes:
    return "".join(f"{verify.sha256(d)}  {p}\n" for p, d in files.data.items()).encode()


def _manifest(
    files: _Files,
    config: SchoolConfig,
    found: dossier.Dossier,
    bundle_id: str,
    who: str,
    at: dt.datetime,
) -> dict[str, Any]:
    """The manifest before its seal (and time-stamp)."""
    return {
        "format": verify.FORMAT,
        "bundle_id": bundle_id,
        "created_at": custody.stamp(at),
        "created_by": who,
        "school": config.name,
        "subject": found.subject,
        "tool": f"school-moderator {_version()}",
        "exhibits": [_listed(item) for item in found.items if not item.redacted],
        **(
            {"redacted_views": [_listed(item) for item in found.items if item.redacted]}
            if any(item.redacted for item in found.items)
            else {}
        ),
        "members": [
            {
                "path": p,
                "sha256": verify.sha256(d),
                "size": len(d),
                "media_type": files.described[p][0],
                "description": files.described[p][1],
            }
            for p, d in files.data.items()
        ],
    }


def _listed(item: dossier.Item) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "folder": item.folder,
        "flag_id": item.flag.id,
        "comment_id": item.content.get("comment", {}).get("id"),
        "snapshot_sha256": item.snapshot.sha256,
        "captured_at": custody.stamp(item.snapshot.captured_at),
        "corrects_snapshot": item.snapshot.corrects_id,
    }


def _stamp(draft: dict[str, Any], tsa: str, timeout: float) -> bytes:
    """An RFC 3161 token over the draft manifest's imprint, recorded in the manifest itself so the
    token is a sealed member like any other."""
    imprint = verify.imprint(draft)
    token = timestamp.request(tsa, bytes.fromhex(imprint), timeout=timeout)
    draft["timestamp"] = {
        "imprint": imprint,
        "sha256": verify.sha256(token),
        "size": len(token),
        "media_type": "application/timestamp-reply",
        "description": "RFC 3161 time-stamp of the manifest without its seal and this entry",
    }
    return token


def _check(archive: bytes, out: Path) -> None:
    """Refuse to hand out a bundle that does not verify (a fault here, not at the recipient's)."""
    with tempfile.NamedTemporaryFile(suffix=".zip") as probe:
        probe.write(archive)
        probe.flush()
        try:
            verify.verify(probe.name)
        except verify.Broken as exc:
            raise EvidenceError(
                f"{out}: the bundle made does not verify ({exc}); not written"
            ) from exc


def _version() -> str:
    try:
        return importlib.metadata.version("school-moderator")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _readme(
    config: SchoolConfig, found: dossier.Dossier, bundle_id: str, who: str, at: dt.datetime
) -> str:
    text = README.format(
        school=config.name,
        subject=found.subject,
        bundle_id=bundle_id,
        who=who,
        at=f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
        exhibits=len(found.items),
    )
    redacted = [item.ref for item in found.items if item.redacted]
    if redacted:
        text += REDACTED_README.format(refs=", ".join(redacted))
    return text


README = """\
EVIDENCE BUNDLE - {school}
Bundle {bundle_id}: {subject}, {exhibits} exhibit(s)
Made by {who} at {at}

This zip holds comments captured from the school's social media by its moderation system,
each captured when it was first detected and before anything was hidden. It contains personal
data: keep it secure and share it only as the law allows.

WHAT IS HERE
  report.pdf                   start here: chronology, each exhibit, matters to consider
  exhibits/EX-NNN/snapshot.json  the capture as recorded (authoritative), canonical JSON
  exhibits/EX-NNN/raw.json       the platform's own JSON for the comment, pretty-printed
  exhibits/EX-NNN/capture.png    an image drawn from the recorded data (not a screenshot)
  exhibits/EX-NNN/media-N.*      attachments downloaded at capture (never for sexual content)
  exhibits/EX-NNN/custody.jsonl  who captured, viewed and exported the exhibit, hash-chained
  letters/, audit.jsonl, responses.json  letters, decisions, platform actions and reports
  manifest.json                every other member with its SHA-256 and size, sealed
  SHA256SUMS                   the same hashes for `sha256sum -c`
  verify_bundle.py             a checker needing only Python 3.11 or later
  timestamp.tsr                (when present) an RFC 3161 time-stamp of manifest.json

HOW TO CHECK IT
  1. python3 verify_bundle.py THIS-FILE.zip
     It recomputes every hash, the manifest's seal and each custody chain, and prints
     "intact" with the manifest's SHA-256, or names the first member that fails.
  2. Confirm that SHA-256 of manifest.json with the school: it is the bundle's fingerprint,
     recorded by the school when the bundle was made.
  3. Without Python: unzip, then `sha256sum -c SHA256SUMS` checks every member except
     manifest.json and SHA256SUMS itself (both are covered by steps 1 and 2).
  4. When timestamp.tsr is present, a time-stamping authority signed the SHA-256 given as
     "imprint" under "timestamp" in manifest.json (the manifest without its seal and that
     entry; step 1 checks it is so). To check the authority's signature:
     openssl ts -verify -digest IMPRINT -in timestamp.tsr -CAfile TSA-CA.pem
     (TSA-CA.pem is the authority's certificate, from the authority).

Each custody log entry's hash is the SHA-256 of its JSON (sorted keys, no spaces, UTF-8)
without the "hash" key; the first entry's "prev" is the SHA-256 of snapshot.json, and each
later entry's "prev" is the hash of the entry before it.
"""


REDACTED_README = """
REDACTED VIEWS
  {refs}: redacted/EX-NNN/ holds a REDACTED VIEW in place of the exhibit: the comment's thread
  held comments routed to the school's Designated Safeguarding Lead, which the person who made
  this bundle may not see. snapshot-redacted.json and capture-redacted.png are derived from the
  sealed snapshot with those comments replaced by "[a comment routed to the safeguarding lead]";
  they are not the sealed evidence and are listed under "redacted_views" in manifest.json, not
  under "exhibits". custody.jsonl still begins from the sealed snapshot's SHA-256. The sealed
  snapshot is kept unchanged by the school: its DSL can export it for the police.
"""


def _zip(data: dict[str, bytes], manifest: bytes, token: bytes | None, at: dt.datetime) -> bytes:
    members = {**data, verify.MANIFEST: manifest, **({verify.TOKEN: token} if token else {})}
    return archives.deterministic(members, at)
