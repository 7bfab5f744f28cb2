"""Connector objects pointed at the Graph-compatible test server, shared by the connector tests:
the made-up Page and Instagram account, and a recorder of the pauses a caller asks for."""

from __future__ import annotations

from connectors.facebook_connector import FacebookPageSource
from connectors.graph_client import HttpxGraphClient, SdkGraphClient
from connectors.graph_retry import Caller, RetryPolicy
from connectors.graph_usage import Tracker
from connectors.instagram_connector import InstagramSource
from tests.graph_server import GraphServer

PAGE = "104857600000001"
TOKEN = "made-up-page-token"
IG = "17841400000000001"
IG_TOKEN = "made-up-ig-token"


class Sleeps(list[float]):
    """Records the pauses a caller asks for instead of sleeping."""

    sources: list[FacebookPageSource | InstagramSource]

    def __init__(self) -> None:
        super().__init__()
        self.sources = []

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(**overrides: float) -> RetryPolicy:
    return RetryPolicy(**{"timeout_seconds": 2.0, **overrides})  # type: ignore[arg-type]


def facebook(
    graph: GraphServer, sleeps: Sleeps, token: str = TOKEN, **overrides: float
) -> FacebookPageSource:
    rules = policy(**overrides)
    client = SdkGraphClient(
        "fb", graph.url, "v21.0", token, rules, Caller("fb", rules, Tracker(), sleep=sleeps)
    )
    client.caller.tracker = client.usage
    source = FacebookPageSource("fb", PAGE, client)
    sleeps.sources.append(source)
    return source


def instagram(graph: GraphServer, sleeps: Sleeps, **overrides: float) -> InstagramSource:
    rules = policy(**overrides)
    client = HttpxGraphClient(
        "ig", graph.url, "v21.0", IG_TOKEN, rules, Caller("ig", rules, Tracker(), sleep=sleeps)
    )
    client.caller.tracker = client.usage
    source = InstagramSource("ig", IG, client)
    sleeps.sources.append(source)
    return source
