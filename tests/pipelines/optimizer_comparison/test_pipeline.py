"""The optimizer comparison's JSON against the runs it summarises."""

import statistics

import pytest
from kedro.runner import SequentialRunner

from glassbox.parameters import OptimizerComparisonParams, TrainingParams
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.optimizer_comparison import create_pipeline as optimizer_comparison
from tests.conftest import digits_catalog


def test_summary_matches_the_runs_it_summarises(tmp_path):
    comparison = OptimizerComparisonParams(
        optimizers=["sgd", "adam"], seeds=[0, 1], epochs=4, learning_rates={"sgd": 0.2}
    )
    catalog = digits_catalog(
        tmp_path, training=TrainingParams(progress="never"), optimizer_comparison=comparison
    )
    outputs = SequentialRunner().run(data_processing() + optimizer_comparison(), catalog)
    summary = outputs["optimizer_comparison_summary"].load()
    report = outputs["optimizer_comparison_report"].load()

    assert list(summary["optimizers"]) == ["sgd", "adam"]
    for entry in summary["optimizers"].values():
        runs = entry["runs"]
        assert [r["seed"] for r in runs] == [0, 1]
        assert all(r["epochs_trained"] == 4 == len(r["val_loss"]) for r in runs)
        accuracies = [r["test_accuracy"] for r in runs]
        assert entry["test_accuracy_mean"] == pytest.approx(statistics.fmean(accuracies))
        assert entry["test_accuracy_std"] == pytest.approx(statistics.stdev(accuracies))
        assert entry["best_val_loss_mean"] == pytest.approx(
            statistics.fmean(min(r["val_loss"]) for r in runs)
        )
    assert summary["optimizers"]["sgd"]["lr"] == 0.2 and summary["optimizers"]["adam"]["lr"] is None
    assert summary["recommendation"]["best"] in {"sgd", "adam"}
    assert "Which optimizer suits this data?" in report
    # Two seeds of the same optimizer differ, so the seed really reaches the run.
    assert (
        summary["optimizers"]["adam"]["runs"][0]["val_loss"]
        != summary["optimizers"]["adam"]["runs"][1]["val_loss"]
    )
