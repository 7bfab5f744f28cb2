"""A school's Page and Instagram account on the Graph-compatible server, for tests and benchmarks.

``populate`` spreads comments over posts and media: mostly ordinary parents' comments, some
abuse and threats the policy hides, replies, comments without ``from`` and the school's own
replies, all made up.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.graph_server import GraphServer

if TYPE_CHECKING:
    import pytest

PAGE = "104857600000001"
PAGE_TOKEN = "made-up-page-token"
IG = "17841400000000001"
IG_TOKEN = "made-up-ig-token"
FB_ENV, IG_ENV = "TEST_FB_PAGE_TOKEN", "TEST_IG_TOKEN"

ORDINARY = (
    "When is parents' evening this term?",
    "Lovely photos of sports day, well done everyone!",
    "Is the trip letter going out this week?",
    "Thank you to the staff for a brilliant concert",
    "Does anyone know if the uniform shop is open on Saturday?",
    "My daughter loved the science week activities",
    "The new playground looks fantastic",
    "What time does the Christmas fair start?",
)
HARMFUL = (
    "Mrs Holloway is a useless fucking idiot",
    "I will smash your face in Mr Patel, watch your back",
    "you lot are pathetic cunts",
    "Mr Patel should be sacked, he is a disgusting pervert",
)
COMPLAINT = "I am disappointed the trip letter came so late, please send them earlier"

CONFIG = """\
[school]
name = "Test School"

[[staff]]
name = "Janet Holloway"
role = "Headteacher"
aliases = ["Mrs Holloway"]

[[staff]]
name = "Raj Patel"
role = "Teacher"
aliases = ["Mr Patel"]

[[sources]]
name = "facebook-page"
platform = "facebook"
page_id = "{page}"
access_token_env = "{fb_env}"
graph_url = "{url}"
rate_limit_backoff_seconds = {backoff}

[[sources]]
name = "instagram"
platform = "instagram"
account_id = "{ig}"
access_token_env = "{ig_env}"
graph_url = "{url}"
rate_limit_backoff_seconds = {backoff}

[classifier]
backend = "{backend}"
"""


def config_text(url: str, backend: str = "lexical", backoff: float = 0) -> str:
    return CONFIG.format(
        page=PAGE, ig=IG, fb_env=FB_ENV, ig_env=IG_ENV, url=url, backend=backend, backoff=backoff
    )


@dataclass
class Populated:
    """What ``populate`` added, by platform."""

    facebook: list[str] = field(default_factory=list)
    instagram: list[str] = field(default_factory=list)
    harmful: set[str] = field(default_factory=set)
    owner: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.facebook) + len(self.instagram)


def add_accounts(graph: GraphServer) -> None:
    graph.add_page(PAGE, PAGE_TOKEN)
    graph.add_ig_account(IG, IG_TOKEN, username="test_school")
    graph.buc_usage = {**graph.buc_usage, "call_count": 23}


@contextmanager
def serving(monkeypatch: pytest.MonkeyPatch, page_size: int = 25) -> Iterator[GraphServer]:
    """The Graph-compatible server with the Page and the Instagram account (:func:`add_accounts`),
    their tokens in the environment variables :func:`config_text` names."""
    monkeypatch.setenv(FB_ENV, PAGE_TOKEN)
    monkeypatch.setenv(IG_ENV, IG_TOKEN)
    with GraphServer(page_size=page_size) as server:
        add_accounts(server)
        yield server


def populate(
    graph: GraphServer,
    facebook: int,
    instagram: int,
    *,
    per_post: int = 10,
    now: dt.datetime | None = None,
) -> Populated:
    """Add ``facebook`` + ``instagram`` comments over posts/media of ``per_post`` comments."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    made = Populated()
    texts = itertools.cycle(
        [*ORDINARY[:4], HARMFUL[0], *ORDINARY[4:], HARMFUL[1], COMPLAINT, HARMFUL[2], HARMFUL[3]]
    )
    start = now - dt.timedelta(minutes=facebook + instagram + 60)
    clock = itertools.count()
    post = media = ""
    for n in range(facebook):
        if n % per_post == 0:
            post = graph.add_post(PAGE, f"News item {n // per_post}", start)
            top = ""
        when = start + dt.timedelta(minutes=next(clock))
        text = next(texts)
        if n % per_post == 3 and top:  # the school replies
            made.facebook.append(
                graph.add_fb_comment(
                    post, "Thank you!", when, author=(PAGE, "Test School"), parent_id=top
                )
            )
            made.owner.add(made.facebook[-1])
            continue
        author = None if n % 7 == 5 else (f"72093847561{n % 40:05d}", f"Parent {n % 40}")
        parent = top if (n % per_post in (2, 6) and top) else None
        made.facebook.append(
            graph.add_fb_comment(post, text, when, author=author, parent_id=parent)
        )
        top = top or made.facebook[-1]
        if text in HARMFUL:
            made.harmful.add(made.facebook[-1])
    for n in range(instagram):
        if n % per_post == 0:
            media = graph.add_media(IG, f"Photo {n // per_post}", start)
            top = ""
        when = start + dt.timedelta(minutes=next(clock))
        text = next(texts)
        parent = top if (n % per_post in (2, 6) and top) else None
        made.instagram.append(
            graph.add_ig_comment(
                media,
                text,
                when,
                username=f"parent_{n % 40}",
                author_id=f"1234567890{n % 40:06d}",
                parent_id=parent,
            )
        )
        top = top or made.instagram[-1]
        if text in HARMFUL:
            made.harmful.add(made.instagram[-1])
    return made
