"""Signing in on SQLite and PostgreSQL: argon2id hashes, earlier scrypt hashes upgraded at the
next sign-in, lock-out after repeated failures, and a password change unlocking the account;
the lock-out holds under concurrent attempts (at most five passwords checked), unknown and
locked accounts cost the same work as a wrong password, and one client address is throttled."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select, update

from moderator.review import users
from moderator.store import db
from moderator.store.models import AuditEvent, SignInAddress, User, WebSession

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


# -- concurrency and throttling ---------------------------------------------------------------


@dataclass
class Checks:
    """Every password check, by whose hash it was checked against."""

    real: str = ""
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def of_the_account(self) -> int:
        return sum(stored == self.real for stored in self.calls)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Checks:
    """Counts the calls of ``users.verify_password`` (the real one still answers)."""
    seen = Checks()
    real = users.verify_password

    def counted(password: str, stored: str) -> bool:
        with seen.lock:
            seen.calls.append(stored)
        return real(password, stored)

    monkeypatch.setattr(users, "verify_password", counted)
    return seen


@pytest.fixture
def cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheap argon2id for the tests that only count (the concurrent ones keep the real cost,
    which is what gives a race its window)."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    dummy = hasher.hash("not anybody's password")
    monkeypatch.setattr(users, "_HASHER", hasher)
    monkeypatch.setattr(users, "_dummy_hash", lambda: dummy)


def attempt(engine: Engine, username: str, password: str, where: str) -> str:
    """One sign-in in its own transaction: "in", "refused" or "throttled"."""
    try:
        with db.session_scope(engine) as session:
            return "in" if users.sign_in(session, username, password, where) else "refused"
    except users.Throttled:
        return "throttled"


def at_once(engine: Engine, tries: list[tuple[str, str, str]]) -> list[str]:
    """``tries`` (username, password, address) sent together from as many threads."""
    start = threading.Barrier(len(tries))

    def one(args: tuple[str, str, str]) -> str:
        start.wait()
        return attempt(engine, *args)

    with ThreadPoolExecutor(len(tries)) as pool:
        return list(pool.map(one, tries))


def account(engine: Engine, username: str = "jh") -> User:
    with db.session_scope(engine) as session:
        return session.scalars(select(User).where(User.username == username)).one()


def test_thirty_concurrent_wrong_passwords_check_five_and_lock(
    engine: Engine, checks: Checks
) -> None:
    with db.session_scope(engine) as session:
        checks.real = users.add(
            session, "jh", "Janet Holloway", "headteacher", PASSWORD
        ).password_hash
    # from 30 addresses, so the address throttle plays no part
    answers = at_once(engine, [("jh", f"wrong {n}", f"10.0.1.{n}") for n in range(30)])
    assert answers == ["refused"] * 30
    assert checks.of_the_account == users.LOCK_AFTER  # never more, whatever the interleaving
    assert len(checks.calls) == 30  # the others were checked against the dummy: the same work
    locked = account(engine)
    assert locked.locked_until and locked.locked_until > dt.datetime.now(dt.UTC)
    # a right password inside a concurrent batch after the lock does not sign in
    batch = [("jh", f"wrong again {n}", f"10.0.2.{n}") for n in range(9)]
    batch.insert(4, ("jh", PASSWORD, "10.0.2.99"))
    assert at_once(engine, batch) == ["refused"] * 10
    assert checks.of_the_account == users.LOCK_AFTER
    assert len(checks.calls) == 40
    with db.session_scope(engine) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0
    assert "sign_in" not in actions
    assert actions.count("sign_in_failed") == users.LOCK_AFTER
    assert actions.count("sign_in_refused") == 35


def test_a_right_password_among_the_first_five_signs_in_and_resets_the_count(
    engine: Engine, checks: Checks, cheap: None
) -> None:
    with db.session_scope(engine) as session:
        checks.real = users.add(
            session, "jh", "Janet Holloway", "headteacher", PASSWORD
        ).password_hash
    for n in range(users.LOCK_AFTER - 1):
        assert attempt(engine, "jh", "wrong", f"10.0.3.{n}") == "refused"
    assert attempt(engine, "jh", PASSWORD, "10.0.3.9") == "in"
    after = account(engine)
    assert (after.failed_logins, after.locked_until) == (0, None)
    for n in range(users.LOCK_AFTER - 1):  # a fresh count: not locked by one more failure
        assert attempt(engine, "jh", "wrong", f"10.0.4.{n}") == "refused"
    assert attempt(engine, "jh", PASSWORD, "10.0.4.9") == "in"


def test_unknown_locked_and_wrong_do_the_same_work(
    engine: Engine, checks: Checks, cheap: None
) -> None:
    with db.session_scope(engine) as session:
        checks.real = users.add(
            session, "jh", "Janet Holloway", "headteacher", PASSWORD
        ).password_hash
        users.add(session, "ab", "Amir Baig", "moderator", PASSWORD)
        session.flush()
        session.execute(
            update(User)
            .where(User.username == "ab")
            .values(locked_until=dt.datetime.now(dt.UTC) + users.LOCK_FOR)
        )
    for username, password in [("nobody", PASSWORD), ("ab", PASSWORD), ("jh", "wrong")]:
        before = len(checks.calls)
        assert attempt(engine, username, password, "10.0.5.1") == "refused"
        assert len(checks.calls) == before + 1, username  # one argon2id check each
    assert checks.of_the_account == 1
    assert checks.calls[0] == checks.calls[1] != checks.real  # the dummy hash


def test_one_address_cannot_spray_or_lock_many_accounts(
    engine: Engine, checks: Checks, cheap: None
) -> None:
    names = [f"user{n}" for n in range(12)]
    with db.session_scope(engine) as session:
        for name in names:
            users.add(session, name, name.title(), "moderator", PASSWORD)
    answers = [attempt(engine, name, "wrong", "203.0.113.7") for name in names]
    assert answers == ["refused"] * users.ADDRESS_LIMIT + ["throttled"] * 2
    assert len(checks.calls) == users.ADDRESS_LIMIT  # a throttled attempt checks nothing
    for name in names[users.ADDRESS_LIMIT :]:  # nor counts against the account
        assert account(engine, name).failed_logins == 0
    # the right password from the throttled address is refused too; another address signs in
    assert attempt(engine, "user0", PASSWORD, "203.0.113.7") == "throttled"
    assert attempt(engine, "user0", PASSWORD, "198.51.100.2") == "in"
    with db.session_scope(engine) as session:
        throttled = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sign_in_throttled")
        ).all()
    assert len(throttled) == 3 and throttled[0].detail["where"] == "203.0.113.7"
    assert "wrong" not in str([e.detail for e in throttled])
    # once the window has passed the address may try again
    with db.session_scope(engine) as session:
        session.execute(
            update(SignInAddress).values(window_ends=dt.datetime.now(dt.UTC) - dt.timedelta(1))
        )
    assert attempt(engine, "user11", PASSWORD, "203.0.113.7") == "in"


def test_thirty_concurrent_attempts_from_one_address_pass_the_limit_only(
    engine: Engine, checks: Checks
) -> None:
    answers = at_once(engine, [(f"nobody{n}", "wrong", "203.0.113.8") for n in range(30)])
    assert answers.count("refused") == users.ADDRESS_LIMIT
    assert answers.count("throttled") == 30 - users.ADDRESS_LIMIT
    assert len(checks.calls) == users.ADDRESS_LIMIT


def test_successes_do_not_count_against_a_shared_address(
    engine: Engine, checks: Checks, cheap: None
) -> None:
    with db.session_scope(engine) as session:
        for n in range(3):
            users.add(session, f"staff{n}", f"Staff {n}", "moderator", PASSWORD)
    for n in range(30):  # a school's staff behind one address sign in all morning
        staff = f"staff{n % 3}"
        if n % 3 == 0 and n < 3 * (users.ADDRESS_LIMIT - 1):
            assert attempt(engine, staff, "typo", "192.0.2.1") == "refused"
        assert attempt(engine, staff, PASSWORD, "192.0.2.1") == "in"
    with db.session_scope(engine) as session:
        row = session.get_one(SignInAddress, "192.0.2.1")
    assert row.failures == users.ADDRESS_LIMIT - 1
