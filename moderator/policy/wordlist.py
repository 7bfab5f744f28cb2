"""The school's word lists as the web interface keeps them: read, added to, removed from, each
change an audit event (who, what, which list); and the policy with them, for every part that
decides with a database (scan, webhooks, reclassify, the worker). ``moderator classify`` reads
no database: it applies the config's ``[policy]`` lists only."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from moderator.errors import InputError
from moderator.policy.decide import Policy
from moderator.policy.school_words import (
    ALLOWED,
    BLOCKABLE,
    BLOCKED,
    DEFAULT_CATEGORY,
    KINDS,
    MAX_PHRASE,
    Blocked,
    SchoolWords,
    tidy,
)
from moderator.settings.config import SchoolConfig
from moderator.store import db
from moderator.store.models import AuditEvent, SchoolWord


def load(session: Session) -> SchoolWords:
    rows = session.scalars(select(SchoolWord).order_by(SchoolWord.id)).all()
    return SchoolWords(
        tuple(Blocked(r.phrase, r.category or DEFAULT_CATEGORY) for r in rows if r.kind == BLOCKED),
        tuple(r.phrase for r in rows if r.kind == ALLOWED),
    )


def policy_for(engine: Engine, config: SchoolConfig) -> Policy:
    """The school's policy with its word lists as saved now."""
    with db.session_scope(engine) as session:
        return Policy.for_school(config, load(session))


def entries(session: Session) -> list[SchoolWord]:
    """Every entry, blocked first, each list in the order it was added."""
    rows = session.scalars(select(SchoolWord).order_by(SchoolWord.id)).all()
    return sorted(rows, key=lambda r: KINDS.index(r.kind))


def add(session: Session, actor: str, kind: str, phrase: str, category: str = "") -> SchoolWord:
    """A new entry; an :class:`InputError` names what is wrong (never the phrase itself: it may
    be a slur or a name)."""
    kept = tidy(phrase)
    if kind not in KINDS:
        raise InputError(f"unknown list {kind!r}; expected one of {', '.join(KINDS)}")
    if not kept or not any(ch.isalnum() for ch in kept):
        raise InputError("give a word or phrase with at least one letter or digit")
    if len(kept) > MAX_PHRASE:
        raise InputError(f"a word or phrase may be at most {MAX_PHRASE} characters long")
    chosen: str | None = None
    if kind == BLOCKED:
        chosen = category or DEFAULT_CATEGORY
        if chosen not in BLOCKABLE:
            raise InputError(f"unknown category {chosen!r}; expected one of {', '.join(BLOCKABLE)}")
    found = session.scalars(
        select(SchoolWord).where(SchoolWord.kind == kind, SchoolWord.phrase == kept)
    ).first()
    if found is not None:
        raise InputError(f"that is already on the {kind} list")
    row = SchoolWord(kind=kind, phrase=kept, category=chosen, added_by=actor)
    session.add(row)
    session.flush()
    _audit(session, actor, "school_word_added", row)
    return row


def remove(session: Session, actor: str, word_id: int) -> None:
    row = session.get(SchoolWord, word_id)
    if row is None:
        raise InputError(f"there is no entry {word_id} on the school's lists")
    _audit(session, actor, "school_word_removed", row)
    session.delete(row)


def _audit(session: Session, actor: str, action: str, row: SchoolWord) -> None:
    """The change, with the entry: the school's own words, not a comment's text."""
    detail = {"list": row.kind, "phrase": row.phrase}
    if row.category:
        detail["category"] = row.category
    session.add(
        AuditEvent(
            actor=actor, action=action, subject_type="school_word", subject_id=row.id, detail=detail
        )
    )
