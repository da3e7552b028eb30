"""The optimizer comparison's JSON against the runs it summarises."""

import statistics

import pytest
from kedro.runner import SequentialRunner

from glassbox.parameters import OptimizerComparisonParams, SeedRunsParams, TrainingParams
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.optimizer_comparison import create_pipeline as optimizer_comparison
from glassbox.pipelines.seed_runs import create_pipeline as seed_runs
from tests.conftest import digits_catalog


def test_summary_matches_the_runs_it_summarises(tmp_path):
    comparison = OptimizerComparisonParams(
        optimizers=["sgd", "adam"], seeds=[0, 1], epochs=4, learning_rates={"sgd": 0.2}
    )
    # The configured model (Adam at 0.001, its default rate, 4 epochs) has seed runs 1 and 5:
    # the comparison's Adam run with seed 1 (at the default rate) is the same run, and is
    # reused, not trained again.
    training = TrainingParams(progress="never", epochs=4, optimizer={"name": "adam", "lr": 0.001})
    catalog = digits_catalog(
        tmp_path,
        training=training,
        optimizer_comparison=comparison,
        seed_runs=SeedRunsParams(seeds=[1, 5]),
    )
    outputs = SequentialRunner().run(
        data_processing() + seed_runs() + optimizer_comparison(), catalog
    )
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
    assert [r["reused"] for r in summary["optimizers"]["adam"]["runs"]] == [False, True]
    assert not any(r["reused"] for r in summary["optimizers"]["sgd"]["runs"])
    assert "adam (seed 1)" in report
    assert summary["optimizers"]["sgd"]["lr"] == 0.2 and summary["optimizers"]["adam"]["lr"] is None
    assert summary["recommendation"]["best"] in {"sgd", "adam"}
    assert "Which optimizer suits this data?" in report
    # Two seeds of the same optimizer differ, so the seed really reaches the run.
    assert (
        summary["optimizers"]["adam"]["runs"][0]["val_loss"]
        != summary["optimizers"]["adam"]["runs"][1]["val_loss"]
    )
