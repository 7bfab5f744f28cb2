"""The capture image: a flagged comment in its thread, drawn from the recorded snapshot.

It is not a screenshot, and says so at the top. ``render`` lays out the recorded post, the thread
and the flagged comment the way a reader expects to see them (the comment boxed in red, the
characters the classifier flagged on yellow), with what a recipient needs around them: the
address, the times (UK time with UTC beside it), the attachments and their hashes (never the
images themselves), the classification and the snapshot's SHA-256.

Every piece of platform text goes through ``fonts.face().printable`` first, so a hidden or
undrawable character appears as ``[U+XXXX]``. Long text is cut, with a note saying how much more
there is in snapshot.json. The same snapshot always gives the same PNG bytes: text is laid out
by Pillow's basic engine (no shaping library that may differ between machines), characters in
the order they were recorded.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageColor, ImageDraw, ImageFont

from moderator.evidence import fonts, times

WIDTH = 1000
MARGIN = 28
BODY = 20  #: body text, px: large enough for OCR to read reliably
SMALL = 18
TITLE = 22
LABEL_WIDTH = 150
REPLY_INDENT = 40

COMMENT_CHARS, COMMENT_LINES = 3000, 60
ENTRY_CHARS, ENTRY_LINES = 400, 6
POST_CHARS, POST_LINES = 500, 4
AROUND = 5  #: thread entries drawn before and after the flagged comment
MEDIA = 10

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
_BACKGROUNDS = ("#ffffff", BAND, BUBBLE, PINK, YELLOW, MEDIA_BOX)
_INKS = (INK, GREY, NAVY, RED)

_WORD = re.compile(r"\S+|\n")
_LONGEST = 300  #: characters looked at when breaking a word: more than a line ever holds
_OWNERS = {"facebook": "(the Page itself)", "instagram": "(the account itself)"}
_PLATFORMS = {"facebook": "Facebook", "instagram": "Instagram", "file": "File import"}
#: The key of a redacted view's content (``moderator.review.visibility.MARK``): drawn as such.
REDACTED = "redacted_view"


@dataclass(frozen=True)
class _Rect:
    box: tuple[int, int, int, int]
    fill: str | None
    outline: str | None = None
    width: int = 1
    radius: int = 0


@dataclass(frozen=True)
class _Text:
    xy: tuple[int, int]
    text: str
    font: ImageFont.FreeTypeFont
    fill: str


@dataclass
class _Canvas:
    """Drawing operations recorded top to bottom; painted once the height is known."""

    ops: list[_Rect | _Text] = field(default_factory=list)
    y: int = 0

    def behind(self, at: int, rect: _Rect) -> None:
        """Put ``rect`` under everything recorded since ``at`` (a box sized to its content)."""
        self.ops.insert(at, rect)

    def paint(self) -> Image.Image:
        image = Image.new("RGB", (WIDTH, self.y + MARGIN), "white")
        draw = ImageDraw.Draw(image)
        for op in self.ops:
            if isinstance(op, _Rect):
                draw.rounded_rectangle(op.box, op.radius, op.fill, op.outline, op.width)
            else:
                draw.text(op.xy, op.text, op.fill, op.font)
        return image


@dataclass(frozen=True)
class _Prepared:
    """Printable text, whether each of its characters is highlighted, and where it came from."""

    text: str
    marks: list[bool]
    origin: list[int]


@dataclass(frozen=True)
class _Style:
    size: int = BODY
    bold: bool = False
    fill: str = INK

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        return _font(self.size, self.bold)

    @property
    def line(self) -> int:
        return round(self.size * 1.45)


PLAIN = _Style()
META = _Style(SMALL, fill=GREY)


@functools.cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    face = fonts.face()
    path = face.bold if bold else face.regular
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def render(content: dict[str, Any], sha256: str) -> bytes:
    """The capture image of a parsed evidence snapshot whose hash is ``sha256``, as PNG bytes."""
    return _encode(_layout(content, sha256).paint())


def drawn_text(content: dict[str, Any], sha256: str) -> list[str]:
    """Every line of text :func:`render` draws for ``content``, top to bottom: what the image
    says, readable without OCR."""
    return [op.text for op in _layout(content, sha256).ops if isinstance(op, _Text)]


def _layout(content: dict[str, Any], sha256: str) -> _Canvas:
    canvas = _Canvas(y=MARGIN)
    _header(canvas, content)
    if content.get(REDACTED):
        _redacted(canvas, _dict(content.get(REDACTED)))
    if content.get("indecent_image_risk"):
        _warning(canvas)
    _post(canvas, _dict(content.get("post")))
    _thread(canvas, content)
    _footer(canvas, content, sha256)
    return canvas


def _encode(image: Image.Image) -> bytes:
    """PNG on a fixed palette: small, quick, and the same bytes every time."""
    mapped = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    mapped.save(buffer, format="PNG", optimize=False, compress_level=3)  # 2/3 of the time of 6
    return buffer.getvalue()


@functools.cache
def _palette() -> Image.Image:
    """Every flat colour drawn, and the steps between each text colour and each background
    (the anti-aliased edges of the letters)."""
    colours = [_blend(c, c, 0) for c in (*_BACKGROUNDS, *_INKS, RULE)]
    for back in _BACKGROUNDS:
        for ink in _INKS:
            colours.extend(_blend(back, ink, step / 10) for step in range(1, 10))
    flat = [value for colour in dict.fromkeys(colours) for value in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat)
    return palette


def _blend(back: str, ink: str, share: float) -> tuple[int, int, int]:
    """The colour ``share`` of the way from ``back`` to ``ink``."""
    b, i = ImageColor.getrgb(back), ImageColor.getrgb(ink)
    red, green, blue = (round(b[k] + (i[k] - b[k]) * share) for k in range(3))
    return red, green, blue


# Reading the snapshot defensively: older snapshots lack keys, and nothing here may fail on them.


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _when(value: Any) -> str:
    try:
        return times.words(value if isinstance(value, str) else None)
    except (ValueError, TypeError, OverflowError):
        return "unreadable time in snapshot.json"


def _safe(value: Any) -> str:
    return fonts.face().printable(_str(value)).replace("\t", " ")


# Text layout.


def _prepare(text: str, spans: Sequence[tuple[int, int]] = ()) -> _Prepared:
    """``text`` made printable character by character, so span offsets still find their place."""
    marked = bytearray(len(text))
    for start, end in spans:
        start, end = max(start, 0), min(end, len(text))
        if start < end:
            marked[start:end] = b"\x01" * (end - start)
    printable = fonts.face().printable
    whole = printable(text).replace("\t", " ")
    if len(whole) == len(text):  # nothing replaced: offsets are unchanged
        return _Prepared(whole, [bool(m) for m in marked], list(range(len(text))))
    pieces: list[str] = []
    marks: list[bool] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        piece = " " if ch == "\t" else printable(ch)
        pieces.append(piece)
        marks.extend([bool(marked[index])] * len(piece))
        origin.extend([index] * len(piece))
    return _Prepared("".join(pieces), marks, origin)


def _wrap(
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


def _paragraph(
    canvas: _Canvas,
    text: str,
    x: int,
    width: int,
    style: _Style,
    limits: tuple[int, int],
    spans: Sequence[tuple[int, int]] = (),
) -> int:
    """Draw ``text`` wrapped, at most ``limits`` (characters, lines); return how many were left out."""
    max_chars, max_lines = limits
    prepared = _prepare(text[:max_chars], spans)
    lines = _wrap(prepared.text, style.font, width, max_lines)
    shown = lines[:max_lines]
    for start, end in shown:
        _line(canvas, prepared, (start, end), x, style)
    if len(shown) == len(lines):
        return len(text) - min(len(text), max_chars)
    last = shown[-1][1]
    consumed = prepared.origin[last - 1] + 1 if last else 0
    return len(text) - consumed


def _line(
    canvas: _Canvas, prepared: _Prepared, span: tuple[int, int], x: int, style: _Style
) -> None:
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
            canvas.ops.append(_Rect((left, canvas.y + 2, right, canvas.y + style.line - 3), YELLOW))
        index = stop
    offset = (style.line - style.size) // 2 - 1
    canvas.ops.append(_Text((x, canvas.y + offset), text[start:end], font, style.fill))
    canvas.y += style.line


def _note(
    canvas: _Canvas,
    text: str,
    x: int = MARGIN,
    style: _Style = META,
    spans: Sequence[tuple[int, int]] = (),
) -> None:
    """Our own words (not platform text), wrapped, uncapped."""
    limits = (len(text), len(text) + 1)
    _paragraph(canvas, text, x, WIDTH - MARGIN - 16 - x, style, limits, spans)


def _more(canvas: _Canvas, left_out: int, x: int, what: str) -> None:
    if left_out:
        _note(
            canvas,
            f"… {what} continues ({left_out:,} more characters): the full text is in snapshot.json",
            x,
            _Style(SMALL),
        )


# Sections, top to bottom.


def _header(canvas: _Canvas, content: dict[str, Any]) -> None:
    top, at = canvas.y, len(canvas.ops)
    canvas.y += 14
    x = MARGIN + 22
    title = "REDACTED VIEW" if content.get(REDACTED) else "EVIDENCE CAPTURE"
    _note(
        canvas,
        f"{title} - drawn from the recorded data, not a screenshot",
        x,
        _Style(TITLE, bold=True, fill=NAVY),
    )
    _note(
        canvas,
        "Laid out from the platform data recorded when the comment was flagged. "
        "Invisible or undrawable characters are shown as [U+XXXX].",
        x,
    )
    canvas.y += 8
    source = _dict(content.get("source"))
    comment = _dict(content.get("comment"))
    platform = _str(source.get("platform"))
    _field(canvas, "School", _safe(content.get("school")) or "not recorded", x)
    _field(canvas, "Platform", _PLATFORMS.get(platform) or _safe(platform) or "not recorded", x)
    _field(canvas, "Source", _safe(source.get("name")) or "not recorded", x)
    _field(canvas, "Address", _address(content) or "not recorded", x)
    _field(canvas, "Posted", _when(comment.get("created_time")), x)
    _field(canvas, "Captured", _when(content.get("captured_at")), x)
    canvas.y += 12
    canvas.behind(at, _Rect((MARGIN, top, MARGIN + 7, canvas.y), NAVY))
    canvas.behind(at, _Rect((MARGIN, top, WIDTH - MARGIN, canvas.y), BAND))
    canvas.y += 18


def _address(content: dict[str, Any]) -> str:
    comment = _dict(content.get("comment"))
    post = _dict(content.get("post"))
    for value in (content.get("address"), comment.get("permalink"), post.get("permalink")):
        if value:
            return _str(value)
    return ""


def _field(canvas: _Canvas, label: str, value: str, x: int = MARGIN) -> None:
    """``Label:`` in bold and its value wrapped beside it (URLs break between characters)."""
    canvas.ops.append(_Text((x, canvas.y + 3), f"{label}:", _font(BODY, True), INK))
    value_x = x + LABEL_WIDTH
    _paragraph(canvas, value, value_x, WIDTH - MARGIN - 16 - value_x, PLAIN, (2000, 8))


def _warning(canvas: _Canvas) -> None:
    """The indecent-image instruction, in red, before anything else is read."""
    top, at = canvas.y, len(canvas.ops)
    canvas.y += 12
    style = _Style(BODY, bold=True, fill=RED)
    _note(
        canvas,
        "Possible indecent image of a child: do not view, copy or share.",
        MARGIN + 22,
        style,
    )
    _note(canvas, "Refer to the DSL and the police.", MARGIN + 22, style)
    canvas.y += 12
    canvas.behind(at, _Rect((MARGIN, top, MARGIN + 7, canvas.y), RED))
    canvas.behind(at, _Rect((MARGIN, top, WIDTH - MARGIN, canvas.y), PINK))
    canvas.y += 18


def _redacted(canvas: _Canvas, mark: dict[str, Any]) -> None:
    """What a redacted view is, in red, before the comments (our words, not the snapshot's)."""
    top, at = canvas.y, len(canvas.ops)
    canvas.y += 12
    x = MARGIN + 22
    _note(canvas, "Redacted view: not the sealed capture", x, _Style(BODY, bold=True, fill=RED))
    _note(canvas, _safe(mark.get("note")), x, _Style(SMALL, fill=INK))
    canvas.y += 12
    canvas.behind(at, _Rect((MARGIN, top, MARGIN + 7, canvas.y), RED))
    canvas.behind(at, _Rect((MARGIN, top, WIDTH - MARGIN, canvas.y), PINK))
    canvas.y += 18


def _heading(canvas: _Canvas, text: str) -> None:
    canvas.ops.append(_Rect((MARGIN, canvas.y, WIDTH - MARGIN, canvas.y + 1), RULE))
    canvas.y += 10
    _note(canvas, text, MARGIN, _Style(SMALL, bold=True, fill=GREY))
    canvas.y += 6


def _post(canvas: _Canvas, post: dict[str, Any]) -> None:
    _heading(canvas, "THE POST")
    if not post:
        _note(canvas, "The post was not recorded in this snapshot.")
        canvas.y += 16
        return
    _note(canvas, f"Posted {_when(post.get('created_time'))}")
    message = _str(post.get("message"))
    if not message:
        _note(canvas, "(no text recorded for the post)")
    limits = (POST_CHARS, POST_LINES)
    left_out = (
        _paragraph(canvas, message, MARGIN, WIDTH - 2 * MARGIN, PLAIN, limits) if message else 0
    )
    if left_out:
        _note(canvas, f"… post shortened here ({left_out:,} more characters in snapshot.json)")
    canvas.y += 16


def _thread(canvas: _Canvas, content: dict[str, Any]) -> None:
    thread = _dict(content.get("thread"))
    comment = _dict(content.get("comment"))
    entries = [e for e in _list(thread.get("before")) if isinstance(e, dict)]
    later = [e for e in _list(thread.get("after")) if isinstance(e, dict)]
    parent = _dict(thread.get("parent"))
    owner = _OWNERS.get(_str(_dict(content.get("source")).get("platform")), _OWNERS["facebook"])
    _heading(canvas, "THE COMMENTS, AS RECORDED AT CAPTURE")
    if parent:
        _note(canvas, "The comment the flagged comment replies to:")
        _entry(canvas, parent, 0, owner)
    if len(entries) > AROUND:
        _note(canvas, f"{len(entries) - AROUND} earlier comments are in snapshot.json, not drawn")
    for entry in entries[-AROUND:]:
        _entry(canvas, entry, _indent(entry), owner)
    _flagged(canvas, content, REPLY_INDENT if comment.get("parent_id") else 0)
    for entry in later[:AROUND]:
        _entry(canvas, entry, _indent(entry), owner)
    if len(later) > AROUND:
        _note(canvas, f"{len(later) - AROUND} later comments are in snapshot.json, not drawn")
    canvas.y += 6


def _indent(entry: dict[str, Any]) -> int:
    """Replies are indented when the snapshot says they are replies."""
    return REPLY_INDENT if entry.get("parent_id") else 0


def _author(name: Any, owner: str | None = None) -> str:
    """The name as recorded, and whether it was the Page or account itself (``owner``)."""
    shown = _safe(name) or "unknown author"
    return f"{shown} {owner}" if owner else shown


def _bubble(
    canvas: _Canvas,
    author: str,
    text: str,
    box: tuple[int, int],
    limits: tuple[int, int],
    spans: Sequence[tuple[int, int]] = (),
) -> int:
    """A comment as the platform shows one: name and text in a rounded grey box from
    ``box`` (left, right); returns how many characters of ``text`` were left out."""
    left, right = box
    top, at = canvas.y, len(canvas.ops)
    inner, width = left + 16, right - left - 32
    canvas.y += 10
    _paragraph(canvas, author, inner, width, _Style(bold=True), (200, 2))
    left_out = 0
    if text:
        left_out = _paragraph(canvas, text, inner, width, PLAIN, limits, spans)
    else:
        _note(canvas, "(no text recorded)", inner)
    canvas.y += 10
    canvas.behind(at, _Rect((left, top, right, canvas.y), BUBBLE, radius=14))
    return left_out


def _entry(canvas: _Canvas, entry: dict[str, Any], indent: int, owner: str) -> None:
    x = MARGIN + indent
    author = _author(entry.get("author"), owner if entry.get("by_owner") else None)
    text = _str(entry.get("text"))
    left_out = _bubble(canvas, author, text, (x, WIDTH - MARGIN), (ENTRY_CHARS, ENTRY_LINES))
    canvas.y += 4
    _note(canvas, _when(entry.get("created_time")), x + 16)
    _more(canvas, left_out, x + 16, "comment")
    canvas.y += 12


def _flagged(canvas: _Canvas, content: dict[str, Any], indent: int) -> None:
    comment = _dict(content.get("comment"))
    classification = _dict(content.get("classification"))
    spans = _spans(classification.get("spans"))
    top, at = canvas.y, len(canvas.ops)
    x = MARGIN + indent + 14
    canvas.y += 12
    _note(canvas, "FLAGGED COMMENT", x, _Style(BODY, bold=True, fill=RED))
    canvas.y += 4
    author = _author(_dict(comment.get("author")).get("name"))
    text = _str(comment.get("text"))
    box = (x, WIDTH - MARGIN - 14)
    left_out = _bubble(canvas, author, text, box, (COMMENT_CHARS, COMMENT_LINES), spans)
    canvas.y += 4
    _note(canvas, f"Posted {_when(comment.get('created_time'))}", x + 16)
    _more(canvas, left_out, x + 16, "text")
    _legend(canvas, classification, x + 16, highlighted=any(s < e for s, e in spans))
    _media(canvas, _list(content.get("media")), x)
    canvas.y += 14
    frame = (MARGIN + indent, top, WIDTH - MARGIN, canvas.y)
    canvas.behind(at, _Rect(frame, PINK, RED, 3, 6))
    canvas.y += 16


def _spans(value: Any) -> list[tuple[int, int]]:
    """Well-formed [start, end, ...] spans; anything else is ignored (the JSON keeps it)."""
    spans = []
    for span in _list(value):
        if isinstance(span, list | tuple) and len(span) >= 2:
            start, end = span[0], span[1]
            if isinstance(start, int) and isinstance(end, int) and start < end:
                spans.append((start, end))
    return spans


def _legend(canvas: _Canvas, classification: dict[str, Any], x: int, highlighted: bool) -> None:
    if not highlighted:
        return
    labels = []
    for span in _list(classification.get("spans")):
        if isinstance(span, list | tuple) and len(span) >= 3 and _safe(span[2]) not in labels:
            labels.append(_safe(span[2]))
    what = f" ({', '.join(labels)})" if labels else ""
    key = "Highlighted like this"
    _note(canvas, f"{key}: the text the classifier flagged{what}", x, spans=[(0, len(key))])


def _media(canvas: _Canvas, media: list[Any], x: int) -> None:
    entries = [m for m in media if isinstance(m, dict)]
    for entry in entries[:MEDIA]:
        canvas.y += 8
        top, at = canvas.y, len(canvas.ops)
        canvas.y += 10
        _note(canvas, _attachment(entry), x + 16, PLAIN)
        canvas.y += 10
        canvas.behind(at, _Rect((x, top, WIDTH - MARGIN - 14, canvas.y), MEDIA_BOX, GREY, 1, 4))
    if len(entries) > MEDIA:
        _note(canvas, f"{len(entries) - MEDIA} more attachments are listed in snapshot.json", x)


def _attachment(entry: dict[str, Any]) -> str:
    kind = _safe(entry.get("type")) or "attachment"
    reason = _safe(entry.get("reason")) or "no reason recorded"
    status = _str(entry.get("status"))
    if status == "stored":
        digest = _safe(entry.get("sha256"))[:16]
        return f"Attachment ({kind}) stored as {_safe(entry.get('file'))}, SHA-256 {digest}…"
    if status == "withheld":
        return f"Attachment ({kind}) NOT downloaded or stored: {reason}"
    if status == "failed":
        return f"Attachment ({kind}) could not be downloaded: {reason}"
    return f"Attachment ({kind}), status {_safe(status) or 'not recorded'}"


def _footer(canvas: _Canvas, content: dict[str, Any], sha256: str) -> None:
    classification = _dict(content.get("classification"))
    comment = _dict(content.get("comment"))
    _heading(canvas, "RECORD")
    categories = ", ".join(_safe(c) for c in _list(classification.get("categories")))
    model = f"{_safe(classification.get('model'))} {_safe(classification.get('version'))}".strip()
    _field(canvas, "Categories", categories or "none recorded")
    _field(canvas, "Classifier", model or "not recorded")
    _field(canvas, "Comment id", _safe(comment.get("id")) or "not recorded")
    _field(canvas, "Author id", _safe(_dict(comment.get("author")).get("id")) or "not recorded")
    canvas.y += 4
    of = "Redacted view of snapshot" if content.get(REDACTED) else "Snapshot"
    _note(canvas, f"{of} SHA-256: {_safe(sha256)}", MARGIN, PLAIN)
    corrects = _dict(content.get("corrects"))
    if corrects:
        digest = _safe(corrects.get("sha256"))[:16]
        _note(
            canvas,
            f"Corrects snapshot {_safe(corrects.get('snapshot_id'))} (sha {digest}…): "
            f"{_safe(corrects.get('reason')) or 'no reason recorded'}",
            MARGIN,
            PLAIN,
        )
