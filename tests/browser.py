"""Helpers for the end-to-end tests that drive a real headless Chromium through the web
interface: Debian's chromium (installed by scripts/ensure-system-packages) under Playwright, the
real app served by uvicorn on a free loopback port, a sample school with named users.

A missing chromium fails the test with a message saying what to run; it is never skipped.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, Page, Playwright
from sqlalchemy import Engine

from moderator.ingest import scanning
from moderator.policy.classify import classifier_for
from moderator.review import users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.web.app import Settings, create_app

#: Where the screenshots go (ignored by git).
SCREENSHOTS = Path(__file__).parent / "output" / "screenshots"

#: Flags for a quiet, reproducible headless Chromium in a container. The profile directory is
#: given to ``launch_persistent_context`` (Playwright refuses ``--user-data-dir`` in ``args``).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)

#: The sign-in names and passwords of the users ``add_users`` makes.
PASSWORD = "correct horse battery staple 42"
USERS = {
    "mod": ("Morgan Reed", "moderator"),
    "head": ("Anjali Mistry", "headteacher"),
    "dsl": ("Dana Lewis", "dsl"),
}


def chromium_path() -> str:
    """Debian's chromium; fails the test (never skips) when it is not installed."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.fail(
            "chromium is not installed: the browser tests drive Debian's chromium package. "
            "Run scripts/ensure-system-packages (it installs it with apt-get).",
            pytrace=False,
        )
    return found


@contextmanager
def browser(playwright: Playwright, **options: Any) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile of its own, closed (and the profile removed)
    afterwards. ``options`` go to the context: ``viewport``, ``is_mobile``, ..."""
    executable = chromium_path()
    with tempfile.TemporaryDirectory(prefix="moderator-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=profile,
            executable_path=executable,
            headless=True,
            args=list(CHROMIUM_ARGS),
            accept_downloads=True,
            locale="en-GB",
            timezone_id="Europe/London",
            **options,
        )
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(
    engine: Engine, config: config_mod.SchoolConfig, *, secure_cookies: bool = True
) -> Iterator[str]:
    """The real web app under uvicorn on 127.0.0.1 in a background thread; yields its base URL.

    Secure cookies work over plain http here: Chromium treats loopback as potentially
    trustworthy, so a ``Secure`` cookie set by http://127.0.0.1 is kept and sent back."""
    app = create_app(engine, config, Settings(secure_cookies=secure_cookies))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        if not thread.is_alive():
            break
        time.sleep(0.02)
    if not server.started:
        server.should_exit = True
        thread.join(10)
        pytest.fail(f"the web app did not start on 127.0.0.1:{port}", pytrace=False)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def sample_school(folder: Path) -> config_mod.SchoolConfig:
    """The sample school, scored by the quick lexical classifier (the bundled model is slow to
    load), still reading the sample's own comments file."""
    sample = Path(config_mod.SAMPLE_CONFIG)
    text = sample.read_text(encoding="utf-8")
    comments = (sample.parent / "comments.jsonl").as_posix()
    for old, new in (
        ('backend = "bundled"', 'backend = "lexical"'),
        ('path = "comments.jsonl"', f'path = "{comments}"'),
    ):
        assert old in text, f"the sample config no longer has {old!r}: update tests/browser.py"
        text = text.replace(old, new)
    path = folder / "school.toml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


def scanned(engine: Engine, config: config_mod.SchoolConfig) -> None:
    """Scan the sample comments into ``engine`` and add the users in :data:`USERS`."""
    result = scanning.scan(engine, config, classifier_for(config), full=True)
    assert result.flagged and not result.errors, result
    with db.session_scope(engine) as session:
        for username, (full_name, role) in USERS.items():
            users.add(session, username, full_name, role, PASSWORD)


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form; waits until the queue (or the page asked for) is shown."""
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of ``page`` as tests/output/screenshots/``name``.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
