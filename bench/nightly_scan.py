"""The nightly scan at scale: time and memory for ``--comments`` comments on 2 cores, and the
same first read shared by ``--workers`` worker processes on PostgreSQL.

    python bench/nightly_scan.py [--comments 100000] [--sources 8] [--workers 4]
        [--texts tweets|school] [--datasets ../shared/datasets] [--backend bundled|lexical]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

A Graph-compatible server on loopback (tests/graph_server.py) holds ``--sources`` Facebook Pages
with ``--comments`` comments between them, all posted in the last few days. Nine in ten are
ordinary: with ``--texts tweets`` (the default) real tweets of every sentiment from TweetEval's
sentiment files (about 14,000 different texts of every length social media has; read in place,
nothing printed), with ``--texts school`` the short parents' comments of ``tests/platform_data``;
one in ten is abusive or threatening (the policy hides those). The classifier is the default,
the bundled model (``--backend lexical`` for the lexicon alone). The server reports a rate-limit
budget well within Meta's limits (near them, the connector paces itself). Phases, each a real
process:

1. ``moderator nightly --json`` on a fresh SQLite database: every comment read, classified,
   recorded; flagged ones snapshotted and hidden through the outbox. The capture images are
   not drawn by the scan (``moderator/evidence/drawing.py``);
2. the capture images the scan left for later, drawn as the worker draws them between its
   other work (``drawing.draw_pending``), timed over the first ``--images`` of them;
3. ``moderator nightly --json`` again: the re-read a real night does (nothing new);
4. with ``--postgres-url``: ``--workers`` ``moderator worker`` processes on a fresh PostgreSQL
   database, timed from start until every comment is recorded and every hide confirmed.

Wall time, comments a second and the peak memory (max RSS) of each process go to stdout.
Nothing is asserted about speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderator.evidence import drawing  # noqa: E402
from moderator.store.models import Action, Comment, EvidenceSnapshot, Source  # noqa: E402
from scripts import training_data as td  # noqa: E402
from tests import platform_data as data  # noqa: E402
from tests.graph_server import GraphServer  # noqa: E402

MODERATOR = [sys.executable, "-m", "moderator"]
VERBOSE = os.environ.get("BENCH_WORKER_FLAGS", "").split()


def comment_texts(kind: str, datasets: Path) -> Iterator[str]:
    """Nine ordinary comments, then one harmful one, for ever."""
    if kind == "school":
        ordinary = list(data.ORDINARY)
    else:
        ordinary = [example.text for example in td.load_sentiment(datasets)]
        if not ordinary:
            raise SystemExit(f"no TweetEval sentiment tweets in {datasets}")
    plain, harmful = itertools.cycle(ordinary), itertools.cycle(data.HARMFUL)
    while True:
        yield from itertools.islice(plain, 9)
        yield next(harmful)


def build(
    graph: GraphServer, comments: int, sources: int, texts: Iterator[str]
) -> list[tuple[str, str, str]]:
    """Pages with their posts and comments; returns (name, page id, token) per source."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    made = []
    for s in range(sources):
        page, token = f"20000000000{s:04d}", f"token-{s}"
        graph.add_page(page, token)
        made.append((f"page-{s}", page, token))
    share = comments // sources
    for name, page, _ in made:
        start = now - dt.timedelta(days=3)
        for n in range(share):
            if n % 200 == 0:
                post = graph.add_post(page, f"News {n // 200} on {name}", start)
            when = start + dt.timedelta(seconds=n * 2)
            graph.add_fb_comment(
                post, next(texts), when, author=(f"9{n % 997:05d}", f"Parent {n % 997}")
            )
    return made


def config_text(url: str, made: list[tuple[str, str, str]], backend: str) -> str:
    body = '[school]\nname = "Bench School"\n\n[[staff]]\nname = "Janet Holloway"\nrole = "Headteacher"\n'
    body += 'aliases = ["Mrs Holloway"]\n\n[[staff]]\nname = "Raj Patel"\nrole = "Teacher"\naliases = ["Mr Patel"]\n'
    for name, page, _ in made:
        env = f"BENCH_TOKEN_{name.replace('-', '_').upper()}"
        body += (
            f'\n[[sources]]\nname = "{name}"\nplatform = "facebook"\npage_id = "{page}"\n'
            f'access_token_env = "{env}"\ngraph_url = "{url}"\nrate_limit_backoff_seconds = 0\n'
            "poll_interval_seconds = 3600\n"
        )
    body += f'\n[classifier]\nbackend = "{backend}"\n\n[worker]\ntick_seconds = 0.5\nnightly_at = "23:59"\n'
    return body


def environment(url: str, made: list[tuple[str, str, str]]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATOR_")}
    env["MODERATOR_DATABASE_URL"] = url
    for name, _, token in made:
        env[f"BENCH_TOKEN_{name.replace('-', '_').upper()}"] = token
    return env


def timed_nightly(folder: Path, env: dict[str, str]) -> tuple[float, dict[str, object], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [*MODERATOR, "nightly", "--json", "--days", "7"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return elapsed, json.loads(done.stdout.strip().splitlines()[-1]), peak


def draw_images(url: str, count: int) -> None:
    """Time the worker's later drawing of the first ``count`` capture images."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            waiting = connection.scalar(select(func.count(EvidenceSnapshot.id)))
        start = time.perf_counter()
        drawn = drawing.draw_pending(engine, limit=count)
        elapsed = time.perf_counter() - start
    finally:
        engine.dispose()
    if drawn:
        print(
            f"capture images drawn after the scan: {drawn} of {waiting} in {elapsed:.1f} s "
            f"({elapsed / drawn * 1000:.0f} ms each, stored with a custody entry)"
        )


def workers(folder: Path, env: dict[str, str], url: str, total: int, count: int) -> float:
    """Seconds until ``count`` workers have recorded every comment and confirmed every hide;
    stops at once, with the workers' log, if a source reports an error."""
    engine = create_engine(url)
    start = time.perf_counter()
    logs = [(folder / f"worker-{n}.log").open("w") for n in range(count)]
    processes = [
        subprocess.Popen([*MODERATOR, *VERBOSE, "worker"], cwd=folder, env=env, stderr=log)
        for log in logs
    ]
    try:
        while True:
            time.sleep(1)
            with engine.connect() as connection:
                recorded = connection.scalar(select(func.count(Comment.id)))
                waiting = connection.scalar(
                    select(func.count(Action.id)).where(Action.status.in_(["pending", "sending"]))
                )
                failed = connection.scalars(
                    select(Source.last_error).where(Source.last_error.is_not(None))
                ).first()
            if failed:
                tail = "".join(Path(log.name).read_text()[-2000:] for log in logs)
                raise SystemExit(f"a worker's scan failed: {failed}\n{tail}")
            if recorded == total and not waiting:
                return time.perf_counter() - start
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(120)
        for log in logs:
            log.close()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--texts", choices=["tweets", "school"], default="tweets")
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--backend", choices=["bundled", "lexical"], default="bundled")
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    with GraphServer(page_size=100) as graph, tempfile.TemporaryDirectory() as tmp:
        # well within Meta's rate limits, so the connector does not pace itself (it sleeps half
        # a second a call above 80% of the budget; that is the platform's limit, not ours)
        graph.buc_usage = {**graph.buc_usage, "call_count": 5, "total_cputime": 5, "total_time": 5}
        folder = Path(tmp)
        texts = comment_texts(args.texts, args.datasets)
        made = build(graph, args.comments, args.sources, texts)
        total = args.comments // args.sources * args.sources
        (folder / "moderator.toml").write_text(
            config_text(graph.url, made, args.backend), encoding="utf-8"
        )
        print(f"{total} comments ({args.texts}), {args.backend} classifier, {os.cpu_count()} CPUs")
        env = environment(f"sqlite:///{folder / 'm.db'}", made)
        subprocess.run(
            [*MODERATOR, "db", "upgrade"], cwd=folder, env=env, check=True, capture_output=True
        )
        first, summary, peak = timed_nightly(folder, env)
        print(
            f"first nightly, SQLite: {total} comments in {first:.0f} s ({total / first:.0f}/s), "
            f"{summary['flagged']} flagged, {summary['hidden']} hidden, peak {peak:.0f} MiB"
        )
        draw_images(f"sqlite:///{folder / 'm.db'}", args.images)
        again, summary, peak = timed_nightly(folder, env)
        print(
            f"nightly re-read, SQLite: {summary['fetched']} read, {summary['new']} new in {again:.0f} s "
            f"({total / again:.0f}/s), peak {peak:.0f} MiB"
        )
        if args.postgres_url:
            name = f"bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = args.postgres_url.rsplit("/", 1)[0] + f"/{name}"
            try:
                env = environment(url, made)
                subprocess.run(
                    [*MODERATOR, "db", "upgrade"],
                    cwd=folder,
                    env=env,
                    check=True,
                    capture_output=True,
                )
                elapsed = workers(folder, env, url, total, args.workers)
                print(
                    f"{args.workers} workers, PostgreSQL, first read: {total} comments in "
                    f"{elapsed:.0f} s ({total / elapsed:.0f}/s)"
                )
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
