"""Claims and moves on the flag queue against real databases (SQLite and PostgreSQL).

Workers run as separate OS processes (``spawn``), each with its own engine, as deployed
workers do; nothing here shares a connection between workers. Flags are inserted directly
through the ORM (:func:`add_flags`), so the tests exercise ``workqueue.store`` and not the scan.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from multiprocessing.pool import Pool
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Engine, event, func, or_, select, update

from moderator.review import claims, decisions
from moderator.store import db
from moderator.store.models import AuditEvent, Classification, Comment, Flag, Source, utcnow
from workqueue.errors import IllegalTransition
from workqueue.ladder import Step
from workqueue.states import FlagStatus

STORE = decisions.STORE
MAX_WORKERS = 4
NOT_DSL = or_(Flag.route.is_(None), Flag.route != "dsl")


# -- building flags ---------------------------------------------------------------------------


def add_flags(engine: Engine, *specs: Mapping[str, Any]) -> list[int]:
    """One flag per spec (``Flag`` column values, e.g. ``{"status": FlagStatus.HIDDEN}``), each
    with its own comment and classification; the new flag ids, in order."""
    with db.session_scope(engine) as session:
        source = session.scalars(select(Source).where(Source.name == "claims")).one_or_none()
        if source is None:
            source = Source(name="claims", platform="file")
            session.add(source)
        comments = [
            Comment(source=source, platform_comment_id=uuid.uuid4().hex, text="a comment", raw={})
            for _ in specs
        ]
        session.add_all(comments)
        session.flush()
        flags = []
        for comment, spec in zip(comments, specs, strict=True):
            values = {"status": FlagStatus.NEW, "categories": ["abuse"], **spec}
            classification = Classification(
                comment_id=comment.id,
                model_name="test",
                model_version="1",
                scores={},
                categories=list(values["categories"]),
                reasons=[],
                spans=[],
                targets=[],
                hide=bool(values.get("hidden", False)),
                step=values.get("step"),
                route=values.get("route"),
            )
            flags.append(Flag(comment=comment, classification=classification, **values))
        session.add_all(flags)
        session.flush()
        return [flag.id for flag in flags]


def flag_state(engine: Engine, flag_id: int) -> tuple[dict[str, Any], int]:
    """The flag's row as stored and the number of audit events in the database."""
    with db.session_scope(engine) as session:
        row = session.execute(select(Flag.__table__).where(Flag.id == flag_id)).one()
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return row._asdict(), events


def claim(engine: Engine, actor: str, limit: int = 1, **kwargs: Any) -> list[int]:
    with db.session_scope(engine) as session:
        return STORE.claim(session, actor, limit=limit, order_by=claims.PRIORITY, **kwargs)


def audit_events(engine: Engine, action: str) -> list[AuditEvent]:
    with db.session_scope(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


# -- concurrent workers -----------------------------------------------------------------------


class Taken(NamedTuple):
    """What one worker process claimed, and when it was at work (``time.time()``)."""

    name: str
    pid: int
    ids: list[int]
    first_try: float
    last_claim: float


#: In each pool process: ``{n: a barrier for n workers}``, so that the workers start together.
_BARRIERS: dict[int, Any] = {}


def _warm(barriers: dict[int, Any]) -> None:
    """Pool initializer: imports this module (and the application) once per process and keeps
    the barriers, which can only reach a process when it starts."""
    _BARRIERS.update(barriers)


def _claim_worker(url: str, name: str, limit: int, workers: int) -> Taken:
    """One worker process: its own engine, claims until nothing is left."""
    engine = db.create(url)
    try:
        with engine.connect():
            pass  # connected before the start, so the workers really start together
        _BARRIERS[workers].wait(timeout=60)
        taken: list[int] = []
        first_try, last_claim = time.time(), 0.0
        while True:
            with db.session_scope(engine) as session:
                ids = STORE.claim(session, name, limit=limit, order_by=claims.PRIORITY)
            if not ids:
                return Taken(name, os.getpid(), taken, first_try, last_claim)
            taken.extend(ids)
            last_claim = time.time()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def spawn_pool() -> Iterator[Pool]:
    """Worker processes started with ``spawn``, shared by this module's tests."""
    context = multiprocessing.get_context("spawn")
    barriers = {n: context.Barrier(n) for n in range(1, MAX_WORKERS + 1)}
    pool = context.Pool(MAX_WORKERS, initializer=_warm, initargs=(barriers,))
    try:
        yield pool
    finally:
        pool.terminate()  # the workers are idle between tests
        pool.join()


@pytest.mark.parametrize(("workers", "limit"), [(2, 1), (4, 3)])
def test_concurrent_workers_never_take_the_same_flag(
    engine: Engine, database_url: str, spawn_pool: Pool, workers: int, limit: int
) -> None:
    steps = [None, *Step]
    ids = add_flags(
        engine,
        *(
            {"step": steps[i % len(steps)], "status": FlagStatus.HIDDEN, "hidden": True}
            if i % 5 == 0
            else {"step": steps[i % len(steps)]}
            for i in range(200)
        ),
    )
    pending = [
        spawn_pool.apply_async(_claim_worker, (database_url, f"worker-{n}", limit, workers))
        for n in range(workers)
    ]
    results = [result.get(timeout=120) for result in pending]

    taken = {result.name: set(result.ids) for result in results}
    pids = {result.pid for result in results}
    assert len(pids) == workers and os.getpid() not in pids  # separate OS processes
    # every worker was trying while flags were still being claimed (on SQLite, where writers
    # take turns and the lock is not fair, one worker may still take most of them)
    assert max(r.first_try for r in results) < max(r.last_claim for r in results)
    assert sum(len(result.ids) for result in results) == len(ids)  # nobody got one twice
    assert set().union(*taken.values()) == set(ids)
    names = sorted(taken)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            assert not taken[first] & taken[second], (first, second)

    owner = {flag_id: name for name, got in taken.items() for flag_id in got}
    with db.session_scope(engine) as session:
        rows = session.execute(select(Flag.id, Flag.status, Flag.claimed_by)).all()
    assert {flag_id: claimer for flag_id, _, claimer in rows} == owner
    assert {status for _, status, _ in rows} == {FlagStatus.IN_REVIEW}

    events = audit_events(engine, "claim")
    assert Counter(e.subject_id for e in events) == Counter(ids)  # exactly one per flag
    assert {(e.subject_id, e.actor) for e in events} == set(owner.items())
    froms = Counter(e.detail["from"] for e in events)
    assert froms == {"hidden": 40, "new": 160}


# -- moves ------------------------------------------------------------------------------------


def test_stale_move_fails_loudly_and_changes_nothing(engine: Engine) -> None:
    [flag_id] = add_flags(engine, {})
    with pytest.raises(IllegalTransition) as raised, db.session_scope(engine) as session:
        seen = STORE.status(session, flag_id)
        assert seen == FlagStatus.NEW
        with db.session_scope(engine) as other:
            STORE.move(
                other,
                flag_id,
                FlagStatus.CONFIRMED,
                actor="bob",
                action="confirm",
                why="a breach",
                values={"decided_by": "bob"},
            )
        before = flag_state(engine, flag_id)
        # new -> escalated and confirmed -> escalated are both legal: only the stale state stops it
        STORE.move(
            session,
            flag_id,
            FlagStatus.ESCALATED,
            actor="alice",
            action="escalate",
            why="meeting",
            expected=seen,
            values={"decided_by": "alice"},
        )
    message = str(raised.value)
    assert f"flag {flag_id} " in message
    assert "it was new and is now confirmed" in message
    assert "nothing was changed" in message
    after = flag_state(engine, flag_id)
    assert after == before
    assert after[0]["status"] == FlagStatus.CONFIRMED.value and after[0]["decided_by"] == "bob"


def test_two_people_deciding_at_once_one_wins(engine: Engine) -> None:
    """Both read ``new``; the second UPDATE waits for the first (row lock on PostgreSQL, the
    write lock on SQLite), then finds the state changed and refuses."""
    [flag_id] = add_flags(engine, {})
    outcome: dict[str, BaseException | FlagStatus] = {}
    read = threading.Event()

    def second() -> None:
        try:
            with db.session_scope(engine) as session:
                seen = STORE.status(session, flag_id)
                read.set()
                outcome["second"] = STORE.move(
                    session,
                    flag_id,
                    FlagStatus.DISMISSED,
                    actor="bob",
                    action="dismiss",
                    why="not a breach",
                    expected=seen,
                )
        except BaseException as exc:  # noqa: BLE001 - the thread reports it to the test
            outcome["second"] = exc

    with db.session_scope(engine) as session:
        STORE.move(
            session, flag_id, FlagStatus.CONFIRMED, actor="alice", action="confirm", why="breach"
        )
        thread = threading.Thread(target=second)
        thread.start()
        assert read.wait(10)
        time.sleep(0.2)  # the second decision is now waiting for this transaction
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(outcome["second"], IllegalTransition), outcome
    assert f"flag {flag_id} changed" in str(outcome["second"])
    row, _ = flag_state(engine, flag_id)
    assert row["status"] == FlagStatus.CONFIRMED.value
    moves = audit_events(engine, "confirm") + audit_events(engine, "dismiss")
    assert [(e.actor, e.subject_id) for e in moves] == [("alice", flag_id)]


def test_illegal_transition_names_allowed_moves_and_changes_nothing(engine: Engine) -> None:
    closed, dismissed = add_flags(
        engine, {"status": FlagStatus.CLOSED}, {"status": FlagStatus.DISMISSED}
    )
    cases = [
        (closed, "flag {id} is closed and cannot become escalated", "nothing (final)"),
        (dismissed, "flag {id} is dismissed and cannot become escalated", "closed, in_review"),
    ]
    for flag_id, wording, allowed in cases:
        before = flag_state(engine, flag_id)
        for expected in (None, FlagStatus(before[0]["status"])):
            with pytest.raises(IllegalTransition) as raised, db.session_scope(engine) as session:
                STORE.move(
                    session,
                    flag_id,
                    FlagStatus.ESCALATED,
                    actor="alice",
                    action="escalate",
                    why="police",
                    expected=expected,
                )
            assert wording.format(id=flag_id) in str(raised.value)
            assert str(raised.value).endswith(f"it can become: {allowed}")
            assert flag_state(engine, flag_id) == before


# -- claim filters and order ------------------------------------------------------------------


def test_claim_respects_where(engine: Engine) -> None:
    dsl = add_flags(engine, *({"route": "dsl", "step": Step.POLICE} for _ in range(3)))
    others = add_flags(engine, {"route": "moderators"}, {"route": None}, {"route": "complaints"})
    assert claim(engine, "moderator", limit=10, where=[NOT_DSL]) == sorted(others)
    assert claim(engine, "moderator", limit=10, where=[NOT_DSL]) == []
    with db.session_scope(engine) as session:
        rows = session.execute(select(Flag.status, Flag.claimed_by).where(Flag.id.in_(dsl))).all()
    assert set(rows) == {(FlagStatus.NEW, None)}
    assert claim(engine, "dsl-lead", limit=10) == sorted(dsl)


def test_claim_takes_the_highest_step_first_then_the_oldest(engine: Engine) -> None:
    now = utcnow()
    at = [now - dt.timedelta(minutes=m) for m in range(10)]
    names = ("none", "review", "police-new", "police-old", "meeting", "legal", "hide", "warning")
    specs = (
        {"step": None, "created_at": at[9]},
        {"step": Step.REVIEW, "created_at": at[9]},
        {"step": Step.POLICE, "created_at": at[1]},
        {"step": Step.POLICE, "created_at": at[2], "status": FlagStatus.HIDDEN, "hidden": True},
        {"step": Step.MEETING, "created_at": at[0]},
        {"step": Step.LEGAL, "created_at": at[0]},
        {"step": Step.HIDE, "created_at": at[8]},
        {"step": Step.WRITTEN_WARNING, "created_at": at[0]},
    )
    ids = dict(zip(names, add_flags(engine, *specs), strict=True))
    add_flags(engine, {"step": Step.POLICE, "status": FlagStatus.CONFIRMED})  # not claimable

    assert claim(engine, "alice", limit=2) == sorted([ids["police-old"], ids["police-new"]])
    order = []
    while got := claim(engine, "alice"):
        order.extend(got)
    expected = ("legal", "warning", "meeting", "hide", "review", "none")
    assert order == [ids[name] for name in expected]


# -- release ----------------------------------------------------------------------------------


def test_release_returns_a_claim_to_hidden_or_new(engine: Engine) -> None:
    hidden, shown = add_flags(engine, {"status": FlagStatus.HIDDEN, "hidden": True}, {})
    assert claim(engine, "alice", limit=5) == sorted([hidden, shown])
    with db.session_scope(engine) as session:
        assert STORE.release(session, hidden, actor="alice", why="lunch") == FlagStatus.HIDDEN
        assert STORE.release(session, shown, actor="alice", why="lunch") == FlagStatus.NEW
    with db.session_scope(engine) as session:
        rows = session.execute(
            select(Flag.id, Flag.status, Flag.claimed_by, Flag.claimed_at).order_by(Flag.id)
        ).all()
    assert [tuple(row) for row in rows] == [
        (hidden, FlagStatus.HIDDEN, None, None),
        (shown, FlagStatus.NEW, None, None),
    ]
    events = audit_events(engine, "release")
    assert [(e.subject_id, e.actor, e.detail["from"], e.detail["to"]) for e in events] == [
        (hidden, "alice", "in_review", "hidden"),
        (shown, "alice", "in_review", "new"),
    ]

    before = flag_state(engine, shown)  # not claimed any more: a second release refuses
    with pytest.raises(IllegalTransition, match=f"flag {shown} "), db.session_scope(engine) as s:
        STORE.release(s, shown, actor="alice", why="again")
    assert flag_state(engine, shown) == before


def backdate_claims(engine: Engine, ages: Mapping[int, dt.timedelta]) -> None:
    with db.session_scope(engine) as session:
        for flag_id, age in ages.items():
            session.execute(
                update(Flag).where(Flag.id == flag_id).values(claimed_at=utcnow() - age)
            )


def test_release_stale_releases_only_claims_older_than_the_cut_off(engine: Engine) -> None:
    old_hidden, old_shown, fresh, unclaimed = add_flags(
        engine, {"status": FlagStatus.HIDDEN, "hidden": True}, {}, {}, {"step": None}
    )
    claim(engine, "alice", limit=1, where=[Flag.id == old_hidden])
    claim(engine, "bob", limit=1, where=[Flag.id == old_shown])
    claim(engine, "carol", limit=1, where=[Flag.id == fresh])
    backdate_claims(
        engine,
        {
            old_hidden: dt.timedelta(hours=2),
            old_shown: dt.timedelta(minutes=31),
            fresh: dt.timedelta(minutes=29),
        },
    )
    cut_off = utcnow() - dt.timedelta(minutes=30)
    with db.session_scope(engine) as session:
        assert sorted(STORE.release_stale(session, cut_off)) == sorted([old_hidden, old_shown])
    with db.session_scope(engine) as session:
        assert STORE.release_stale(session, cut_off) == []
        rows = {
            flag_id: (status, claimer)
            for flag_id, status, claimer in session.execute(
                select(Flag.id, Flag.status, Flag.claimed_by)
            )
        }
    assert rows == {
        old_hidden: (FlagStatus.HIDDEN, None),
        old_shown: (FlagStatus.NEW, None),
        fresh: (FlagStatus.IN_REVIEW, "carol"),
        unclaimed: (FlagStatus.NEW, None),
    }
    events = audit_events(engine, "release")
    assert sorted((e.subject_id, e.actor, e.detail["why"]) for e in events) == sorted(
        [(old_hidden, "system", "claim expired"), (old_shown, "system", "claim expired")]
    )


def test_release_stale_leaves_a_fresh_claim_taken_meanwhile(engine: Engine) -> None:
    """Between release_stale's SELECT and its UPDATE, another worker's ``claims.claim``
    releases the stale claim and claims the flag afresh; that fresh claim must survive."""
    [flag_id] = add_flags(engine, {})
    claim(engine, "alice")
    backdate_claims(engine, {flag_id: dt.timedelta(hours=2)})
    cut_off = utcnow() - dt.timedelta(minutes=30)
    armed = [True]

    def meanwhile(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if armed[0] and statement.lstrip().upper().startswith("UPDATE FLAG"):
            armed[0] = False
            with db.session_scope(engine) as other:  # another connection from the pool
                STORE.release_stale(other, cut_off)
            claim(engine, "bob")

    with db.session_scope(engine) as session:
        event.listen(engine, "before_cursor_execute", meanwhile)
        try:
            STORE.release_stale(session, cut_off)
        finally:
            event.remove(engine, "before_cursor_execute", meanwhile)
    assert not armed[0]
    row, _ = flag_state(engine, flag_id)
    assert (row["status"], row["claimed_by"]) == (FlagStatus.IN_REVIEW.value, "bob")
