"""The bootstrap's vectorised metrics against scikit-learn's, resample by resample."""

import warnings

import numpy as np
import pytest

from glassbox.evaluate import bootstrap
from glassbox.evaluate.metrics import classification_metrics, regression_metrics


def _classifier_outputs(rows: int, classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, rows)
    logits = rng.normal(size=(rows, classes)) + 2.0 * np.eye(classes)[y]
    logits[:5] = logits[5:10]  # some tied scores, which the AUC counts as a half
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return y, proba.astype(np.float32)


@pytest.mark.parametrize("classes", [2, 4])
def test_classification_scores_equal_scikit_learns_on_each_resample(classes):
    y, proba = _classifier_outputs(120, classes)
    idx = bootstrap.resample_indices(len(y), resamples=6, seed=1)
    ours = bootstrap.classification_scores(y, proba, idx, n_bins=10)
    names = [str(c) for c in range(classes)]
    for b in range(len(idx)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = classification_metrics(y[idx[b]], proba[idx[b]], names, n_bins=10)
        for metric, values in ours.items():
            assert values[b] == pytest.approx(theirs[metric], abs=1e-6), metric


def test_regression_scores_equal_scikit_learns_on_each_resample():
    rng = np.random.default_rng(0)
    y = rng.normal(size=80)
    pred = y + rng.normal(scale=0.5, size=80)
    idx = bootstrap.resample_indices(80, resamples=5, seed=2)
    ours = bootstrap.regression_scores(y, pred, idx)
    for b in range(len(idx)):
        theirs = regression_metrics(y[idx[b]], pred[idx[b]])
        for metric, values in ours.items():
            assert values[b] == pytest.approx(theirs[metric], abs=1e-9), metric


def test_intervals_hold_the_estimate_and_a_paired_difference_is_tighter():
    y, proba = _classifier_outputs(400, 3)
    other = proba.copy()
    other[::10] = other[::10][:, ::-1]  # a model that errs on a tenth of the rows more
    idx = bootstrap.resample_indices(len(y), seed=0)
    a = bootstrap.classification_scores(y, proba, idx)
    b = bootstrap.classification_scores(y, other, idx)
    full = np.arange(len(y))[None]
    point_a = {m: v[0] for m, v in bootstrap.classification_scores(y, proba, full).items()}
    point_b = {m: v[0] for m, v in bootstrap.classification_scores(y, other, full).items()}
    for metric, (low, high) in bootstrap.intervals(a, point_a).items():
        # The bias shift keeps a metric that resampling inflates (ECE) inside too.
        assert low <= point_a[metric] <= high, metric
    low, high = bootstrap.interval(a["accuracy"], point_a["accuracy"])
    assert high - low < 0.1
    estimates = {m: point_a[m] - point_b[m] for m in a}
    difference = bootstrap.difference_intervals(a, b, estimates)["accuracy"]
    assert difference[0] > 0  # the better model is better on (nearly) every resample
    other_low, other_high = bootstrap.interval(b["accuracy"], point_b["accuracy"])
    assert difference[1] - difference[0] < (high - other_low) - (low - other_high)  # unpaired
    again = bootstrap.classification_scores(y, proba, bootstrap.resample_indices(len(y), seed=0))
    assert np.array_equal(again["accuracy"], a["accuracy"])  # seeded


def test_an_unbiased_statistic_gets_the_plain_percentile_interval_a_biased_one_is_shifted():
    values = np.random.default_rng(0).normal(size=10_001)
    low, high = bootstrap.interval(values, float(values.mean()))
    assert (low, high) == pytest.approx(tuple(np.percentile(values, [2.5, 97.5])))
    assert bootstrap.interval(values + 3.0, float(values.mean())) == pytest.approx([low, high])
