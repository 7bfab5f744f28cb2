"""The Facebook and Instagram connectors against the Graph-compatible server on loopback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from connectors.base import FetchWindow, RawComment, Skipped
from connectors.facebook_connector import FacebookPageSource
from connectors.graph_errors import GraphError, Kind
from connectors.instagram_connector import InstagramSource
from tests.graph_server import GraphServer
from tests.graph_sources import IG, IG_TOKEN, PAGE, TOKEN, Sleeps, facebook, instagram

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer(page_size=3) as server:
        server.add_page(PAGE, TOKEN)
        server.add_ig_account(IG, IG_TOKEN, username="test_school")
        server.buc_usage = {**server.buc_usage, "call_count": 23}  # well under any limit
        yield server


@pytest.fixture
def sleeps() -> Iterator[Sleeps]:
    """The pauses asked for; the sources opened in the test are closed afterwards."""
    recorded = Sleeps()
    yield recorded
    for source in recorded.sources:
        source.close()


def comments(items: Iterator[RawComment | Skipped]) -> list[RawComment]:
    found = list(items)
    assert all(isinstance(item, RawComment) for item in found), found
    return [item for item in found if isinstance(item, RawComment)]


def page_with_thread(graph: GraphServer) -> dict[str, str]:
    """Two posts; comments, a reply, a comment without ``from`` and one by the Page itself."""
    post = graph.add_post(PAGE, "Sports day photos", NOW - dt.timedelta(days=2))
    other = graph.add_post(PAGE, "Term dates", NOW - dt.timedelta(days=1))
    ids = {"post": post, "other": other}
    ids["top"] = graph.add_fb_comment(
        post, "When is parents' evening?", NOW - dt.timedelta(hours=5)
    )
    ids["reply"] = graph.add_fb_comment(
        post, "Thursday", NOW - dt.timedelta(hours=4), parent_id=ids["top"]
    )
    ids["anonymous"] = graph.add_fb_comment(
        post, "Lovely photos", NOW - dt.timedelta(hours=3), author=None
    )
    ids["page"] = graph.add_fb_comment(
        post, "Thank you all!", NOW - dt.timedelta(hours=2), author=(PAGE, "Test School")
    )
    for n in range(5):
        graph.add_fb_comment(other, f"comment {n}", NOW - dt.timedelta(minutes=50 - n))
    return ids


def test_facebook_reads_every_comment_and_reply_across_pages(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    ids = page_with_thread(graph)
    found = {
        c.platform_comment_id: c
        for c in comments(facebook(graph, sleeps).fetch(FetchWindow(full=True)))
    }
    assert len(found) == 9  # 4 + 5, over pages of 3
    reply = found[ids["reply"]]
    assert reply.parent_id == ids["top"] and reply.post_id == ids["post"]
    assert reply.post is not None and reply.post.message == "Sports day photos"
    assert found[ids["anonymous"]].author_id is None
    assert found[ids["anonymous"]].author_name is None
    assert found[ids["page"]].by_owner and not found[ids["top"]].by_owner
    assert found[ids["top"]].can_hide is True and found[ids["page"]].can_hide is False
    comment_calls = [r for r in graph.requests if r.path.endswith("/comments")]
    assert comment_calls and all(r.query["filter"] == "stream" for r in comment_calls)
    assert all(r.query["access_token"] == TOKEN for r in comment_calls)
    assert sleeps == []


def test_facebook_incremental_window_skips_posts_nobody_commented_on(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    ids = page_with_thread(graph)
    window = FetchWindow(since=NOW - dt.timedelta(hours=1))
    found = comments(facebook(graph, sleeps).fetch(window))
    assert {c.text for c in found} == {f"comment {n}" for n in range(5)}
    opened = {r.path.split("/")[2] for r in graph.requests if r.path.endswith("/comments")}
    assert opened == {ids["other"]}  # the older post's updated_time is before the window


def test_facebook_lookback_stops_at_old_posts_unless_full(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    old = graph.add_post(PAGE, "Last year", NOW - dt.timedelta(days=400))
    graph.add_fb_comment(old, "old news", NOW - dt.timedelta(days=399))
    source = facebook(graph, sleeps)
    assert comments(source.fetch(FetchWindow())) == []
    assert [c.text for c in comments(source.fetch(FetchWindow(full=True)))] == ["old news"]


def test_instagram_reads_comments_with_nested_and_paged_replies(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    media = graph.add_media(IG, "Sports day", NOW - dt.timedelta(days=1))
    top = graph.add_ig_comment(media, "Great photos!", NOW - dt.timedelta(hours=3))
    replies = [
        graph.add_ig_comment(
            media, f"reply {n}", NOW - dt.timedelta(hours=2, minutes=-n), parent_id=top
        )
        for n in range(5)  # more than one page of replies (page size 3)
    ]
    own = graph.add_ig_comment(
        media, "Thanks!", NOW - dt.timedelta(hours=1), username="test_school", author_id=IG
    )
    for n in range(4):
        graph.add_ig_comment(media, f"top {n}", NOW - dt.timedelta(minutes=30 - n))
    found = {
        c.platform_comment_id: c
        for c in comments(instagram(graph, sleeps).fetch(FetchWindow(full=True)))
    }
    assert len(found) == 1 + 5 + 1 + 4
    assert all(found[r].parent_id == top for r in replies)
    assert found[top].author_name == "proud_parent_22" and found[top].post_id == media
    assert found[own].by_owner
    assert any(r.path.endswith(f"{top}/replies") for r in graph.requests)


def test_rate_limit_waits_what_meta_asks_then_resumes(graph: GraphServer, sleeps: Sleeps) -> None:
    page_with_thread(graph)
    graph.fail_next("rate_limit", code=80001, eta_minutes=2, path_contains="/comments")
    graph.fail_next("rate_limit", code=4, path_contains="/feed")
    found = comments(
        facebook(graph, sleeps, rate_limit_backoff_seconds=8).fetch(FetchWindow(full=True))
    )
    assert len(found) == 9
    assert len(sleeps) == 2
    assert 6 <= sleeps[0] <= 10  # no hint: the configured back-off, with jitter
    assert 120 <= sleeps[1] <= 132  # estimated_time_to_regain_access is in minutes


def test_rate_limit_past_the_budget_stops_with_a_clear_error(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    page_with_thread(graph)
    graph.fail_next("rate_limit", code=32, times=50)
    source = facebook(graph, sleeps, rate_limit_backoff_seconds=10, max_wait_seconds=60)
    with pytest.raises(GraphError) as caught:
        list(source.fetch(FetchWindow(full=True)))
    assert caught.value.kind is Kind.RATE_LIMIT and caught.value.code == 32
    assert "still rate limited" in str(caught.value)
    assert sum(sleeps) <= 60


@pytest.mark.parametrize(
    "fault", ["server_error", "malformed_json", "html_502", "no_content_type", "drop"]
)
@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_temporary_faults_are_retried(
    graph: GraphServer, sleeps: Sleeps, fault: str, platform: str
) -> None:
    page_with_thread(graph)
    media = graph.add_media(IG, "Photo", NOW - dt.timedelta(days=1))
    graph.add_ig_comment(media, "nice", NOW - dt.timedelta(hours=1))
    graph.fail_next(fault, path_contains="/comments", times=2)
    source = facebook(graph, sleeps) if platform == "facebook" else instagram(graph, sleeps)
    found = comments(source.fetch(FetchWindow(full=True)))
    assert len(found) == (9 if platform == "facebook" else 1)
    # httpx reads a JSON body without a Content-Type; facebook-sdk cannot, so it retries
    retries = 0 if (platform, fault) == ("instagram", "no_content_type") else 2
    assert len(sleeps) == retries and all(s < 2 for s in sleeps)


def test_a_fault_that_persists_is_reported(graph: GraphServer, sleeps: Sleeps) -> None:
    page_with_thread(graph)
    graph.fail_next("malformed_json", path_contains="/comments", times=20)
    with pytest.raises(GraphError) as caught:
        list(facebook(graph, sleeps).fetch(FetchWindow(full=True)))
    assert caught.value.kind is Kind.TRANSIENT
    assert "not valid JSON" in str(caught.value)


def test_slow_responses_time_out_and_are_retried(graph: GraphServer, sleeps: Sleeps) -> None:
    page_with_thread(graph)
    graph.fail_next("slow", seconds=1.0, path_contains="/feed")
    source = facebook(graph, sleeps, timeout_seconds=0.3)
    assert len(comments(source.fetch(FetchWindow(full=True)))) == 9
    assert len(sleeps) == 1


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_expired_token_is_a_token_error_naming_the_problem(
    graph: GraphServer, sleeps: Sleeps, platform: str
) -> None:
    page_with_thread(graph)
    graph.add_media(IG, "Photo", NOW)
    graph.expire_token(TOKEN if platform == "facebook" else IG_TOKEN)
    source = facebook(graph, sleeps) if platform == "facebook" else instagram(graph, sleeps)
    with pytest.raises(GraphError) as caught:
        list(source.fetch(FetchWindow(full=True)))
    assert caught.value.kind is Kind.TOKEN
    assert (caught.value.code, caught.value.subcode) == (190, 463)
    assert "expired" in str(caught.value) and sleeps == []


def test_permission_error_on_read_is_a_token_error(graph: GraphServer, sleeps: Sleeps) -> None:
    page_with_thread(graph)
    graph.fail_next("permission", code=10, path_contains="/feed")
    with pytest.raises(GraphError) as caught:
        list(facebook(graph, sleeps).fetch(FetchWindow(full=True)))
    assert caught.value.kind is Kind.TOKEN and caught.value.code == 10


def test_facebook_hide_unhide_and_read_back(graph: GraphServer, sleeps: Sleeps) -> None:
    ids = page_with_thread(graph)
    source = facebook(graph, sleeps)
    source.set_hidden(ids["top"], True)
    assert graph.comment_state(ids["top"])["is_hidden"] is True
    assert source.is_hidden(ids["top"]) is True
    source.set_hidden(ids["top"], False)
    assert source.is_hidden(ids["top"]) is False
    sent = graph.hide_requests(ids["top"])
    assert [r.form["is_hidden"] for r in sent] == ["true", "false"]
    assert sent[0].form["access_token"] == TOKEN


def test_facebook_refuses_to_hide_the_pages_own_comment(graph: GraphServer, sleeps: Sleeps) -> None:
    ids = page_with_thread(graph)
    with pytest.raises(GraphError) as caught:
        facebook(graph, sleeps).set_hidden(ids["page"], True)
    assert caught.value.kind is Kind.REFUSED and caught.value.code == 200


def test_instagram_hide_and_read_back(graph: GraphServer, sleeps: Sleeps) -> None:
    media = graph.add_media(IG, "Photo", NOW)
    comment = graph.add_ig_comment(media, "you lot are pathetic", NOW)
    source = instagram(graph, sleeps)
    source.set_hidden(comment, True)
    assert graph.comment_state(comment)["hidden"] is True
    assert source.is_hidden(comment) is True
    assert [r.form["hide"] for r in graph.hide_requests(comment)] == ["true"]


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_fetch_one_comment_and_a_deleted_one(
    graph: GraphServer, sleeps: Sleeps, platform: str
) -> None:
    if platform == "facebook":
        ids = page_with_thread(graph)
        source: FacebookPageSource | InstagramSource = facebook(graph, sleeps)
        comment_id, post_id = ids["reply"], ids["post"]
    else:
        post_id = graph.add_media(IG, "Photo", NOW)
        comment_id = graph.add_ig_comment(post_id, "hello", NOW)
        source = instagram(graph, sleeps)
    found = source.fetch_comment(comment_id, post_id)
    assert found is not None and found.platform_comment_id == comment_id
    assert found.post is not None and found.post.platform_post_id == post_id
    assert found.post.permalink
    graph.delete_comment(comment_id)
    assert source.fetch_comment(comment_id, post_id) is None
    assert source.is_hidden(comment_id) is None


def test_usage_headers_are_kept_and_high_usage_paces_calls(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    page_with_thread(graph)
    graph.buc_usage = {**graph.buc_usage, "call_count": 97}
    source = facebook(graph, sleeps, pace_seconds=0.25)
    comments(source.fetch(FetchWindow(full=True)))
    usage = source.usage()
    assert usage is not None and "x-business-use-case-usage" in usage
    assert sleeps and set(sleeps) == {0.25}


def test_posts_come_from_another_edge_when_feed_is_refused(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    page_with_thread(graph)
    graph.fail_next("not_found", path_contains="/feed")
    assert len(comments(facebook(graph, sleeps).fetch(FetchWindow(full=True)))) == 9
    assert any(r.path.endswith("/published_posts") for r in graph.requests)
