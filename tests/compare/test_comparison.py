"""What every comparison shares (glassbox.compare.comparison): one run record and one way
of summarising runs, so the optimizer, architecture and privacy comparisons report the same
figures for the same runs."""

import math

import numpy as np

from glassbox.compare.comparison import describe_run, figures, summarise_runs
from glassbox.compare.params import PrivacyComparisonParams
from glassbox.compare.privacy_comparison import NO_PRIVACY
from glassbox.compare.privacy_comparison import describe_run as privacy_run
from glassbox.compare.privacy_comparison import summarise as privacy_summary
from glassbox.training.loop import train
from glassbox.training.params import TrainingParams
from tests.training.test_loop import blobs


def _run(seed: int, accuracy: float, diverged: bool = False) -> dict:
    return {
        "seed": seed,
        "lr": 0.01,
        "test_accuracy": accuracy,
        "best_val_loss": 0.5 - accuracy / 10,
        "best_epoch": 3,
        "seconds_to_best": 1.0,
        "total_seconds": 2.0,
        "diverged": diverged,
        "noise_multiplier": 0.0,
        "epsilon": None,
        "membership_attack": {"auc": 0.5, "tpr_at_1pct_fpr": 0.01, "rows_each": 10},
        "global_importance": [0.5, 0.3, 0.2],
    }


def test_figures_leave_diverged_runs_out_and_every_comparison_uses_them():
    runs = [_run(0, 0.9), _run(1, 0.8), _run(2, math.nan, diverged=True)]
    found = figures(runs, ["test_accuracy"])
    assert found["seeds"] == [0, 1, 2] and found["diverged"] == [{"seed": 2, "lr": 0.01}]
    assert math.isclose(found["test_accuracy_mean"], 0.85)
    low, high = found["test_accuracy_ci95"]
    assert low < 0.85 < high  # a t-interval over the two kept seeds

    optimizer = summarise_runs({"adam": [dict(r) for r in runs]}, "classification")["adam"]
    variants = {"variants": {NO_PRIVACY: {"privacy": None, "runs": [dict(r) for r in runs]}}}
    privacy = privacy_summary(variants, "classification", ["a", "b", "c"])["variants"]
    for summary in (optimizer, privacy[NO_PRIVACY]):
        for key in ("seeds", "diverged", "test_accuracy_mean", "test_accuracy_ci95"):
            assert summary[key] == found[key], key


def test_a_privacy_run_is_the_shared_record_and_what_privacy_costs():
    data = blobs(n=200)
    params = TrainingParams(epochs=3, progress="never", checkpoint_every=0)
    model, history = train(data, params)
    X_test, y_test = data.X_val, data.y_val
    shared = describe_run(model, history, params, data, X_test, y_test)
    found = privacy_run(
        model, history, params, data, X_test, y_test, PrivacyComparisonParams(explained_rows=10)
    )
    assert {k: found[k] for k in shared if "seconds" not in k} == {
        k: v for k, v in shared.items() if "seconds" not in k
    }
    assert found["epsilon"] is None and 0 <= found["membership_attack"]["auc"] <= 1
    assert np.isfinite(found["global_importance"]).all()
