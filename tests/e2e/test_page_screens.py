"""The pages people read most, on a 390 px phone and a 1280 px desktop, in a real headless
Chromium (Debian's chromium under Playwright): the dashboard, a flag, the governors' report and
the staff records page, each saved as a screenshot (tests/output/screenshots/, ignored by git).
At 390 px no page scrolls sideways, and the flag page's decision buttons are on the first
screen; the favicon loads under the site's CSP; error pages wear the site's layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Playwright, Response, expect
from sqlalchemy import Engine

from moderator.settings import config as config_mod
from moderator.store import db
from tests import browser as b

pytestmark = pytest.mark.slow

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
SIZES = {"390": PHONE, "1280": DESKTOP}
#: The pages, as the headteacher sees them (the report is in the demo's month).
PAGES = {
    "dashboard": "/dashboard",
    "report": "/report?from=2026-10-01&to=2026-10-31",
    "staff-records": "/staff-records?name=Bronwen%20Pryce",
}


@pytest.fixture(scope="module")
def base(
    tmp_path_factory: pytest.TempPathFactory, school: config_mod.SchoolConfig
) -> Iterator[str]:
    engine: Engine = db.connect(f"sqlite:///{tmp_path_factory.mktemp('db') / 'm.db'}")
    b.scanned(engine, school)
    with b.serve(engine, school, secure_cookies=True) as url:
        yield url
    engine.dispose()


def _watch(page: Page, problems: list[str]) -> None:
    """Any console error (a CSP violation is one) or error response is a problem, favicon
    included; the missing page the test asks for aside."""

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def response(answer: Response) -> None:
        if answer.status >= 400 and urlsplit(answer.url).path != "/missing-page":
            problems.append(f"{answer.status} for {answer.request.method} {answer.url}")

    page.on("console", console)
    page.on("response", response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))


def _width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("size", sorted(SIZES))
def test_pages_fit_and_are_saved_as_screenshots(
    playwright: Playwright, base: str, size: str
) -> None:
    problems: list[str] = []
    with b.browser(playwright, **SIZES[size]) as context:
        page = context.new_page()
        _watch(page, problems)
        b.sign_in(page, base, "head")
        for name, path in PAGES.items():
            page.goto(f"{base}{path}")
            expect(page.locator("main h1")).to_be_visible()
            if size == "390":
                assert _width(page) <= 390, f"{path} is {_width(page)}px wide at 390px"
            b.shot(page, f"{name}-{size}")

        page.goto(f"{base}/")
        href = page.locator("tr.step-legal td:first-child a").first.get_attribute("href")
        assert href and re.fullmatch(r"/flags/\d+", href), href
        page.goto(f"{base}{href}")
        confirm = page.get_by_role("button", name="Confirm: breaches the policy")
        expect(confirm).to_be_visible()
        if size == "390":
            assert _width(page) <= 390, f"{href} is {_width(page)}px wide at 390px"
            box = confirm.bounding_box()
            assert box and box["y"] + box["height"] <= 844, box  # on the first screen
        b.shot(page, f"flag-{size}")

        page.goto(f"{base}/audit")
        detail = page.locator("td.detail").first
        expect(detail).to_be_visible()
        assert not re.search(r"[\[\]{}]", page.locator("table").inner_text())  # no literals
        if size == "390":
            assert _width(page) <= 390, f"/audit is {_width(page)}px wide at 390px"
        b.shot(page, f"audit-{size}")

        icon = page.evaluate(
            "fetch(document.querySelector('link[rel=icon]').href)"
            ".then(r => [r.status, r.headers.get('content-type')])"
        )
        assert icon == [200, "image/svg+xml"], icon

        missing = page.goto(f"{base}/missing-page")
        assert missing is not None and missing.status == 404
        expect(page.get_by_role("heading", name=re.compile("^Not found"))).to_be_visible()
        expect(page.locator("header.top .brand")).to_be_visible()
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # the stylesheet
        b.shot(page, f"error-404-{size}")
    assert not problems, problems
