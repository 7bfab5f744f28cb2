"""Pick a classifier backend by name."""

from __future__ import annotations

from classifiers.base import Classifier
from classifiers.errors import ClassifierError


class UnknownBackend(ClassifierError, ValueError):
    """No backend of that name."""


def build(backend: str, **options: object) -> Classifier:
    """The classifier for ``backend``; options are the backend's own (model, device, ...).

    ``bundled`` is the default offline model (MiniLM with trained heads, blended with the
    lexicon); ``lexical`` is the lexicon alone (no model, instant start-up).
    """
    if backend == "bundled":
        from classifiers.bundled import BundledClassifier

        return BundledClassifier(device=str(options.get("device") or "cpu"))
    if backend == "lexical":
        from classifiers.lexical_classifier import LexicalClassifier

        return LexicalClassifier()
    if backend == "detoxify":
        from classifiers.detoxify_classifier import DetoxifyClassifier

        return DetoxifyClassifier(**options)  # type: ignore[arg-type]
    raise UnknownBackend(f"unknown or unavailable classifier backend {backend!r}")
