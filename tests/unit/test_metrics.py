"""scripts/metrics.py against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scripts import metrics


def test_f1_and_macro_f1() -> None:
    truth = np.array([1, 1, 0, 0, 0], dtype=bool)
    predicted = np.array([1, 0, 1, 0, 0], dtype=bool)
    # positive class: tp 1, fp 1, fn 1 -> 0.5; negative class: tp 2, fp 1, fn 1 -> 4/6
    assert metrics.f1(truth, predicted) == pytest.approx(0.5)
    assert metrics.macro_f1(truth, predicted) == pytest.approx((0.5 + 4 / 6) / 2)
    assert metrics.f1(np.zeros(3, bool), np.zeros(3, bool)) == 0.0


def test_roc_auc_with_ties() -> None:
    truth = np.array([0, 0, 1, 1], dtype=bool)
    assert metrics.roc_auc(truth, np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)
    assert metrics.roc_auc(truth, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5)
    assert metrics.roc_auc(truth, np.array([0.1, 0.2, 0.3, 0.4])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="both positive and negative"):
        metrics.roc_auc(np.ones(3, bool), np.array([0.1, 0.2, 0.3]))


def test_best_threshold_separates_cleanly() -> None:
    truth = np.array([0, 0, 0, 1, 1], dtype=bool)
    scores = np.array([0.1, 0.2, 0.3, 0.7, 0.9])
    threshold = metrics.best_macro_f1_threshold(truth, scores)
    assert 0.3 < threshold <= 0.7
    assert metrics.macro_f1(truth, scores >= threshold) == 1.0
