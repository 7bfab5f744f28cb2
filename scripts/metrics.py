"""Classification metrics used by training and evaluation (numpy only, no scikit-learn)."""

from __future__ import annotations

import numpy as np


def f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of the positive class; 0 when there is nothing to find and nothing predicted."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    tp = int(np.sum(truth & predicted))
    fp = int(np.sum(~truth & predicted))
    fn = int(np.sum(truth & ~predicted))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def macro_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """The mean of both classes' F1 (OffensEval's official measure)."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    return (f1(truth, predicted) + f1(~truth, ~predicted)) / 2


def roc_auc(truth: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve by the rank-sum formula, ties given their average rank."""
    truth = truth.astype(bool)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if not positives or not negatives:
        raise ValueError("ROC AUC needs both positive and negative examples")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def best_macro_f1_threshold(truth: np.ndarray, scores: np.ndarray) -> float:
    """The threshold on a 0.01 grid that gives the highest macro-F1."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    values = [macro_f1(truth, scores >= t) for t in grid]
    return float(grid[int(np.argmax(values))])
