"""The bundled offline model: frozen MiniLM, trained heads, blended with the lexical model.

See ``classifiers/bundled/artefact/MODEL_CARD.md`` for its data, metrics and limits, and
``scripts/train_bundled.py`` to rebuild it.
"""

from __future__ import annotations

from classifiers.bundled.classifier import BundledClassifier, BundledModelError

__all__ = ["BundledClassifier", "BundledModelError"]
