"""Signing in on SQLite and PostgreSQL: argon2id hashes, earlier scrypt hashes upgraded at the
next sign-in, lock-out after repeated failures, and a password change unlocking the account."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine, select

from moderator import db, users
from moderator.models import AuditEvent, User

PASSWORD = "correct horse battery"


def scrypt(password: str) -> str:
    """A hash as releases before argon2id stored it."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${2**14}$8$1${salt.hex()}${digest.hex()}"


def test_an_earlier_scrypt_hash_signs_in_and_is_upgraded(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        users.add(session, "jh", "Janet Holloway", "headteacher", PASSWORD)
        session.scalars(select(User)).one().password_hash = scrypt(PASSWORD)
    with db.session_scope(engine) as session:
        assert users.sign_in(session, "jh", PASSWORD + "x", "test") is None
        assert users.sign_in(session, "jh", PASSWORD, "test") is not None
    with db.session_scope(engine) as session:
        user = session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$") and user.failed_logins == 0
        assert user.last_login_at is not None
        assert users.sign_in(session, "jh", PASSWORD, "test") is not None


def test_five_failures_lock_the_account_until_a_new_password(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        users.add(session, "jh", "Janet Holloway", "headteacher", PASSWORD)
    for _ in range(users.LOCK_AFTER):
        with db.session_scope(engine) as session:
            assert users.sign_in(session, "jh", "wrong password", "10.0.0.9") is None
    with db.session_scope(engine) as session:
        assert users.sign_in(session, "jh", PASSWORD, "10.0.0.9") is None  # locked
        whys = [
            e.detail.get("why") for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]
    assert any(why and "locked for 15 minutes" in why for why in whys)
    assert whys[-1] == "locked"
    with db.session_scope(engine) as session:
        users.set_password(session, "jh", "a brand new password", actor="admin")
    with db.session_scope(engine) as session:
        assert users.sign_in(session, "jh", "a brand new password", "10.0.0.9") is not None


def test_an_unknown_name_is_refused_and_recorded_without_the_password(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        assert users.sign_in(session, "nobody", "some password", "10.0.0.9") is None
    with db.session_scope(engine) as session:
        event = session.scalars(select(AuditEvent)).one()
    assert event.action == "sign_in_failed" and "some password" not in str(event.detail)
