"""The typeface the capture image and the report are drawn in, and text made safe to draw.

DejaVu Sans (Debian's ``fonts-dejavu-core``) covers Latin, Greek, Cyrillic and many symbols;
where it is missing, Bitstream Vera from reportlab's own files is used. A character the font
cannot draw, and any invisible control or formatting character (a right-to-left override could
make text read differently from what was posted), is shown as ``[U+XXXX]`` so nothing in the
evidence is silently lost or disguised. The JSON in the bundle keeps the exact text.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab.pdfbase.ttfonts import TTFontFile

_DEJAVU_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)
_VERA = Path(reportlab.__file__).parent / "fonts"

#: Characters kept as they are even though they are "control" characters.
_KEPT = {"\n", "\t"}


@dataclass(frozen=True)
class Face:
    """A regular and a bold TrueType file and the characters the regular one can draw."""

    regular: Path
    bold: Path
    name: str
    chars: frozenset[int]

    def printable(self, text: str) -> str:
        """``text`` with what cannot or should not be drawn written as ``[U+XXXX]``."""
        out = []
        for ch in text:
            if ch in _KEPT:
                out.append(ch)
            elif unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}:
                out.append(f"[U+{ord(ch):04X}]")
            elif ord(ch) in self.chars:
                out.append(ch)
            else:
                out.append(f"[U+{ord(ch):04X}]")
        return "".join(out)


@functools.cache
def face() -> Face:
    """DejaVu Sans when the system has it (``MODERATOR_EVIDENCE_FONT_DIR`` can point elsewhere),
    else reportlab's Vera."""
    dirs = (
        [os.environ["MODERATOR_EVIDENCE_FONT_DIR"]]
        if "MODERATOR_EVIDENCE_FONT_DIR" in os.environ
        else []
    )
    for directory in (*dirs, *_DEJAVU_DIRS):
        regular = Path(directory) / "DejaVuSans.ttf"
        bold = Path(directory) / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return _load(regular, bold, "DejaVuSans")
    return _load(_VERA / "Vera.ttf", _VERA / "VeraBd.ttf", "Vera")


def _load(regular: Path, bold: Path, name: str) -> Face:
    chars = frozenset(TTFontFile(str(regular)).charToGlyph)
    return Face(regular=regular, bold=bold, name=name, chars=chars)
