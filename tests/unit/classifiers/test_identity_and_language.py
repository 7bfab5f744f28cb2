"""Identity-term neutralisation and the English check used by the bundled model."""

from __future__ import annotations

import pytest

from classifiers import identity, language

_WORDS = "the a is are you and school was lovely great thank for kids user http i am of to gays"
VOCABULARY = frozenset(_WORDS.split())


@pytest.mark.parametrize(
    ("text", "neutral"),
    [
        ("I am a gay Muslim woman", "I am a local local local"),
        ("Happy Eid", "Happy local"),
        ("Black History Month assembly", "local assembly"),
        ("all immigrants are thieves", "all local are thieves"),
    ],
)
def test_neutralise(text: str, neutral: str) -> None:
    assert identity.has_identity_terms(text)
    assert identity.neutralise(text) == neutral


def test_words_containing_identity_terms_are_left_alone() -> None:
    for text in ("Blackpool trip", "a whiteboard", "the Gayton road", "transport", "menu"):
        assert not identity.has_identity_terms(text), text


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
