"""The capture image's drawing board: sizes, colours, the typeface, and text laid out on it.

Drawing operations are recorded top to bottom on a :class:`Canvas` and painted once the height
is known. Text is made printable character by character (``fonts.face().printable``, so span
offsets still find their place), wrapped at spaces and, where a word is too long for a line,
between characters, with Pillow's basic layout engine: the same text always lands on the same
pixels. ``capture_sections`` says what is drawn; ``capture_png`` encodes the image.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from moderator.evidence import fonts

WIDTH = 1000
MARGIN = 28
BODY = 20  #: body text, px: large enough for OCR to read reliably
SMALL = 18
TITLE = 22

INK = "#1c1e21"
GREY = "#5f6368"
BAND = "#e8eef6"
NAVY = "#1f3a5f"
BUBBLE = "#f0f2f5"
RED = "#b3261e"
PINK = "#fdeeee"
YELLOW = "#fff2b0"
MEDIA_BOX = "#e2e5e9"
RULE = "#c9ced6"
#: Every background and every text colour: ``capture_png`` builds its palette from them.
BACKGROUNDS = ("#ffffff", BAND, BUBBLE, PINK, YELLOW, MEDIA_BOX)
INKS = (INK, GREY, NAVY, RED)

_WORD = re.compile(r"\S+|\n")
_LONGEST = 300  #: characters looked at when breaking a word: more than a line ever holds


@dataclass(frozen=True)
class Rect:
    box: tuple[int, int, int, int]
    fill: str | None
    outline: str | None = None
    width: int = 1
    radius: int = 0


@dataclass(frozen=True)
class Text:
    xy: tuple[int, int]
    text: str
    font: ImageFont.FreeTypeFont
    fill: str


@dataclass
class Canvas:
    """Drawing operations recorded top to bottom; painted once the height is known."""

    ops: list[Rect | Text] = field(default_factory=list)
    y: int = 0

    def behind(self, at: int, rect: Rect) -> None:
        """Put ``rect`` under everything recorded since ``at`` (a box sized to its content)."""
        self.ops.insert(at, rect)

    def paint(self) -> Image.Image:
        image = Image.new("RGB", (WIDTH, self.y + MARGIN), "white")
        draw = ImageDraw.Draw(image)
        for op in self.ops:
            if isinstance(op, Rect):
                draw.rounded_rectangle(op.box, op.radius, op.fill, op.outline, op.width)
            else:
                draw.text(op.xy, op.text, op.fill, op.font)
        return image


@dataclass(frozen=True)
class Prepared:
    """Printable text, whether each of its characters is highlighted, and where it came from."""

    text: str
    marks: list[bool]
    origin: list[int]


@dataclass(frozen=True)
class Style:
    size: int = BODY
    bold: bool = False
    fill: str = INK

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        return load_font(self.size, self.bold)

    @property
    def line(self) -> int:
        return round(self.size * 1.45)


PLAIN = Style()
META = Style(SMALL, fill=GREY)


@functools.cache
def load_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    face = fonts.face()
    path = face.bold if bold else face.regular
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def prepare(text: str, spans: Sequence[tuple[int, int]] = ()) -> Prepared:
    """``text`` made printable character by character, so span offsets still find their place."""
    marked = bytearray(len(text))
    for start, end in spans:
        start, end = max(start, 0), min(end, len(text))
        if start < end:
            marked[start:end] = b"\x01" * (end - start)
    printable = fonts.face().printable
    whole = printable(text).replace("\t", " ")
    if len(whole) == len(text):  # nothing replaced: offsets are unchanged
        return Prepared(whole, [bool(m) for m in marked], list(range(len(text))))
    pieces: list[str] = []
    marks: list[bool] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        piece = " " if ch == "\t" else printable(ch)
        pieces.append(piece)
        marks.extend([bool(marked[index])] * len(piece))
        origin.extend([index] * len(piece))
    return Prepared("".join(pieces), marks, origin)


def wrap(
    text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int
) -> list[tuple[int, int]]:
    """Lines of ``text`` as (start, end) offsets, broken at spaces and long words between
    characters; stops once there are more than ``max_lines``."""
    lines: list[tuple[int, int]] = []
    start = end = 0
    for word in _WORD.finditer(text):
        if len(lines) > max_lines:
            return lines
        if word.group() == "\n":
            lines.append((start, end))
            start = end = word.end()
        elif font.getlength(text[start : word.end()]) <= width:
            end = word.end()
        else:
            if end > start:
                lines.append((start, end))
                start = word.start()
            start = _break(text, (start, word.end()), (font, width), lines, max_lines)
            end = word.end()
    lines.append((start, end))
    while len(lines) > 1 and lines[-1][0] == lines[-1][1]:
        lines.pop()
    return lines


def _break(
    text: str,
    span: tuple[int, int],
    measure: tuple[ImageFont.FreeTypeFont, float],
    lines: list[tuple[int, int]],
    max_lines: int,
) -> int:
    """Add lines for a word too long for one (``measure``: font and width), broken between
    characters; return where the rest of it starts."""
    start, stop = span
    font, width = measure
    while True:
        window = min(stop, start + _LONGEST)
        if window == stop and font.getlength(text[start:stop]) <= width:
            return start
        cut = _fit(text, start, window, font, width)
        lines.append((start, cut))
        start = cut
        if len(lines) > max_lines:
            return start


def _fit(text: str, start: int, stop: int, font: ImageFont.FreeTypeFont, width: float) -> int:
    """The furthest offset up to which ``text[start:]`` fits in ``width`` (at least one char)."""
    low, high = start + 1, stop
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[start:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def paragraph(
    canvas: Canvas,
    text: str,
    x: int,
    width: int,
    style: Style,
    limits: tuple[int, int],
    spans: Sequence[tuple[int, int]] = (),
) -> int:
    """Draw ``text`` wrapped, at most ``limits`` (characters, lines); return how many were left out."""
    max_chars, max_lines = limits
    prepared = prepare(text[:max_chars], spans)
    lines = wrap(prepared.text, style.font, width, max_lines)
    shown = lines[:max_lines]
    for start, end in shown:
        _line(canvas, prepared, (start, end), x, style)
    if len(shown) == len(lines):
        return len(text) - min(len(text), max_chars)
    last = shown[-1][1]
    consumed = prepared.origin[last - 1] + 1 if last else 0
    return len(text) - consumed


def _line(canvas: Canvas, prepared: Prepared, span: tuple[int, int], x: int, style: Style) -> None:
    """One laid-out line: yellow behind highlighted characters, then the text over them."""
    start, end = span
    font, text = style.font, prepared.text
    index = start
    while index < end:
        stop = index
        while stop < end and prepared.marks[stop] == prepared.marks[index]:
            stop += 1
        if prepared.marks[index]:
            left = x + round(font.getlength(text[start:index]))
            right = x + round(font.getlength(text[start:stop]))
            canvas.ops.append(Rect((left, canvas.y + 2, right, canvas.y + style.line - 3), YELLOW))
        index = stop
    offset = (style.line - style.size) // 2 - 1
    canvas.ops.append(Text((x, canvas.y + offset), text[start:end], font, style.fill))
    canvas.y += style.line


def note(
    canvas: Canvas,
    text: str,
    x: int = MARGIN,
    style: Style = META,
    spans: Sequence[tuple[int, int]] = (),
) -> None:
    """Our own words (not platform text), wrapped, uncapped."""
    limits = (len(text), len(text) + 1)
    paragraph(canvas, text, x, WIDTH - MARGIN - 16 - x, style, limits, spans)


def more(canvas: Canvas, left_out: int, x: int, what: str) -> None:
    if left_out:
        note(
            canvas,
            f"… {what} continues ({left_out:,} more characters): the full text is in snapshot.json",
            x,
            Style(SMALL),
        )
