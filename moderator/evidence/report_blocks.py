"""The building blocks of the evidence report PDF: outline entries, tables, boxes and the quote.

A table repeats its header row on each page it runs onto and splits inside a row only when a row
is taller than a page. The quoted comment is wrapped here, between any two characters where a
line has no space (a URL, a hash, 100,000 characters without one), in a box that splits between
any two lines, so it runs on over as many pages as it needs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from moderator.evidence.report_style import (
    INK,
    MUTED,
    PAGE_HEIGHT,
    PAPER,
    QUOTE_HEAD,
    QUOTE_LEADING,
    QUOTE_PADDING,
    QUOTE_SIZE,
    RULE,
    SANS,
    SANS_BOLD,
    SHADE,
    TALL_ROW,
    WIDTH,
    markup,
    styles,
)


class Bookmark(Flowable):
    """An outline entry for the heading that follows it (takes no space)."""

    def __init__(self, key: str, title: str, level: int) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.keepWithNext = 1

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 8)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


class Mono(str):
    """A table value drawn in the monospaced face."""


def none_recorded() -> Paragraph:
    return Paragraph("None recorded.", styles().note)


def small_heading(text: str) -> list[Flowable]:
    """A small heading, moved to the next page with what follows when it would end a page."""
    return [CondPageBreak(30 * mm), Paragraph(escape(text), styles().label)]


def bullet_list(items: Iterable[str]) -> list[Flowable]:
    return [Paragraph(markup(item), styles().bullet, bulletText="•") for item in items]


def bullets(label: str, items: Sequence[str]) -> list[Flowable]:
    return [*small_heading(label), *(bullet_list(items) if items else [none_recorded()])]


def _cell(value: str, right: bool = False) -> Paragraph:
    s = styles()
    if isinstance(value, Mono):
        return Paragraph(markup(value), s.cell_mono)
    return Paragraph(markup(value), s.cell_right if right else s.cell)


def ruled_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    fractions: Sequence[float],
    right: set[int] | None = None,
) -> Table:
    """A ruled table with a shaded header row, repeated on each page it runs onto."""
    s = styles()
    right = right or set()
    head_right = ParagraphStyle("cell_head_right", s.cell_head, alignment=2)
    data = [
        [
            Paragraph(escape(h), head_right if n in right else s.cell_head)
            for n, h in enumerate(headers)
        ]
    ]
    data += [[_cell(value, column in right) for column, value in enumerate(row)] for row in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *_padding(),
    ]
    widths = [WIDTH * f for f in fractions]
    return Table(
        data,
        colWidths=widths,
        style=TableStyle(style),
        repeatRows=1,
        splitInRow=1 if _too_tall(data, widths) else 0,
        hAlign="LEFT",
    )


def _too_tall(data: Sequence[Sequence[Paragraph]], widths: Sequence[float]) -> bool:
    """Whether a row is too tall for a page, and so must be split inside itself.

    Only then: reportlab splits inside a row whenever a row does not fit what is left of a page,
    and repeats the header row there, in the middle of the page.
    """
    return any(
        cell.wrap(width - 8, PAGE_HEIGHT)[1] > TALL_ROW
        for row in data
        for cell, width in zip(row, widths, strict=True)
    )


def key_values(rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value pairs; values are Paragraph markup already made safe."""
    s = styles()
    data = [[Paragraph(escape(key), s.cell_head), Paragraph(value, s.cell)] for key, value in rows]
    style = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.3, RULE),
        ("BACKGROUND", (0, 0), (0, -1), PAPER),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *_padding(),
    ]
    return Table(
        data,
        colWidths=[34 * mm, WIDTH - 34 * mm],
        style=TableStyle(style),
        splitInRow=1,
        hAlign="LEFT",
    )


def _padding() -> list[tuple[Any, ...]]:
    return [
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


def boxed(
    content: Sequence[Flowable],
    background: colors.Color = PAPER,
    border: colors.Color = RULE,
    thickness: float = 0.5,
) -> Table:
    """``content`` in a shaded, ruled box, one row per flowable so that it can cross pages."""
    style = [
        ("BOX", (0, 0), (-1, -1), thickness, border),
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("TOPPADDING", (0, 0), (-1, 0), 7),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]
    return Table(
        [[item] for item in content],
        colWidths=[WIDTH],
        style=TableStyle(style),
        splitInRow=1,
        hAlign="LEFT",
    )


class Quote(Flowable):
    """The comment in a shaded box under a heading, already wrapped into lines; it splits
    between any two lines, so a comment of any length runs on over as many pages as it needs,
    with the heading (marked "continued") at the top of each part."""

    def __init__(self, heading: str, lines: Sequence[str], first: bool = True) -> None:
        super().__init__()
        self.heading, self.lines, self.first = heading, list(lines), first

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return WIDTH, self._height(len(self.lines))

    @staticmethod
    def _height(lines: int) -> float:
        return QUOTE_HEAD + max(lines, 1) * QUOTE_LEADING + 2 * QUOTE_PADDING

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room = int((available_height - QUOTE_HEAD - 2 * QUOTE_PADDING) // QUOTE_LEADING)
        if room < 3 or room >= len(self.lines):
            return []  # the whole box goes on the next page
        rest = Quote(self.heading, self.lines[room:], first=False)
        return [Quote(self.heading, self.lines[:room], self.first), rest]

    def draw(self) -> None:
        canvas, height = self.canv, self._height(len(self.lines))
        canvas.saveState()
        canvas.setLineWidth(0.5)
        canvas.setStrokeColor(RULE)
        canvas.setFillColor(PAPER)
        canvas.rect(0, 0, WIDTH, height, stroke=1, fill=1)
        canvas.setFillColor(SHADE)
        canvas.rect(0, height - QUOTE_HEAD, WIDTH, QUOTE_HEAD, stroke=1, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(SANS_BOLD, 8)
        heading = self.heading if self.first else f"{self.heading}, continued"
        canvas.drawString(QUOTE_PADDING, height - QUOTE_HEAD + 5.5, heading)
        self._draw_lines(height - QUOTE_HEAD - QUOTE_PADDING)
        canvas.restoreState()

    def _draw_lines(self, top: float) -> None:
        text = self.canv.beginText(QUOTE_PADDING, top - QUOTE_SIZE)
        text.setFont(SANS, QUOTE_SIZE, QUOTE_LEADING)
        if not self.lines:
            text.setFillColor(MUTED)
        for line in self.lines or ["(no text)"]:
            text.textLine(line)
        self.canv.drawText(text)


def quote_lines(text: str) -> list[str]:
    """``text`` (already printable) in lines that fit the quote box: broken at a space where
    there is one, else between any two characters, so a URL or a hash also wraps."""
    width = WIDTH - 2 * QUOTE_PADDING
    lines: list[str] = []
    for line in text.expandtabs(4).split("\n") if text else []:
        lines += _wrap_line(line, width)
    return lines


def _wrap_line(line: str, width: float) -> list[str]:
    out: list[str] = []
    start, used, space = 0, 0.0, -1
    for index, char in enumerate(line):
        used += _advance(char)
        if char == " ":
            space = index
        if used <= width or index == start:
            continue
        if char == " ":
            cut, resume = index, index + 1
        elif space > start:
            cut, resume = space, space + 1
        else:
            cut, resume = index, index
        out.append(line[start:cut])
        start, space = resume, -1
        used = sum(_advance(c) for c in line[start : index + 1])
    out.append(line[start:])
    return out


@functools.cache
def _advance(char: str) -> float:
    """The width of one character in the quote's font and size (the font has no kerning)."""
    width: float = pdfmetrics.stringWidth(char, SANS, QUOTE_SIZE)
    return width
