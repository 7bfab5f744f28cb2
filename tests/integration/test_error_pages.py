"""Error pages in the site's layout (moderator/web/errors.py) on SQLite and PostgreSQL: a 404, a
405, a refused form (403) and a page that fails (500) are each the site's own page with its
stylesheet, under the CSP; a failure is logged by its class alone, never its message; the
favicon is served."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from moderator.review import users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.web import dashboard
from moderator.web.app import Settings, create_app
from moderator.web.security import CSP
from tests.web_client import PASSWORD, cheap_hashes, login

__all__ = ["cheap_hashes"]

SECRET = "a comment's words that must never be shown or logged"


def styled(body: str) -> bool:
    return '<link rel="stylesheet" href="/static/style.css">' in body and 'rel="icon"' in body


def test_error_pages_wear_the_site_layout(
    engine: Engine,
    sample_config: config_mod.SchoolConfig,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with db.session_scope(engine) as session:
        users.add(session, "head", "Anjali Mistry", "headteacher", PASSWORD)
    app = create_app(engine, sample_config, Settings(secure_cookies=False))
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)

    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and styled(missing.text)
    assert "Not found" in missing.text and 'href="/login"' in missing.text
    assert missing.headers["content-security-policy"] == CSP

    unsigned = client.post("/claim")
    assert (
        unsigned.status_code == 403 and styled(unsigned.text) and "Sign in first" in unsigned.text
    )

    assert login(client, "head", PASSWORD).status_code == 303
    stale = client.post("/claim", data={"csrf_token": "not the token"})
    assert stale.status_code == 403 and styled(stale.text)
    assert "The form is out of date" in stale.text and "Back to the queue" in stale.text

    wrong_method = client.get("/claim")
    assert wrong_method.status_code == 405 and styled(wrong_method.text)

    def broken(*args: object) -> None:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(dashboard, "_charts", broken)
    with caplog.at_level(logging.INFO):
        failed = client.get("/dashboard")
    assert failed.status_code == 500 and styled(failed.text)
    assert "Something went wrong" in failed.text and SECRET not in failed.text
    assert failed.headers["content-security-policy"] == CSP
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and SECRET not in logged

    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert icon.content == client.get("/static/favicon.svg").content
    assert icon.content.startswith(b"<svg")
