"""The optimizer comparison's JSON against the runs it summarises."""

import statistics

import pytest
from kedro.runner import SequentialRunner

from glassbox.compare.params import OptimizerComparisonParams
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.optimizer_comparison import create_pipeline as optimizer_comparison
from glassbox.pipelines.seed_runs import create_pipeline as seed_runs
from glassbox.training.params import SeedRunsParams, TrainingParams
from tests.conftest import digits_catalog


def _compare(tmp_path, comparison, training, seeds: list[int]) -> tuple[dict, str]:
    """Digits through data processing, the seed runs (``seeds``) and the comparison, in
    memory; the summary and the report."""
    catalog = digits_catalog(
        tmp_path,
        training=training,
        optimizer_comparison=comparison,
        seed_runs=SeedRunsParams(seeds=seeds),
    )
    outputs = SequentialRunner().run(
        data_processing() + seed_runs() + optimizer_comparison(), catalog
    )
    return (
        outputs["optimizer_comparison_summary"].load(),
        outputs["optimizer_comparison_report"].load(),
    )


def test_summary_matches_the_runs_it_summarises(tmp_path):
    comparison = OptimizerComparisonParams(
        optimizers=["sgd", "adam"],
        seeds=[0, 1],
        epochs=4,
        learning_rates={"sgd": 0.2},
        trials_per_optimizer=2,
        lr_range=(0.01, 0.1),
        processes=2,  # a helper process shares the study, as in a default run
    )
    # The configured model (Adam at 0.001, its default rate, 4 epochs) has seed runs 1 and 5:
    # the comparison's defaults run of Adam with seed 1 (at the default rate) is the same
    # run, and is reused, not trained again.
    training = TrainingParams(progress="never", epochs=4, optimizer={"name": "adam", "lr": 0.001})
    summary, report = _compare(tmp_path, comparison, training, seeds=[1, 5])

    assert list(summary["optimizers"]) == ["sgd", "adam"]
    for entry in summary["optimizers"].values():
        assert entry["trials_completed"] == 2 and entry["abandoned_and_rerun"] == 0
        assert sorted(t["lr"] for t in entry["trials"]) == pytest.approx([0.01, 0.1])
        for column in (entry, entry["defaults"]):
            runs = column["runs"]
            assert [r["seed"] for r in runs] == [0, 1]
            assert all(r["epochs_trained"] == 4 == len(r["val_loss"]) for r in runs)
            accuracies = [r["test_accuracy"] for r in runs]
            assert column["test_accuracy_mean"] == pytest.approx(statistics.fmean(accuracies))
            assert column["best_val_loss_mean"] == pytest.approx(
                statistics.fmean(min(r["val_loss"]) for r in runs)
            )
        # Tuned: the better (on validation loss) of the best trial's rate and the default.
        best = min(entry["trials"], key=lambda t: t["best_val_loss"])
        tuned_lr = best["lr"] if entry["tuned_from"] == "trials" else entry["defaults"]["lr"]
        assert entry["lr"] == tuned_lr
        assert entry["best_val_loss_mean"] <= entry["defaults"]["best_val_loss_mean"]
    assert summary["optimizers"]["sgd"]["defaults"]["lr"] == 0.2
    assert summary["optimizers"]["adam"]["defaults"]["lr"] is None
    assert summary["recommendation"]["best"] in {"sgd", "adam"}
    assert "Which optimizer suits this data?" in report
    adam = summary["optimizers"]["adam"]["defaults"]["runs"]
    assert [r["reused"] for r in adam] == [False, True]
    assert "adam (seed 1)" in report
    # Two seeds of the same optimizer differ, so the seed really reaches the run.
    assert adam[0]["val_loss"] != adam[1]["val_loss"]


def test_logs_show_a_storage_url_without_its_password():
    from glassbox.compare.storage import without_password

    url = "postgresql://me:s3cr3t@db:5432/x"  # pragma: allowlist secret
    assert without_password(url) == "postgresql://me:***@db:5432/x"
    assert without_password("postgresql://me@db/x") == "postgresql://me@db/x"
    assert without_password("sqlite:///study.db") == "sqlite:///study.db"
    assert without_password(None) is None


def test_runs_that_diverge_are_recorded_and_left_out_and_the_comparison_finishes(tmp_path):
    """SGD at a learning rate of 10^4 turns the loss to inf/NaN on digits: its runs are
    results (diverged, with their rate), not a crash, and the other optimizer wins."""
    comparison = OptimizerComparisonParams(
        optimizers=["sgd", "adam"],
        seeds=[0, 1],
        epochs=3,
        learning_rates={"sgd": 1e4},
        trials_per_optimizer=0,
        processes=1,
    )
    training = TrainingParams(progress="never", epochs=3)
    summary, report = _compare(tmp_path, comparison, training, seeds=[])

    sgd = summary["optimizers"]["sgd"]
    assert sgd["diverged"] == [{"seed": 0, "lr": 1e4}, {"seed": 1, "lr": 1e4}]
    assert sgd["best_val_loss_mean"] is None  # no finite run to average
    assert summary["recommendation"]["best"] == "adam"
    assert "sgd" not in summary["recommendation"]["tied"]
    assert "Diverged" in report and "sgd" in report
