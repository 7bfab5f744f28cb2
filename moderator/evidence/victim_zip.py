"""The staff record's zip (``victim_record``): the PDF, the record as JSON, the letters, each
snapshot's custody log, a README and the checker, with ``SHA256SUMS`` and a manifest sealed in
the evidence bundle format (no exhibits: the record fingerprints snapshots, it does not hold
them), so ``verify_bundle.py`` checks every member."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moderator.evidence import archives, custody, verify

if TYPE_CHECKING:
    from moderator.evidence.victim_record import Record


def sealed(record: Record, pdf: bytes, at: dt.datetime) -> tuple[bytes, str]:
    """The zip and its fingerprint (the manifest's SHA-256)."""
    files: dict[str, tuple[bytes, str, str]] = {
        "record.pdf": (pdf, "application/pdf", "the record: start here"),
        "record.json": (
            json.dumps(_plain(record), ensure_ascii=False, indent=2).encode(),
            "application/json",
            "the same record as data",
        ),
    }
    for letter in record.letters:
        files[f"letters/letter-{letter.id}-{letter.kind}.txt"] = (
            letter.text.encode(),
            "text/plain",
            f"letter {letter.id} as generated (SHA-256 of its text {letter.sha256})",
        )
    for incident in record.incidents:
        for print_ in incident.fingerprints:
            lines = [verify.canonical(e).decode() for e in print_.custody]
            files[f"custody/flag-{incident.flag_id}-snapshot-{print_.snapshot_id}.jsonl"] = (
                ("\n".join(lines) + "\n").encode(),
                "application/jsonl",
                f"the custody log of snapshot {print_.snapshot_id} (SHA-256 {print_.sha256})",
            )
    files["README.txt"] = (
        README.format(school=record.school, person=record.person, id=record.record_id).encode(),
        "text/plain",
        "what this is and how to check it",
    )
    files["verify_bundle.py"] = (
        Path(verify.__file__).read_bytes(),
        "text/x-python",
        "the checker (Python 3.11+, standard library only)",
    )
    sums = "".join(f"{verify.sha256(d)}  {p}\n" for p, (d, _, _) in files.items()).encode()
    files[verify.SUMS] = (sums, "text/plain", "sha256sum -c format, every member but the manifest")
    draft: dict[str, Any] = {
        "format": verify.FORMAT,
        "bundle_id": record.record_id,
        "created_at": custody.stamp(at),
        "created_by": record.prepared_by,
        "school": record.school,
        "subject": f"staff record: {record.person}",
        "exhibits": [],
        "fingerprints": [
            {"flag_id": i.flag_id, "snapshot_id": f.snapshot_id, "snapshot_sha256": f.sha256}
            for i in record.incidents
            for f in i.fingerprints
        ],
        "members": [
            {
                "path": p,
                "sha256": verify.sha256(d),
                "size": len(d),
                "media_type": m,
                "description": words,
            }
            for p, (d, m, words) in files.items()
        ],
    }
    draft["seal"] = verify.seal(draft)
    manifest = verify.canonical(draft)
    members = {p: d for p, (d, _, _) in files.items()} | {verify.MANIFEST: manifest}
    return archives.deterministic(members, at), verify.sha256(manifest)


def _plain(record: Record) -> dict[str, Any]:
    data = asdict(record)
    for incident in data["incidents"]:
        for print_ in incident["fingerprints"]:
            print_.pop("custody")  # in custody/, one file per snapshot
    for letter in data["letters"]:
        letter.pop("text")  # in letters/
    return data


README = """\
STAFF RECORD - {school}
Record {id}: comments that named {person}

This zip holds what the school's moderation system recorded about comments that named
{person}: each comment, the school's decisions on it, the letters the school sent, and
the fingerprint (SHA-256) of each evidence snapshot the school keeps. It contains personal
data: keep it secure and share it only as the law allows (for example with HR).

  record.pdf         start here
  record.json        the same record as data
  letters/           letters the school sent about these comments
  custody/           each snapshot's custody log: who captured, viewed and exported it
  manifest.json      every other member with its SHA-256 and size, sealed
  SHA256SUMS         the same hashes for `sha256sum -c`
  verify_bundle.py   a checker needing only Python 3.11 or later

To check it: python3 verify_bundle.py THIS-FILE.zip
The snapshots themselves stay with the school; a fingerprint here matches the snapshot the
school can export as evidence, and the first entry of each custody log begins from it.
"""
