"""A classifier that returns fixed scores: for unit tests of the policy, never for real use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from classifiers.base import LABELS, Scores


class FixedScoreClassifier:
    """Scores every text the same, or by exact text from ``by_text``; records what it saw."""

    name = "fixed"
    version = "fixed-1"

    def __init__(
        self,
        labels: Mapping[str, float] | None = None,
        by_text: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        self.labels = {label: 0.0 for label in LABELS} | dict(labels or {})
        self.by_text = {
            text: {label: 0.0 for label in LABELS} | dict(s) for text, s in (by_text or {}).items()
        }
        self.seen: list[str] = []

    def score(self, texts: Sequence[str]) -> list[Scores]:
        self.seen.extend(texts)
        return [Scores(labels=dict(self.by_text.get(text, self.labels))) for text in texts]
