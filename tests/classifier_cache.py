"""The bundled classifier, loaded once per test process (loaded with ``-p tests.classifier_cache``).

Loading it (the MiniLM encoder with the LoRA adapter merged in, and the heads) takes 1 to 5 s
on the 2-core machine, and many tests scan with it through ``classifiers.registry.build``, as the
moderator does. It keeps no state between calls, so the tests share one per device. Tests of
loading itself (a wrong artefact, other base weights) construct ``BundledClassifier`` directly
and still load it each time.
"""

from __future__ import annotations

import functools

import pytest

from classifiers import registry
from classifiers.base import Classifier

_build = registry.build


@functools.cache
def _bundled(device: str) -> Classifier:
    return _build("bundled", device=device)


def build(backend: str, **options: object) -> Classifier:
    """``registry.build``, with the bundled backend loaded once per device."""
    if backend == "bundled":
        return _bundled(str(options.get("device") or "cpu"))
    return _build(backend, **options)


def pytest_configure(config: pytest.Config) -> None:
    registry.build = build


def pytest_unconfigure(config: pytest.Config) -> None:
    registry.build = _build
