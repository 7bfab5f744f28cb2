"""The school's own words (its "Hidden Words"): blocked words and phrases, and allowed words.

Pure: the lists in, matches out (``moderator.policy.wordlist`` keeps them in the database).

* A **blocked** word or phrase matches whole words of a comment read the way the lexicon reads
  it (``classifiers.normalise``: leet, symbols, spaced letters, homoglyphs), so "Sp0rts   Hall"
  matches "sports hall". The policy raises the entry's category (one that hides) with a span on
  the match and a reason that names the school's list.
* An **allowed** word stops a lexicon hit on itself: a lexicon span that lies inside an
  occurrence of the word is dropped, and a label the lexicon alone gave (a score no higher than
  its words give) goes back to what the remaining words give. A model's own category scores
  are left alone: the model reads the whole sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from classifiers.base import Scores, Span
from classifiers.normalise import Normalised, normalise
from moderator.policy.categories import CATEGORIES, HIDING

BLOCKED, ALLOWED = "blocked", "allowed"
KINDS = (BLOCKED, ALLOWED)
#: What a blocked entry raises when the school does not say: the mildest category that hides.
DEFAULT_CATEGORY = "obscene"
#: The categories a blocked entry may raise: the ones that hide.
BLOCKABLE = tuple(c for c in CATEGORIES if c in HIDING)
#: Appended to the reason of a category the school's list raised.
REASON = "on the school's blocked words list"
MAX_PHRASE = 200


def tidy(phrase: str) -> str:
    """The form a phrase is kept in: lower case, single spaces, no ends."""
    return " ".join(phrase.casefold().split())


def _pattern(phrase: str) -> re.Pattern[str] | None:
    """Whole words of ``phrase`` as normalised text, any separators between them."""
    words = re.findall(r"\w+", normalise(phrase).text)
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"[\W_]+".join(map(re.escape, words)) + r"(?!\w)")


@dataclass(frozen=True)
class Blocked:
    phrase: str
    category: str = DEFAULT_CATEGORY


@dataclass(frozen=True)
class SchoolWords:
    """A school's lists; empty by default (the policy as it was)."""

    blocked: tuple[Blocked, ...] = ()
    allowed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.blocked or self.allowed)

    def merged(self, other: SchoolWords) -> SchoolWords:
        """Both lists (the config's and the database's), each entry once."""
        return SchoolWords(
            tuple(dict.fromkeys((*self.blocked, *other.blocked))),
            tuple(dict.fromkeys((*self.allowed, *other.allowed))),
        )

    @cached_property
    def _blocked(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple(
            (pattern, entry.category)
            for entry in self.blocked
            if (pattern := _pattern(entry.phrase)) is not None
        )

    @cached_property
    def _allowed(self) -> tuple[re.Pattern[str], ...]:
        return tuple(p for word in self.allowed if (p := _pattern(word)) is not None)

    def blocked_in(self, text: Normalised) -> list[tuple[int, int, str]]:
        """Each blocked entry found in ``text``: its span in the original text and category."""
        return [
            (*text.span_to_original(*match.span()), category)
            for pattern, category in self._blocked
            for match in pattern.finditer(text.text)
        ]

    def allow(self, text: Normalised, scores: Scores) -> Scores:
        """``scores`` without the lexicon hits that lie inside an allowed word."""
        if not self._allowed or not scores.spans:
            return scores
        allowed = [
            text.span_to_original(*m.span()) for p in self._allowed for m in p.finditer(text.text)
        ]

        def inside(start: int, end: int) -> bool:
            return any(a <= start and end <= b for a, b in allowed)

        kept = tuple(s for s in scores.spans if not inside(s.start, s.end))
        if len(kept) == len(scores.spans):
            return scores
        labels = dict(scores.labels)
        for label, value in scores.labels.items():
            before, after = _lexicon(scores.spans, label), _lexicon(kept, label)
            if before > after and value <= before + 1e-6:  # the lexicon alone gave it
                labels[label] = after
        return replace(scores, spans=kept, labels=labels)


def _lexicon(spans: tuple[Span, ...], label: str) -> float:
    """What the lexical scorer gives ``label`` from ``spans`` (its noisy-or; ``toxicity`` from
    every span, ``insult`` also from obscene words, which may be aimed)."""
    if label == "toxicity":
        weights = [s.weight for s in spans]
    elif label == "insult":
        weights = [
            s.weight * (1.0 if s.label == label else 0.6)
            for s in spans
            if s.label in {"insult", "obscene"}
        ]
    else:
        weights = [s.weight for s in spans if s.label == label]
    missed = 1.0
    for weight in weights:
        missed *= 1.0 - min(1.0, max(0.0, weight))
    return 1.0 - missed
