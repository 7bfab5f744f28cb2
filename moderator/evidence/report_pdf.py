"""The evidence report as a PDF: A4, DejaVu Sans embedded, the same bytes for the same Report.

``render`` draws a :class:`~moderator.evidence.report.Report` with reportlab platypus. Every
piece of text from the report goes through ``fonts.face().printable`` (and is escaped for
Paragraph markup), so a comment can hold anything. The comment is wrapped here, between any two
characters where a line has no space (a URL, a hash, 100,000 characters without one), in a box
that splits between any two lines, so it runs on over as many pages as it needs. Every page
carries a protective marking at the top and "page N of M" at the foot; the PDF's outline lists
the sections and exhibits.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from moderator.evidence import fonts
from moderator.evidence.report import (
    ChronologyRow,
    Consideration,
    CustodyLine,
    Exhibit,
    Member,
    Report,
)

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

_KINDS = {"criminal": "Criminal law", "civil": "Civil law", "guidance": "Guidance"}


def render(report: Report) -> bytes:
    """The report as PDF bytes (A4); the same report always gives the same bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN - FRAME_PADDING,
        rightMargin=MARGIN - FRAME_PADDING,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=_plain(report.title),
        author=_plain(report.school),
        subject=_plain(f"Evidence bundle {report.bundle_id}"),
        creator=CREATOR,
        keywords="",
        invariant=1,
        initialFontName=SANS,
        lang="en-GB",
    )
    footer = f"{_plain(report.school)} — evidence bundle {_plain(report.bundle_id)}"
    doc.build(_story(report), canvasmaker=functools.partial(_PagedCanvas, footer=footer))
    return buffer.getvalue()


# --- fonts, text and styles ----------------------------------------------------------------


@functools.cache
def _register_fonts() -> None:
    face = fonts.face()
    mono = face.regular.parent / "DejaVuSansMono.ttf"
    pdfmetrics.registerFont(TTFont(SANS, str(face.regular)))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(face.bold)))
    pdfmetrics.registerFont(TTFont(MONO, str(mono if mono.is_file() else face.regular)))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
    )


def _plain(text: str) -> str:
    """Text as drawn outside Paragraph markup (canvas strings, metadata, outline).

    Characters beyond U+FFFF (emoji) are written ``[U+XXXXX]`` too, although the font may have
    them: reportlab's text map writes them wrongly, so copying or searching the PDF would give a
    different character from the one shown.
    """
    return "".join(
        f"[U+{ord(ch):04X}]" if ord(ch) > 0xFFFF else ch for ch in fonts.face().printable(text)
    )


def _t(text: str) -> str:
    """Text for Paragraph markup: printable, escaped, line breaks kept."""
    return escape(_plain(text)).replace("\n", "<br/>")


def _mono(text: str) -> str:
    return f'<font name="{MONO}">{_t(text)}</font>'


@dataclass(frozen=True)
class _Styles:
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
def _styles() -> _Styles:
    body = ParagraphStyle(
        "body", fontName=SANS, fontSize=9, leading=12.5, textColor=INK, spaceAfter=4
    )
    cell = ParagraphStyle("cell", body, fontSize=8, leading=10.5, spaceAfter=0)
    return _Styles(
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


class _Bookmark(Flowable):
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


# --- the document --------------------------------------------------------------------------


def _story(report: Report) -> list[Flowable]:
    sections = [
        _safeguarding(report),
        _chronology(report.chronology),
        _exhibits(report.exhibits),
        _harassment(report.harassment),
        _policy(report.policy_clauses),
        _legislation(report.considerations),
        _letters(report.letters),
        _members(report.members),
        _verification(),
    ]
    story = _title_block(report)
    present = [section for section in sections if section is not None]
    for number, (heading, body) in enumerate(present, start=1):
        story += _section(number, heading, body)
    return story


_Section = tuple[str, list[Flowable]]


def _section(number: int, heading: str, body: list[Flowable]) -> list[Flowable]:
    title = f"{number}. {heading}"
    style = _styles().h1
    if heading == "Safeguarding":
        style = ParagraphStyle("h1_alert", style, textColor=ALERT)
    return [
        CondPageBreak(60 * mm),
        _Bookmark(f"s{number}", title, 0),
        Paragraph(escape(title), style),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=6),
        *body,
    ]


def _title_block(report: Report) -> list[Flowable]:
    s = _styles()
    rows = [("Bundle", _t(report.bundle_id))]
    if report.poster:
        rows.append(("Poster", _t(report.poster)))
    if report.accounts:
        rows.append(("Accounts", "<br/>".join(_t(account) for account in report.accounts)))
    if report.exhibits:
        rows.append(("Exhibits", _t(", ".join(exhibit.ref for exhibit in report.exhibits))))
    story: list[Flowable] = [
        _Bookmark("title", _plain(report.title), 0),
        Paragraph(_t(report.title), s.title),
        Paragraph(_t(report.school), s.school),
        Paragraph(f"Prepared by {_t(report.prepared_by)} on {_t(report.prepared_at)}", s.body),
        Spacer(1, 2 * mm),
        _key_values(rows),
        Spacer(1, 5 * mm),
    ]
    story += [Paragraph(_t(paragraph), s.body) for paragraph in report.summary]
    story += [Spacer(1, 3 * mm), _boxed([Paragraph(_t(report.disclaimer), s.note)])]
    return story


def _safeguarding(report: Report) -> _Section | None:
    if not report.safeguarding:
        return None
    lines = [Paragraph(_t(line), _styles().alert) for line in report.safeguarding]
    return "Safeguarding", [_boxed(lines, background=ALERT_PAPER, border=ALERT, thickness=1.2)]


def _chronology(rows: Sequence[ChronologyRow]) -> _Section:
    if not rows:
        return "Chronology", [_none()]
    data = [[row.when, row.ref or "—", row.event] for row in rows]
    table = _table(["When", "Exhibit", "Event"], data, [0.32, 0.12, 0.56])
    return "Chronology", [table]


def _exhibits(exhibits: Sequence[Exhibit]) -> _Section:
    body: list[Flowable] = [] if exhibits else [_none()]
    for index, exhibit in enumerate(exhibits):
        if index:
            body.append(PageBreak())
        body += _exhibit(exhibit, index)
    return "Exhibits", body


def _exhibit(exhibit: Exhibit, index: int) -> list[Flowable]:
    s = _styles()
    heading = f"{exhibit.ref}: flag {exhibit.flag_id}"
    story: list[Flowable] = [
        _Bookmark(f"ex{index}", _plain(heading), 1),
        Paragraph(_t(heading), s.h2),
        _key_values(_exhibit_facts(exhibit)),
        *_bullets("Reasons", exhibit.reasons),
        Spacer(1, 8),
        _Quote(f"Comment as captured ({_plain(exhibit.ref)})", _wrap(_plain(exhibit.text))),
        *_bullets("Decisions", exhibit.decisions),
    ]
    if exhibit.media_notes:
        story += _bullets("Media", exhibit.media_notes)
    story += _artefacts(exhibit.artefacts)
    story += _custody(exhibit.custody)
    return story


def _exhibit_facts(exhibit: Exhibit) -> list[tuple[str, str]]:
    author = exhibit.author + (f" (id {exhibit.author_id})" if exhibit.author_id else "")
    facts = [
        ("Platform", exhibit.platform),
        ("Source", exhibit.source),
        ("Address", exhibit.address or "not recorded"),
        ("Author", author),
        ("Posted", exhibit.posted),
        ("Captured", exhibit.captured),
        ("Categories", ", ".join(exhibit.categories) or "none"),
        ("Targets", ", ".join(exhibit.targets) or "none recorded"),
        ("Status", exhibit.status),
        ("Model", exhibit.model),
    ]
    rows = [(key, _t(value)) for key, value in facts]
    rows.append(("Snapshot SHA-256", _mono(exhibit.snapshot_sha256)))
    return rows


def _artefacts(artefacts: Sequence[tuple[str, str]]) -> list[Flowable]:
    if not artefacts:
        return [*_label("Artefacts"), _none()]
    data = [[path, _Mono(sha)] for path, sha in artefacts]
    return [*_label("Artefacts"), _table(["Path in the bundle", "SHA-256"], data, [0.38, 0.62])]


def _custody(lines: Sequence[CustodyLine]) -> list[Flowable]:
    if not lines:
        return [*_label("Custody log"), _none()]
    data = [
        [str(line.seq), line.at, line.actor, line.action, _Mono(line.hash[:16] + "…")]
        for line in lines
    ]
    widths = [0.07, 0.27, 0.22, 0.18, 0.26]
    headers = ["Seq", "At", "Actor", "Action", "Entry hash (start)"]
    note = Paragraph(
        "The full hashes are in the exhibit's custody.jsonl; each entry's hash covers the one "
        "before it, and the first covers the snapshot.",
        _styles().note,
    )
    return [*_label("Custody log"), _table(headers, data, widths), Spacer(1, 2), note]


def _harassment(lines: Sequence[str]) -> _Section | None:
    if not lines:
        return None
    return "Possible course of conduct", _bullet_list(lines)


def _policy(clauses: Sequence[str]) -> _Section:
    s = _styles()
    if not clauses:
        return "School policy", [_none()]
    lead = Paragraph("The wording of the school's policy that applies to these comments:", s.body)
    return "School policy", [lead, *(Paragraph(_t(clause), s.clause) for clause in clauses)]


def _legislation(considerations: Sequence[Consideration]) -> _Section:
    s = _styles()
    lead = Paragraph(
        "The provisions below are matters the reader may wish to consider, listed because of the "
        "categories the comments were placed in. They are not conclusions: whether any offence or "
        "civil wrong has occurred is for the police, the Crown Prosecution Service, the courts "
        "or the reader's own legal advice.",
        s.body,
    )
    body: list[Flowable] = [lead, Spacer(1, 2 * mm)]
    body += [_consideration(item) for item in considerations] or [_none()]
    return "Legislation that may be relevant", body


def _consideration(item: Consideration) -> Flowable:
    s = _styles()
    kind = _KINDS.get(item.kind, item.kind)
    raised = ", ".join(item.raised_by) or "no exhibit"
    return KeepTogether(
        [
            Paragraph(f"<b>{_t(item.title)}</b>", ParagraphStyle("ct", s.body, spaceAfter=1)),
            Paragraph(_t(kind), ParagraphStyle("ck", s.note, spaceAfter=2)),
            Paragraph(_t(item.summary), ParagraphStyle("cs", s.body, spaceAfter=1)),
            Paragraph(f"Raised by {_t(raised)}", ParagraphStyle("cr", s.note, spaceAfter=8)),
        ]
    )


def _letters(letters: Sequence[str]) -> _Section | None:
    if not letters:
        return None
    return "Letters sent", _bullet_list(letters)


def _members(members: Sequence[Member]) -> _Section:
    lead = Paragraph(
        "The other files in this bundle, with their sizes and SHA-256 hashes. The hashes of this "
        "report and of manifest.json are in SHA256SUMS.",
        _styles().body,
    )
    if not members:
        return "Bundle members", [lead, _none()]
    data = [[member.path, f"{member.size:,}", _Mono(member.sha256)] for member in members]
    table = _table(["Path", "Bytes", "SHA-256"], data, [0.3, 0.1, 0.6], right={1})
    return "Bundle members", [lead, table]


_VERIFY_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        (
            "Check the whole bundle with the verifier inside it, which needs only Python 3 and its "
            "standard library, or with the moderation system where it is installed. Either says "
            "“intact”, or names the first file that fails."
        ),
        ("python3 verify_bundle.py <bundle.zip>", "moderator evidence verify <bundle.zip>"),
    ),
    (
        (
            "Without Python: unzip the bundle and, in its folder, check every file against "
            "SHA256SUMS; every line should say OK."
        ),
        ("sha256sum -c SHA256SUMS",),
    ),
    (
        (
            "The manifest hash (the SHA-256 of manifest.json) is written in README.txt. Confirm it "
            "with the sender by a separate channel, such as a telephone call."
        ),
        (),
    ),
    (
        (
            "If the bundle holds timestamp.tsr (a time-stamp over manifest.json from a "
            "time-stamping authority), check it with the authority's CA certificate:"
        ),
        ("openssl ts -verify -data manifest.json -in timestamp.tsr -CAfile <TSA CA>",),
    ),
)


def _verification() -> _Section:
    s = _styles()
    step_style = ParagraphStyle("numbered", s.bullet, leftIndent=16)
    body: list[Flowable] = []
    for number, (words, commands) in enumerate(_VERIFY_STEPS, start=1):
        body.append(Paragraph(escape(words), step_style, bulletText=f"{number}."))
        body += [Paragraph(escape(command), s.command) for command in commands]
    return "How to verify this bundle", body


# --- building blocks -----------------------------------------------------------------------


class _Mono(str):
    """A table value drawn in the monospaced face."""


def _none() -> Paragraph:
    return Paragraph("None recorded.", _styles().note)


def _label(text: str) -> list[Flowable]:
    """A small heading, moved to the next page with what follows when it would end a page."""
    return [CondPageBreak(30 * mm), Paragraph(escape(text), _styles().label)]


def _bullet_list(items: Iterable[str]) -> list[Flowable]:
    return [Paragraph(_t(item), _styles().bullet, bulletText="•") for item in items]


def _bullets(label: str, items: Sequence[str]) -> list[Flowable]:
    return [*_label(label), *(_bullet_list(items) if items else [_none()])]


def _cell(value: str, right: bool = False) -> Paragraph:
    s = _styles()
    if isinstance(value, _Mono):
        return Paragraph(_t(value), s.cell_mono)
    return Paragraph(_t(value), s.cell_right if right else s.cell)


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    fractions: Sequence[float],
    right: set[int] | None = None,
) -> Table:
    """A ruled table with a shaded header row, repeated on each page it runs onto."""
    s = _styles()
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


def _key_values(rows: Sequence[tuple[str, str]]) -> Table:
    """Label and value pairs; values are Paragraph markup already made safe."""
    s = _styles()
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


def _boxed(
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


class _Quote(Flowable):
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
        rest = _Quote(self.heading, self.lines[room:], first=False)
        return [_Quote(self.heading, self.lines[:room], self.first), rest]

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


def _wrap(text: str) -> list[str]:
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
