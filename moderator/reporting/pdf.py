"""The governors' report as a PDF (A4, reportlab): each chart with its figures as a table.

Only what :class:`~moderator.reporting.governors.Figures` holds is drawn: counts, the school's
name, the period, and staff names when the report was built to name them.
"""

from __future__ import annotations

import functools
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from moderator.evidence import fonts
from moderator.evidence.report_style import SANS, SANS_BOLD, simple_pdf
from moderator.reporting import charts
from moderator.reporting.governors import Breakdown, Count, Figures

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#ececec")


def render(figures: Figures) -> bytes:
    """The report as PDF bytes; the same figures always give the same bytes."""
    return simple_pdf(
        lambda: _story(figures),
        title=f"Governors' report {figures.first} to {figures.last}",
        author=_plain(figures.school),
        margin=MARGIN,
    )


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=SANS_BOLD, fontSize=18, leading=23),
        "h1": ParagraphStyle(
            "h1", body, fontName=SANS_BOLD, fontSize=12.5, spaceBefore=12, spaceAfter=4
        ),
        "note": ParagraphStyle("note", body, fontSize=8, leading=10.5, textColor=RULE),
        "cell": ParagraphStyle("cell", body, fontSize=8, leading=10, spaceAfter=0),
        "head": ParagraphStyle("head", body, fontName=SANS_BOLD, fontSize=8, leading=10),
    }


def _plain(text: str) -> str:
    return fonts.face().printable(text)


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(_plain(text)), _styles()[style])


def _story(f: Figures) -> list[Flowable]:
    period = f"{f.first:%d %B %Y} to {f.last:%d %B %Y}"
    story: list[Flowable] = [
        _p("Governors' report: breaches of the social media policy", "title"),
        _p(f"{f.school}, comments posted {period}, counted per {f.unit}."),
        _p(
            "Counts only: this report holds no comment text and names no pupil and no poster; "
            f"staff are {'named' if f.staff_named is not None else 'never named'}. A comment "
            "raising two categories counts once under each.",
            "note",
        ),
        _p("Summary", "h1"),
        _counts(
            "Summary",
            [
                Count("breaches", f.breaches),
                Count("of which confirmed by a member of staff", f.confirmed),
                Count("complaints sent to the complaints procedure", f.complaints),
            ],
        ),
    ]
    for chart in (f.by_category, f.by_platform):
        story += [_p(chart.title, "h1"), *_chart(chart, "Week of" if f.unit == "week" else "Month")]
    story += [
        _p("What was done", "h1"),
        _counts("What was done", f.actions),
        _p("How fast (hours)", "h1"),
        _table(
            ["", "comments", "median", "90th percentile"],
            [
                [t.what, str(t.count), _hours(t.median_hours), _hours(t.p90_hours)]
                for t in f.timings
            ],
        ),
        _p("Repeat posters", "h1"),
        _counts("Repeat posters", f.posters),
        _p("Safeguarding (counts only)", "h1"),
        _counts("Safeguarding", f.safeguarding),
        _p("Staff and pupils", "h1"),
        _counts("Staff and pupils", f.people),
    ]
    if f.staff_named is not None:
        story += [_p("Breaches naming each member of staff", "h1"), _counts("Staff", f.staff_named)]
    return story


def _chart(chart: Breakdown, first_column: str) -> list[Flowable]:
    image = Image(io.BytesIO(charts.png(chart)), width=WIDTH, height=WIDTH * 3.2 / 7.0)
    header = [first_column, *chart.series]
    rows = [
        [label, *(str(n) for n in row)]
        for label, row in zip(chart.periods, chart.counts, strict=True)
        if any(row)
    ]
    rows.append(["total", *(str(n) for n in chart.totals)])
    note = _p("Periods with no breaches are left out of the table.", "note")
    return [image, Spacer(1, 4), KeepTogether([_table(header, rows), note])]


def _counts(title: str, counts: list[Count]) -> Table:
    return _table([title, "count"], [[c.what, str(c.count)] for c in counts])


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _table(header: list[str], rows: list[list[str]]) -> Table:
    cells = [[_p(h, "head") for h in header], *[[_p(c, "cell") for c in row] for row in rows]]
    first = min(WIDTH * 0.45, WIDTH / max(1, len(header)) * 2)
    rest = (WIDTH - first) / max(1, len(header) - 1) if len(header) > 1 else 0
    table = Table(cells, colWidths=[first] + [rest] * (len(header) - 1), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
