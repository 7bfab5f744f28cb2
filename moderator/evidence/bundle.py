"""``moderator evidence export``: the zip a police officer or solicitor receives.

The layout and the checks are in docs/evidence.md. Everything is built in memory, the custody
entries ("exported") and the export record are committed in one transaction, and only then is
the zip moved into place; a failure leaves neither a half-written file nor a record of an export
that did not happen.

``bundle_members`` makes every member but the manifest; this module logs the export on each
snapshot, seals the manifest (time-stamped where a TSA is set), checks the zip and writes it.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from moderator.evidence import archives, custody, dossier, drawing, timestamp, verify
from moderator.evidence.bundle_members import Files, contents
from moderator.evidence.dossier import EvidenceError
from moderator.review import users
from moderator.settings.config import SchoolConfig
from moderator.store.models import CustodyEvent, EvidenceExport, utcnow


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
    return custody.place_recorded(
        engine,
        out,
        lambda session: _build(
            session, config, ref, out, actor=actor, username=username, case=case, tsa=tsa
        ),
        what="bundle",
        prefix=".bundle-",
        error=EvidenceError,
        named=lambda result: f"bundle {result.bundle_id}",
        again="export it again",
    )


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
    files = contents(session, config, found, chains, bundle_id=bundle_id, who=who, at=at)
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
        _complete(session, item, who, at)
        detail = {"bundle": bundle_id, "subject": found.subject, "exhibit": item.ref}
        if item.redacted:
            detail["view"] = "redacted"
        custody.append(session, item.snapshot, who, "exported", detail, at=at)
        chains[item.snapshot.id] = custody.chain(session, item.snapshot)
    return chains


def _complete(session: Session, item: dossier.Item, actor: str, at: dt.datetime) -> None:
    """Draw the capture image if no one has yet (a new artefact with its own custody entry,
    dated with the export; the snapshot itself is untouched)."""
    drawing.ensure(session, item.snapshot, actor, "drawn for an export", at=at)
    session.refresh(item.snapshot, ["artefacts"])


def _manifest(
    files: Files,
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


def _zip(data: dict[str, bytes], manifest: bytes, token: bytes | None, at: dt.datetime) -> bytes:
    members = {**data, verify.MANIFEST: manifest, **({verify.TOKEN: token} if token else {})}
    return archives.deterministic(members, at)
