"""Is a comment in English? The bundled model reads English only.

A word the English WordPiece vocabulary holds whole is very likely English; a word it has to
split into pieces is a name, slang, a typo or another language. A comment in which fewer than
:data:`MIN_ENGLISH_SHARE` of the words (of :data:`MIN_WORDS` or more) are whole English words,
and not one is an English function word, is treated as not English: the model's scores for
it are noise (it read French as 99% toxic), so the bundled classifier leaves such comments to
the lexicon and the rules.
"""

from __future__ import annotations

import re
from collections.abc import Container

MIN_WORDS = 3
MIN_ENGLISH_SHARE = 0.5
_WORD = re.compile(r"[^\W\d_]+")
#: English function words that other languages written in Latin letters rarely use as words.
#: One of them is enough to call a comment English (abusive slang is often not in the
#: vocabulary, "gays are perverts", but its grammar is).
_FUNCTION_WORDS = """
the is are was were be been you your yours he she it its we they them their our my his
her this that these those what who which when where why how and but or not with from for
of at by about into than then there here have has had will would should could can can't
don't won't isn't i i'm im u ur ya just get got all any some
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def english_share(text: str, vocabulary: Container[str]) -> float | None:
    """The share of ``text``'s words that ``vocabulary`` holds whole; None when too short.

    Text written mostly in another script (Arabic, Chinese, Cyrillic...) scores 0 whatever its
    length, since such scripts need not put spaces between words.
    """
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isascii() for c in letters) < len(letters) / 2:
        return 0.0
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    return sum(word in vocabulary for word in words) / len(words)


def is_english(text: str, vocabulary: Container[str]) -> bool:
    """True unless the comment is long enough to tell, mostly not English words, and without
    a single English function word."""
    share = english_share(text, vocabulary)
    if share is None or share >= MIN_ENGLISH_SHARE:
        return True
    return share > 0.0 and any(word in FUNCTION_WORDS for word in _WORD.findall(text.lower()))
