"""Pick a classifier backend by name."""

from __future__ import annotations

from classifiers.base import Classifier


class UnknownBackend(ValueError):
    """No backend of that name."""


def build(backend: str, **options: object) -> Classifier:
    """The classifier for ``backend``; options are the backend's own (model, device, ...).

    ``bundled`` is the default offline model. In this release it is the lexical model (a
    curated UK-English lexicon with evasion-aware normalisation); the trained bundled model
    replaces it behind the same name.
    """
    if backend in ("bundled", "lexical"):
        from classifiers.lexical_classifier import LexicalClassifier

        return LexicalClassifier()
    if backend == "detoxify":
        from classifiers.detoxify_classifier import DetoxifyClassifier

        return DetoxifyClassifier(**options)  # type: ignore[arg-type]
    raise UnknownBackend(f"unknown or unavailable classifier backend {backend!r}")
