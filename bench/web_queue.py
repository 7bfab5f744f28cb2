"""Web queue page: the server time of ``GET /`` with 5,000 flags in the queue.

    python bench/web_queue.py [--flags 5000] [--repeat 30] [--postgres-url URL]

On a fresh SQLite database (a temporary file), and on a temporary PostgreSQL database created on
the ``--postgres-url`` server (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``)
and dropped afterwards when that option is given:

1. build: ``--flags`` flags inserted directly as rows (sources on Facebook and Instagram, posts,
   comments, classifications, flags and their targets), a mix of categories, recommended steps
   and routes (some for the DSL, some complaints), all open; and one headteacher, who signs in
   through ``POST /login`` as a browser would. No classifier runs and no evidence is captured;
2. pages: the app runs in-process (httpx's ASGITransport, no network). Each page is requested
   once to warm up, then ``--repeat`` times: the first page, a filtered page (category,
   platform and the person it is about) and page 50. The time is the server's, from the
   request entering the application to the last byte of the response leaving it (the security
   headers middleware included);
3. query: ``listing.page`` alone, the two queries behind each of those pages, on its own
   session, ``--repeat`` times.

Median and 95th percentile milliseconds go to stdout, with the number of flags each page
matched (the headteacher does not see the DSL's flags, one in eight). Nothing is asserted about
speed (the issue's target: the queue page renders 5,000 flags with pagination in under 300 ms
server time).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queue"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from moderator.review import users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Classification, Comment, Flag, FlagTarget, Post, Source
from moderator.web import listing
from moderator.web.app import Settings, create_app
from workqueue.ladder import Step
from workqueue.states import FlagStatus

PASSWORD = "benchmark password"
#: The flags' kinds, in turn: (categories, recommended step, route, the people it is about).
KINDS: tuple[tuple[tuple[str, ...], Step, str, tuple[str, ...]], ...] = (
    (("abuse",), Step.MEETING, "moderators", ("Janet Holloway",)),
    (("threat",), Step.POLICE, "moderators", ("Gareth Evans",)),
    (("abuse", "defamation"), Step.LEGAL, "moderators", ("Gareth Evans", "Janet Holloway")),
    (("complaint",), Step.REVIEW, "complaints", ()),
    (("privacy",), Step.MEETING, "moderators", ("Oliver Bennett",)),
    (("safeguarding",), Step.REVIEW, "dsl", ("Oliver Bennett",)),
    (("obscene",), Step.HIDE, "moderators", ()),
    (("abuse",), Step.WRITTEN_WARNING, "moderators", ("Janet Holloway",)),
)
PLATFORMS = ("facebook", "instagram")
PAGES = {
    "first page": "/",
    "filtered": "/?category=abuse&platform=facebook&status=open&target=Janet+Holloway",
    "page 50": "/?page=50",
}
ROW = re.compile(r'<tr class="step-')
TOTAL = re.compile(r'<span class="count">(\d+) flags?</span>')


# -- the database -----------------------------------------------------------------------------


def build(engine: Engine, flags: int) -> None:
    """``flags`` open flags as rows, a few executemany statements per table, ids given."""
    now = dt.datetime.now(dt.UTC)
    base = now - dt.timedelta(days=90)
    per_post = 50
    with db.session_scope(engine) as session:
        session.execute(
            insert(Source),
            [
                {"id": n + 1, "name": f"bench-{platform}", "platform": platform, "healthy": True}
                for n, platform in enumerate(PLATFORMS)
            ],
        )
        session.execute(
            insert(Post),
            [
                {
                    "id": p + 1,
                    "source_id": p % len(PLATFORMS) + 1,
                    "platform_post_id": f"post-{p}",
                    "message": f"benchmark post {p}",
                }
                for p in range(-(-flags // per_post))
            ],
        )
        comments, classifications, rows, targets = [], [], [], []
        for n in range(flags):
            categories, step, route, about = KINDS[n % len(KINDS)]
            post = n // per_post
            posted = base + dt.timedelta(minutes=25 * n)
            comments.append(
                {
                    "id": n + 1,
                    "source_id": post % len(PLATFORMS) + 1,
                    "post_id": post + 1,
                    "platform_comment_id": f"c{n}",
                    "author_name": f"Poster {n % 97}",
                    "text": f"benchmark comment {n}: " + "words of a parent's comment " * 4,
                    "created_time": posted,
                    "raw": {"id": f"c{n}"},
                    "first_seen_at": posted,
                }
            )
            classifications.append(
                {
                    "id": n + 1,
                    "comment_id": n + 1,
                    "model_name": "bench",
                    "model_version": "1",
                    "scores": {"toxicity": 0.9},
                    "categories": list(categories),
                    "reasons": ["benchmark"],
                    "spans": [],
                    "targets": list(about),
                    "hide": route == "moderators",
                    "step": step,
                    "route": route,
                }
            )
            rows.append(
                {
                    "id": n + 1,
                    "comment_id": n + 1,
                    "classification_id": n + 1,
                    "status": FlagStatus.NEW,
                    "step": step,
                    "categories": list(categories),
                    "route": route,
                    "created_at": posted,
                }
            )
            targets += [
                {"flag_id": n + 1, "name": name, "kind": "staff", "added_by": "policy"}
                for name in about
            ]
        for model, values in [
            (Comment, comments),
            (Classification, classifications),
            (Flag, rows),
            (FlagTarget, targets),
        ]:
            session.execute(insert(model), values)
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences on
            for table in ("source", "post", "comment", "classification", "flag"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        users.add(session, "head", "Janet Holloway", "headteacher", PASSWORD)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))  # planner statistics, as a live database has
        connection.commit()


# -- timing -----------------------------------------------------------------------------------


class ServerTime:
    """ASGI wrapper: how long the application took over each request, in milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last_ms = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.last_ms = (time.perf_counter() - started) * 1000


def summary(name: str, times: list[float], note: str = "") -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"  {name:<24} median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms{note}"


async def pages(engine: Engine, config: config_mod.SchoolConfig, repeat: int) -> list[str]:
    timer = ServerTime(create_app(engine, config, Settings(secure_cookies=False)))
    transport = httpx.ASGITransport(app=timer)
    lines = []
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        form = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form.text)
        assert token, "no sign-in form"
        signed = await client.post(
            "/login",
            data={"csrf_token": token.group(1), "username": "head", "password": PASSWORD},
        )
        if signed.status_code != 303:
            raise SystemExit(f"could not sign in: {signed.status_code}")
        for name, path in PAGES.items():
            times = []
            for attempt in range(repeat + 1):
                response = await client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: {response.status_code}")
                if attempt:  # the first is the warm-up
                    times.append(timer.last_ms)
            total = TOTAL.search(response.text)
            rows = len(ROW.findall(response.text))
            note = f"   ({total.group(1) if total else '?'} flags match, {rows} rows shown)"
            lines.append(summary(f"GET {name}", times, note))
    return lines


def queries(engine: Engine, repeat: int) -> list[str]:
    lines = []
    for name, path in PAGES.items():
        filters = listing.Filters.parse(QueryParams(path.partition("?")[2]))
        times = []
        for attempt in range(repeat + 1):
            with db.session_scope(engine) as session:
                started = time.perf_counter()
                rows, total = listing.page(session, filters, see_dsl=False)
                if attempt:
                    times.append((time.perf_counter() - started) * 1000)
        lines.append(
            summary(f"listing.page {name}", times, f"   ({total} match, {len(rows)} rows)")
        )
    return lines


def measure(backend: str, url: str, args: argparse.Namespace) -> list[str]:
    engine = db.connect(url)
    try:
        started = time.perf_counter()
        build(engine, args.flags)
        print(f"{backend}: built {args.flags:,} flags in {time.perf_counter() - started:.1f} s")
        config = config_mod.load(config_mod.SAMPLE_CONFIG)
        lines = asyncio.run(pages(engine, config, args.repeat))
        lines += queries(engine, args.repeat)
    finally:
        engine.dispose()
    return [f"{backend} ({args.flags:,} flags, {args.repeat} runs each after a warm-up):", *lines]


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="moderator-web-bench-") as folder:
        yield f"sqlite:///{folder}/web.db"


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
    parser.add_argument("--flags", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres-url", help="also measure on PostgreSQL (a temporary database)")
    args = parser.parse_args()
    if args.flags < 1 or args.repeat < 1:
        parser.error("--flags and --repeat must be at least 1")
    print(f"{os.cpu_count()} CPUs")
    backends: list[tuple[str, Any]] = [("sqlite", sqlite_url())]
    if args.postgres_url:
        backends.append(("postgresql", postgres_url(args.postgres_url)))
    report = []
    for backend, database in backends:
        with database as url:
            report += measure(backend, url, args)
    print()
    print("\n".join(report))


if __name__ == "__main__":
    main()
