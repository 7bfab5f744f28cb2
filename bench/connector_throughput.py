"""End-to-end throughput: comments fetched from a loopback Graph server, classified and recorded.

    python bench/connector_throughput.py --comments 10000 [--backend bundled|lexical]
                                         [--database-url URL]

The Graph-compatible test server (tests/graph_server.py) runs in a child process, so it does not
share the interpreter lock with the scan; it holds a Facebook Page and an Instagram account with
half the comments each, 100 comments per post, pages of 100. Three figures are printed:

1. fetch only: both connectors walking everything (HTTP, JSON, paging, retries layer);
2. ``moderator scan --full`` in-process: fetch + classify + record + evidence + flags + hides;
3. a second, incremental scan (what a poll costs when nothing is new).

Peak resident memory is that of this process (the scan), not the server's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.base import FetchWindow
from moderator.ingest import scanning, sources
from moderator.policy.classify import classifier_for
from moderator.settings import config as config_mod
from moderator.store import db
from tests import platform_data as data
from tests.graph_server import GraphServer


def serve(comments: int, pipe: multiprocessing.connection.Connection) -> None:
    server = GraphServer(page_size=100).start()
    data.add_accounts(server)
    data.populate(server, comments - comments // 2, comments // 2, per_post=100)
    pipe.send(server.url)
    pipe.recv()  # until the parent is done
    server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--backend", default="bundled", choices=["bundled", "lexical"])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    parent, child = multiprocessing.Pipe()
    started = time.perf_counter()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(args.comments, child))
    server.start()
    url = parent.recv()
    print(f"server ready with {args.comments:,} comments in {time.perf_counter() - started:.1f} s")
    os.environ[data.FB_ENV], os.environ[data.IG_ENV] = data.PAGE_TOKEN, data.IG_TOKEN
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "moderator.toml"
        path.write_text(data.config_text(url, backend=args.backend), encoding="utf-8")
        school = config_mod.load(path)
        try:
            fetch_only(school, args.comments)
            scan(school, args.database_url or f"sqlite:///{folder}/bench.db", args.comments)
        finally:
            parent.send("stop")
            server.join(30)


def fetch_only(school: config_mod.SchoolConfig, expected: int) -> None:
    started, count = time.perf_counter(), 0
    for source_config in school.sources:
        connector = sources.connect(source_config)
        try:
            count += sum(1 for _ in connector.fetch(FetchWindow(full=True)))
        finally:
            connector.close()
    seconds = time.perf_counter() - started
    assert count == expected, (count, expected)
    print(f"fetch only:       {count:>7,} comments in {seconds:6.1f} s = {count / seconds:7.0f}/s")


def scan(school: config_mod.SchoolConfig, url: str, expected: int) -> None:
    engine = db.connect(url)
    loaded = time.perf_counter()
    classifier = classifier_for(school)
    print(
        f"classifier {school.classifier.backend!r} loaded in {time.perf_counter() - loaded:.1f} s"
    )
    started = time.perf_counter()
    result = scanning.scan(engine, school, classifier, full=True)
    seconds = time.perf_counter() - started
    assert result.new == expected and not result.errors, result.as_json()
    print(
        f"scan --full:      {result.new:>7,} comments in {seconds:6.1f} s = "
        f"{result.new / seconds:7.0f}/s  ({result.flagged:,} flagged, {result.hidden:,} hidden)"
    )
    started = time.perf_counter()
    again = scanning.scan(engine, school, classifier)
    seconds = time.perf_counter() - started
    print(f"incremental scan: {again.fetched:>7,} re-read, {again.new} new, in {seconds:6.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the scanning process: {peak:,.0f} MiB")
    engine.dispose()


if __name__ == "__main__":
    main()
