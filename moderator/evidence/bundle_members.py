"""What an evidence bundle holds besides its manifest and time-stamp: every member's bytes.

Each exhibit's snapshot (or, for a moderator who may not see everything in its thread, a redacted
view and its capture image in its place), the platform's JSON, the artefacts and the custody log;
the letters and the audit trail; the verifier, README.txt, report.pdf and SHA256SUMS, in that
order. ``bundle`` seals them with a manifest and writes the zip.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from moderator.evidence import capture_png, custody, dossier, report_pdf, responses, verify
from moderator.evidence.report import Member
from moderator.settings.config import SchoolConfig
from moderator.store.models import CustodyEvent

VERIFIER = Path(verify.__file__)
REDACTED_SNAPSHOT = "snapshot-redacted.json"
REDACTED_CAPTURE = "capture-redacted.png"


@dataclass
class Files:
    """The members so far, in order, with a description of each for the manifest."""

    data: dict[str, bytes]
    described: dict[str, tuple[str, str]]

    def add(self, path: str, data: bytes, media_type: str, description: str) -> None:
        self.data[path] = data
        self.described[path] = (media_type, description)

    def members(self) -> list[Member]:
        return [Member(p, verify.sha256(d), len(d)) for p, d in self.data.items()]


def contents(
    session: Session,
    config: SchoolConfig,
    found: dossier.Dossier,
    chains: dict[int, list[CustodyEvent]],
    *,
    bundle_id: str,
    who: str,
    at: dt.datetime,
) -> Files:
    """Every member but the manifest (and the time-stamp), the report last but SHA256SUMS."""
    files = Files({}, {})
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


def _exhibits(files: Files, found: dossier.Dossier, chains: dict[int, list[CustodyEvent]]) -> None:
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


def _redacted_view(files: Files, item: dossier.Item) -> None:
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


def _records(files: Files, found: dossier.Dossier) -> None:
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


def _sums(files: Files) -> bytes:
    return "".join(f"{verify.sha256(d)}  {p}\n" for p, d in files.data.items()).encode()


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
  letters/, audit.jsonl          letters the school sent and its moderators' decisions
  responses.json               hides, replies and blocks sent to the platform; reports made
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
