"""Looking at evidence: who may, what they see, and the record that they did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from moderator.evidence import custody, snapshot
from moderator.evidence.dossier import EvidenceError
from moderator.review import users, visibility
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import EvidenceSnapshot, Flag


def viewer(
    session: Session, config: SchoolConfig, flag_id: int, username: str | None
) -> str | None:
    """``username`` as the custody log names them, after checking they may see the flag (a DSL
    flag needs the safeguarding permission); None when no user was given."""
    flag = _flag(session, flag_id)
    if username is None:
        return None
    user = users.acting(session, username)
    if not visibility.shows(visibility.Viewer.of(user.role, config.escalation.permissions), flag):
        raise EvidenceError(
            f"flag {flag_id} is a safeguarding concern for the DSL; {username} "
            f"({user.role.value}) may not see its evidence"
        )
    return f"{user.username} ({user.full_name}, {user.role.value})"


def _flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise EvidenceError(f"there is no flag {flag_id}; `moderator queue list` shows them")
    return flag


def snapshot_ids(engine: Engine, flag_id: int) -> list[int]:
    with db.session_scope(engine) as session:
        flag = _flag(session, flag_id)
        return list(
            session.scalars(
                select(EvidenceSnapshot.id).where(EvidenceSnapshot.comment_id == flag.comment_id)
            )
        )


def describe(session: Session, flag_id: int) -> dict[str, Any]:
    """The flag's snapshots: hashes, whether each still matches, artefacts, custody."""
    flag = _flag(session, flag_id)
    shots = session.scalars(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.comment_id == flag.comment_id)
        .order_by(EvidenceSnapshot.id)
    ).all()
    return {
        "flag": flag.id,
        "snapshots": [
            {
                "id": shot.id,
                "captured_at": shot.captured_at.isoformat(),
                "captured_by": shot.captured_by,
                "sha256": shot.sha256,
                "intact": snapshot.intact(shot),
                "corrects": shot.corrects_id,
                "artefacts": [
                    {"name": a.name, "media_type": a.media_type, "size": a.size, "sha256": a.sha256}
                    for a in shot.artefacts
                ],
                "custody": [custody.entry(e, shot.sha256) for e in custody.chain(session, shot)],
            }
            for shot in shots
        ],
    }


def echo(item: dict[str, Any], out: Callable[[str], Any]) -> None:
    out(f"Evidence for flag {item['flag']}")
    for shot in item["snapshots"]:
        state = "intact" if shot["intact"] else "DOES NOT MATCH ITS HASH"
        out(
            f"  snapshot {shot['id']}  captured {shot['captured_at']} by {shot['captured_by']}  [{state}]"
        )
        out(f"    SHA-256 {shot['sha256']}")
        if shot["corrects"]:
            out(f"    corrects snapshot {shot['corrects']}")
        for artefact in shot["artefacts"]:
            out(
                f"    {artefact['name']:<16} {artefact['size']:>9} bytes  SHA-256 {artefact['sha256']}"
            )
        for entry in shot["custody"]:
            out(f"    #{entry['seq']:<3} {entry['at']}  {entry['action']:<15} {entry['actor']}")
