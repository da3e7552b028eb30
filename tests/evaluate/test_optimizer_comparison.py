import pytest

from glassbox.evaluate.comparison import mean_curves, recommend
from glassbox.evaluate.optimizer_comparison import render_report, run_settings, summarise
from glassbox.parameters import OptimizerComparisonParams, TrainingParams


def _run(seed, test_accuracy, best_val_loss, seconds, curve):
    return {
        "seed": seed,
        "lr": None,
        "test_accuracy": test_accuracy,
        "best_val_loss": best_val_loss,
        "best_epoch": len(curve),
        "epochs_trained": len(curve),
        "seconds_to_best": seconds,
        "total_seconds": seconds + 1,
        "val_loss": curve,
        "val_accuracy": [0.5] * len(curve),
    }


RUNS = {
    "sgd": [_run(0, 0.90, 0.30, 2.0, [1.0, 0.5]), _run(1, 0.92, 0.34, 4.0, [1.0, 0.7, 0.3])],
    "adam": [_run(0, 0.96, 0.10, 1.0, [0.8, 0.2]), _run(1, 0.98, 0.14, 3.0, [0.6, 0.2])],
    "rmsprop": [_run(0, 0.95, 0.12, 0.5, [0.7]), _run(1, 0.97, 0.13, 0.5, [0.9])],
}


def test_summary_holds_mean_and_std_of_the_runs():
    summary = summarise(RUNS)
    sgd = summary["optimizers"]["sgd"]
    assert sgd["test_accuracy_mean"] == pytest.approx(0.91)
    assert sgd["test_accuracy_std"] == pytest.approx(0.0141421356)  # sample std of 0.90, 0.92
    assert sgd["seconds_to_best_mean"] == 3.0 and sgd["seeds"] == [0, 1]
    assert sgd["runs"] == RUNS["sgd"]


def test_recommendation_ranks_on_validation_loss_and_names_ties_and_the_fastest():
    summary = summarise(RUNS)
    advice = summary["recommendation"]
    # adam: mean 0.12 ± 0.028; rmsprop 0.125 is within one std, sgd 0.32 is not.
    assert advice["best"] == "adam"
    assert advice["tied"] == ["adam", "rmsprop"]
    assert advice["fastest_of_tied"] == "rmsprop"
    assert "Lowest validation loss: adam" in advice["text"] and "rmsprop" in advice["text"]


def test_a_clear_winner_is_said_to_be_one():
    optimizers = summarise({"a": RUNS["adam"][:1], "b": RUNS["sgd"][:1]})["optimizers"]
    assert "No other optimizer came within" in recommend(optimizers)["text"]


def test_mean_curves_average_the_seeds_still_running():
    curve = mean_curves(RUNS["sgd"], "val_loss")
    assert curve.tolist() == pytest.approx([1.0, 0.6, 0.3])


def test_run_settings_swap_only_optimizer_seed_and_epochs():
    training = TrainingParams(batch_size=32, optimizer={"name": "adam", "weight_decay": 0.1})
    comparison = OptimizerComparisonParams(learning_rates={"sgd": 0.2}, epochs=7)
    run = run_settings(training, comparison, "sgd", seed=5)
    assert (run.optimizer.name, run.optimizer.lr, run.seed, run.epochs) == ("sgd", 0.2, 5, 7)
    assert run.batch_size == 32 and run.optimizer.weight_decay == 0.1
    assert run_settings(training, comparison, "adagrad", seed=0).optimizer.lr is None


def test_report_escapes_what_it_shows():
    runs = {"adam": RUNS["adam"]}
    html = render_report(summarise(runs), {"note <b>": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "data:image/png;base64," in html


def test_bad_comparison_parameters_are_refused():
    with pytest.raises(ValueError, match="learning_rates must be greater than 0"):
        OptimizerComparisonParams(learning_rates={"sgd": -1})
    with pytest.raises(ValueError, match="'sgd', 'momentum'"):
        OptimizerComparisonParams(optimizers=["lion"])
