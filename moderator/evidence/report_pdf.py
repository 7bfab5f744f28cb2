"""The evidence report as a PDF: A4, DejaVu Sans embedded, the same bytes for the same Report.

``render`` draws a :class:`~moderator.evidence.report.Report` with reportlab platypus. Every
piece of text from the report goes through ``fonts.face().printable`` (and is escaped for
Paragraph markup), so a comment can hold anything. The comment is wrapped between any two
characters where a line has no space (a URL, a hash, 100,000 characters without one), in a box
that splits between any two lines, so it runs on over as many pages as it needs. Every page
carries a protective marking at the top and "page N of M" at the foot; the PDF's outline lists
the sections and exhibits.

``report_sections`` says what the report holds, ``report_blocks`` and ``report_style`` how it
looks; this module builds it into pages.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from moderator.evidence.report import Report
from moderator.evidence.report_sections import story_of
from moderator.evidence.report_style import (
    CREATOR,
    FRAME_PADDING,
    INK,
    MARGIN,
    MARKING,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    SANS,
    SANS_BOLD,
    WIDTH,
    plain,
    register_fonts,
)


def render(report: Report) -> bytes:
    """The report as PDF bytes (A4); the same report always gives the same bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN - FRAME_PADDING,
        rightMargin=MARGIN - FRAME_PADDING,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=plain(report.title),
        author=plain(report.school),
        subject=plain(f"Evidence bundle {report.bundle_id}"),
        creator=CREATOR,
        keywords="",
        invariant=1,
        initialFontName=SANS,
        lang="en-GB",
    )
    footer = f"{plain(report.school)} — evidence bundle {plain(report.bundle_id)}"
    doc.build(story_of(report), canvasmaker=functools.partial(_PagedCanvas, footer=footer))
    return buffer.getvalue()


# --- the page: marking, footer, "page N of M", outline ------------------------------------


class _PagedCanvas(Canvas):
    """Keeps every page until the end, so each footer can say how many pages there are.

    Bookmarks are kept with their page too: reportlab binds one to the page being written.
    """

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []
        self._marks: list[tuple[str, dict[str, Any]]] = []

    def bookmarkPage(self, key: str, **kwargs: Any) -> None:
        self._marks.append((key, kwargs))

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._marks = []
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            for key, kwargs in self._marks:
                Canvas.bookmarkPage(self, key, **kwargs)
            self._decorate(number, total)
            Canvas.showPage(self)
        self.showOutline()
        Canvas.save(self)

    def _decorate(self, number: int, total: int) -> None:
        top, bottom = PAGE_HEIGHT - 13 * mm, 11 * mm
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)
        self.line(MARGIN, bottom + 4 * mm, PAGE_WIDTH - MARGIN, bottom + 4 * mm)
        self.setFillColor(INK)
        self.setFont(SANS_BOLD, 8)
        self.drawCentredString(PAGE_WIDTH / 2, top, MARKING)
        self.setFillColor(MUTED)
        self.setFont(SANS, 7.5)
        page = f" — page {number} of {total}"
        room = WIDTH - pdfmetrics.stringWidth(page, SANS, 7.5)
        self.drawCentredString(PAGE_WIDTH / 2, bottom, _shorten(self._footer, room, 7.5) + page)
        self.restoreState()


def _shorten(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` points."""
    if pdfmetrics.stringWidth(text, SANS, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", SANS, size) > width:
        text = text[: max(0, len(text) - max(1, len(text) // 20))]
    return text + "…"
