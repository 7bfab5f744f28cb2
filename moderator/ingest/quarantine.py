"""Quarantine: records a source sent that cannot be recorded are kept as where and why.

One bad record must never stop a source. Before a batch is recorded, :func:`split` sets aside
the comments ``connectors.records`` finds unfit (text that is not valid Unicode, JSON nested
too deep, NaN, an id the database cannot hold, a time out of range); if the batch still fails
on something nobody foresaw, ``scanning`` records its comments one by one and sets aside those
that fail (:func:`refused`). Either way the record's place (file and line, or the platform's
comment id) and the reason are kept in ``rejected_record`` by :func:`keep`, never its content,
and every good record around it is recorded. A record refused again (a file is read on every
scan) counts on its row instead of adding one.

``moderator status`` counts them per source (:func:`counts`); ``moderator rejected`` lists them
(:func:`listing`). A record fixed at its source is recorded as usual by the next scan that reads
it again; its rejected row stays as history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from sqlalchemy.orm import Session

from connectors import records
from connectors.base import RawComment, Skipped
from moderator.store.models import RejectedRecord, Source, utcnow

#: Longest item and reason kept (they are short; this only bounds a hostile path or id).
LIMIT = 500


def split(
    items: Iterable[RawComment | Skipped], now: dt.datetime | None = None
) -> tuple[list[RawComment], list[Skipped]]:
    """The comments fit to record (a post whose details are unfit is kept by id alone), and
    the others, each with where it was and why it was refused, in the order given (items the
    source could not read are among them)."""
    now = now or utcnow()
    good: list[RawComment] = []
    bad: list[Skipped] = []
    for comment in items:
        if isinstance(comment, Skipped):
            bad.append(comment)
            continue
        problem = records.comment_problem(comment, now)
        if problem:
            bad.append(Skipped(where(comment), problem))
        else:
            good.append(records.usable_post(comment))
    return good, bad


def where(comment: RawComment) -> str:
    """Where the source had ``comment``: its file and line, or its platform id."""
    return comment.where or f"comment {records.shown(comment.platform_comment_id)}"


def caused_by_data(exc: BaseException) -> bool:
    """True when ``exc`` is what a record's own data can make recording raise: the database
    refusing a value (``DataError``, a value it cannot bind), or Python refusing one (encoding,
    range, recursion). A database that is down, busy or refusing a duplicate is not the
    record's fault, nor is a classifier that fails: those are never quarantined."""
    if isinstance(exc, DBAPIError):
        return isinstance(exc, DataError)
    return isinstance(
        exc,
        StatementError | ValueError | TypeError | LookupError | ArithmeticError | RecursionError,
    )


def refused(comment: RawComment, exc: BaseException) -> Skipped:
    """A comment whose recording failed on its own data (the error's type only: messages of
    drivers can quote the value)."""
    return Skipped(where(comment), f"it could not be recorded ({type(exc).__name__})")


def keep(
    session: Session, source_id: int, rejected: Iterable[Skipped], now: dt.datetime | None = None
) -> None:
    """Store each rejected record once per source, place and reason; seen again, its
    ``last_seen_at`` and ``times_seen`` move."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for item in rejected:
        place, reason = _clean(item.where), _clean(item.reason)
        key = hashlib.sha256(f"{source_id}\n{place}\n{reason}".encode()).hexdigest()
        statement = insert(RejectedRecord).values(
            key=key,
            source_id=source_id,
            item=place,
            reason=reason,
            first_seen_at=now,
            last_seen_at=now,
            times_seen=1,
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["key"],
                set_={"last_seen_at": now, "times_seen": RejectedRecord.times_seen + 1},
            )
        )


def _clean(text: str) -> str:
    """``text`` as the database can hold it on both backends (no NUL, valid UTF-8), bounded."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    return safe if len(safe) <= LIMIT else safe[: LIMIT - 1] + "…"


def counts(session: Session) -> dict[int, tuple[int, dt.datetime]]:
    """``{source id: (records rejected, when the latest was last refused)}``."""
    rows = session.execute(
        select(
            RejectedRecord.source_id,
            func.count(RejectedRecord.id),
            func.max(RejectedRecord.last_seen_at),
        ).group_by(RejectedRecord.source_id)
    ).all()
    return {source_id: (int(count), latest) for source_id, count, latest in rows}


def listing(
    session: Session, source_name: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The rejected records, most recently refused first (``moderator rejected``)."""
    query = (
        select(RejectedRecord, Source.name)
        .join(Source, Source.id == RejectedRecord.source_id)
        .order_by(RejectedRecord.last_seen_at.desc(), RejectedRecord.id.desc())
        .limit(limit)
    )
    if source_name is not None:
        query = query.where(Source.name == source_name)
    return [
        {
            "source": name,
            "item": row.item,
            "reason": row.reason,
            "first_seen_at": row.first_seen_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
            "times_seen": row.times_seen,
        }
        for row, name in session.execute(query).tuples()
    ]
