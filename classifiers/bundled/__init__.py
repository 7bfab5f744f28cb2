"""The bundled offline model: MiniLM fine-tuned with LoRA, one multi-task head, and the lexicon.

See ``classifiers/bundled/artefact/MODEL_CARD.md`` for its data, metrics and limits, and
``scripts/train_bundled.py`` to rebuild it.
"""

from __future__ import annotations

from classifiers.bundled.classifier import BundledClassifier, BundledModelError

__all__ = ["BundledClassifier", "BundledModelError"]
