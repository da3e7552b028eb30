"""How sure is a test score? The paired bootstrap over the test rows.

Each resample draws the test rows with replacement (seeded); every model is scored on the
same resamples, so the difference between two models is measured resample by resample
(paired), which is much tighter than comparing two separate intervals. An interval is the
2.5th to 97.5th percentile of the resamples (Efron & Tibshirani, 1993), shifted by the
resamples' bias (their mean minus the estimate). For a mean such as accuracy the shift is
nil; the expected calibration error grows when rows repeat (each bin's accuracy gets
noisier, and the gaps are absolute values), so unshifted its interval would lie beside the
estimate rather than around it.

The metrics are computed here for all resamples at once, as arrays: scikit-learn's
functions take one sample at a time, and 1,000 resamples of seven models through them
take about a minute on digits, against under a second here
(``python -m benchmarks.bootstrap_speed``). Each is tested to equal scikit-learn's on
resamples.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

RESAMPLES = 1000
LEVEL = 0.95


def resample_indices(rows: int, resamples: int = RESAMPLES, seed: int = 0) -> np.ndarray:
    """(resamples, rows) row indices, each row of the matrix one resample."""
    return np.random.default_rng(seed).integers(0, rows, size=(resamples, rows))


def interval(values: np.ndarray, estimate: float, level: float = LEVEL) -> list[float]:
    """The percentile interval of per-resample ``values``, shifted by their bias from
    ``estimate`` (resamples where a metric is undefined, e.g. a class absent, left out)."""
    values = values[~np.isnan(values)]
    tail = (1 - level) / 2 * 100
    bias = values.mean() - estimate
    low, high = np.percentile(values, [tail, 100 - tail]) - bias
    return [float(low), float(high)]


def classification_scores(
    y: np.ndarray, proba: np.ndarray, idx: np.ndarray, n_bins: int = 15
) -> dict[str, np.ndarray]:
    """Per resample: the scalar metrics of glassbox.evaluate.metrics.classification_metrics."""
    n_classes = proba.shape[1]
    proba = proba / proba.sum(axis=1, keepdims=True)  # as classification_metrics renormalises
    pred = proba.argmax(axis=1)
    yi, pi = y[idx], pred[idx]
    scores = {"accuracy": (yi == pi).mean(axis=1)}

    # Per class: true positives, rows of the class, rows predicted as the class.
    tp = np.stack([((yi == c) & (pi == c)).sum(axis=1) for c in range(n_classes)], axis=1)
    support = np.stack([(yi == c).sum(axis=1) for c in range(n_classes)], axis=1)
    predicted = np.stack([(pi == c).sum(axis=1) for c in range(n_classes)], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(support > 0, tp / support, 0.0)  # zero_division=0, as scikit-learn
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        denominator = support + predicted
        f1 = np.where(denominator > 0, 2 * tp / denominator, 0.0)
        # balanced accuracy: the mean recall over the classes present in the resample
        present = support > 0
        scores["balanced_accuracy"] = (recall * present).sum(axis=1) / present.sum(axis=1)
    scores["precision_macro"] = precision.mean(axis=1)
    scores["recall_macro"] = recall.mean(axis=1)
    scores["f1_macro"] = f1.mean(axis=1)

    eps = np.finfo(proba.dtype).eps  # scikit-learn's log_loss clips so
    row_loss = -np.log(np.clip(proba[np.arange(len(y)), y], eps, 1 - eps))
    scores["log_loss"] = row_loss[idx].mean(axis=1)
    scores["roc_auc_ovr"] = _roc_auc_ovr(y, proba, idx)

    confidence, correct = proba.max(axis=1), (pred == y).astype(float)
    bins = np.clip(np.ceil(confidence * n_bins).astype(int) - 1, 0, n_bins - 1)
    gaps = np.zeros(len(idx))
    for b in range(n_bins):  # |accuracy - confidence| of each bin, weighted by its rows
        in_bin = bins[idx] == b
        gaps += np.abs((correct[idx] * in_bin).sum(axis=1) - (confidence[idx] * in_bin).sum(axis=1))
    scores["expected_calibration_error"] = gaps / idx.shape[1]
    return scores


def _roc_auc_ovr(y: np.ndarray, proba: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """One-vs-rest ROC AUC, macro-averaged (binary: of the second class), by the rank-sum
    (Mann-Whitney) form, ties counting a half."""
    classes = [1] if proba.shape[1] == 2 else range(proba.shape[1])
    rows = idx.shape[1]
    aucs = []
    for c in classes:
        positive = y[idx] == c
        n_pos = positive.sum(axis=1)
        n_neg = rows - n_pos
        ranks = rankdata(proba[idx, c], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            auc = ((ranks * positive).sum(axis=1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
        aucs.append(np.where((n_pos > 0) & (n_neg > 0), auc, np.nan))
    return np.nanmean(np.stack(aucs, axis=1), axis=1)


def regression_scores(y: np.ndarray, pred: np.ndarray, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Per resample: the metrics of glassbox.evaluate.metrics.regression_metrics."""
    error = (y - pred)[idx]
    yi = y[idx]
    total = ((yi - yi.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(total > 0, 1 - (error**2).sum(axis=1) / total, np.nan)
    return {
        "rmse": np.sqrt((error**2).mean(axis=1)),
        "mae": np.abs(error).mean(axis=1),
        "r2": r2,
        "median_absolute_error": np.median(np.abs(error), axis=1),
    }


def intervals(
    scores: dict[str, np.ndarray], estimates: dict[str, float], level: float = LEVEL
) -> dict[str, list[float]]:
    return {name: interval(values, estimates[name], level) for name, values in scores.items()}


def difference_intervals(
    model: dict[str, np.ndarray],
    baseline: dict[str, np.ndarray],
    estimates: dict[str, float],
    level: float = LEVEL,
) -> dict[str, list[float]]:
    """Per metric: the interval of (model - baseline), resample by resample (paired), around
    the difference of the ``estimates`` (metric -> model's minus baseline's)."""
    return {name: interval(model[name] - baseline[name], estimates[name], level) for name in model}
