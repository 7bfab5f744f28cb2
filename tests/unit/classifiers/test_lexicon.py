"""Unit tests for classifiers.lexicon and the LexicalClassifier built on it."""

from __future__ import annotations

import pytest

from classifiers.base import LABELS, Classifier
from classifiers.lexical_classifier import LexicalClassifier
from classifiers.lexicon import TERMS, Hit, find_hits


def labelled(text: str, label: str) -> list[Hit]:
    """The hits in ``text`` for ``label``."""
    return [hit for hit in find_hits(text) if hit.label == label]


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        ("what a load of sh1t", "shit", "sh1t"),
        ("f*ck off", "fuck", "f*ck"),
        ("**** off you f**king idiot", "fuck", "f**king"),
        ("shut up b!tch", "bitch", "b!tch"),
        ("bunch of tw@ts", "twat", "tw@ts"),
        ("fcuk this school", "fuck", "fcuk"),
        ("phuck sake", "fuck", "phuck"),
        ("what a p r i c k", "prick", "p r i c k"),
        ("oh f.u.c.k", "fuck", "f.u.c.k"),
        ("f-u-c-k you", "fuck", "f-u-c-k"),
        ("fuuuuuck", "fuck", "fuuuuuck"),
        ("FUUUCKING hell", "fuck", "FUUUCKING"),
        ("you absolute c\u200bunt", "cunt", "c\u200bunt"),
        ("you \u0441unt", "cunt", "\u0441unt"),
        ("\uff37\uff21\uff2e\uff2b\uff25\uff32", "wanker", "\uff37\uff21\uff2e\uff2b\uff25\uff32"),
        ("b\u00efTCH", "bitch", "b\u00efTCH"),
        ("a$$hole", "arsehole", "a$$hole"),
        ("sh*t", "shit", "sh*t"),
        ("\U0001f595\U0001f3fb", "\U0001f595", "\U0001f595"),
    ],
)
def test_evasions_hit_obscene_with_exact_original_span(text: str, term: str, original: str) -> None:
    hits = labelled(text, "obscene")
    assert [(hit.term, text[hit.start : hit.end]) for hit in hits] == [(term, original)]


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won",
        "Shital and Nishit read Dickens",
        "cocktail party for the PTA",
        "assessment week and a classic play",
        "Essex and Sussex",
        "grape juice",
        "the therapist visited",
        "bloody brilliant",
        "she killed it on stage",
        "the kids are killing it",
        "a killer performance",
        "the volcano experiment was explosive",
        "the knife crime assembly was powerful",
        "we are going to kill it at sports day",
        "my mum is going to kill me",
        "I'll shoot you an email",
        "blue tits and great tits at the bird feeder",
        "Dick Whittington panto tickets",
        "cock-a-doodle-doo",
        "Year 6 s***",
        "**Well done**",
        "Mr Pratt's class",
    ],
)
def test_false_positives_produce_no_obscene_or_threat_hits(text: str) -> None:
    assert not [hit for hit in find_hits(text) if hit.label in {"obscene", "threat"}]


@pytest.mark.parametrize(
    "text",
    [
        "I am a gay Muslim woman",
        "Happy Eid",
        "Black History Month",
        "Well done to all the black and brown kids",
        "Our Jewish families celebrate Hanukkah",
        "All immigrants are welcome here",
        "Travellers' children join Year 3",
        "Niger and Nigeria project",
        "Pakistan cricket day",
    ],
)
def test_identity_terms_alone_are_not_identity_attacks(text: str) -> None:
    assert labelled(text, "identity_attack") == []


@pytest.mark.parametrize(
    "text",
    [
        "go back to your own country",
        "this town is overrun with immigrants",
        "all muslims are terrorists",
        "no gays should be teaching kids",
        "filthy pikeys",
        "p@ki",
        "f@ggot",
    ],
)
def test_hate_phrasing_and_slurs_are_identity_attacks(text: str) -> None:
    assert labelled(text, "identity_attack")


@pytest.mark.parametrize(
    "text",
    [
        "I'll k1ll him",
        "I will kill that teacher",
        "someone should stab her",
        "I'm going to break his jaw",
        "I'll put a brick through your window",
        "he's getting battered after school",
        "heads will roll",
        "watch your back",
        "be careful walking home",
        "I know where you live",
        "I know what time your daughter leaves",
        "shame if she falls down the stairs",
        "gonna burn the school down",
    ],
)
def test_threats_are_found(text: str) -> None:
    assert labelled(text, "threat")


def test_a_term_can_carry_several_labels() -> None:
    labels = {hit.label for hit in find_hits("you cunt")}
    assert {"obscene", "severe_toxicity", "insult"} <= labels


def test_kill_yourself_is_severe() -> None:
    assert labelled("just kys", "severe_toxicity")
    assert labelled("go kill yourself", "severe_toxicity")


def test_hits_are_sorted_by_start() -> None:
    hits = find_hits("sh1t, what a tw@t, I'll k1ll him, you d!ckhead")
    assert [hit.start for hit in hits] == sorted(hit.start for hit in hits)
    assert len({hit.term for hit in hits}) >= 4


@pytest.mark.parametrize("text", ["", "\ud800", "\u0301" * 50, "sh1t " * 20_000, "f*" * 50_000])
def test_find_hits_never_raises(text: str) -> None:
    for hit in find_hits(text):
        assert 0 <= hit.start < hit.end <= len(text)


def test_terms_use_known_labels_and_sane_weights() -> None:
    assert {term.label for term in TERMS} <= set(LABELS) - {"toxicity"}
    assert all(0.0 < term.weight <= 1.0 and term.name for term in TERMS)


# ----- LexicalClassifier ------------------------------------------------------------------


@pytest.fixture(scope="module")
def classifier() -> LexicalClassifier:
    return LexicalClassifier()


def test_classifier_implements_the_port(classifier: LexicalClassifier) -> None:
    assert isinstance(classifier, Classifier)
    assert (classifier.name, classifier.version) == ("lexical", LexicalClassifier.version)


def test_empty_and_clean_texts_score_zero(classifier: LexicalClassifier) -> None:
    for scores in classifier.score(["", "Well done Year 6!"]):
        assert scores.labels == dict.fromkeys(LABELS, 0.0)
        assert scores.spans == ()


def test_one_score_per_text_with_every_label_in_range(classifier: LexicalClassifier) -> None:
    texts = ["you f*cking tw@t, I'll k1ll you", "", "\ud800", "send nudes", "go back home pikeys"]
    results = classifier.score(texts)
    assert len(results) == len(texts)
    for scores in results:
        assert set(scores.labels) == set(LABELS)
        assert all(0.0 <= value <= 1.0 for value in scores.labels.values())


def test_spans_point_at_the_evidence(classifier: LexicalClassifier) -> None:
    text = "what a load of sh1t"
    (span,) = classifier.score([text])[0].spans
    assert (text[span.start : span.end], span.label, span.term) == ("sh1t", "obscene", "shit")


def test_obscene_word_aimed_at_someone_is_also_an_insult(classifier: LexicalClassifier) -> None:
    aimed, unaimed = classifier.score(["he's a prick", "pricks"])
    assert aimed.labels["insult"] > unaimed.labels["insult"]
    bollocks_aimed, bollocks = classifier.score(["you bollocks", "bollocks to that"])
    assert bollocks_aimed.labels["insult"] > 0.0 == bollocks.labels["insult"]


def test_toxicity_counts_a_multi_label_word_once(classifier: LexicalClassifier) -> None:
    (scores,) = classifier.score(["cunt"])
    assert scores.labels["toxicity"] == pytest.approx(scores.labels["obscene"])


def test_evidence_accumulates_by_noisy_or(classifier: LexicalClassifier) -> None:
    one, two = classifier.score(["idiot", "idiot moron"])
    assert one.labels["insult"] == pytest.approx(0.75)
    assert two.labels["insult"] == pytest.approx(1 - 0.25 * 0.2)
