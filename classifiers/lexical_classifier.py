"""The lexicon as a :class:`~classifiers.base.Classifier`: no model, no I/O, fast.

Each label's probability is the noisy-or of its hits' weights, ``1 - prod(1 - w)``: one
strong term decides, several weak ones add up, nothing exceeds 1. ``toxicity`` is the
noisy-or over every flagged span (the strongest label per span, so a word listed under
three labels counts once). Obscene words aimed at someone (``you twat``, ``what a prick``)
also give ``insult`` a share of their weight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from classifiers.base import LABELS, Scores, Span, clamp
from classifiers.lexicon import Hit, find_hits

#: How much of an aimed obscene word's weight counts as insult.
AIMED_INSULT_SHARE = 0.6
_AIM_WINDOW = 40  # characters before a hit searched for its target
_AIMED = re.compile(
    r"\b(?:you|u|ya|yer|(?:what|such|is|'s|are|re)\W+an?)\W+(?:\w+\W+)?$", re.IGNORECASE
)


class LexicalClassifier:
    """Scores texts from lexicon hits; implements :class:`~classifiers.base.Classifier`."""

    name = "lexical"
    version = "lexical-2"

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Score each text; the empty string scores zero on every label."""
        return [self._score_one(text) for text in texts]

    def _score_one(self, text: str) -> Scores:
        """Turn one text's lexicon hits into label probabilities and evidence spans."""
        hits = find_hits(text)
        weights: dict[str, list[float]] = {label: [] for label in LABELS}
        for hit in hits:
            weights[hit.label].append(hit.weight)
            if hit.label == "obscene" and _is_aimed(text, hit):
                weights["insult"].append(hit.weight * AIMED_INSULT_SHARE)
        weights["toxicity"] = list(_strongest_per_span(hits).values())
        labels = {label: _noisy_or(weights[label]) for label in LABELS}
        spans = tuple(Span(hit.start, hit.end, hit.label, hit.term, hit.weight) for hit in hits)
        return Scores(labels=labels, spans=spans)


def _is_aimed(text: str, hit: Hit) -> bool:
    """Whether the words before ``hit`` aim it at someone: "you (stupid) ...", "what a ..."."""
    return _AIMED.search(text[max(0, hit.start - _AIM_WINDOW) : hit.start]) is not None


def _strongest_per_span(hits: Iterable[Hit]) -> dict[tuple[int, int], float]:
    """The highest weight among the hits on each ``(start, end)`` span."""
    strongest: dict[tuple[int, int], float] = {}
    for hit in hits:
        span = (hit.start, hit.end)
        strongest[span] = max(strongest.get(span, 0.0), hit.weight)
    return strongest


def _noisy_or(weights: Iterable[float]) -> float:
    """``1 - prod(1 - w)``: the chance at least one independent piece of evidence holds."""
    missed = 1.0
    for weight in weights:
        missed *= 1.0 - clamp(weight)
    return clamp(1.0 - missed)
