"""Server-side sessions: the cookie holds a random token, the table keeps its SHA-256, the user,
a CSRF token and when it was made and last used, and the status message for the next page (a
flash, shown once: it never travels in the URL, so nobody can put words in it with a link)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from moderator.store.models import User, WebSession, utcnow

COOKIE = "moderator_session"
IDLE = dt.timedelta(minutes=30)
LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Current:
    """Who is signed in, for one request."""

    user: User
    csrf: str
    session_id: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User) -> str:
    """A new session for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(token_sha256=_digest(token), user_id=user.id, csrf_token=secrets.token_hex(32))
    )
    return token


def find(session: Session, token: str | None) -> Current | None:
    """The live session ``token`` names, touched; None when absent, expired or the user is
    disabled (an expired session is deleted)."""
    if not token:
        return None
    row = session.scalars(
        select(WebSession).where(WebSession.token_sha256 == _digest(token))
    ).first()
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > IDLE or now - row.created_at > LIFETIME or not row.user.active:
        session.delete(row)
        return None
    if now - row.last_seen_at > dt.timedelta(seconds=60):  # one write a minute, not per request
        row.last_seen_at = now
    return Current(user=row.user, csrf=row.csrf_token, session_id=row.id)


def flash(session: Session, session_id: int, message: str) -> None:
    """Keep ``message`` for the next page this session shows (the latest one wins)."""
    session.execute(
        update(WebSession)
        .where(WebSession.id == session_id)
        .values(flash=message[:1000])
        .execution_options(synchronize_session=False)
    )


def take_flash(session: Session, session_id: int) -> str:
    """The message kept for this page, once: it is cleared as it is read."""
    message = session.scalar(select(WebSession.flash).where(WebSession.id == session_id))
    if not message:
        return ""
    session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.flash == message)
        .values(flash=None)
        .execution_options(synchronize_session=False)
    )
    return message


def end(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_sha256 == _digest(token)))


def end_all(session: Session, user_id: int) -> None:
    """Sign a user out everywhere (disabled, password changed)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def same(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a submitted CSRF token."""
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())
