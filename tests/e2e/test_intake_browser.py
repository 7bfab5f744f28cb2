"""A member of staff reports a comment in a real headless Chromium (as test_web_browser.py
drives the interface): the report becomes a flag whose snapshot names the reporter, the staff
user sees only their own reports, and the moderators' pages refuse them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Playwright, expect
from sqlalchemy import Engine, select

from moderator.ingest import staff_reports
from moderator.review import users
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import Comment, EvidenceSnapshot, Flag, Source
from tests import browser as b

pytestmark = pytest.mark.slow

TEXT = "Mr Asante turns up to work drunk, ask any parent in the Year 9 group"


@pytest.fixture(scope="module")
def database(
    tmp_path_factory: pytest.TempPathFactory, school: config_mod.SchoolConfig
) -> Iterator[Engine]:
    engine = db.connect(f"sqlite:///{tmp_path_factory.mktemp('db') / 'm.db'}")
    b.scanned(engine, school)
    with db.session_scope(engine) as session:
        users.add(session, "staff1", "Sophie Turner", "staff", b.PASSWORD)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_staff_report_in_the_browser_becomes_a_flag_naming_the_reporter(
    playwright: Playwright, base: str, database: Engine, width: int
) -> None:
    with b.browser(playwright, viewport={"width": width, "height": 900}) as context:
        page: Page = context.new_page()
        b.sign_in(page, base, "staff1")
        expect(page).to_have_url(f"{base}/staff-reports")
        expect(page.get_by_role("heading", name="My reports")).to_be_visible()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Queue")).to_have_count(0)
        page.get_by_role("link", name="Report a comment").first.click()
        text = f"{TEXT} ({width})"
        page.get_by_label("The comment, word for word").fill(text)
        page.get_by_label("Where you saw it").fill("https://www.facebook.com/groups/y9parents")
        page.get_by_label("When you saw it").fill("2026-10-14T19:30")
        page.get_by_label("Who posted it").fill("Dazza K")
        b.shot(page, f"staff-report-form-{width}")
        page.get_by_role("button", name="Report the comment").click()
        expect(page).to_have_url(f"{base}/staff-reports")
        expect(page.get_by_role("status")).to_contain_text("passed to the moderators")
        expect(page.locator("table.queue")).to_contain_text(text)
        b.shot(page, f"staff-reports-{width}")
        for path in ("/dashboard", "/audit", "/report", "/flags/1"):
            answer = page.goto(f"{base}{path}")
            assert answer is not None and answer.status == 403, path
            expect(page.get_by_role("alert")).to_contain_text("As a member of staff")
        page.goto(f"{base}/")
        expect(page).to_have_url(f"{base}/staff-reports")
    with db.session_scope(database) as session:
        comment = session.scalars(
            select(Comment)
            .join(Source)
            .where(Source.name == staff_reports.SOURCE, Comment.text == text)
        ).one()
        assert session.scalars(select(Flag).where(Flag.comment_id == comment.id)).one()
        shot = session.scalars(
            select(EvidenceSnapshot).where(EvidenceSnapshot.comment_id == comment.id)
        ).one()
        content = json.loads(shot.content)
        assert content["raw"]["reported_by"]["name"] == "Sophie Turner"
        assert content["address"] == "https://www.facebook.com/groups/y9parents"
        assert re.match(r"2026-10-14T18:30:00\+00:00", content["raw"]["seen_at"])
        assert shot.captured_by == "staff1"
