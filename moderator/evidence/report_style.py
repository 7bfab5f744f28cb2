"""The evidence report PDF's typeface, colours, sizes and paragraph styles, and its text made safe.

DejaVu Sans is registered with reportlab once (``register_fonts``); every piece of text from the
report goes through ``fonts.face().printable`` (``plain``) and is escaped for Paragraph markup
(``markup``), so a comment can hold anything.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, SimpleDocTemplate

from moderator.evidence import fonts

SANS = "EvidenceSans"
SANS_BOLD = "EvidenceSans-Bold"
MONO = "EvidenceMono"
CREATOR = "school-moderator"
MARKING = "OFFICIAL-SENSITIVE: contains personal data"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
#: reportlab's frame pads its content by 6 points: the page margin is set that much smaller.
FRAME_PADDING = 6
#: The quoted comment: font size, line spacing, padding inside the box, height of its heading.
QUOTE_SIZE = 9.5
QUOTE_LEADING = 13
QUOTE_PADDING = 8
QUOTE_HEAD = 17
#: A table row taller than this (points) may be split inside itself.
TALL_ROW = 400

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#ececec")
PAPER = colors.HexColor("#f6f6f6")
ALERT = colors.HexColor("#a40000")
ALERT_PAPER = colors.HexColor("#fbeaea")


def simple_pdf(
    story: Callable[[], list[Flowable]], *, title: str, author: str, margin: float
) -> bytes:
    """A plain A4 document of what ``story()`` gives (the governors' report, a staff member's
    record), built once the fonts its paragraphs name are registered; ``margin`` on every side;
    the same bytes for the same story."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author=author,
        creator=CREATOR,
        invariant=1,
        initialFontName=SANS,
        lang="en-GB",
    )
    doc.build(story())
    return buffer.getvalue()


@functools.cache
def register_fonts() -> None:
    face = fonts.face()
    mono = face.regular.parent / "DejaVuSansMono.ttf"
    pdfmetrics.registerFont(TTFont(SANS, str(face.regular)))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(face.bold)))
    pdfmetrics.registerFont(TTFont(MONO, str(mono if mono.is_file() else face.regular)))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
    )


def plain(text: str) -> str:
    """Text as drawn outside Paragraph markup (canvas strings, metadata, outline).

    Characters beyond U+FFFF (emoji) are written ``[U+XXXXX]`` too, although the font may have
    them: reportlab's text map writes them wrongly, so copying or searching the PDF would give a
    different character from the one shown.
    """
    return "".join(
        f"[U+{ord(ch):04X}]" if ord(ch) > 0xFFFF else ch for ch in fonts.face().printable(text)
    )


def markup(text: str) -> str:
    """Text for Paragraph markup: printable, escaped, line breaks kept."""
    return escape(plain(text)).replace("\n", "<br/>")


def mono_markup(text: str) -> str:
    return f'<font name="{MONO}">{markup(text)}</font>'


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    school: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    label: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    clause: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    cell_right: ParagraphStyle
    cell_mono: ParagraphStyle
    alert: ParagraphStyle
    command: ParagraphStyle


@functools.cache
def styles() -> Styles:
    body = ParagraphStyle(
        "body", fontName=SANS, fontSize=9, leading=12.5, textColor=INK, spaceAfter=4
    )
    cell = ParagraphStyle("cell", body, fontSize=8, leading=10.5, spaceAfter=0)
    return Styles(
        title=ParagraphStyle("title", body, fontName=SANS_BOLD, fontSize=20, leading=25),
        school=ParagraphStyle("school", body, fontSize=14, leading=18, spaceAfter=10),
        h1=ParagraphStyle(
            "h1", body, fontName=SANS_BOLD, fontSize=13, leading=16, spaceBefore=14, spaceAfter=2
        ),
        h2=ParagraphStyle(
            "h2", body, fontName=SANS_BOLD, fontSize=11.5, leading=14, spaceBefore=4, spaceAfter=6
        ),
        label=ParagraphStyle("label", body, fontName=SANS_BOLD, spaceBefore=8, spaceAfter=3),
        body=body,
        bullet=ParagraphStyle(
            "bullet", body, leftIndent=12, bulletIndent=2, bulletFontName=SANS, spaceAfter=2
        ),
        clause=ParagraphStyle("clause", body, leftIndent=10, textColor=colors.HexColor("#333333")),
        note=ParagraphStyle("note", body, fontSize=8, leading=10.5, textColor=MUTED),
        cell=cell,
        cell_head=ParagraphStyle("cell_head", cell, fontName=SANS_BOLD),
        cell_right=ParagraphStyle("cell_right", cell, alignment=2),
        cell_mono=ParagraphStyle("cell_mono", cell, fontName=MONO, fontSize=7, leading=9),
        alert=ParagraphStyle("alert", body, fontName=SANS_BOLD, textColor=ALERT, spaceAfter=3),
        command=ParagraphStyle(
            "command", body, fontName=MONO, fontSize=8.5, leftIndent=28, spaceBefore=1, spaceAfter=3
        ),
    )
