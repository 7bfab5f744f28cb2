"""The web interface in-process, for the integration tests: a school scanned into the test's
database with named users, Starlette test clients signed in as them, and cheap password hashes.

Speed: argon2id at its real cost takes ~90 ms a hash, and every web test adds users and signs
in, so modules that use :func:`cheap_hashes` (import it: it is an autouse fixture) swap in a
cheap argon2id hasher (the real one is tested in test_sign_in.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Comment, Flag
from moderator.web.app import Settings, create_app
from tests.factories import load_school

PASSWORD = "correct horse battery"
USERS = {"mod": "moderator", "head": "headteacher", "dsl": "dsl"}
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class Browser:
    """A signed-in test client and its session's CSRF token."""

    client: TestClient
    csrf: str

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, **data: str) -> Any:
        return self.client.post(path, data={"csrf_token": self.csrf, **data})


@dataclass
class School:
    engine: Engine
    config: config_mod.SchoolConfig
    flags: dict[str, int]  #: comment id -> flag id
    clients: list[TestClient] = field(default_factory=list)

    def client(self, settings: Settings | None = None, https: bool = False) -> TestClient:
        app = create_app(self.engine, self.config, settings or Settings(secure_cookies=False))
        base = "https://testserver" if https else "http://testserver"
        client = TestClient(app, base_url=base, follow_redirects=False)
        self.clients.append(client)
        return client

    def sign_in(self, username: str, client: TestClient | None = None) -> Browser:
        client = client or self.client()
        response = login(client, username, PASSWORD)
        assert response.status_code == 303, response.text
        page = client.get("/")
        assert page.status_code == 200
        return Browser(client, csrf_of(page.text))

    def close(self) -> None:
        for client in self.clients:
            client.close()


def scanned_school(
    engine: Engine,
    folder: Path,
    config: str,
    rows: Iterable[dict[str, Any]],
    people: Mapping[str, str] = USERS,
) -> School:
    """The school ``config`` with ``rows`` scanned into ``engine`` and ``people`` (name -> role,
    all with :data:`PASSWORD`) added; its flags by comment id."""
    loaded = load_school(folder, config, rows)
    result = scanning.scan(engine, loaded, classifier_for(loaded), full=True)
    assert result.errors == []
    with db.session_scope(engine) as session:
        for name, role in people.items():
            users.add(session, name, f"{name.title()} Person", role, PASSWORD)
        ids: dict[str, int] = {
            key: flag_id
            for key, flag_id in session.execute(
                select(Comment.platform_comment_id, Flag.id).join(Flag.comment)
            )
        }
    return School(engine, loaded, ids)


def login(client: TestClient, username: str, password: str, next: str = "/") -> Any:
    """Fetch the sign-in form (its double-submit cookie) and post it."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password, "next": next},
    )


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found and found.group(1), "no CSRF token in the page"
    return found.group(1)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    dummy = CHEAP.hash("not anybody's password")
    monkeypatch.setattr(users, "_HASHER", CHEAP)
    monkeypatch.setattr(users, "_dummy_hash", lambda: dummy)
