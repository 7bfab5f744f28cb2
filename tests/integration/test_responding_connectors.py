"""Blocking, public replies, visitor posts and edits, against the Graph-compatible server on
loopback (meta-graph-api.md sections 1.1, 1.2, 1.6, 2.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from connectors.base import COMMENT, VISITOR_POST, FetchWindow, ManualAction, RawComment
from connectors.graph_errors import GraphError, Kind
from tests.graph_server import GraphServer
from tests.graph_sources import IG, IG_TOKEN, PAGE, TOKEN, Sleeps, facebook, instagram

PARENT = ("7209384756102938", "Sam Example")
HOUR = dt.timedelta(hours=1)
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0) - 5 * HOUR


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer(page_size=3) as server:
        server.add_page(PAGE, TOKEN)
        server.add_ig_account(IG, IG_TOKEN, username="test_school")
        yield server


@pytest.fixture
def sleeps() -> Iterator[Sleeps]:
    recorded = Sleeps()
    yield recorded
    for source in recorded.sources:
        source.close()


def comments(records: Iterator[object]) -> list[RawComment]:
    return [r for r in records if isinstance(r, RawComment)]


def test_a_block_and_an_unblock_are_each_sent_once_and_read_back(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    fb = facebook(graph, sleeps)
    fb.block(PARENT[0])
    assert len(graph.requests_to("POST", f"{PAGE}/blocked")) == 1
    assert graph.blocked(PAGE) == [PARENT[0]]
    assert fb.is_blocked(PARENT[0]) and not fb.is_blocked("1234")
    fb.unblock(PARENT[0])
    assert len(graph.requests_to("DELETE", f"{PAGE}/blocked")) == 1
    assert len(graph.requests_to("POST", f"{PAGE}/blocked")) == 1  # nothing sent again
    assert graph.blocked(PAGE) == [] and not fb.is_blocked(PARENT[0])


def test_a_refused_block_says_so_and_blocks_nobody(graph: GraphServer, sleeps: Sleeps) -> None:
    fb = facebook(graph, sleeps)
    graph.fail_next("permission", path_contains="/blocked", method="POST")
    with pytest.raises(GraphError) as raised:
        fb.block(PARENT[0])
    assert raised.value.kind is Kind.REFUSED and graph.blocked(PAGE) == []
    assert len(graph.requests_to("POST", f"{PAGE}/blocked")) == 1


def test_instagram_cannot_block_and_says_what_to_do_by_hand(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    ig = instagram(graph, sleeps)
    for act in (ig.block, ig.unblock, ig.is_blocked):
        with pytest.raises(ManualAction) as raised:
            act("1234567890123456")
        assert raised.value.platform == "instagram"
        assert "in the Instagram app" in raised.value.instructions
    assert graph.requests == []  # nothing was sent


def test_a_reply_is_posted_once_and_can_be_found_again(graph: GraphServer, sleeps: Sleeps) -> None:
    fb = facebook(graph, sleeps)
    post = graph.add_post(PAGE, "Sports day", T0)
    comment = graph.add_fb_comment(post, "The trip letter came far too late.", T0 + HOUR)
    message = "Please raise this through our complaints procedure: see the school website."
    assert fb.find_reply(comment, message) is None
    reply_id = fb.reply(comment, message)
    assert len(graph.requests_to("POST", f"{comment}/comments")) == 1
    state = graph.comment_state(reply_id)
    assert state["message"] == message and state["from"]["id"] == PAGE
    assert state["parent"]["id"] == comment
    assert fb.find_reply(comment, message) == reply_id
    assert fb.find_reply(comment, "another message") is None


def test_a_reply_is_never_resent_after_a_fault_that_may_have_reached_the_platform(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    fb = facebook(graph, sleeps)
    post = graph.add_post(PAGE, "Sports day", T0)
    comment = graph.add_fb_comment(post, "When is parents' evening?", T0 + HOUR)
    graph.fail_next("server_error", path_contains=f"{comment}/comments", method="POST")
    with pytest.raises(GraphError) as raised:
        fb.reply(comment, "Thursday")
    assert raised.value.kind is Kind.TRANSIENT
    assert len(graph.requests_to("POST", f"{comment}/comments")) == 1  # sent once, not retried
    assert fb.find_reply(comment, "Thursday") is None  # read back: it was not posted


def test_an_instagram_reply_is_posted_once(graph: GraphServer, sleeps: Sleeps) -> None:
    ig = instagram(graph, sleeps)
    media = graph.add_media(IG, "Sports day", T0)
    comment = graph.add_ig_comment(media, "Where can we complain?", T0 + HOUR)
    reply_id = ig.reply(comment, "Through our complaints procedure, please.")
    assert len(graph.requests_to("POST", f"{comment}/replies")) == 1
    state = graph.comment_state(reply_id)
    assert state["username"] == "test_school" and state["parent_id"] == comment
    assert ig.find_reply(comment, "Through our complaints procedure, please.") == reply_id


def test_a_visitor_post_and_its_comment_are_read(graph: GraphServer, sleeps: Sleeps) -> None:
    fb = facebook(graph, sleeps)
    own = graph.add_post(PAGE, "Sports day photos", T0)
    lovely = graph.add_fb_comment(own, "Lovely", T0 + HOUR)
    visit = graph.add_post(PAGE, "Mr Smith is a disgrace", T0 + HOUR, author=PARENT)
    reply = graph.add_fb_comment(visit, "Agreed", T0 + 2 * HOUR, author=("555", "Another Parent"))
    read = {c.platform_comment_id: c for c in comments(fb.fetch(FetchWindow(full=True)))}
    assert set(read) == {lovely, visit, reply}  # the Page's own post is not judged
    post = read[visit]
    assert post.kind == VISITOR_POST and post.text == "Mr Smith is a disgrace"
    assert (post.author_id, post.author_name) == PARENT and not post.by_owner
    assert post.post_id == visit and post.parent_id is None and post.is_hidden is False
    assert read[reply].kind == COMMENT and read[reply].post_id == visit
    fb.set_hidden(visit, True)  # a visitor post is hidden like a comment
    assert fb.is_hidden(visit) is True


def test_a_visitor_post_outside_the_window_is_not_read_again(
    graph: GraphServer, sleeps: Sleeps
) -> None:
    fb = facebook(graph, sleeps)
    graph.add_post(PAGE, "An old visit", T0, author=PARENT)
    assert comments(fb.fetch(FetchWindow(since=T0 + HOUR))) == []
    assert len(comments(fb.fetch(FetchWindow(since=T0)))) == 1


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_an_edited_comment_is_read_with_its_new_text_on_the_next_poll(
    graph: GraphServer, sleeps: Sleeps, platform: str
) -> None:
    if platform == "facebook":
        source = facebook(graph, sleeps)
        post = graph.add_post(PAGE, "Sports day", T0)
        cid = graph.add_fb_comment(post, "Great day", T0 + HOUR)
    else:
        source = instagram(graph, sleeps)  # type: ignore[assignment]
        media = graph.add_media(IG, "Sports day", T0)
        cid = graph.add_ig_comment(media, "Great day", T0 + HOUR)
    (first,) = comments(source.fetch(FetchWindow(since=T0)))
    assert first.text == "Great day"
    graph.edit_comment(cid, "Great day, shame about the useless head")
    mark = T0 + 2 * HOUR  # the next poll's window starts after the comment was written
    assert comments(source.fetch(FetchWindow(since=mark))) == []  # a plain poll misses it
    (again,) = comments(source.fetch(FetchWindow(since=mark, recheck_since=T0)))
    assert again.platform_comment_id == cid and again.text.endswith("useless head")
    assert again.raw != first.raw  # the raw JSON differs too: the edit can be shown


def test_the_window_reads_from_the_earlier_of_since_and_recheck_since() -> None:
    assert FetchWindow(since=T0, recheck_since=T0 - HOUR).earliest == T0 - HOUR
    assert FetchWindow(since=T0, recheck_since=T0 + HOUR).earliest == T0
    assert FetchWindow(since=None, recheck_since=T0).earliest is None
    assert FetchWindow(since=T0).earliest == T0
