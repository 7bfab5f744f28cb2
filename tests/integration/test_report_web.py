"""The governors' report page and its PDF in the web interface, and the dashboard counting by
posted time, on SQLite and PostgreSQL (the demo school, signed in as test_web.py does)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Engine
from starlette.testclient import TestClient

from moderator.review import visibility
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.web import dashboard
from moderator.web.app import create_app
from tests.reports_support import assert_nothing_personal, demo, demo_texts_and_names, signed_in
from tests.web_client import cheap_hashes

__all__ = ["cheap_hashes", "demo"]


def test_the_report_page_for_headteachers(
    demo: Engine,
    sample_config: config_mod.SchoolConfig,
) -> None:
    head = signed_in(demo, sample_config, "head")
    page = head.get("/report?from=2026-10-01&to=2026-10-31")
    assert page.status_code == 200
    body = page.text
    assert "Governors&#39; report" in body or "Governors' report" in body
    assert body.count("<caption>") >= 6
    assert "Breaches per week by category, as a table" in body
    assert body.count('src="data:image/svg+xml;base64,') == 2
    # the table beside the chart: the week of 12 October has breaches of several categories
    row = re.search(r"<tr><th scope=\"row\">12 Oct 2026</th>(.*?)</tr>", body)
    assert row and sum(int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))) > 3
    assert '<th scope="row">police referrals</th><td>1</td>' in body
    texts, names = demo_texts_and_names(demo, sample_config)
    staff = [s.name for s in sample_config.staff]
    for secret in [*texts, *names, *staff]:
        assert secret not in body
    download = head.get("/report.pdf?from=2026-10-01&to=2026-10-31")
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert (
        "governors-report-2026-10-01-to-2026-10-31.pdf" in download.headers["content-disposition"]
    )
    assert_nothing_personal(download.content, texts, names + staff)
    assert head.get("/report?from=2026-10-31&to=2026-10-01").status_code == 400
    assert head.get("/report?from=yesterday").status_code == 400
    assert head.get("/report").status_code == 200  # the last 13 weeks

    mod = signed_in(demo, sample_config, "mod")
    for path in ("/report", "/report.pdf?from=2026-10-01&to=2026-10-31"):
        refused = mod.get(path)
        assert refused.status_code == 403 and "%PDF" not in refused.text
    assert 'href="/report"' not in mod.get("/").text
    assert 'href="/report"' in head.get("/").text
    signed_out = TestClient(create_app(demo, sample_config), follow_redirects=False)
    assert signed_out.get("/report").status_code == 303


def test_the_dashboard_counts_the_demo_by_posted_week(
    demo: Engine,
) -> None:
    """The demo's October comments spread over their weeks, though flagged on one day."""
    now = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)
    with db.session_scope(demo) as session:
        category, platform = dashboard._charts(session, visibility.STAFF, now)
    per_week = [sum(counts) for counts in zip(*(s[2] for s in platform.series), strict=True)]
    busy = [week for week, n in zip(platform.weeks, per_week, strict=True) if n]
    assert len(busy) >= 3, busy  # by the flags' creation, all would fall in one week (December)
    assert set(busy) <= {"05 Oct", "12 Oct", "19 Oct", "26 Oct"}
    assert sum(per_week) == 31 - 7  # every flag the staff may see: the demo's 31 less the DSL's
    assert category.series and sum(sum(s[2]) for s in category.series) >= sum(per_week)
