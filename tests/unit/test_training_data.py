"""Tests for scripts/training_data.py on tiny fake files in each dataset's real format."""

from __future__ import annotations

import builtins
import io
import json
from pathlib import Path

import pytest

from scripts import training_data as td
from scripts.training_data import Example, LoadStats
from tests.training_files import (
    DAVIDSON,
    JIGSAW,
    spans_root,
    write,
)

SHARED = "/work/shared"


@pytest.fixture(autouse=True)
def _never_read_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a file under /work/shared (the real datasets)."""
    real_open = builtins.open

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if str(file).startswith(SHARED):
            raise AssertionError(f"test read the shared datasets: {file}")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)


def by_text(examples: list[Example]) -> dict[str, dict[str, float]]:
    return {e.text: e.labels for e in examples}


# --- OLID -------------------------------------------------------------------------------------

OLID_ROWS = [
    "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c",
    "11111\t@USER You are a total clown URL\tOFF\tTIN\tIND",
    "22222\tWhat a lovely day for a walk &amp; a picnic\tNOT\tNULL\tNULL",
    "33333\t@USER @USER Damn this weather\tOFF\tUNT\tNULL",
    '44444\t"@USER those people are ""the worst"" ever"\tOFF\tTIN\tGRP',
    "55555\tbroken row with too few fields\tOFF",
    "66666\tunknown label here\tMAYBE\tNULL\tNULL",
]


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_olid_mapping_and_line_endings(tmp_path: Path, ending: str) -> None:
    write(tmp_path, td.OLID_FILE, ending.join(OLID_ROWS) + ending)
    stats = LoadStats()
    labels = by_text(td.load_olid(tmp_path, stats))
    assert labels["@user You are a total clown http"] == {"toxicity": 1.0, "insult": 1.0}
    assert labels["What a lovely day for a walk & a picnic"] == td.ALL_ZERO
    assert labels["@user @user Damn this weather"] == {"toxicity": 1.0, "insult": 0.0}
    assert labels['@user those people are "the worst" ever'] == {"toxicity": 1.0, "insult": 1.0}
    assert (stats.loaded, stats.skipped) == (4, 2)


# --- Davidson ---------------------------------------------------------------------------------


def test_davidson_mapping(tmp_path: Path) -> None:
    write(tmp_path, td.DAVIDSON_FILE, DAVIDSON)
    stats = LoadStats()
    labels = by_text(td.load_davidson(tmp_path, stats))
    assert labels["!!! @user: Tidy your room & take the bins out..."] == td.ALL_ZERO
    assert labels["!!!!! @user: that is a load of crap mate"] == {
        "toxicity": 1.0,
        "identity_attack": 0.0,
    }
    assert labels['!!!!!!!!! @user: "quoted" rude words here'] == {"toxicity": 1.0}
    hateful = "made up hateful tweet about a group \u201cthem\u201d"
    assert labels[hateful] == {"toxicity": 1.0, "identity_attack": 1.0}
    assert (stats.loaded, stats.skipped) == (5, 2)


# --- TRAC-1 -----------------------------------------------------------------------------------


def test_trac1_mapping_malformed_id_and_multiline(tmp_path: Path) -> None:
    train = (
        "facebook_corpus_msr_1,You lot are idiots and should be thrown out,OAG\r\n"
        'facebook_corpus_msr_2,"Nice work, very subtle of them...",CAG\r\n'
        "(Save Kashmir).,Select,NAG\r\n"
        "facebook_corpus_msr_3,only two fields\r\n"
        "facebook_corpus_msr_4,bad label,XYZ\r\n"
    )
    dev = 'facebook_corpus_msr_5,"@siva \nHow is ur day???\n\nHope all fine",NAG\r\n'
    write(tmp_path, td.TRAC1_FILES[0], train)
    write(tmp_path, td.TRAC1_FILES[1], dev)
    stats = LoadStats()
    labels = by_text(td.load_trac1(tmp_path, stats))
    assert labels["You lot are idiots and should be thrown out"] == {"toxicity": 1.0}
    assert labels["Nice work, very subtle of them..."] == {"toxicity": 0.5}
    assert labels["@user How is ur day??? Hope all fine"] == td.ALL_ZERO
    assert (stats.loaded, stats.skipped) == (3, 3)
    assert stats.reasons["malformed row"] == 2


# --- Jigsaw -----------------------------------------------------------------------------------


def test_jigsaw_mapping(tmp_path: Path) -> None:
    write(tmp_path, td.JIGSAW_FILE, JIGSAW)
    stats = LoadStats()
    labels = by_text(td.load_jigsaw_subset(tmp_path, stats))
    assert labels["Thanks for fixing the reference."] == {label: 0.0 for label in td.LABELS[:-1]}
    assert labels["made up rude threatening insult"] == {label: 1.0 for label in td.LABELS[:-1]}
    assert "sexual_explicit" not in labels["made up rude threatening insult"]
    assert (stats.loaded, stats.skipped) == (2, 2)


# --- toxic spans ------------------------------------------------------------------------------


def test_toxic_spans_majority_mapping(tmp_path: Path) -> None:
    stats = LoadStats()
    labels = by_text(td.load_toxic_spans(spans_root(tmp_path), stats))
    assert labels["You're an idiot and a fool."] == {
        "toxicity": 1.0,
        "insult": 1.0,
        "obscene": 0.0,
        "identity_attack": 0.0,
        "threat": 0.0,
    }
    # annotator 4 abstains on toxicity (both flags, no span) but still counts for the type majority.
    assert labels["I will find you, and you will regret it."] == {
        "toxicity": 1.0,
        "insult": 0.0,
        "obscene": 0.0,
        "identity_attack": 0.0,
        "threat": 1.0,
    }
    assert len(labels) == 2
    assert stats.reasons == {"not in tsd train/trial": 1, "no annotations": 1}


def test_toxic_spans_can_keep_all_comments(tmp_path: Path) -> None:
    labels = by_text(td.load_toxic_spans(spans_root(tmp_path), only_tsd_texts=False))
    assert labels["This comment only appears in comments.csv"]["toxicity"] == 1.0
    assert labels["This comment only appears in comments.csv"]["insult"] == 0.0


def test_toxic_spans_falls_back_to_tsd(tmp_path: Path) -> None:
    examples = td.load_toxic_spans(spans_root(tmp_path, with_annotations=False))
    assert [e.labels for e in examples] == [{"toxicity": 1.0}, {"toxicity": 1.0}]


# --- cyber trolls -----------------------------------------------------------------------------


def test_cyber_trolls_mapping_and_malformed_lines(tmp_path: Path) -> None:
    def record(content: str, label: list[str]) -> str:
        return json.dumps(
            {"content": content, "annotation": {"notes": "", "label": label}, "extras": None}
        )

    lines = [
        record(" Get real, you muppet.", ["1"]),
        record(" See you at lunch", ["0"]),
        '{"content": " truncated line", "annotation":',
        record("no label", []),
        "",
    ]
    write(tmp_path, td.CYBER_TROLLS_FILE, "\n".join(lines))
    stats = LoadStats()
    labels = by_text(td.load_cyber_trolls(tmp_path, stats))
    assert labels == {
        "Get real, you muppet.": {"toxicity": 1.0},
        "See you at lunch": {"toxicity": 0.0},
    }
    assert (stats.loaded, stats.skipped) == (2, 2)


# --- shared helpers ---------------------------------------------------------------------------


def test_latin1_fallback(tmp_path: Path) -> None:
    content = "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\r1\tcaf\xe9 na\xefve\tNOT\tNULL\tNULL\r"
    write(tmp_path, td.OLID_FILE, content.encode("latin-1"))
    assert [e.text for e in td.load_olid(tmp_path)] == ["caf\xe9 na\xefve"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("RT @Some_One: you &amp; me &#8220;mate&#8221;", "@user: you & me \u201cmate\u201d"),
        ("see https://t.co/abc123 and www.example.com/x now", "see http and http now"),
        ("@USER @USER words URL", "@user @user words http"),
        ("mail me at a.b@example.com", "mail me at a.b@example.com"),
        ("ART and PARTY stay; RT stays out", "ART and PARTY stay; stays out"),
        ("double &amp;#8220;escaped&amp;#8221;", "double \u201cescaped\u201d"),
        ("  spaced\n\tout  ", "spaced out"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert td.clean_text(raw) == clean


def test_dedupe_merges_and_averages() -> None:
    examples = [
        Example("You are a CLOWN!!", {"toxicity": 1.0, "insult": 1.0}, "olid"),
        Example("you are a clown", {"toxicity": 0.0}, "cyber_trolls"),
        Example("@user you are a clown http", {"toxicity": 1.0}, "davidson"),
        Example("you are a clown fish", {"toxicity": 0.0}, "olid"),
    ]
    merged = td.dedupe(examples)
    assert len(merged) == 2
    first = merged[0]
    assert first.text == "You are a CLOWN!!"
    assert first.labels == {"toxicity": 2 / 3, "insult": 1.0}
    assert first.source == "cyber_trolls+davidson+olid"
    assert merged[1].labels == {"toxicity": 0.0}


def test_group_id_shared_by_duplicates() -> None:
    a = Example("RT @x: You are a CLOWN!!", {}, "davidson")
    b = Example("you are a clown", {}, "olid")
    c = Example("you are a clown fish", {}, "olid")
    assert td.group_id(a) == td.group_id(b) != td.group_id(c)


TOXIGEN = [
    {"group": "jewish", "label": "hate", "text": "they all stick together and control the banks"},
    {"group": "jewish", "label": "neutral", "text": "many jewish families celebrate hanukkah"},
    {"group": "jewish", "label": "other", "text": "an unknown label"},
]


def test_toxigen_hate_and_neutral(tmp_path: Path) -> None:
    write(tmp_path, td.TOXIGEN_FILE, "".join(json.dumps(r) + "\n" for r in TOXIGEN) + "{bad\n")
    stats = LoadStats()
    examples = {e.text: e for e in td.load_toxigen(tmp_path, stats)}
    hate = examples["they all stick together and control the banks"]
    assert hate.labels == {"toxicity": 1.0, "identity_attack": 1.0}
    assert hate.categories == {"hate": 1.0}
    neutral = examples["many jewish families celebrate hanukkah"]
    assert neutral.labels == td.ALL_ZERO and neutral.categories == td.NO_HARM
    assert stats.reasons == {"label": 1, "malformed json": 1}


def test_hateval_masks_toxicity_of_tweets_that_are_not_hateful(tmp_path: Path) -> None:
    write(tmp_path, td.HATEVAL_FILES[0][0], "send them all back\nugh mondays\n")
    write(tmp_path, td.HATEVAL_FILES[0][1], "1\n0\n")
    write(tmp_path, td.HATEVAL_FILES[1][0], "one text\ntwo texts\n")
    write(tmp_path, td.HATEVAL_FILES[1][1], "1\n")  # misaligned: skipped whole, with a reason
    stats = LoadStats()
    examples = {e.text: e for e in td.load_hateval(tmp_path, stats)}
    assert set(examples) == {"send them all back", "ugh mondays"}
    assert examples["send them all back"].categories == {"hate": 1.0}
    assert examples["ugh mondays"].labels == {"identity_attack": 0.0}
    assert stats.skipped == 1


def test_sentiment_gives_signals_and_calm_categories(tmp_path: Path) -> None:
    write(tmp_path, td.SENTIMENT_FILES[0][0], "love it\nhate mondays\nit is tuesday\n")
    write(tmp_path, td.SENTIMENT_FILES[0][1], "2\n0\n1\n")
    examples = {e.text: e for e in td.load_sentiment(tmp_path)}
    assert examples["love it"].signals == {"negative": 0.0, "positive": 1.0}
    assert examples["love it"].categories == {"abuse": 0.0, "threat": 0.0, "hate": 0.0}
    assert examples["hate mondays"].signals == {"negative": 1.0, "positive": 0.0}
    assert examples["hate mondays"].categories == {}


def test_categories_are_derived_from_labels_only_where_they_say_so() -> None:
    insult = td.derive_categories(Example("x", {"toxicity": 1.0, "insult": 1.0}, "olid"))
    assert insult.categories == {"abuse": 1.0}
    calm = td.derive_categories(Example("y", dict(td.ALL_ZERO), "olid"))
    assert calm.categories == td.NO_HARM
    unsure = td.derive_categories(Example("z", {"toxicity": 1.0, "insult": 0.0}, "olid"))
    assert unsure.categories == {}


def test_load_all_and_summary(tmp_path: Path) -> None:
    write(tmp_path, td.OLID_FILE, "\r\n".join(OLID_ROWS[:3]) + "\r\n")
    write(tmp_path, td.DAVIDSON_FILE, DAVIDSON)
    write(tmp_path, td.TRAC1_FILES[0], "facebook_corpus_msr_1,you are a total clown!,OAG\r\n")
    write(tmp_path, td.JIGSAW_FILE, JIGSAW)
    spans_root(tmp_path)
    write(
        tmp_path,
        td.CYBER_TROLLS_FILE,
        json.dumps({"content": "hi", "annotation": {"label": ["0"]}}),
    )
    write(tmp_path, td.TOXIGEN_FILE, json.dumps(TOXIGEN[0]) + "\n")
    write(tmp_path, td.HATEVAL_FILES[0][0], "You are a total clown\n")
    write(tmp_path, td.HATEVAL_FILES[0][1], "0\n")
    write(tmp_path, td.SENTIMENT_FILES[0][0], "lovely day\n")
    write(tmp_path, td.SENTIMENT_FILES[0][1], "2\n")
    stats: dict[str, LoadStats] = {}
    examples = td.load_all(tmp_path, stats)
    assert set(stats) == set(td.LOADERS)
    assert {e.source for e in examples} == set(td.LOADERS)
    merged = {e.text: e for e in td.dedupe(examples)}
    clown = merged["@user You are a total clown http"]
    assert clown.source == "hateval+olid+trac1"
    assert clown.labels == {"toxicity": 1.0, "insult": 1.0, "identity_attack": 0.0}
    assert clown.categories == {"abuse": 1.0, "hate": 0.0}
    text = td.summary(tmp_path)
    assert "trac1: loaded 1, skipped 0" in text and "after dedupe" in text


def test_guard_blocks_shared_reads() -> None:
    with pytest.raises(AssertionError):
        Path(SHARED, "datasets", "README.md").read_bytes()
