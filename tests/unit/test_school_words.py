"""The school's own words: a blocked phrase raises and hides with a reason naming the list; an
allowed word stops a lexicon hit on itself and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.lexical_classifier import LexicalClassifier
from moderator.policy.decide import Decision, Policy
from moderator.policy.school_words import REASON, Blocked, SchoolWords
from moderator.settings import config as config_mod

FARM = "the cock on the farm visit crowed all morning"
BOTH = "The cock crowed at the farm visit, utter shit day"
MONEY = "Ask where the Sp0rts-Hall   money went, I want answers about the uniform prices"


def decide(config: config_mod.SchoolConfig, words: SchoolWords, text: str) -> Decision:
    (scores,) = LexicalClassifier().score([text])
    return Policy.for_school(config, words).decide(text, scores)


def test_an_allowed_word_stops_a_lexicon_hit(sample_config: config_mod.SchoolConfig) -> None:
    assert decide(sample_config, SchoolWords(), FARM).categories
    allowed = decide(sample_config, SchoolWords(allowed=("cock",)), FARM)
    assert allowed.categories == () and not allowed.hide and allowed.spans == ()


def test_an_allowed_word_leaves_other_words(sample_config: config_mod.SchoolConfig) -> None:
    decision = decide(sample_config, SchoolWords(allowed=("cock",)), BOTH)
    assert decision.hide
    assert {BOTH[s:e] for s, e, _ in decision.spans} == {"shit"}


def test_a_blocked_phrase_raises_hides_and_names_the_list(
    sample_config: config_mod.SchoolConfig,
) -> None:
    assert decide(sample_config, SchoolWords(), MONEY).categories == ()
    decision = decide(sample_config, SchoolWords(blocked=(Blocked("sports hall money"),)), MONEY)
    assert decision.categories == ("obscene",) and decision.hide
    assert decision.reasons == (f"obscene or offensive swearing; {REASON}",)
    ((start, end, category),) = decision.spans
    assert (MONEY[start:end], category) == ("Sp0rts-Hall   money", "obscene")


@pytest.mark.parametrize("text", ["my sportshall money", "the sports hall moneybox"])
def test_a_blocked_phrase_matches_whole_words_only(
    sample_config: config_mod.SchoolConfig, text: str
) -> None:
    words = SchoolWords(blocked=(Blocked("sports hall money"),))
    assert decide(sample_config, words, text).categories == ()


def test_a_blocked_phrase_outranks_a_complaint(sample_config: config_mod.SchoolConfig) -> None:
    text = "The uniform supplier is a rip off and the head ignores every parent who asks why"
    assert decide(sample_config, SchoolWords(), text).categories == ("complaint",)
    words = SchoolWords(blocked=(Blocked("rip off", "abuse"),))
    decision = decide(sample_config, words, text)
    assert decision.categories == ("abuse",) and decision.hide
    assert decision.reasons[0].endswith(REASON)


def test_the_config_lists_apply(tmp_path: Path, sample_config: config_mod.SchoolConfig) -> None:
    path = tmp_path / "school.toml"
    extra = '\n[policy]\nblocked_words = ["Sports Hall money"]\nallowed_words = ["cock"]\n'
    path.write_text(sample_config.text + extra, encoding="utf-8")
    loaded = config_mod.load(path)
    assert loaded.words == SchoolWords((Blocked("sports hall money"),), ("cock",))
    assert decide(loaded, SchoolWords(), MONEY).hide
    assert not decide(loaded, SchoolWords(), FARM).categories
