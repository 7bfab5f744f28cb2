"""The classifier port: a batch of texts in, Detoxify-style label probabilities out.

Every backend (the bundled offline model, the real Detoxify package, the lexical
scorer, the fixed-score fake used in unit tests) implements :class:`Classifier`.
The policy layer in ``moderator`` turns these scores, plus rules and the school's
roster, into policy categories; backends know nothing about schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

#: Detoxify's labels, in Detoxify's order. ``sexual_explicit`` is only produced by
#: the models that have it (Detoxify ``unbiased``, the bundled model, the lexicon).
LABELS: tuple[str, ...] = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)

#: The labels every backend must return (the contract's minimum).
REQUIRED_LABELS: tuple[str, ...] = LABELS[:6]


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)`` of the *original* text and why it matters."""

    start: int
    end: int
    label: str  #: a Detoxify label or a lexicon category, e.g. "obscene", "threat"
    term: str = ""  #: the canonical term that matched, e.g. "bitch" for "b!tch"
    weight: float = 0.0  #: how strongly the term supports ``label`` on its own (0..1)


@dataclass(frozen=True)
class Scores:
    """What a backend says about one text."""

    labels: dict[str, float]  #: label -> probability in [0, 1]
    spans: tuple[Span, ...] = field(default_factory=tuple)  #: evidence, may be empty
    #: policy category -> probability, from a backend trained on school comments (the bundled
    #: model); empty for backends that only know Detoxify's labels
    categories: dict[str, float] = field(default_factory=dict)
    #: what the comment does, beyond its labels: ``counter_speech`` (it quotes, reports or
    #: condemns abuse rather than dealing it out), ``positive`` and ``negative`` (sentiment);
    #: empty for backends that do not read them
    signals: dict[str, float] = field(default_factory=dict)


@runtime_checkable
class Classifier(Protocol):
    """A batch scorer. Implementations load their model once, in ``__init__``."""

    name: str  #: backend name, e.g. "bundled", "detoxify:original", "lexical"
    version: str  #: model version recorded with every classification

    def score(self, texts: Sequence[str]) -> list[Scores]:
        """Score ``texts`` in order; return exactly one :class:`Scores` per text.

        Must accept the empty string, very long text and any Unicode without raising.
        """
        ...


def clamp(value: float) -> float:
    """Clamp a probability into [0, 1] (guards against float drift in blends)."""
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else float(value)
