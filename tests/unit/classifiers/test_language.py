"""The English check used by the bundled model."""

from __future__ import annotations

import pytest

from classifiers import language

_WORDS = "the a is are you and school was lovely great thank for kids user http i am of to gays"
VOCABULARY = frozenset(_WORDS.split())


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("thank you for a lovely school trip", True),
        ("you are a great kids school", True),
        ("hi", True),  # too short to tell: treated as English
        ("gays are zzzz yyyy", True),  # mostly unknown words, but English grammar
        ("Merci pour le spectacle magnifique", False),
        ("Wszystkiego najlepszego dla całej klasy", False),
        ("学校的音乐会很精彩", False),  # another script, however short
        ("مدرسة رائعة", False),
    ],
)
def test_is_english(text: str, english: bool) -> None:
    assert language.is_english(text, VOCABULARY) is english


def test_english_share_counts_whole_words() -> None:
    assert language.english_share("the school was zzzz", VOCABULARY) == pytest.approx(0.75)
    assert language.english_share("", VOCABULARY) is None
