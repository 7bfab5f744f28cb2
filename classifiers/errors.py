"""The classifiers' errors. ``classifiers`` cannot import the application, so its errors have
their own root; the application maps them into its own tree where it builds a backend
(``moderator.policy.classify.classifier_for`` raises ``moderator.errors.ClassifierError``).

ClassifierError                  a classifier backend cannot be built or run
 ├── UnknownBackend              no backend of that name           (classifiers.registry)
 ├── DetoxifyLoadError           the Detoxify model cannot be loaded (classifiers.detoxify_classifier)
 ├── BundledModelError           the bundled model's files are missing, malformed or mismatched
 ├── EncoderError                the encoder directory cannot be loaded  (classifiers.bundled.*)
 ├── EncoderWeightsError         the encoder weights are not a BERT encoder
 ├── HeadsError                  the model heads cannot be read
 ├── AdapterError                the LoRA adapter does not fit the base encoder
 ├── CacheError                  the ONNX file cannot be stored  (classifiers.bundled.onnx_cache)
 └── ExportError                 the ONNX file cannot be built   (classifiers.bundled.onnx_export)

Each leaf also keeps the built-in base it had before (``ValueError`` or ``RuntimeError``), so a
caller that caught those still does. Messages name files and keys, never comment text.
"""

from __future__ import annotations


class ClassifierError(Exception):
    """A classifier backend failed."""
