"""Undo common evasions of word filters while remembering where each character came from.

:func:`normalise` turns ``"f.u.c.k"``, ``"sh1t"``, ``"b!tch"``, ``"fuuuuck"``, fullwidth or
accented letters and words split by zero-width spaces into plain lowercase words that a
lexicon can match, and returns an offset map so that every match can be reported against
the *original* text.

The steps, in order (each is linear in the length of the text):

1. fold each character: drop format characters (zero-width spaces and joiners, soft hyphens,
   BOM), read emoji letters (🅵🆄🅲🅺, 🇫🇺🇨🇰) as letters and the few emoji that stand for a word
   (💩, 🔪) as that word, NFKC (fullwidth and mathematical letters), casefold, strip
   combining marks (accents) and map Cyrillic/Greek look-alikes to Latin;
2. undo leetspeak *inside words only* (``sh1t``, ``tw@t``, ``a$$``), leaving numbers,
   ordinals and times (``Year 6``, ``07700 900781``, ``1st``, ``10am``), UK postcodes and
   email addresses untouched; ``*`` is kept as a one-letter wildcard for the lexicon;
3. join three or more spaced-out single letters (``p r i c k``, ``f.u.c.k``, ``f-u-c-k``);
4. collapse runs of three or more identical letters to two (``fuuuuck`` -> ``fuuck``), so
   ordinary doubles (``cool``, ``good``) survive.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_MARKS = frozenset({"Mn", "Me"})  # combining accents, variation selectors, enclosing marks

#: Cyrillic and Greek lowercase letters that render like Latin ones, plus curly apostrophes.
_HOMOGLYPHS = str.maketrans(
    {
        "\u0430": "a",
        "\u0432": "b",
        "\u0435": "e",
        "\u0451": "e",
        "\u043a": "k",
        "\u043c": "m",
        "\u043d": "h",
        "\u043e": "o",
        "\u0440": "p",
        "\u0441": "c",
        "\u0442": "t",
        "\u0443": "y",
        "\u0445": "x",
        "\u0456": "i",
        "\u0457": "i",
        "\u0458": "j",
        "\u0455": "s",
        "\u0501": "d",
        "\u04bb": "h",
        "\u04cf": "l",
        "\u051b": "q",
        "\u051d": "w",
        "\u04af": "y",
        "\u03b1": "a",
        "\u03b2": "b",
        "\u03b5": "e",
        "\u03b7": "n",
        "\u03b9": "i",
        "\u03ba": "k",
        "\u03bd": "v",
        "\u03bf": "o",
        "\u03c1": "p",
        "\u03c4": "t",
        "\u03c5": "u",
        "\u03c7": "x",
        "\u03c9": "w",
        "\u03b3": "y",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
    }
)

#: Emoji that stand for a word, read as that word (padded with spaces so it stands alone).
#: Only signs with one clear meaning in abuse are listed; hearts, claps and fire stay emoji,
#: and the middle finger is a lexicon term of its own.
_EMOJI_WORDS: dict[str, str] = {
    "\U0001f4a9": " shit ",  # pile of poo
    "\U0001f52a": " knife ",  # hocho
    "\U0001f5e1": " knife ",  # dagger
    "\U0001f52b": " gun ",  # pistol
    "\U0001f4a3": " bomb ",
    "\U0001f346": " penis ",  # aubergine
}


def _emoji_letter(char: str) -> str | None:
    """The Latin letter an emoji letter stands for: regional indicators (🇦), negative circled
    (🅐) and negative squared (🅰) capitals, which NFKC leaves alone."""
    code = ord(char)
    for first in (0x1F1E6, 0x1F150, 0x1F170):
        if first <= code < first + 26:
            return chr(ord("a") + code - first)
    return None


_LETTER = r"[^\W\d_]"
_LEET = str.maketrans("013457@$!|", "oieastasil")
_UNIT_SUFFIX = r"(?:st|nd|rd|th|am|pm|s|k|m|x|p|d|g|kg|km|cm|mm|ml)\b"
_POSTCODE = r"\b[a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2}\b"
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_LEET_RE = re.compile(
    rf"(?P<keep>{_POSTCODE}|{_EMAIL})"
    rf"|(?<={_LETTER})[013457@$!|]+(?={_LETTER})"  # inside a word: sh1t, tw@t, a55hole
    rf"|(?<![\w@$!|])(?:\$+|[013457](?!{_UNIT_SUFFIX}))(?={_LETTER})"  # word start: $hit, 5hit
    rf"|(?<={_LETTER})[$|]+(?![\w@$!|*])"  # word end: a$$, ki||
)

_SINGLE = rf"(?:{_LETTER}|\*)(?![^\W_]|\*)"  # a letter (or wildcard) standing alone
_SPACER = r"[ \t.\-_/~\u00b7\u2022]{1,3}"  # between spaced-out letters: f u c k, f.u.c.k, f-u-c-k
_SPACED_RE = re.compile(  # an article before them stays a word: "what a p r i c k"
    rf"(?<![^\W_]|\*)(?P<article>a\s+)?{_SINGLE}(?:{_SPACER}{_SINGLE}){{2,}}"
)
_GAP_RE = re.compile(r"[^\w*]+")
_REPEAT_RE = re.compile(rf"({_LETTER})\1{{2,}}")


@dataclass(frozen=True)
class Normalised:
    """Normalised text plus, for each of its characters, the index it came from."""

    text: str
    offsets: tuple[int, ...]  #: ``offsets[i]`` is the original index of ``text[i]``

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` to the ``[start, end)`` it covers originally."""
        size = len(self.offsets)
        start = min(max(start, 0), size)
        end = min(max(end, start), size)
        if start < end:
            return self.offsets[start], self.offsets[end - 1] + 1
        if start < size:
            return self.offsets[start], self.offsets[start]
        after = self.offsets[-1] + 1 if self.offsets else 0
        return after, after


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for lexicon matching; never raises, runs in linear time."""
    folded, offsets = _fold(text)
    folded = _LEET_RE.sub(_unleet, folded)
    folded, offsets = _drop(folded, offsets, _spaced_separators(folded))
    folded, offsets = _drop(folded, offsets, _surplus_repeats(folded))
    return Normalised(folded, tuple(offsets))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Fold one non-ASCII character to zero or more lowercase, accent-free characters."""
    if unicodedata.category(char) == "Cf":  # zero-width space/joiners, soft hyphen, BOM
        return ""
    if char in _EMOJI_WORDS:
        return _EMOJI_WORDS[char]
    letter = _emoji_letter(char)
    if letter is not None:
        return letter
    folded = unicodedata.normalize("NFKC", char).casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    bases = "".join(c for c in decomposed if unicodedata.category(c) not in _MARKS)
    if len(bases) < len(decomposed):  # only when accents were removed: keeps Hangul composed
        folded = bases
    return folded.translate(_HOMOGLYPHS)


def _fold(text: str) -> tuple[str, list[int]]:
    """Apply :func:`_fold_char` to every character, recording each output's source index."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() else _fold_char(char)
        chars.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(chars), offsets


def _unleet(match: re.Match[str]) -> str:
    """Translate one leetspeak run back to letters (protected text is returned as is)."""
    if match.group("keep") is not None:
        return match.group()
    return match.group().translate(_LEET)


def _spaced_separators(text: str) -> Iterable[int]:
    """Yield the indices of the separators between spaced-out single letters.

    A gap wider than the narrowest gap in the run is a word break and keeps one character:
    ``f a i r   i s   a   p r i c k`` reads ``fair is a prick``.
    """
    for match in _SPACED_RE.finditer(text):
        first = match.end("article") if match["article"] else match.start()
        gaps = [
            (m.start() + first, m.end() + first)
            for m in _GAP_RE.finditer(text[first : match.end()])
        ]
        narrowest = min((end - start for start, end in gaps), default=0)
        for start, end in gaps:
            yield from range(start + 1 if end - start > narrowest else start, end)


def _surplus_repeats(text: str) -> Iterable[int]:
    """Yield the indices of the third and later letters of each run of one letter."""
    for match in _REPEAT_RE.finditer(text):
        yield from range(match.start() + 2, match.end())


def _drop(text: str, offsets: list[int], indices: Iterable[int]) -> tuple[str, list[int]]:
    """Remove the characters at ``indices`` from ``text`` and from its offset map."""
    dropped = set(indices)
    if not dropped:
        return text, offsets
    kept = [index for index in range(len(text)) if index not in dropped]
    return "".join(text[index] for index in kept), [offsets[index] for index in kept]
