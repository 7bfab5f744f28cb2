"""The web interface driven by a real headless Chromium (Debian's chromium under Playwright):
sign-in, triage, dismiss, escalate, export and sign-out, on a desktop and a phone screen, with
screenshots under tests/output/screenshots/.

One server and one database (SQLite) for the module, on the sample school; each test opens its
own browser with a fresh profile and takes its own flag, so the tests do not depend on order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    ConsoleMessage,
    Dialog,
    Page,
    Playwright,
    Request,
    Response,
    expect,
)
from sqlalchemy import Engine

from moderator.evidence import verify
from moderator.settings import config as config_mod
from moderator.store import db
from tests import browser as b

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database(
    tmp_path_factory: pytest.TempPathFactory, school: config_mod.SchoolConfig
) -> Iterator[Engine]:
    engine = db.connect(f"sqlite:///{tmp_path_factory.mktemp('db') / 'm.db'}")
    b.scanned(engine, school)
    yield engine
    engine.dispose()


@pytest.fixture
def page(playwright: Playwright) -> Iterator[Page]:
    """A desktop-sized page in a fresh browser, watched by :func:`_watched`."""
    desktop = {"width": 1280, "height": 900}
    with b.browser(playwright, viewport=desktop) as context, _watched(context.new_page()) as p:
        yield p


#: Error responses a page may get: a refused sign-in is a 401 (the favicon is served).
EXPECTED_ERRORS = {("POST", "/login", 401)}


@contextmanager
def _watched(page: Page) -> Iterator[Page]:
    """``page``, failing the test afterwards on a script error, a console error (a CSP
    violation is one) or an unexpected error response."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def response(answer: Response) -> None:
        path = urlsplit(answer.url).path
        if answer.status >= 400 and (answer.request.method, path, answer.status) not in (
            EXPECTED_ERRORS
        ):
            problems.append(f"{answer.status} for {answer.request.method} {answer.url}")

    def failed(request: Request) -> None:
        # The browser itself aborts two kinds of request, and neither is a fault: a download's
        # navigation once the file is handed to the download manager, and an image still loading
        # when the moderator moves on (a capture is drawn on its first look, so it can be slow).
        aborted = request.failure == "net::ERR_ABORTED"
        if not (aborted and (request.url.endswith("/export") or request.resource_type == "image")):
            problems.append(f"{request.failure} for {request.method} {request.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", failed)
    yield page
    assert not problems, problems


def _open_flag(page: Page, base: str, step: str) -> str:
    """Open the first flag in the queue recommended for ``step``; return its path."""
    page.goto(f"{base}/")
    link = page.locator(f"tr.step-{step} td:first-child a").first
    href = link.get_attribute("href")
    assert href and re.fullmatch(r"/flags/\d+", href), href
    link.click()
    expect(page).to_have_url(f"{base}{href}")
    return href


def test_sign_in_refuses_a_wrong_password_and_sign_out_ends_the_session(
    page: Page, base: str
) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    b.shot(page, "login")

    b.sign_in(page, base, "mod", "not the password")
    expect(page.get_by_role("alert")).to_have_text(
        "Wrong username or password, or the account is locked or disabled."
    )
    expect(page.get_by_label("Username")).to_have_value("mod")
    b.shot(page, "login-refused")

    b.sign_in(page, base, "mod")
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("heading", name=re.compile(r"^Flag queue"))).to_be_visible()
    expect(page.locator("header .who")).to_have_text("Morgan Reed (moderator)")
    assert page.locator("table.queue tbody a[href^='/flags/']").count() > 5
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "moderator_session"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict", cookie
    b.shot(page, "queue")

    b.sign_out(page)
    expect(page).to_have_url(f"{base}/login")
    assert not [c for c in page.context.cookies() if c["name"] == "moderator_session"]
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_text("Flag queue")).to_have_count(0)


def test_triage_a_threat_then_dismiss_it(page: Page, base: str) -> None:
    b.sign_in(page, base, "mod")
    page.get_by_label("Category").select_option("threat")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"[?&]category=threat(&|$)"))
    rows = page.locator("table.queue tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    for i in range(rows.count()):
        expect(rows.nth(i).locator(".tag", has_text="threat")).to_have_count(1)
    b.shot(page, "queue-threat")

    link = rows.first.locator("a[href^='/flags/']")
    href = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(f"{base}{href}")
    flagged = page.get_by_label("The flagged comment")
    expect(flagged).to_be_visible()
    mark = flagged.locator("mark").first
    expect(mark).to_be_visible()
    assert mark.inner_text().strip()
    expect(page.locator("p", has_text="Status:")).to_contain_text("new")
    capture = page.locator("img.capture")
    expect(capture).to_be_visible()
    capture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=capture.element_handle()
    )
    b.shot(page, "flag")

    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Dismiss: not a breach").click()
    expect(page.get_by_role("status")).to_contain_text("dismissed by mod")
    assert asked == ["Dismiss this flag? A hidden comment is unhidden."]
    expect(page.locator("p", has_text="Status:")).to_contain_text("dismissed")
    b.shot(page, "dismissed")

    page.goto(f"{base}/?category=threat")
    expect(page.locator(f"table.queue a[href='{href}']")).to_have_count(0)


def test_only_the_headteacher_may_escalate_to_a_written_warning(page: Page, base: str) -> None:
    b.sign_in(page, base, "mod")
    href = _open_flag(page, base, "written_warning")
    expect(page.get_by_role("button", name="Escalate: meeting")).to_be_visible()
    expect(page.get_by_role("button", name="Escalate: written warning")).to_have_count(0)
    b.sign_out(page)

    b.sign_in(page, base, "head")
    page.goto(f"{base}{href}")
    expect(page.get_by_role("heading", name="Letters")).to_have_count(0)
    page.get_by_role("button", name="Escalate: written warning").click()
    expect(page.get_by_role("status")).to_contain_text("escalated to written warning by head")
    expect(page.get_by_role("status")).to_contain_text("letter")
    expect(page.get_by_role("heading", name="Letters")).to_be_visible()
    letter = page.get_by_role("link", name=re.compile(r"^Letter \d+: written warning$"))
    expect(letter).to_be_visible()
    b.shot(page, "escalated")

    quoted = page.locator(".flagged-text").inner_text().strip()
    letter.click()
    expect(page).to_have_url(re.compile(r"/letters/\d+$"))
    heading = page.get_by_role("heading", name=re.compile(r"^Letter \d+: written warning$"))
    expect(heading).to_be_visible()
    expect(page.locator("pre.letter")).to_contain_text(f'"{quoted}"')
    b.shot(page, "letter")


def test_export_downloads_an_intact_evidence_bundle(page: Page, base: str, tmp_path: Path) -> None:
    b.sign_in(page, base, "head")
    _open_flag(page, base, "legal")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Export evidence bundle (.zip)").click()
    download = waiting.value
    assert re.fullmatch(r"evidence-flag-\d+\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    result = verify.verify(str(saved))
    assert result.manifest_sha256 and result.checked, result

    page.reload()
    page.locator("summary", has_text="Custody log").first.click()
    expect(page.locator("details li", has_text="exported by head").first).to_be_visible()


def test_queue_and_flag_on_a_phone(playwright: Playwright, base: str) -> None:
    phone = {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }
    with b.browser(playwright, **phone) as context, _watched(context.new_page()) as page:
        b.sign_in(page, base, "dsl")
        expect(page.locator("header .who")).to_have_text("Dana Lewis (dsl)")
        expect(page.get_by_role("link", name="Safeguarding")).to_be_visible()
        _no_sideways_scroll(page)
        b.shot(page, "phone-queue")

        _open_flag(page, base, "meeting")
        expect(page.get_by_label("The flagged comment")).to_be_visible()
        expect(page.get_by_role("button", name="Confirm: breaches the policy")).to_be_visible()
        _no_sideways_scroll(page)
        b.shot(page, "phone-flag")


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px phone screen"
