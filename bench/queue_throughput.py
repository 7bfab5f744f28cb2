"""Flag queue throughput: flags enqueued and claimed per second by concurrent worker processes.

    python bench/queue_throughput.py [--workers 4] [--flags 2000] [--claim-batch 1]
                                     [--backends sqlite,postgresql] [--postgres-url URL]

For each backend, on a fresh database (a temporary SQLite file; a temporary PostgreSQL database
created on the ``--postgres-url`` server and dropped afterwards):

1. enqueue: ``--workers`` processes (spawn), each with its own engine and its own source, record
   their share of the flags the way a scan records a batch, 100 comments per transaction: the
   comments not yet seen, their rows (posts and posters found or created), a classification,
   the flag with its targets, then the recommended steps of the batch's posters
   (``escalation.refresh``). Each worker's comments come from ``--posters`` posters, so the
   ladder has a history to climb. No classifier runs: each comment gets a fixed decision;
2. claim: ``--workers`` processes take flags with ``decisions.STORE.claim``, most severe first
   (``claims.PRIORITY``), ``--claim-batch`` at a time, each in its own transaction, until
   none is left;
3. check: every flag was claimed, by one worker only, ``claimed_by`` is that worker, and there
   is exactly one claim audit event per flag.

The rates are flags over the wall time of a phase, from the moment every worker is connected
and ready to the moment the last one finishes (process start-up is not counted). Figures go to
stdout; nothing is asserted about speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queue"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from classifiers.base import Scores
from connectors.base import RawComment
from moderator.ingest import recording
from moderator.policy.decide import Decision
from moderator.policy.roster import Roster
from moderator.review import claims, decisions, escalation
from moderator.settings.config import Person
from moderator.store import db
from moderator.store.models import AuditEvent, Flag, Source
from workqueue.ladder import LadderRule, Step
from workqueue.states import FlagStatus

BATCH = 100  # comments per transaction, as moderator.ingest.scanning records them
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PEOPLE = (
    Person("Janet Holloway", "staff", "Headteacher", ("Mrs Holloway",)),
    Person("Gareth Evans", "staff", "PE teacher"),
    Person("Oliver Bennett", "pupil"),
)
#: The decisions comments get, in turn, with the model scores behind them.
DECISIONS: tuple[tuple[Decision, Scores], ...] = (
    (
        Decision(
            categories=("abuse",),
            hide=True,
            step=Step.MEETING,
            reasons=("abusive language aimed at a named person",),
            spans=((0, 9, "abuse"),),
            route="moderators",
            targets=("Janet Holloway",),
        ),
        Scores({"insult": 0.93, "toxicity": 0.95}),
    ),
    (
        Decision(
            categories=("threat",),
            hide=True,
            step=Step.POLICE,
            reasons=("a threat of violence",),
            spans=(),
            route="moderators",
            targets=("Gareth Evans",),
        ),
        Scores({"threat": 0.88, "toxicity": 0.9}),
    ),
    (
        Decision(
            categories=("abuse", "defamation"),
            hide=True,
            step=Step.LEGAL,
            reasons=("an allegation about a named person",),
            spans=(),
            route="moderators",
            targets=("Gareth Evans", "Janet Holloway"),
        ),
        Scores({"insult": 0.81, "toxicity": 0.84}),
    ),
    (
        Decision(
            categories=("complaint",),
            hide=False,
            step=Step.REVIEW,
            reasons=("a complaint",),
            spans=(),
            route="complaints",
        ),
        Scores({"toxicity": 0.2}),
    ),
    (
        Decision(
            categories=("privacy",),
            hide=True,
            step=Step.MEETING,
            reasons=("a pupil's personal details",),
            spans=(),
            route="moderators",
            targets=("Oliver Bennett",),
        ),
        Scores({"toxicity": 0.3}),
    ),
    (
        Decision(
            categories=("safeguarding",),
            hide=False,
            step=Step.REVIEW,
            reasons=("a worry about a child",),
            spans=(),
            route="dsl",
            targets=("Oliver Bennett",),
        ),
        Scores({"toxicity": 0.1}),
    ),
    (
        Decision(
            categories=("obscene",),
            hide=True,
            step=Step.HIDE,
            reasons=("obscene language",),
            spans=(),
            route="moderators",
        ),
        Scores({"obscene": 0.91, "toxicity": 0.9}),
    ),
)


class BenchClassifier:
    """Stands in for a backend: no model runs, only its name and version are recorded."""

    name = "bench"
    version = "1"

    def score(self, texts: Sequence[str]) -> list[Scores]:
        return [Scores({}) for _ in texts]


@dataclass(frozen=True)
class Figures:
    backend: str
    workers: int
    flags: int
    enqueue_s: float
    claim_s: float

    def line(self) -> str:
        return (
            f"{self.backend:<11} {self.workers:>7} {self.flags:>6,} "
            f"{self.flags / self.enqueue_s:>10,.0f} {self.flags / self.claim_s:>8,.0f} "
            f"{self.enqueue_s + self.claim_s:>8.1f}"
        )


HEADER = (
    f"{'backend':<11} {'workers':>7} {'flags':>6} {'enqueue/s':>10} {'claim/s':>8} {'total s':>8}"
)


# -- worker processes -------------------------------------------------------------------------


def raw_comment(worker: int, number: int, posters: int, base: dt.datetime) -> RawComment:
    poster = number % posters
    comment_id = f"w{worker}-c{number}"
    return RawComment(
        platform_comment_id=comment_id,
        text=f"benchmark comment {number}",
        raw={"id": comment_id},
        created_time=base + dt.timedelta(minutes=number),
        author_id=f"w{worker}-p{poster}",
        author_name=f"Poster {worker}-{poster}",
        post_id=f"w{worker}-post{number // 50}",
    )


def enqueue(url: str, worker: int, numbers: range, posters: int, start: Any) -> tuple[Any, ...]:
    """Record this worker's comments and flags, ``BATCH`` per transaction."""
    engine = db.create(url)
    try:
        classifier, roster, rule = BenchClassifier(), Roster(PEOPLE), LadderRule()
        base = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        with db.session_scope(engine) as session:
            source_id = recording.source_row(session, f"bench-{worker}", "facebook").id
        start.wait(timeout=300)
        started = time.perf_counter()
        for first in range(numbers.start, numbers.stop, BATCH):
            part = range(first, min(first + BATCH, numbers.stop))
            batch = [raw_comment(worker, n, posters, base) for n in part]
            kind = {
                raw.platform_comment_id: DECISIONS[n % len(DECISIONS)]
                for n, raw in zip(part, batch, strict=True)
            }
            with db.session_scope(engine) as session:
                source = session.get_one(Source, source_id)
                fresh = recording.unseen(session, source, batch)
                rows = recording.comment_rows(session, source, fresh)
                session.flush()
                poster_ids: set[int] = set()
                for raw, row in zip(fresh, rows, strict=True):
                    decision, scores = kind[raw.platform_comment_id]
                    classification = recording.classification_row(
                        session, row, classifier, scores, decision
                    )
                    flag = recording.flag_row(session, row, classification, decision, roster)
                    if flag.poster_id is not None:
                        poster_ids.add(flag.poster_id)
                session.flush()
                escalation.refresh(session, poster_ids, rule)
        return (worker, os.getpid(), time.perf_counter() - started, [])
    finally:
        engine.dispose()


def claim(url: str, worker: int, batch: int, start: Any) -> tuple[Any, ...]:
    """Claim flags, most severe first, ``batch`` at a time, until none is left."""
    engine = db.create(url)
    try:
        with engine.connect():
            pass  # connected before the clock starts
        start.wait(timeout=300)
        started = time.perf_counter()
        taken: list[int] = []
        while True:
            with db.session_scope(engine) as session:
                ids = decisions.STORE.claim(
                    session, f"worker-{worker}", limit=batch, order_by=claims.PRIORITY
                )
            if not ids:
                return (worker, os.getpid(), time.perf_counter() - started, taken)
            taken.extend(ids)
    finally:
        engine.dispose()


def _child(
    target: Callable[..., tuple[Any, ...]], args: tuple[Any, ...], start: Any, results: Any
) -> None:
    """Run ``target`` and send back what it returned, or why it failed (breaking the start
    barrier, so that nobody waits for a worker that will never come)."""
    try:
        results.put(("ok", target(*args, start)))
    except BaseException as exc:
        start.abort()
        results.put(("error", f"{target.__name__} {args[1]}: {exc.__class__.__name__}: {exc}"))
        raise


def phase(
    target: Callable[..., tuple[Any, ...]], args: list[tuple[Any, ...]]
) -> tuple[float, list[tuple[Any, ...]]]:
    """Run ``target`` in one spawned process per argument tuple, all released together; the
    wall seconds from the release to the last one finishing, and what each returned."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(args) + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_child, args=(target, arguments, start, results))
        for arguments in args
    ]
    for process in processes:
        process.start()
    try:
        with suppress(threading.BrokenBarrierError):  # a worker failed: it says why below
            start.wait(timeout=300)
        started = time.perf_counter()
        answers = [results.get(timeout=600) for _ in processes]
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            process.join(60)
            if process.is_alive():
                process.kill()
    failures = [answer for status, answer in answers if status != "ok"]
    if failures:
        raise SystemExit("a worker failed: " + "; ".join(failures))
    return seconds, [answer for _, answer in answers]


# -- one backend ------------------------------------------------------------------------------


def shares(total: int, workers: int) -> list[range]:
    """``range(total)`` split into ``workers`` nearly equal consecutive parts."""
    size, extra = divmod(total, workers)
    bounds = [0]
    for n in range(workers):
        bounds.append(bounds[-1] + size + (1 if n < extra else 0))
    return [range(bounds[n], bounds[n + 1]) for n in range(workers)]


def measure(backend: str, url: str, args: argparse.Namespace) -> Figures:
    db.connect(url).dispose()  # migrated before the clock starts
    enqueue_s, _ = phase(
        enqueue,
        [(url, n, part, args.posters) for n, part in enumerate(shares(args.flags, args.workers))],
    )
    print(f"{backend}: enqueued {args.flags:,} flags in {enqueue_s:.1f} s")
    claim_s, claimed = phase(claim, [(url, n, args.claim_batch) for n in range(args.workers)])
    print(f"{backend}: claimed them in {claim_s:.1f} s")
    check(backend, url, args.flags, {f"worker-{n}": ids for n, _, _, ids in claimed})
    return Figures(backend, args.workers, args.flags, enqueue_s, claim_s)


def check(backend: str, url: str, expected: int, taken: dict[str, list[int]]) -> None:
    """Every flag claimed once, by the worker that says it got it; one claim event each."""
    engine = db.create(url)
    try:
        with db.session_scope(engine) as session:
            rows = session.execute(select(Flag.id, Flag.status, Flag.claimed_by)).all()
            events = Counter(
                session.scalars(
                    select(AuditEvent.subject_id).where(
                        AuditEvent.action == "claim", AuditEvent.subject_type == "flag"
                    )
                )
            )
            steps = Counter(session.scalars(select(Flag.step)))
    finally:
        engine.dispose()
    owner = {flag_id: name for name, ids in taken.items() for flag_id in ids}
    problems = []
    if len(rows) != expected:
        problems.append(f"{len(rows)} flags in the database, expected {expected}")
    if sum(len(ids) for ids in taken.values()) != len(owner):
        problems.append("a flag was claimed more than once")
    if set(owner) != {flag_id for flag_id, _, _ in rows}:
        problems.append("not every flag was claimed")
    if any(status != FlagStatus.IN_REVIEW or owner.get(i) != by for i, status, by in rows):
        problems.append("a flag's status or claimed_by does not match its worker")
    if set(events.values()) != {1} or set(events) != set(owner):
        problems.append("not exactly one claim audit event per flag")
    if problems:
        raise SystemExit(f"{backend}: check failed: {'; '.join(problems)}")
    per_worker = ", ".join(f"{len(ids)}" for _, ids in sorted(taken.items()))
    ladder = ", ".join(f"{step or 'none'} {n}" for step, n in sorted(steps.items(), key=str))
    print(
        f"{backend}: check passed: {len(owner):,} flags, each claimed once, claimed_by and one "
        f"claim event each; per worker {per_worker}; steps {ladder}"
    )


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="moderator-queue-bench-") as folder:
        yield f"sqlite:///{folder}/queue.db"


@contextmanager
def postgres_url(server: str) -> Iterator[str]:
    """A temporary database on ``server``, dropped afterwards."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"moderator_bench_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--flags", type=int, default=2000)
    parser.add_argument("--claim-batch", type=int, default=1)
    parser.add_argument("--posters", type=int, default=25, help="posters per worker")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgresql"}
    if unknown or args.workers < 1 or args.flags < 1 or args.claim_batch < 1 or args.posters < 1:
        parser.error("backends are sqlite and postgresql; counts must be at least 1")
    print(
        f"{args.flags:,} flags, {args.workers} worker processes, enqueue batches of {BATCH}, "
        f"{args.posters} posters per worker, claim batch {args.claim_batch}, "
        f"{os.cpu_count()} CPUs"
    )
    table = []
    for backend in backends:
        database = sqlite_url() if backend == "sqlite" else postgres_url(args.postgres_url)
        with database as url:
            table.append(measure(backend, url, args))
    print()
    print(HEADER)
    for figures in table:
        print(figures.line())


if __name__ == "__main__":
    main()
