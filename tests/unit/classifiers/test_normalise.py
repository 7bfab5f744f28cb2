"""Unit tests for classifiers.normalise: evasions undone, numbers kept, offsets exact."""

from __future__ import annotations

import pytest

from classifiers.normalise import Normalised, normalise

EVASIONS = [
    ("sh1t", "shit"),
    ("f*ck", "f*ck"),  # '*' survives as the lexicon's one-letter wildcard
    ("b!tch", "bitch"),
    ("k1ll", "kill"),
    ("tw@ts", "twats"),
    ("a$$hole", "asshole"),
    ("$hit", "shit"),
    ("5hit", "shit"),
    ("1diot", "idiot"),
    ("ki||", "kill"),
    ("p r i c k", "prick"),
    ("f.u.c.k", "fuck"),
    ("f-u-c-k", "fuck"),
    ("F . U . C . K", "fuck"),
    ("fuuuuck", "fuuck"),
    ("SHIT", "shit"),
    ("fu\u200bck", "fuck"),  # zero-width space
    ("fu\u200d\u2060ck", "fuck"),  # zero-width joiner, word joiner
    ("fu\u00ad\ufeffck", "fuck"),  # soft hyphen, BOM
    ("\u0441unt", "cunt"),  # Cyrillic es
    ("b\u0456t\u0441h", "bitch"),  # Cyrillic i and es
    ("sh\u03b9t", "shit"),  # Greek iota
    ("\uff46\uff55\uff43\uff4b", "fuck"),  # fullwidth
    ("\U0001d41f\U0001d42e\U0001d41c\U0001d424", "fuck"),  # mathematical bold
    ("f\u00fcck", "fuck"),  # precomposed accent
    ("fu\u0308ck", "fuck"),  # combining accent
]

UNCHANGED = [
    "07700 900781",
    "+44 7700 900781",
    "number 22",
    "year 6",
    "5 park view",
    "flat 4, 10 high street",
    "1st 2nd 3rd 4th",
    "10am until 5pm",
    "y6 ks2 p7",
    "sw1a 1aa",
    "b33 8th",
    "john.smith1@school.org.uk",
    "@sarah_jones",
    "cool good 22 years",
    "great work!!! well done!",
    "a b",  # two single letters are not joined
    "i am a gay muslim woman",
    "\U0001f480\U0001f44f \U0001f602\U0001f602\U0001f602",  # skull, clap, laughing: no word
    "",
]


@pytest.mark.parametrize(("text", "expected"), EVASIONS)
def test_evasions_are_undone(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_numbers_contacts_and_plain_text_are_unchanged(text: str) -> None:
    assert normalise(text).text == text


def test_numbers_keep_their_digits_when_uppercase_text_is_lowered() -> None:
    assert normalise("Call 07700 900781 or visit 5 Park View, Year 6").text == (
        "call 07700 900781 or visit 5 park view, year 6"
    )


def test_long_runs_collapse_to_two_so_doubles_survive() -> None:
    assert normalise("coooool gooood").text == "cool good"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("what a p r i c k", "what a prick"), ("a s s", "ass"), ("i d i o t", "idiot")],
)
def test_an_article_before_spaced_letters_stays_a_word(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize(("text", "_expected"), EVASIONS)
def test_whole_text_maps_back_to_whole_original(text: str, _expected: str) -> None:
    norm = normalise(text)
    assert norm.span_to_original(0, len(norm.text)) == (0, len(text))


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("Oh f.u.c.k off", "fuck", "f.u.c.k"),
        ("you \uff54\uff57\uff41\uff54!", "twat", "\uff54\uff57\uff41\uff54"),
        ("what a pr\u200bick", "prick", "pr\u200bick"),
        ("\u00e9t\u00e9 sh1t", "shit", "sh1t"),
        ("\U0001f602 b\u0456tch", "bitch", "b\u0456tch"),
    ],
)
def test_offsets_map_a_word_back_to_its_exact_original(text: str, word: str, original: str) -> None:
    norm = normalise(text)
    start = norm.text.index(word)
    begin, end = norm.span_to_original(start, start + len(word))
    assert text[begin:end] == original


def test_offsets_are_one_per_character_and_non_decreasing() -> None:
    norm = normalise("A\u0301 f.u.c.k \ufb01 \u00df sh1t fuuuuck \u200b!")
    assert len(norm.offsets) == len(norm.text)
    assert list(norm.offsets) == sorted(norm.offsets)


def test_expanding_characters_share_their_original_index() -> None:
    norm = normalise("\ufb01ne")  # the "fi" ligature
    assert norm.text == "fine"
    assert norm.span_to_original(0, 1) == (0, 1)
    assert norm.span_to_original(0, 2) == (0, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(1, 1, (1, 1)), (3, 3, (3, 3)), (2, 1, (2, 2)), (-5, 99, (0, 3))],
)
def test_span_to_original_handles_empty_and_out_of_range_spans(
    start: int, end: int, expected: tuple[int, int]
) -> None:
    assert normalise("abc").span_to_original(start, end) == expected


def test_span_to_original_on_empty_text() -> None:
    assert Normalised("", ()).span_to_original(0, 0) == (0, 0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\ud800",
        "a\udfffb",
        "\u0301\u0301\u0301",
        "\x00\x07\n\t",
        "".join(map(chr, range(0x3000))),
        "\u1100\u1161\uac00 \u0928\u092e\u0938\u094d\u0924\u0947 \u0645\u0631\u062d\u0628\u0627",
    ],
)
def test_never_raises(text: str) -> None:
    norm = normalise(text)
    assert len(norm.offsets) == len(norm.text)


@pytest.mark.parametrize(
    "chunk", ["Well done Year 6! ", "f.u.c.k ", "sh1t ", "a", "1", "*", "a1", "@", "\u0441", "ab "]
)
def test_handles_100kb_inputs(chunk: str) -> None:
    text = chunk * (100_000 // len(chunk))
    norm = normalise(text)
    assert len(norm.offsets) == len(norm.text) > 0


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("🅵🆄🅲🅺 off", "fuck off"),
        ("🅕🅤🅒🅚 off", "fuck off"),
        ("🇫🇺🇨🇰 this", "fuck this"),
        ("this school is 💩", "shit"),
        ("I will 🔪 you", "knife you"),
    ],
)
def test_emoji_letters_and_word_emoji(text: str, word: str) -> None:
    result = normalise(text)
    assert word in " ".join(result.text.split())
    start = result.text.index(word.split()[0])
    original = result.span_to_original(start, start + len(word.split()[0]))
    assert original[0] < original[1] and not text[original[0] : original[1]].isascii()


def test_ordinary_emoji_stay_as_they_are() -> None:
    assert normalise("👏👏🔥 well done ❤️").text.startswith("👏👏🔥 well done")
