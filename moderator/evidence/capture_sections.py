"""What the capture image shows, top to bottom, read from a parsed evidence snapshot.

:func:`layout` records the header (school, platform, address, times), the red warnings of an
indecent-image risk or a redacted view, the post, the thread around the flagged comment (boxed
in red, the flagged characters on yellow, its attachments listed, never drawn) and the record
(classification, ids, the snapshot's SHA-256) on a ``capture_text.Canvas``. The snapshot is read
defensively: older snapshots lack keys, and nothing here may fail on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moderator.evidence import fonts, times
from moderator.evidence.capture_text import (
    BAND,
    BODY,
    BUBBLE,
    GREY,
    INK,
    MARGIN,
    MEDIA_BOX,
    NAVY,
    PINK,
    PLAIN,
    RED,
    RULE,
    SMALL,
    TITLE,
    WIDTH,
    Canvas,
    Rect,
    Style,
    Text,
    load_font,
    more,
    note,
    paragraph,
)

LABEL_WIDTH = 150
REPLY_INDENT = 40

COMMENT_CHARS, COMMENT_LINES = 3000, 60
ENTRY_CHARS, ENTRY_LINES = 400, 6
POST_CHARS, POST_LINES = 500, 4
AROUND = 5  #: thread entries drawn before and after the flagged comment
MEDIA = 10

_OWNERS = {"facebook": "(the Page itself)", "instagram": "(the account itself)"}
_PLATFORMS = {"facebook": "Facebook", "instagram": "Instagram", "file": "File import"}
#: The key of a redacted view's content (``moderator.review.visibility.MARK``): drawn as such.
REDACTED = "redacted_view"


def layout(content: dict[str, Any], sha256: str) -> Canvas:
    """Every drawing operation of the capture image of ``content``, top to bottom."""
    canvas = Canvas(y=MARGIN)
    _header(canvas, content)
    if content.get(REDACTED):
        _redacted(canvas, _dict(content.get(REDACTED)))
    if content.get("indecent_image_risk"):
        _warning(canvas)
    _post(canvas, _dict(content.get("post")))
    _thread(canvas, content)
    _footer(canvas, content, sha256)
    return canvas


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


# Sections, top to bottom.


def _header(canvas: Canvas, content: dict[str, Any]) -> None:
    top, at = canvas.y, len(canvas.ops)
    canvas.y += 14
    x = MARGIN + 22
    title = "REDACTED VIEW" if content.get(REDACTED) else "EVIDENCE CAPTURE"
    note(
        canvas,
        f"{title} - drawn from the recorded data, not a screenshot",
        x,
        Style(TITLE, bold=True, fill=NAVY),
    )
    note(
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
    canvas.behind(at, Rect((MARGIN, top, MARGIN + 7, canvas.y), NAVY))
    canvas.behind(at, Rect((MARGIN, top, WIDTH - MARGIN, canvas.y), BAND))
    canvas.y += 18


def _address(content: dict[str, Any]) -> str:
    comment = _dict(content.get("comment"))
    post = _dict(content.get("post"))
    for value in (content.get("address"), comment.get("permalink"), post.get("permalink")):
        if value:
            return _str(value)
    return ""


def _field(canvas: Canvas, label: str, value: str, x: int = MARGIN) -> None:
    """``Label:`` in bold and its value wrapped beside it (URLs break between characters)."""
    canvas.ops.append(Text((x, canvas.y + 3), f"{label}:", load_font(BODY, True), INK))
    value_x = x + LABEL_WIDTH
    paragraph(canvas, value, value_x, WIDTH - MARGIN - 16 - value_x, PLAIN, (2000, 8))


def _warning(canvas: Canvas) -> None:
    """The indecent-image instruction, in red, before anything else is read."""
    top, at = canvas.y, len(canvas.ops)
    canvas.y += 12
    style = Style(BODY, bold=True, fill=RED)
    note(
        canvas,
        "Possible indecent image of a child: do not view, copy or share.",
        MARGIN + 22,
        style,
    )
    note(canvas, "Refer to the DSL and the police.", MARGIN + 22, style)
    canvas.y += 12
    canvas.behind(at, Rect((MARGIN, top, MARGIN + 7, canvas.y), RED))
    canvas.behind(at, Rect((MARGIN, top, WIDTH - MARGIN, canvas.y), PINK))
    canvas.y += 18


def _redacted(canvas: Canvas, mark: dict[str, Any]) -> None:
    """What a redacted view is, in red, before the comments (our words, not the snapshot's)."""
    top, at = canvas.y, len(canvas.ops)
    canvas.y += 12
    x = MARGIN + 22
    note(canvas, "Redacted view: not the sealed capture", x, Style(BODY, bold=True, fill=RED))
    note(canvas, _safe(mark.get("note")), x, Style(SMALL, fill=INK))
    canvas.y += 12
    canvas.behind(at, Rect((MARGIN, top, MARGIN + 7, canvas.y), RED))
    canvas.behind(at, Rect((MARGIN, top, WIDTH - MARGIN, canvas.y), PINK))
    canvas.y += 18


def _heading(canvas: Canvas, text: str) -> None:
    canvas.ops.append(Rect((MARGIN, canvas.y, WIDTH - MARGIN, canvas.y + 1), RULE))
    canvas.y += 10
    note(canvas, text, MARGIN, Style(SMALL, bold=True, fill=GREY))
    canvas.y += 6


def _post(canvas: Canvas, post: dict[str, Any]) -> None:
    _heading(canvas, "THE POST")
    if not post:
        note(canvas, "The post was not recorded in this snapshot.")
        canvas.y += 16
        return
    note(canvas, f"Posted {_when(post.get('created_time'))}")
    message = _str(post.get("message"))
    if not message:
        note(canvas, "(no text recorded for the post)")
    limits = (POST_CHARS, POST_LINES)
    left_out = (
        paragraph(canvas, message, MARGIN, WIDTH - 2 * MARGIN, PLAIN, limits) if message else 0
    )
    if left_out:
        note(canvas, f"… post shortened here ({left_out:,} more characters in snapshot.json)")
    canvas.y += 16


def _thread(canvas: Canvas, content: dict[str, Any]) -> None:
    thread = _dict(content.get("thread"))
    comment = _dict(content.get("comment"))
    entries = [e for e in _list(thread.get("before")) if isinstance(e, dict)]
    later = [e for e in _list(thread.get("after")) if isinstance(e, dict)]
    parent = _dict(thread.get("parent"))
    owner = _OWNERS.get(_str(_dict(content.get("source")).get("platform")), _OWNERS["facebook"])
    _heading(canvas, "THE COMMENTS, AS RECORDED AT CAPTURE")
    if parent:
        note(canvas, "The comment the flagged comment replies to:")
        _entry(canvas, parent, 0, owner)
    if len(entries) > AROUND:
        note(canvas, f"{len(entries) - AROUND} earlier comments are in snapshot.json, not drawn")
    for entry in entries[-AROUND:]:
        _entry(canvas, entry, _indent(entry), owner)
    _flagged(canvas, content, REPLY_INDENT if comment.get("parent_id") else 0)
    for entry in later[:AROUND]:
        _entry(canvas, entry, _indent(entry), owner)
    if len(later) > AROUND:
        note(canvas, f"{len(later) - AROUND} later comments are in snapshot.json, not drawn")
    canvas.y += 6


def _indent(entry: dict[str, Any]) -> int:
    """Replies are indented when the snapshot says they are replies."""
    return REPLY_INDENT if entry.get("parent_id") else 0


def _author(name: Any, owner: str | None = None) -> str:
    """The name as recorded, and whether it was the Page or account itself (``owner``)."""
    shown = _safe(name) or "unknown author"
    return f"{shown} {owner}" if owner else shown


def _bubble(
    canvas: Canvas,
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
    paragraph(canvas, author, inner, width, Style(bold=True), (200, 2))
    left_out = 0
    if text:
        left_out = paragraph(canvas, text, inner, width, PLAIN, limits, spans)
    else:
        note(canvas, "(no text recorded)", inner)
    canvas.y += 10
    canvas.behind(at, Rect((left, top, right, canvas.y), BUBBLE, radius=14))
    return left_out


def _entry(canvas: Canvas, entry: dict[str, Any], indent: int, owner: str) -> None:
    x = MARGIN + indent
    author = _author(entry.get("author"), owner if entry.get("by_owner") else None)
    text = _str(entry.get("text"))
    left_out = _bubble(canvas, author, text, (x, WIDTH - MARGIN), (ENTRY_CHARS, ENTRY_LINES))
    canvas.y += 4
    note(canvas, _when(entry.get("created_time")), x + 16)
    more(canvas, left_out, x + 16, "comment")
    canvas.y += 12


def _flagged(canvas: Canvas, content: dict[str, Any], indent: int) -> None:
    comment = _dict(content.get("comment"))
    classification = _dict(content.get("classification"))
    spans = _spans(classification.get("spans"))
    top, at = canvas.y, len(canvas.ops)
    x = MARGIN + indent + 14
    canvas.y += 12
    note(canvas, "FLAGGED COMMENT", x, Style(BODY, bold=True, fill=RED))
    canvas.y += 4
    author = _author(_dict(comment.get("author")).get("name"))
    text = _str(comment.get("text"))
    box = (x, WIDTH - MARGIN - 14)
    left_out = _bubble(canvas, author, text, box, (COMMENT_CHARS, COMMENT_LINES), spans)
    canvas.y += 4
    note(canvas, f"Posted {_when(comment.get('created_time'))}", x + 16)
    more(canvas, left_out, x + 16, "text")
    _legend(canvas, classification, x + 16, highlighted=any(s < e for s, e in spans))
    _media(canvas, _list(content.get("media")), x)
    canvas.y += 14
    frame = (MARGIN + indent, top, WIDTH - MARGIN, canvas.y)
    canvas.behind(at, Rect(frame, PINK, RED, 3, 6))
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


def _legend(canvas: Canvas, classification: dict[str, Any], x: int, highlighted: bool) -> None:
    if not highlighted:
        return
    labels = []
    for span in _list(classification.get("spans")):
        if isinstance(span, list | tuple) and len(span) >= 3 and _safe(span[2]) not in labels:
            labels.append(_safe(span[2]))
    what = f" ({', '.join(labels)})" if labels else ""
    key = "Highlighted like this"
    note(canvas, f"{key}: the text the classifier flagged{what}", x, spans=[(0, len(key))])


def _media(canvas: Canvas, media: list[Any], x: int) -> None:
    entries = [m for m in media if isinstance(m, dict)]
    for entry in entries[:MEDIA]:
        canvas.y += 8
        top, at = canvas.y, len(canvas.ops)
        canvas.y += 10
        note(canvas, _attachment(entry), x + 16, PLAIN)
        canvas.y += 10
        canvas.behind(at, Rect((x, top, WIDTH - MARGIN - 14, canvas.y), MEDIA_BOX, GREY, 1, 4))
    if len(entries) > MEDIA:
        note(canvas, f"{len(entries) - MEDIA} more attachments are listed in snapshot.json", x)


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


def _footer(canvas: Canvas, content: dict[str, Any], sha256: str) -> None:
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
    note(canvas, f"{of} SHA-256: {_safe(sha256)}", MARGIN, PLAIN)
    corrects = _dict(content.get("corrects"))
    if corrects:
        digest = _safe(corrects.get("sha256"))[:16]
        note(
            canvas,
            f"Corrects snapshot {_safe(corrects.get('snapshot_id'))} (sha {digest}…): "
            f"{_safe(corrects.get('reason')) or 'no reason recorded'}",
            MARGIN,
            PLAIN,
        )
