"""``python -m classifiers.bundled``: build and cache the bundled model's ONNX file ahead of
its first use (``make`` runs it at install), and print where it is."""

from __future__ import annotations

from classifiers.bundled import BundledClassifier

if __name__ == "__main__":
    classifier = BundledClassifier()
    print(classifier.onnx.path if classifier.onnx is not None else classifier.runtime)
