"""The governors' report (docs/reporting.md) on SQLite and PostgreSQL: built from the demo
school after real decisions, and from a 10,000-comment database written as rows; its PDF's
extracted text holds no comment text, no pupil name and no poster name."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, insert, select, text

from moderator.cli.main import main
from moderator.evidence.times import UK
from moderator.reporting import governors, pdf
from moderator.reporting.periods import Period
from moderator.settings import config as config_mod
from moderator.store import db
from moderator.store.models import (
    Action,
    AuditEvent,
    Classification,
    Comment,
    Flag,
    FlagTarget,
    Letter,
    Poster,
    Source,
)
from tests.reports_support import (
    assert_nothing_personal,
    demo,
    demo_texts_and_names,
    pdf_text,
    squeezed,
)
from workqueue.states import FlagStatus

__all__ = ["demo"]

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def test_the_demo_report_counts_by_posted_time_and_what_was_done(
    demo: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    with db.session_scope(demo) as session:
        figures = governors.build(session, sample_config.name, OCTOBER)
        outside = governors.build(
            session, sample_config.name, Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        )
    assert figures.unit == "week"
    assert figures.by_category.periods == [
        "28 Sep 2026",
        "05 Oct 2026",
        "12 Oct 2026",
        "19 Oct 2026",
        "26 Oct 2026",
    ]
    # the comments were posted over October: more than one week has breaches
    assert sum(1 for row in figures.by_platform.counts if any(row)) >= 3
    assert figures.breaches == 16  # the demo's 17, less the one dismissed
    assert sum(figures.by_platform.totals) == figures.breaches
    assert figures.confirmed == 3  # the meeting, the legal advice, the police referral
    done = {c.what: c.count for c in figures.actions}
    assert done["meetings with the headteacher"] == 1
    assert done["written warnings"] == 0
    assert done["legal advice taken"] == 1
    assert done["police referrals"] == 1
    assert done["blocked (the moderator cannot block yet)"] == 0
    assert done["hidden on the platform"] == 0  # a file of reports cannot hide
    assert done["to be hidden by hand (the source cannot hide)"] > 0
    decided = figures.timings[1]
    assert decided.count == 3 and decided.median_hours is not None
    assert decided.median_hours > 24  # posted in October, decided today
    assert {c.what: c.count for c in figures.safeguarding}[
        "concerns routed to the safeguarding lead"
    ] == 7
    assert figures.complaints == 7
    assert figures.staff_named is None
    assert outside.breaches == 0 and outside.complaints == 0


def test_the_demo_pdf_names_no_pupil_poster_or_member_of_staff(
    demo: Engine, sample_config: config_mod.SchoolConfig
) -> None:
    with db.session_scope(demo) as session:
        figures = governors.build(session, sample_config.name, OCTOBER)
        named = governors.build(session, sample_config.name, OCTOBER, name_staff=True)
    data = pdf.render(figures)
    assert data.startswith(b"%PDF") and data == pdf.render(figures)  # the same bytes again
    texts, names = demo_texts_and_names(demo, sample_config)
    staff = [s.name for s in sample_config.staff]
    assert_nothing_personal(data, texts, names + staff)
    extracted = pdf_text(data)
    assert "Ashcombe Rise High School" in extracted and "a member of staff" in extracted
    # asked to, the report names staff, and still no pupil, poster or comment
    with_staff = pdf.render(named)
    assert named.staff_named and squeezed(named.staff_named[0].what) in squeezed(
        pdf_text(with_staff)
    )
    assert_nothing_personal(with_staff, texts, names)


def test_the_command_writes_the_pdf_and_prints_the_figures(
    demo: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the command connects through the test's engine, which the fixture disposes of
    monkeypatch.setattr(db, "connect", lambda url: demo)
    out = tmp_path / "report.pdf"
    base = ["--config", str(config_mod.SAMPLE_CONFIG), "--database-url", database_url]
    args = [*base, "report", "governors", "--from", "2026-10-01", "--to", "2026-10-31"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "16 breaches" in result.output and out.read_bytes().startswith(b"%PDF")
    printed = CliRunner().invoke(main, [*args, "--json"])
    assert printed.exit_code == 0, printed.output
    figures = json.loads(printed.output)
    assert (figures["breaches"], figures["unit"], figures["staff_named"]) == (16, "week", None)
    for wrong in (["--from", "2026-13-01"], ["--from", "2026-11-01"], []):
        refused = CliRunner().invoke(main, [*args, *wrong] if wrong else args)
        assert refused.exit_code != 0
    bad = CliRunner().invoke(
        main, [*base, "report", "governors", "--from", "1 Oct", "--to", "2026-10-31", "--json"]
    )
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


# -- 10,000 comments ---------------------------------------------------------------------------

START = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
COMMENTS = 10_000
POSTERS = 1_500
#: Every other comment is flagged; a flag's kind is (n // 2) % 5.
KINDS = [
    (["abuse"], "moderators"),
    (["threat"], "moderators"),
    (["complaint"], "complaints"),
    (["safeguarding"], "dsl"),
    (["obscene", "abuse"], "moderators"),
]


@dataclass
class Expected:
    breaches: int = 0
    dsl: int = 0
    complaints: int = 0
    hidden: int = 0
    by_hand: int = 0
    meetings: int = 0
    legal: int = 0
    police: int = 0
    per_poster: dict[int, int] = field(default_factory=dict)
    staff: int = 0
    pupils: int = 0
    months: dict[str, int] = field(default_factory=dict)


def secret(n: int) -> str:
    return f"Zqx private words {n} about Quilla Pupilname"


def write_rows(engine: Engine) -> Expected:
    """10,000 comments on two platforms, 5,000 flags, their hides, decisions and letters, as
    rows (no classifier, no evidence); and what the report must find."""
    want = Expected()
    rows: dict[type, list[dict[str, object]]] = {
        m: [] for m in (Comment, Classification, Flag, Action, AuditEvent, Letter, FlagTarget)
    }
    for n in range(COMMENTS):
        posted = START + dt.timedelta(minutes=15 * n)
        rows[Comment].append(
            {
                "id": n + 1,
                "source_id": n % 2 + 1,
                "platform_comment_id": f"c{n}",
                "author_name": f"Vexley Posterson{n % POSTERS}",
                "text": secret(n),
                # one comment in ten without a platform time: counted by when first seen
                "created_time": None if n % 10 == 4 else posted,
                "first_seen_at": posted,
                "raw": {"id": f"c{n}"},
            }
        )
        if n % 2:
            continue
        f = n // 2 + 1
        categories, route = KINDS[(n // 2) % 5]
        dismissed = (n // 2) % 50 == 0
        poster = (n // 2) % POSTERS + 1
        rows[Classification].append(
            {
                "id": f,
                "comment_id": n + 1,
                "model_name": "t",
                "model_version": "1",
                "scores": {},
                "categories": categories,
                "reasons": [],
                "spans": [],
                "targets": [],
                "hide": False,
                "step": None,
                "route": route,
            }
        )
        rows[Flag].append(
            {
                "id": f,
                "comment_id": n + 1,
                "classification_id": f,
                "poster_id": poster,
                "status": FlagStatus.DISMISSED if dismissed else FlagStatus.NEW,
                "step": None,
                "categories": categories,
                "route": route,
                "created_at": dt.datetime.now(dt.UTC),
                "breach": False if dismissed else None,
            }
        )
        if route == "dsl":
            want.dsl += 1
        elif route == "complaints":
            want.complaints += 1
        elif not dismissed:
            want.breaches += 1
            want.per_poster[poster] = want.per_poster.get(poster, 0) + 1
            month = f"{posted.astimezone(UK):%b %Y}"  # UK dates: 23:30 UTC on 30 Sep is October
            want.months[month] = want.months.get(month, 0) + 1
        live = route == "moderators" and not dismissed
        if live and categories == ["threat"]:
            rows[Action].append(
                {
                    "comment_id": n + 1,
                    "flag_id": f,
                    "kind": "hide",
                    "status": "confirmed",
                    "confirmed_at": posted + dt.timedelta(hours=2),
                }
            )
            rows[AuditEvent].append(
                {
                    "actor": "head",
                    "action": "escalate",
                    "subject_type": "flag",
                    "subject_id": f,
                    "at": posted + dt.timedelta(hours=5),
                    "detail": {"step": "legal", "why": secret(n)},
                }
            )
            want.hidden += 1
            want.legal += 1
            if f % 3 == 0:
                rows[AuditEvent].append(
                    {
                        "actor": "dsl",
                        "action": "police_referral_confirmed",
                        "subject_type": "flag",
                        "subject_id": f,
                        "at": posted + dt.timedelta(hours=30),
                        "detail": {},
                    }
                )
                want.police += 1
        if live and len(categories) == 2:
            rows[Action].append(
                {"comment_id": n + 1, "flag_id": f, "kind": "hide", "status": "manual"}
            )
            rows[FlagTarget].append(
                {"flag_id": f, "name": "Quilla Pupilname", "kind": "pupil", "added_by": "policy"}
            )
            want.by_hand += 1
            want.pupils += 1
        if live and categories == ["abuse"]:
            rows[AuditEvent].append(
                {
                    "actor": "mod",
                    "action": "confirm",
                    "subject_type": "flag",
                    "subject_id": f,
                    "at": posted + dt.timedelta(hours=10),
                    "detail": {"why": secret(n)},
                }
            )
            rows[AuditEvent].append(  # the system's own events are not a person's decision
                {
                    "actor": "system",
                    "action": "hide",
                    "subject_type": "flag",
                    "subject_id": f,
                    "at": posted,
                    "detail": {},
                }
            )
            rows[FlagTarget].append(
                {"flag_id": f, "name": "Gareth Evans", "kind": "staff", "added_by": "policy"}
            )
            want.staff += 1
            if f % 7 == 0:
                rows[Letter].append(
                    {
                        "poster_id": poster,
                        "flag_id": f,
                        "flag_ids": [f],
                        "kind": "meeting",
                        "template": "meeting.txt",
                        "template_sha256": "0" * 64,
                        "text": secret(n),
                        "sha256": "0" * 64,
                        "created_by": "mod",
                    }
                )
                want.meetings += 1
    with db.session_scope(engine) as session:
        session.execute(
            insert(Source),
            [
                {"id": 1, "name": "page", "platform": "facebook"},
                {"id": 2, "name": "insta", "platform": "instagram"},
            ],
        )
        session.execute(
            insert(Poster),
            [{"id": p + 1, "display_name": f"Vexley Posterson{p}"} for p in range(POSTERS)],
        )
        for model, values in rows.items():
            session.execute(insert(model), values)
        if engine.dialect.name == "postgresql":
            for table in ("source", "poster", "comment", "classification", "flag"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
    return want


@pytest.mark.slow
def test_a_report_from_ten_thousand_comments(engine: Engine) -> None:
    want = write_rows(engine)
    period = Period(dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    with db.session_scope(engine) as session:
        figures = governors.build(session, "Brookside Primary", period, name_staff=True)
        assert session.scalar(select(Comment.id).order_by(Comment.id.desc()).limit(1)) == COMMENTS
    assert figures.unit == "month"
    assert figures.by_platform.periods == ["Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026"]
    assert figures.breaches == want.breaches == 2900  # 100 of the abuse flags are dismissed
    assert {
        label: sum(row)
        for label, row in zip(figures.by_platform.periods, figures.by_platform.counts, strict=True)
    } == want.months
    assert figures.by_platform.series == ["facebook"]  # flags are the even comments: source 1
    totals = dict(zip(figures.by_category.series, figures.by_category.totals, strict=True))
    assert totals == {"abuse": 1900, "threat": 1000, "obscene": 1000}
    done = {c.what: c.count for c in figures.actions}
    assert done["hidden on the platform"] == want.hidden
    assert done["to be hidden by hand (the source cannot hide)"] == want.by_hand
    assert done["meetings with the headteacher"] == want.meetings
    assert done["legal advice taken"] == want.legal
    assert done["police referrals"] == want.police
    hiding, deciding = figures.timings
    assert (hiding.count, hiding.median_hours, hiding.p90_hours) == (want.hidden, 2.0, 2.0)
    # first decisions: 1,000 threats 5 h after posting (the police 30 h after is not the first),
    # 900 abuse flags 10 h after; the system's hides are nobody's decision
    assert (deciding.count, deciding.median_hours, deciding.p90_hours) == (1900, 5.0, 10.0)
    posters = {c.what: c.count for c in figures.posters}
    assert posters["posters with a breach"] == len(want.per_poster)
    assert posters["posters with 2 or more breaches"] == sum(
        1 for v in want.per_poster.values() if v > 1
    )
    assert {c.what: c.count for c in figures.safeguarding}[
        "concerns routed to the safeguarding lead"
    ] == want.dsl
    assert figures.complaints == want.complaints
    people = {c.what: c.count for c in figures.people}
    assert (people["breaches naming a member of staff"], people["breaches naming a pupil"]) == (
        want.staff,
        want.pupils,
    )
    assert [(c.what, c.count) for c in figures.staff_named or []] == [("Gareth Evans", want.staff)]
    data = pdf.render(figures)
    extracted = squeezed(pdf_text(data)).casefold()
    assert "breaches" in extracted
    for needle in ("zqx", "privatewords", "quilla", "pupilname", "vexley", "posterson"):
        assert needle not in extracted, needle
