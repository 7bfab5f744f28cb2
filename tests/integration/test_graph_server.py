"""The Graph-compatible test server: paging, filters, fields, hiding, errors, faults, headers."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.graph_server import GraphServer, graph_time

PAGE = "104857600000001"
TOKEN = "made-up-page-token"
IG = "17841400000000001"
IG_TOKEN = "made-up-ig-token"
T0 = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer() as server:
        server.add_page(PAGE, TOKEN)
        server.add_ig_account(IG, IG_TOKEN)
        yield server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """One client for the module: building httpx's TLS context per test costs ~60 ms."""
    with httpx.Client(timeout=5) as http:
        yield http


def get(client: httpx.Client, graph: GraphServer, path: str, **params: Any) -> httpx.Response:
    params.setdefault("access_token", TOKEN)
    return client.get(f"{graph.url}/v21.0/{path}", params=params)


def post(client: httpx.Client, graph: GraphServer, path: str, **form: str) -> httpx.Response:
    form.setdefault("access_token", TOKEN)
    return client.post(f"{graph.url}/v21.0/{path}", data=form)


def walk(client: httpx.Client, first: httpx.Response) -> list[dict[str, Any]]:
    """Every page body, following ``paging.next`` verbatim."""
    pages = [first.json()]
    while "next" in pages[-1].get("paging", {}):
        response = client.get(pages[-1]["paging"]["next"])
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


def error_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json; charset=UTF-8"
    error: dict[str, Any] = response.json()["error"]
    assert error["fbtrace_id"]
    return error


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def post_with_comments(graph: GraphServer, count: int) -> tuple[str, list[str]]:
    post_id = graph.add_post(PAGE, "Sports day", T0)
    return post_id, [graph.add_fb_comment(post_id, f"c{i}", minutes(i + 1)) for i in range(count)]


# ---- basics --------------------------------------------------------------------------------


def test_graph_time_is_utc_with_plus0000() -> None:
    bst = timezone(timedelta(hours=1))
    assert (
        graph_time(datetime(2025, 3, 12, 17, 41, 7, 999, tzinfo=bst)) == "2025-03-12T16:41:07+0000"
    )
    with pytest.raises(ValueError):
        graph_time(datetime(2025, 3, 12))


def test_start_stop_url_and_keep_alive() -> None:
    server = GraphServer().start()
    server.add_page(PAGE, TOKEN)
    url = server.url
    assert url.startswith("http://127.0.0.1:") and not url.endswith("/")
    connection = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=5)
    try:
        for _ in range(2):  # two requests, one socket: HTTP/1.1 keep-alive with Content-Length
            connection.request("GET", f"/v21.0/{PAGE}?access_token={TOKEN}")
            response = connection.getresponse()
            assert json.loads(response.read()) == {"id": PAGE, "name": "Test School"}
        assert response.getheader("Content-Length") is not None
    finally:
        connection.close()
        server.stop()
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=5).connect()


# ---- Facebook comments ----------------------------------------------------------------------


def test_paging_follows_next_to_the_end_and_next_keeps_every_param(
    graph: GraphServer, client: httpx.Client
) -> None:
    post_id, ids = post_with_comments(graph, 250)
    params = {
        "fields": "id,message,created_time,from,parent{id},can_hide,is_hidden",
        "filter": "stream",
        "order": "chronological",
        "limit": "100",
        "since": str(int(T0.timestamp())),
    }
    pages = walk(client, get(client, graph, f"{post_id}/comments", **params))
    assert [len(page["data"]) for page in pages] == [100, 100, 50]
    assert [c["id"] for page in pages for c in page["data"]] == ids
    assert "next" not in pages[-1]["paging"]
    for page in pages[:-1]:
        next_url = urlsplit(page["paging"]["next"])
        query = {k: v[0] for k, v in parse_qs(next_url.query).items()}
        assert f"{next_url.scheme}://{next_url.netloc}" == graph.url
        assert next_url.path == f"/v21.0/{post_id}/comments"
        assert query == {
            **params,
            "access_token": TOKEN,
            "after": page["paging"]["cursors"]["after"],
        }


def test_default_page_size_and_limit_cap(graph: GraphServer, client: httpx.Client) -> None:
    post_id, _ = post_with_comments(graph, 130)
    assert len(get(client, graph, f"{post_id}/comments").json()["data"]) == 25
    assert len(get(client, graph, f"{post_id}/comments", limit=500).json()["data"]) == 100


def test_filter_stream_vs_toplevel_and_reply_edge(graph: GraphServer, client: httpx.Client) -> None:
    post_id = graph.add_post(PAGE, "Trip letter", T0)
    top = graph.add_fb_comment(post_id, "When is it?", minutes(1))
    reply = graph.add_fb_comment(post_id, "Friday", minutes(2), parent_id=top)
    other = graph.add_fb_comment(post_id, "Thanks", minutes(3))
    fields = "id,parent{id},comment_count"
    toplevel = get(client, graph, f"{post_id}/comments", fields=fields).json()["data"]
    stream = get(client, graph, f"{post_id}/comments", fields=fields, filter="stream").json()
    assert [c["id"] for c in toplevel] == [top, other]
    assert toplevel[0]["comment_count"] == 1 and "parent" not in toplevel[0]
    assert [c["id"] for c in stream["data"]] == [top, reply, other]
    assert stream["data"][1]["parent"] == {"id": top}
    replies = get(client, graph, f"{top}/comments").json()["data"]
    assert [c["id"] for c in replies] == [reply]
    assert reply.split("_")[0] == post_id.split("_")[1]  # {post-object-id}_{n}
    assert get(client, graph, f"{post_id}/comments", filter="best").json()["error"]["code"] == 100


def test_reverse_chronological_pages_newest_first(graph: GraphServer, client: httpx.Client) -> None:
    post_id, ids = post_with_comments(graph, 7)
    first = get(client, graph, f"{post_id}/comments", order="reverse_chronological", limit=3)
    pages = walk(client, first)
    assert [c["id"] for page in pages for c in page["data"]] == ids[::-1]
    assert all("order=reverse_chronological" in p["paging"]["next"] for p in pages[:-1])


def test_since_accepts_unix_and_iso(graph: GraphServer, client: httpx.Client) -> None:
    post_id, ids = post_with_comments(graph, 10)
    unix = str(int(minutes(6).timestamp()))
    for since in (unix, "2025-03-12T09:06:00+0000", "2025-03-12T09:06:00Z"):
        data = get(client, graph, f"{post_id}/comments", since=since).json()["data"]
        assert [c["id"] for c in data] == ids[5:], since
    assert get(client, graph, f"{post_id}/comments", since="soon").json()["error"]["code"] == 100


def test_fields_selection_missing_from_and_attachment(
    graph: GraphServer, client: httpx.Client
) -> None:
    post_id = graph.add_post(PAGE, "Photos", T0)
    photo = {"type": "photo", "url": "https://www.facebook.com/photo.php?fbid=1"}
    named = graph.add_fb_comment(post_id, "Lovely", minutes(1), attachment=photo)
    anonymous = graph.add_fb_comment(post_id, "Who?", minutes(2), author=None)
    default = get(client, graph, f"{post_id}/comments").json()["data"]
    assert default[0] == {
        "id": named,
        "message": "Lovely",
        "created_time": "2025-03-12T09:01:00+0000",
        "from": {"name": "Sam Example", "id": "7209384756102938"},
    }
    assert "from" not in default[1]
    chosen = get(client, graph, f"{post_id}/comments", fields="from{name},attachment,like_count")
    first, second = chosen.json()["data"]
    assert first == {
        "id": named,
        "from": {"id": "7209384756102938", "name": "Sam Example"},
        "attachment": photo,
        "like_count": 0,
    }
    assert second == {"id": anonymous, "like_count": 0}
    full = graph.comment_state(anonymous)
    assert "from" not in full and full["can_hide"] is True and full["is_hidden"] is False
    assert full["permalink_url"].endswith(f"?comment_id={anonymous.split('_')[1]}")
    bad = get(client, graph, f"{post_id}/comments", fields="id,parent{id")
    assert error_of(bad)["code"] == 100


def test_summary_and_single_comment(graph: GraphServer, client: httpx.Client) -> None:
    post_id, ids = post_with_comments(graph, 3)
    body = get(client, graph, f"{post_id}/comments", summary="true", limit=1).json()
    assert body["summary"] == {"order": "chronological", "total_count": 3, "can_comment": True}
    one = get(client, graph, ids[1], fields="id,message,is_hidden,can_hide").json()
    assert one == {"id": ids[1], "message": "c1", "is_hidden": False, "can_hide": True}


def test_posts_edges_newest_first_with_fields_since_until(
    graph: GraphServer, client: httpx.Client
) -> None:
    posts = [graph.add_post(PAGE, f"post {i}", T0 + timedelta(days=i)) for i in range(5)]
    graph.add_fb_comment(posts[0], "late", T0 + timedelta(days=9))
    for edge in ("feed", "posts", "published_posts"):
        pages = walk(client, get(client, graph, f"{PAGE}/{edge}", limit=2))
        assert [p["id"] for page in pages for p in page["data"]] == posts[::-1]
    default = get(client, graph, f"{PAGE}/feed").json()["data"][-1]
    assert default == {"id": posts[0], "message": "post 0", "created_time": graph_time(T0)}
    fields = "updated_time,permalink_url,from"
    oldest = get(client, graph, f"{PAGE}/posts", fields=fields).json()["data"][-1]
    assert oldest["updated_time"] == graph_time(T0 + timedelta(days=9))  # bumped by the comment
    assert oldest["permalink_url"] == f"https://www.facebook.com/{PAGE}/posts/{posts[0][16:]}"
    assert oldest["from"] == {"name": "Test School", "id": PAGE}
    since, until = int((T0 + timedelta(days=1)).timestamp()), "2025-03-15T09:00:00+0000"
    ranged = get(client, graph, f"{PAGE}/feed", since=since, until=until).json()["data"]
    assert [p["id"] for p in ranged] == [posts[3], posts[2], posts[1]]


def test_fb_hide_and_unhide(graph: GraphServer, client: httpx.Client) -> None:
    post_id, (comment, other) = post_with_comments(graph, 2)
    assert post(client, graph, comment, is_hidden="true").json() == {"success": True}
    assert graph.comment_state(comment)["is_hidden"] is True
    stream = get(client, graph, f"{post_id}/comments", filter="stream", fields="is_hidden")
    assert [c["is_hidden"] for c in stream.json()["data"]] == [True, False]  # still listed
    assert post(client, graph, comment, is_hidden="false").json() == {"success": True}
    assert graph.comment_state(comment)["is_hidden"] is False
    hides = graph.hide_requests(comment)
    assert [r.form["is_hidden"] for r in hides] == ["true", "false"]
    assert hides[0].form["access_token"] == TOKEN and hides[0].method == "POST"
    assert graph.hide_requests(other) == [] and len(graph.hide_requests()) == 2
    assert error_of(post(client, graph, comment, is_hidden="maybe"))["code"] == 100


def test_page_authored_comment_cannot_be_hidden(graph: GraphServer, client: httpx.Client) -> None:
    post_id = graph.add_post(PAGE, "Notice", T0)
    own = graph.add_fb_comment(post_id, "Thanks all", minutes(1), author=(PAGE, "Test School"))
    fixed = graph.add_fb_comment(post_id, "Review", minutes(2), can_hide=False)
    assert graph.comment_state(own)["can_hide"] is False
    for comment in (own, fixed):
        error = error_of(post(client, graph, comment, is_hidden="true"))
        assert (error["code"], error["message"]) == (200, "(#200) Permissions error")
        assert graph.comment_state(comment)["is_hidden"] is False


def test_delete_endpoint_and_delete_comment(graph: GraphServer, client: httpx.Client) -> None:
    post_id, ids = post_with_comments(graph, 4)
    reply = graph.add_fb_comment(post_id, "reply", minutes(9), parent_id=ids[0])
    first = get(client, graph, f"{post_id}/comments", limit=2).json()
    graph.delete_comment(ids[1])  # the cursor's own item is gone: paging still goes on
    rest = client.get(first["paging"]["next"]).json()
    assert [c["id"] for c in rest["data"]] == ids[2:]
    response = client.delete(f"{graph.url}/v21.0/{ids[0]}", params={"access_token": TOKEN})
    assert response.json() == {"success": True}
    for gone in (ids[0], ids[1], reply):
        error = error_of(get(client, graph, gone))
        assert (error["code"], error["error_subcode"], error["type"]) == (
            100,
            33,
            "GraphMethodException",
        )
        with pytest.raises(KeyError):
            graph.comment_state(gone)
    stream = get(client, graph, f"{post_id}/comments", filter="stream").json()["data"]
    assert [c["id"] for c in stream] == ids[2:]


# ---- Instagram ------------------------------------------------------------------------------


def test_ig_media_list(graph: GraphServer, client: httpx.Client) -> None:
    media = [graph.add_media(IG, f"caption {i}", T0 + timedelta(hours=i)) for i in range(3)]
    graph.add_ig_comment(media[2], "Nice", T0 + timedelta(hours=5))
    fields = "caption,timestamp,permalink,comments_count,media_product_type,username"
    body = get(client, graph, f"{IG}/media", access_token=IG_TOKEN, fields=fields, limit=2)
    pages = walk(client, body)
    items = [m for page in pages for m in page["data"]]
    assert [m["id"] for m in items] == media[::-1]
    assert items[0] == {
        "id": media[2],
        "caption": "caption 2",
        "timestamp": "2025-03-12T11:00:00+0000",
        "permalink": f"https://www.instagram.com/p/{media[2]}/",
        "comments_count": 1,
        "media_product_type": "FEED",
        "username": "test_school",
    }
    assert body.headers["x-business-use-case-usage"] == json.dumps(
        {
            IG: [
                {
                    "type": "instagram",
                    "call_count": 97,
                    "total_cputime": 23,
                    "total_time": 23,
                    "estimated_time_to_regain_access": 0,
                }
            ]
        },
        separators=(",", ":"),
    )


def test_ig_nested_replies_and_replies_paging(graph: GraphServer, client: httpx.Client) -> None:
    media = graph.add_media(IG, "Sports day", T0)
    busy = graph.add_ig_comment(media, "Great photos!", minutes(1))
    quiet = graph.add_ig_comment(media, "Prints?", minutes(2), username="another_parent")
    replies = [
        graph.add_ig_comment(media, f"r{i}", minutes(10 + i), parent_id=busy) for i in range(30)
    ]
    nested = graph.add_ig_comment(media, "to a reply", minutes(60), parent_id=replies[0])
    sub = "id,text,username,parent_id"
    fields = f"id,text,timestamp,username,from,hidden,like_count,replies{{{sub}}}"
    body = get(client, graph, f"{media}/comments", access_token=IG_TOKEN, fields=fields).json()
    first, second = body["data"]
    assert [first["id"], second["id"]] == [busy, quiet]  # oldest first
    assert "replies" not in second and "parent_id" not in first
    assert first["from"] == {"id": "1234567890120000", "username": "proud_parent_22"}
    embedded = first["replies"]
    assert [r["id"] for r in embedded["data"]] == replies[:25]
    assert embedded["data"][0] == {
        "id": replies[0],
        "text": "r0",
        "username": "proud_parent_22",
        "parent_id": busy,
    }
    next_url = urlsplit(embedded["paging"]["next"])
    assert next_url.path == f"/v21.0/{busy}/replies"
    assert parse_qs(next_url.query)["access_token"] == [IG_TOKEN]
    assert parse_qs(next_url.query)["fields"] == [sub]
    rest = walk(client, client.get(embedded["paging"]["next"]))
    assert [r["id"] for page in rest for r in page["data"]] == [*replies[25:], nested]
    direct = get(client, graph, f"{busy}/replies", access_token=IG_TOKEN, limit=100).json()
    assert len(direct["data"]) == 31 and "next" not in direct["paging"]
    default = get(client, graph, f"{media}/comments", access_token=IG_TOKEN).json()["data"][0]
    assert default == {"id": busy, "text": "Great photos!", "timestamp": graph_time(minutes(1))}
    limited = get(
        client, graph, f"{media}/comments", access_token=IG_TOKEN, fields="replies.limit(2){id}"
    ).json()["data"][0]
    assert len(limited["replies"]["data"]) == 2


def test_ig_hide_unhide_and_owner_comment(graph: GraphServer, client: httpx.Client) -> None:
    media = graph.add_media(IG, "Sports day", T0)
    abuse = graph.add_ig_comment(media, "you lot are pathetic", minutes(1), username="year9_anon")
    own = graph.add_ig_comment(media, "Thanks!", minutes(2), username="test_school")
    assert post(client, graph, abuse, hide="true", access_token=IG_TOKEN).json() == {
        "success": True
    }
    assert graph.comment_state(abuse)["hidden"] is True
    one = get(client, graph, abuse, access_token=IG_TOKEN, fields="hidden,media{id}").json()
    assert one == {"id": abuse, "hidden": True, "media": {"id": media}}
    post(client, graph, abuse, hide="false", access_token=IG_TOKEN)
    assert graph.comment_state(abuse)["hidden"] is False
    owner = post(client, graph, own, hide="true", access_token=IG_TOKEN)
    assert owner.json() == {"success": True} and graph.comment_state(own)["hidden"] is False
    assert [r.form["hide"] for r in graph.hide_requests()] == ["true", "false", "true"]
    graph.delete_comment(abuse)
    assert error_of(get(client, graph, abuse, access_token=IG_TOKEN))["error_subcode"] == 33


# ---- auth and request errors ----------------------------------------------------------------


@pytest.mark.parametrize("subcode", [463, 467, 460, 492])
def test_expired_token(graph: GraphServer, client: httpx.Client, subcode: int) -> None:
    graph.expire_token(TOKEN, subcode)
    error = error_of(get(client, graph, f"{PAGE}/feed"))
    assert (error["code"], error["error_subcode"], error["type"]) == (
        190,
        subcode,
        "OAuthException",
    )
    assert error["message"].startswith("Error validating access token")
    assert get(client, graph, f"{IG}/media", access_token=IG_TOKEN).status_code == 200


def test_wrong_missing_and_unknown(graph: GraphServer, client: httpx.Client) -> None:
    wrong = error_of(get(client, graph, f"{PAGE}/feed", access_token=IG_TOKEN))
    assert (wrong["code"], wrong["error_subcode"]) == (190, 467)
    made_up = error_of(get(client, graph, f"{PAGE}/feed", access_token="nobody"))
    assert (made_up["code"], made_up["error_subcode"]) == (190, 467)
    missing = error_of(client.get(f"{graph.url}/v21.0/{PAGE}/feed"))
    assert missing["code"] == 2500 and "active access token" in missing["message"]
    unknown = error_of(get(client, graph, "998877665544332_1"))
    assert (unknown["code"], unknown["error_subcode"]) == (100, 33)
    assert "'998877665544332_1'" in unknown["message"]
    assert error_of(get(client, graph, f"{PAGE}/likes"))["code"] == 100
    version = client.get(f"{graph.url}/v19.0/{PAGE}/feed", params={"access_token": TOKEN})
    assert error_of(version)["code"] == 2500 and "Unknown path components" in version.text
    assert error_of(get(client, graph, f"{PAGE}/feed", after="not-a-cursor"))["message"] == (
        "(#100) Invalid cursor"
    )


def test_usage_headers_can_be_changed(graph: GraphServer, client: httpx.Client) -> None:
    response = get(client, graph, PAGE)
    assert json.loads(response.headers["x-app-usage"]) == {
        "call_count": 28,
        "total_time": 25,
        "total_cputime": 25,
    }
    buc = json.loads(response.headers["x-business-use-case-usage"])
    assert buc[PAGE][0]["type"] == "pages" and buc[PAGE][0]["call_count"] == 97
    graph.usage["call_count"] = 81
    graph.buc_usage["total_time"] = 90
    response = get(client, graph, PAGE)
    assert json.loads(response.headers["x-app-usage"])["call_count"] == 81
    assert json.loads(response.headers["x-business-use-case-usage"])[PAGE][0]["total_time"] == 90


def test_requests_are_recorded(graph: GraphServer, client: httpx.Client) -> None:
    get(client, graph, f"{PAGE}/feed", limit=5)
    post(client, graph, "nothing", is_hidden="true")
    first, second = graph.requests
    assert (first.method, first.path) == ("GET", f"/v21.0/{PAGE}/feed")
    assert first.query == {"limit": "5", "access_token": TOKEN} and first.form == {}
    assert second.form == {"is_hidden": "true", "access_token": TOKEN} and second.query == {}


# ---- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001, 80002])
def test_rate_limit_fault(graph: GraphServer, client: httpx.Client, code: int) -> None:
    graph.fail_next("rate_limit", code=code, eta_minutes=7)
    response = get(client, graph, f"{PAGE}/feed")
    error = error_of(response)
    assert error["code"] == code and error["message"].startswith(f"(#{code})")
    assert error.get("is_transient", False) is (code in (4, 17))
    assert json.loads(response.headers["x-app-usage"])["call_count"] == 100
    (entry,) = json.loads(response.headers["x-business-use-case-usage"])[PAGE]
    assert entry["call_count"] == 100
    assert entry["estimated_time_to_regain_access"] == (7 if code in (80001, 80002) else 0)
    assert get(client, graph, f"{PAGE}/feed").status_code == 200  # consumed


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        ("expired_token", None, (190, 463)),
        ("permission", None, (200, None)),
        ("permission", 10, (10, None)),
        ("not_found", None, (100, 33)),
    ],
)
def test_error_faults(
    graph: GraphServer,
    client: httpx.Client,
    kind: str,
    code: int | None,
    expected: tuple[int, int | None],
) -> None:
    graph.fail_next(kind, code=code)
    error = error_of(get(client, graph, f"{PAGE}/feed"))
    assert (error["code"], error.get("error_subcode")) == expected


def test_transport_faults(graph: GraphServer, client: httpx.Client) -> None:
    graph.fail_next("server_error")
    graph.fail_next("malformed_json")
    graph.fail_next("html_502")
    graph.fail_next("no_content_type")
    server_error = get(client, graph, PAGE)
    assert server_error.status_code == 500
    assert server_error.json()["error"] == {
        "message": "An unknown error has occurred.",
        "type": "OAuthException",
        "is_transient": True,
        "code": 1,
    }
    malformed = get(client, graph, PAGE)
    assert malformed.status_code == 200 and malformed.headers["content-type"].startswith(
        "application/json"
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed.text)
    html = get(client, graph, PAGE)
    assert html.status_code == 502 and html.headers["content-type"].startswith("text/html")
    bare = get(client, graph, PAGE)
    assert bare.status_code == 200 and "content-type" not in bare.headers
    assert bare.json() == {"id": PAGE, "name": "Test School"}


def test_slow_and_drop_faults(graph: GraphServer, client: httpx.Client) -> None:
    graph.fail_next("slow", seconds=0.2)
    started = time.monotonic()
    assert get(client, graph, PAGE).status_code == 200
    assert time.monotonic() - started >= 0.2
    graph.fail_next("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        get(client, graph, PAGE)
    assert get(client, graph, PAGE).status_code == 200  # a fresh connection works


def test_faults_match_path_method_and_times(graph: GraphServer, client: httpx.Client) -> None:
    post_id, (comment,) = post_with_comments(graph, 1)
    graph.fail_next("server_error", path_contains="/comments", times=2)
    graph.fail_next("permission", method="POST")
    assert get(client, graph, PAGE).status_code == 200  # neither matches
    assert get(client, graph, f"{post_id}/comments").status_code == 500
    assert error_of(post(client, graph, comment, is_hidden="true"))["code"] == 200
    assert get(client, graph, f"{post_id}/comments").status_code == 500
    assert get(client, graph, f"{post_id}/comments").status_code == 200
    assert post(client, graph, comment, is_hidden="true").status_code == 200
    assert len(graph.requests) == 6  # faulted requests are recorded too
    with pytest.raises(ValueError):
        graph.fail_next("teapot")


# ---- scale and facebook-sdk -----------------------------------------------------------------


def test_many_comments_stay_fast(graph: GraphServer, client: httpx.Client) -> None:
    posts = [graph.add_post(PAGE, f"p{i}", T0 + timedelta(hours=i)) for i in range(10)]
    for i in range(20_000):
        graph.add_fb_comment(posts[i % 10], "x", T0 + timedelta(seconds=i))
    started = time.monotonic()
    pages = walk(client, get(client, graph, f"{posts[3]}/comments", limit=100, filter="stream"))
    assert sum(len(page["data"]) for page in pages) == 2_000 and len(pages) == 20
    assert time.monotonic() - started < 3


def test_facebook_sdk_follows_next_and_hides(
    graph: GraphServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    facebook = pytest.importorskip("facebook")
    monkeypatch.setattr(facebook, "FACEBOOK_GRAPH_URL", f"{graph.url}/")
    post_id = graph.add_post(PAGE, "Trip", T0)
    top = graph.add_fb_comment(post_id, "top", minutes(1))
    for i in range(5):
        graph.add_fb_comment(post_id, f"reply {i}", minutes(2 + i), parent_id=top)
    api = facebook.GraphAPI(access_token=TOKEN, timeout=5)
    api.version = "v21.0"
    items = list(api.get_all_connections(post_id, "comments", filter="stream", limit=2))
    assert len(items) == 6  # filter=stream survived every page
    assert api.request(f"v21.0/{top}", post_args={"is_hidden": "true"}) == {"success": True}
    assert graph.comment_state(top)["is_hidden"] is True
