"""Issue 4's acceptance, as a user runs it: ``moderator scan`` against a Graph-compatible server
on loopback holding a school's Facebook Page and Instagram account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import platform_data as data
from tests.cli import run
from tests.graph_server import GraphServer

TOKENS = {data.FB_ENV: data.PAGE_TOKEN, data.IG_ENV: data.IG_TOKEN}


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer() as server:
        data.add_accounts(server)
        yield server


def write_config(tmp_path: Path, graph: GraphServer) -> None:
    text = data.config_text(graph.url, backend="bundled", backoff=1)
    (tmp_path / "moderator.toml").write_text(text, encoding="utf-8")


def successful_hides(graph: GraphServer) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in graph.hide_requests() if not r.faulted]


@pytest.mark.slow
def test_full_scan_of_100_comments_despite_a_rate_limit_then_nothing_new(
    tmp_path: Path, graph: GraphServer
) -> None:
    made = data.populate(graph, facebook=60, instagram=40)
    write_config(tmp_path, graph)
    graph.fail_next("rate_limit", code=4, path_contains="/comments")
    first = run("scan", "--full", "--json", cwd=tmp_path, env=TOKENS)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["fetched"] == summary["new"] == 100 and summary["errors"] == []
    assert summary["hidden"] > 0
    hidden = successful_hides(graph)
    assert len(hidden) == len(set(hidden)) == summary["hidden"]
    assert set(hidden) <= made.harmful
    queue = json.loads(run("queue", "list", "--json", cwd=tmp_path).stdout)
    assert {i["comment_id"] for i in queue if i["hide_recommended"]} == set(hidden)

    second = run("scan", "--json", cwd=tmp_path, env=TOKENS)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["new"] == 0
    window = run("scan", "--since", "24h", "--json", cwd=tmp_path, env=TOKENS)
    assert window.returncode == 0 and json.loads(window.stdout)["new"] == 0
    assert successful_hides(graph) == hidden  # no hide sent twice


def test_expired_token_is_one_clear_line_after_the_other_source_finishes(
    tmp_path: Path, graph: GraphServer
) -> None:
    data.populate(graph, facebook=10, instagram=10)
    write_config(tmp_path, graph)
    graph.expire_token(data.PAGE_TOKEN)
    result = run("scan", "--json", cwd=tmp_path, env=TOKENS)
    assert result.returncode == 1
    assert json.loads(result.stdout)["new"] == 10  # Instagram's, all of them
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "error: source 'facebook-page': token problem while reading comments"
    )
    assert "the token has expired" in lines[0] and data.FB_ENV in lines[0]
    assert "Traceback" not in result.stderr and data.PAGE_TOKEN not in result.stderr


def test_webhooks_serve_without_a_webhooks_section_says_what_to_add(
    tmp_path: Path, graph: GraphServer
) -> None:
    write_config(tmp_path, graph)
    result = run("webhooks", "serve", cwd=tmp_path)
    assert result.returncode == 1
    assert "no [webhooks] section" in result.stderr and "Traceback" not in result.stderr
