"""Named user accounts: who decides, with which role.

Passwords are stored as argon2id hashes (argon2-cffi's PHC strings, so the cost can be raised
later). Hashes from earlier releases, ``scrypt$n$r$p$salt$hash``, are still checked and are
replaced by argon2id at the next successful sign-in. Five failed sign-ins in a row lock an
account for 15 minutes, however many arrive at once; ten failures from one client address in 15
minutes stop that address signing in to any account for the rest of the 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2 import exceptions as argon2_errors
from sqlalchemy import and_, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderator.errors import ModeratorError
from moderator.ingest.recording import audit
from moderator.store.models import SignInAddress, User, UTCDateTime, WebSession
from workqueue.roles import Role

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 8
LOCK_AFTER = 5  #: failed sign-ins in a row
LOCK_FOR = dt.timedelta(minutes=15)
ADDRESS_LIMIT = 10  #: failed sign-ins from one client address per window
ADDRESS_WINDOW = dt.timedelta(minutes=15)
_HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended parameters
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")


class UserError(ModeratorError):
    """A user account cannot be created, found or used."""


class Throttled(UserError):
    """Too many failed sign-ins from one client address: none are checked for a while."""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (argon2id, or an earlier release's scrypt)."""
    if stored.startswith("$argon2"):
        try:
            return _HASHER.verify(stored, password)
        except argon2_errors.VerificationError:
            return False
        except argon2_errors.InvalidHashError:
            return False
    return _verify_scrypt(password, stored)


def needs_rehash(stored: str) -> bool:
    return not stored.startswith("$argon2") or _HASHER.check_needs_rehash(stored)


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
            maxmem=64 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed.hex(), digest)


def check_password(password: str) -> str:
    """``password`` if it is acceptable; a clear error (never echoing it) if not."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must be at least {MIN_PASSWORD} characters long")
    if password != password.strip():
        raise UserError("the password must not start or end with spaces")
    return password


def add(session: Session, username: str, full_name: str, role: str, password: str) -> User:
    """A new active account; errors name what is wrong."""
    if not _USERNAME.match(username):
        raise UserError(
            f"invalid username {username!r}: use letters, digits and . _ @ - (at most 100)"
        )
    if not full_name.strip():
        raise UserError("--name must not be empty")
    try:
        parsed = Role(role)
    except ValueError:
        raise UserError(
            f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}"
        ) from None
    if session.scalars(select(User).where(User.username == username)).first():
        raise UserError(f"user {username!r} already exists")
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=parsed,
        password_hash=hash_password(check_password(password)),
    )
    session.add(user)
    session.flush()
    audit(session, "system", "user_added", "user", user.id, username=username, role=parsed.value)
    return user


def get(session: Session, username: str) -> User:
    """The account named ``username``; an error naming it when there is none."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UserError(f"no user {username!r}", code="unknown_user", user=username)
    return user


def acting(session: Session, username: str) -> User:
    """The active account taking a decision."""
    user = get(session, username)
    if not user.active:
        raise UserError(f"user {username!r} is disabled", code="user_disabled", user=username)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account whose password this is, else ``None`` (no hint which part failed)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        verify_password(password, _dummy_hash())  # same work whether or not the user exists
        return None
    if not verify_password(password, user.password_hash) or not user.active:
        return None
    return user


def sign_in(session: Session, username: str, password: str, where: str) -> User | None:
    """The account, when the password is right and it is active and not locked; else None with
    the reason in the audit log only (``where``: the client address).

    Every attempt is charged before any password is checked, each charge one atomic ``UPDATE
    ... RETURNING`` committed at once, so concurrent attempts cannot overtake the count: at most
    :data:`LOCK_AFTER` passwords are checked per account before the lock, and at most
    :data:`ADDRESS_LIMIT` failures per address per :data:`ADDRESS_WINDOW` (then
    :class:`Throttled`). An unknown, locked or disabled account gets the same answer after the
    same work (a password hash) as a wrong password. A success resets the account's count,
    gives the address its attempt back and upgrades an old hash."""
    now = dt.datetime.now(dt.UTC)
    where = where[:100]
    if _charge_address(session, where, now) > ADDRESS_LIMIT:
        audit(
            session,
            "anonymous",
            "sign_in_throttled",
            None,
            None,
            username=username[:100],
            where=where,
        )
        session.commit()
        raise Throttled(
            f"too many failed sign-ins from {where}; try again in "
            f"{int(ADDRESS_WINDOW.total_seconds() // 60)} minutes",
            code="sign_in_throttled",
            minutes=int(ADDRESS_WINDOW.total_seconds() // 60),
        )
    charged = _charge_account(session, username, now)
    session.commit()  # both charges count before the password is checked
    if charged is None:  # no such account, or locked: the same work and the same answer
        verify_password(password, _dummy_hash())
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            audit(
                session,
                "anonymous",
                "sign_in_failed",
                None,
                None,
                username=username[:100],
                where=where,
            )
        else:
            audit(
                session,
                user.username,
                "sign_in_refused",
                "user",
                user.id,
                why="locked",
                where=where,
            )
        return None
    user_id, attempt = charged
    user = session.get_one(User, user_id, populate_existing=True)
    if not verify_password(password, user.password_hash) or not user.active:
        why = "disabled" if user.active is False else "wrong password"
        if attempt >= LOCK_AFTER:
            why += f"; locked for {int(LOCK_FOR.total_seconds() // 60)} minutes"
        audit(session, user.username, "sign_in_failed", "user", user.id, why=why, where=where)
        return None
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=0, locked_until=None, last_login_at=now)
        .execution_options(synchronize_session=False)
    )
    _refund_address(session, where)
    session.refresh(user)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit(session, user.username, "sign_in", "user", user.id, where=where)
    return user


def _charge_account(session: Session, username: str, now: dt.datetime) -> tuple[int, int] | None:
    """Count one more attempt on ``username`` unless it is locked, locking it at the
    :data:`LOCK_AFTER`-th (an expired lock starts a fresh count): ``(id, attempt number)``, or
    None when there is no such account or it is locked."""
    expired = and_(User.locked_until.is_not(None), User.locked_until <= now)
    attempt = case((expired, 0), else_=User.failed_logins) + 1
    row = session.execute(
        update(User)
        .where(
            User.username == username,
            or_(User.locked_until.is_(None), User.locked_until <= now),
        )
        .values(
            failed_logins=attempt,
            locked_until=case(
                (attempt >= LOCK_AFTER, literal(now + LOCK_FOR, UTCDateTime())), else_=None
            ),
        )
        .returning(User.id, User.failed_logins)
        .execution_options(synchronize_session=False)
    ).first()
    return (int(row[0]), int(row[1])) if row else None


def _charge_address(session: Session, where: str, now: dt.datetime) -> int:
    """Count one more attempt from ``where`` in its window (a new window once it has ended);
    the number counted. One INSERT ... ON CONFLICT DO UPDATE ... RETURNING on both backends."""
    row = SignInAddress
    dialect = session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(row)
    ended = row.window_ends <= now
    statement = upsert.values(
        address=where, failures=1, window_ends=now + ADDRESS_WINDOW
    ).on_conflict_do_update(
        index_elements=[row.address],
        set_={
            "failures": case((ended, 1), else_=row.failures + 1),
            "window_ends": case((ended, upsert.excluded.window_ends), else_=row.window_ends),
        },
    )
    return int(session.execute(statement.returning(row.failures)).scalar_one())


def _refund_address(session: Session, where: str) -> None:
    """A success gives the address its attempt back (a school's staff share one address)."""
    session.execute(
        update(SignInAddress)
        .where(SignInAddress.address == where, SignInAddress.failures > 0)
        .values(failures=SignInAddress.failures - 1)
        .execution_options(synchronize_session=False)
    )


def set_active(session: Session, username: str, active: bool, actor: str = "system") -> User:
    user = get(session, username)
    user.active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))  # signed out
    audit(session, actor, "user_enabled" if active else "user_disabled", "user", user.id)
    return user


def set_password(session: Session, username: str, password: str, actor: str = "system") -> User:
    user = get(session, username)
    user.password_hash = hash_password(check_password(password))
    user.failed_logins, user.locked_until = 0, None
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))  # signed out
    audit(session, actor, "password_changed", "user", user.id)
    return user


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))
