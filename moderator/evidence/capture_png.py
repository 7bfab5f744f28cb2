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

``capture_sections`` says what is drawn, ``capture_text`` lays it out; this module paints and
encodes it.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from PIL import Image, ImageColor

from moderator.evidence.capture_sections import layout
from moderator.evidence.capture_text import BACKGROUNDS, INKS, RULE, Text


def render(content: dict[str, Any], sha256: str) -> bytes:
    """The capture image of a parsed evidence snapshot whose hash is ``sha256``, as PNG bytes."""
    return _encode(layout(content, sha256).paint())


def drawn_text(content: dict[str, Any], sha256: str) -> list[str]:
    """Every line of text :func:`render` draws for ``content``, top to bottom: what the image
    says, readable without OCR."""
    return [op.text for op in layout(content, sha256).ops if isinstance(op, Text)]


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
    colours = [_blend(c, c, 0) for c in (*BACKGROUNDS, *INKS, RULE)]
    for back in BACKGROUNDS:
        for ink in INKS:
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
