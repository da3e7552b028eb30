import pytest

from glassbox.compare.comparison import median_curve, recommend, summarise_runs
from glassbox.compare.optimizer_comparison import (
    render_report,
    run_settings,
    summarise,
    train_all,
    tune,
)
from glassbox.compare.params import OptimizerComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.training.params import TrainingParams


def _run(seed, test_accuracy, best_val_loss, curve, lr=None):
    return {
        "seed": seed,
        "lr": lr,
        "test_accuracy": test_accuracy,
        "best_val_loss": best_val_loss,
        "best_epoch": len(curve),
        "epochs_trained": len(curve),
        "seconds_to_best": 0.1 * len(curve),
        "total_seconds": 0.1 * len(curve) + 1,
        "val_loss": curve,
        "val_accuracy": [0.5] * len(curve),
        "epoch_seconds": [0.1] * len(curve),
    }


def _columns(defaults, tuned=()):
    return {"defaults": list(defaults), "best_trial": list(tuned)}


# Three seeds each. adam and rmsprop differ by noise (seed by seed they swap places); sgd is
# worse on every seed.
RUNS = {
    "sgd": _columns(
        [
            _run(0, 0.90, 0.30, [1.0, 0.5, 0.30]),
            _run(1, 0.92, 0.34, [1.0, 0.7, 0.34]),
            _run(2, 0.91, 0.32, [1.0, 0.6, 0.32]),
        ]
    ),
    "adam": _columns(
        [
            _run(0, 0.96, 0.10, [0.8, 0.2, 0.15, 0.12, 0.10]),
            _run(1, 0.98, 0.14, [0.6, 0.2, 0.14]),
            _run(2, 0.97, 0.11, [0.7, 0.3, 0.11]),
        ]
    ),
    "rmsprop": _columns(
        [
            _run(0, 0.95, 0.12, [0.7, 0.12]),
            _run(1, 0.97, 0.13, [0.9, 0.13]),
            _run(2, 0.96, 0.105, [0.5, 0.105]),
        ]
    ),
}


def test_summary_holds_mean_interval_and_spread_of_the_runs():
    sgd = summarise(RUNS)["optimizers"]["sgd"]
    assert sgd["test_accuracy_mean"] == pytest.approx(0.91)
    assert sgd["test_accuracy_std"] == pytest.approx(0.01)
    # Student's t with 2 degrees of freedom: 4.303 * 0.01 / sqrt(3)
    low, high = sgd["test_accuracy_ci95"]
    assert (low, high) == pytest.approx((0.91 - 0.024843, 0.91 + 0.024843), abs=1e-5)
    assert sgd["seeds"] == [0, 1, 2] and sgd["tuned_from"] == "defaults"


def test_ties_are_the_choices_the_paired_seeds_cannot_tell_apart_and_the_fastest_is_by_epochs():
    summary = summarise(RUNS)
    advice = summary["recommendation"]
    assert advice["best"] == "adam"  # mean 0.1167 against rmsprop's 0.1183
    assert advice["tied"] == ["adam", "rmsprop"]  # sgd is worse on every seed
    # The target is the best mean (adam's 0.1167) plus 25 %: rmsprop reaches it after 2
    # epochs on every seed, adam after 3 or 4; sgd never does.
    assert advice["target_val_loss"] == pytest.approx(0.35 / 3 * 1.25)
    optimizers = summary["optimizers"]
    assert optimizers["rmsprop"]["reached_target"] == 1.0
    assert optimizers["rmsprop"]["epochs_to_target_median"] == 2
    assert optimizers["adam"]["epochs_to_target_median"] == 3
    assert optimizers["sgd"]["epochs_to_target_median"] is None
    assert advice["fastest_of_tied"] == "rmsprop"
    low, high = advice["paired_differences"]["sgd"][1:]
    assert low > 0  # worse on each seed by 0.19-0.21
    assert "rmsprop" in advice["text"] and "one group" in advice["text"]


def test_the_fastest_of_the_group_is_chosen_by_epochs_not_seconds():
    runs = {
        "slow_clock": _columns([_run(s, 0.9, 0.10, [0.5, 0.10]) for s in range(3)]),
        "fast_clock": _columns([_run(s, 0.9, 0.101, [0.5, 0.3, 0.101]) for s in range(3)]),
    }
    for run in runs["slow_clock"]["defaults"]:
        run["epoch_seconds"] = [5.0, 5.0]  # a busy machine: many seconds, few epochs
    optimizers = summarise(runs)["optimizers"]
    advice = recommend(optimizers)
    assert advice["fastest_of_tied"] == "slow_clock"


def test_a_clear_winner_is_said_to_be_one_and_one_seed_ranks_by_value_only():
    clear = summarise({"a": RUNS["adam"], "b": RUNS["sgd"]})["recommendation"]
    assert clear["tied"] == ["a"] and "worse by a paired 95 % interval" in clear["text"]
    one_seed = {n: _columns(r["defaults"][:1]) for n, r in RUNS.items()}
    assert "With one seed" in summarise(one_seed)["recommendation"]["text"]


def test_the_tuned_column_is_the_best_trials_rate_unless_the_defaults_do_better():
    runs = {
        # Tuning found a better rate: the tuned column is its runs.
        "adam": _columns(
            [_run(s, 0.2, 2.0 + s, [2.0 + s], lr=1.0) for s in range(3)],
            [_run(s, 0.9, 0.1 + s / 100, [0.1 + s / 100], lr=0.003) for s in range(3)],
        ),
        # The default rate stays better: the tuned column is the defaults'.
        "sgd": _columns(
            [_run(s, 0.9, 0.2, [0.2], lr=0.1) for s in range(3)],
            [_run(s, 0.8, 0.25, [0.25], lr=0.3) for s in range(3)],
        ),
    }
    optimizers = summarise(runs)["optimizers"]
    assert optimizers["adam"]["tuned_from"] == "trials" and optimizers["adam"]["lr"] == 0.003
    assert optimizers["sgd"]["tuned_from"] == "defaults" and optimizers["sgd"]["lr"] == 0.1
    for entry in optimizers.values():  # tuned is never worse than the defaults
        assert entry["best_val_loss_mean"] <= entry["defaults"]["best_val_loss_mean"]


def test_median_curves_carry_a_stopped_seed_on_instead_of_jumping():
    curve = median_curve(RUNS["sgd"]["defaults"] + [_run(3, 0.9, 0.9, [0.9])], "val_loss")
    # epoch 3: seeds 0-2 at 0.30-0.34 and the stopped seed carried at 0.9
    assert curve["median"].tolist()[2] == pytest.approx((0.32 + 0.34) / 2)
    assert curve["high"].tolist()[2] == 0.9
    assert summarise_runs({"x": [_run(0, 1, 1, [1])]})["x"]["best_val_loss_ci95"] == [1, 1]


def test_the_report_shows_the_group_the_charts_the_target_and_the_epoch_cap_warning():
    studies = {
        name: {
            "study": f"s-{name}",
            "abandoned_and_rerun": 0,
            "trials": [
                {"index": i, "number": i, "lr": lr, "best_val_loss": 0.1 + i, "best_epoch": 3}
                for i, lr in enumerate([0.01, 0.1])
            ],
        }
        for name in RUNS
    }
    summary = summarise(RUNS, studies=studies, epochs_cap=5)
    html = render_report(summary, {"note <b>": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "adam ★" in html and "rmsprop ★" in html and "sgd ★" not in html
    assert "Learning-rate sensitivity" not in html  # drawn, not text: the alt text says
    assert "validation loss against learning rate" in html  # the sensitivity and budget chart
    assert "Epochs to target" in html and "0.1458" in html
    assert "Still improving at the epoch cap (5 epochs)" in html  # adam seed 0 stops at 5
    assert summary["optimizers"]["adam"]["trials_completed"] == 2


def test_run_settings_swap_only_optimizer_seed_epochs_and_the_rate():
    training = TrainingParams(batch_size=32, optimizer={"name": "adam", "weight_decay": 0.1})
    comparison = OptimizerComparisonParams(learning_rates={"sgd": 0.2}, epochs=7)
    run = run_settings(training, comparison, "sgd", seed=5)
    assert (run.optimizer.name, run.optimizer.lr, run.seed, run.epochs) == ("sgd", 0.2, 5, 7)
    assert run.batch_size == 32 and run.optimizer.weight_decay == 0.1
    assert run_settings(training, comparison, "adagrad", seed=0).optimizer.lr is None
    assert run_settings(training, comparison, "sgd", seed=0, lr=0.5).optimizer.lr == 0.5


def test_bad_comparison_parameters_are_refused():
    with pytest.raises(ValueError, match="learning_rates must be greater than 0"):
        OptimizerComparisonParams(learning_rates={"sgd": -1})
    with pytest.raises(ValueError, match="'sgd', 'momentum'"):
        OptimizerComparisonParams(optimizers=["lion"])
    with pytest.raises(ValueError, match="lr_range must be"):
        OptimizerComparisonParams(lr_range=(1.0, 0.1))
    with pytest.raises(ValueError, match="distinct"):
        OptimizerComparisonParams(seeds=[0, 0])


def test_a_bad_default_rate_is_bad_untuned_and_tuning_puts_it_with_the_best(tmp_path):
    """Adam at a learning rate of 1.0 in the untuned settings: its defaults column is bad,
    and its tuned result is in the group of the best."""
    from glassbox.compare.comparison import comparison_inputs
    from tests.conftest import digits_splits

    training = TrainingParams(progress="never", early_stopping={"patience": 5})
    comparison = OptimizerComparisonParams(
        optimizers=["adam", "momentum"],
        seeds=[0, 1, 2],
        epochs=25,
        trials_per_optimizer=4,
        lr_range=(1e-3, 1.0),
        learning_rates={"adam": 1.0, "momentum": 0.05},
        processes=1,
    )
    inputs = comparison_inputs(*digits_splits(tmp_path))
    storage = StudyStorage(None, tmp_path / "s.journal")
    studies = tune(*inputs, training, comparison, storage)
    runs = train_all(*inputs, training, comparison, storage, tuned=studies)
    summary = summarise(runs, "classification", studies, comparison.epochs)
    adam = summary["optimizers"]["adam"]
    assert adam["defaults"]["test_accuracy_mean"] < 0.5  # diverges at 1.0
    assert adam["tuned_from"] == "trials" and adam["lr"] < 0.1
    assert "adam" in summary["recommendation"]["tied"], summary["recommendation"]
    assert all(e["trials_completed"] == 4 for e in summary["optimizers"].values())


def test_pruned_tuning_recommends_what_the_full_budget_does_for_a_third_of_the_epochs(tmp_path):
    """Successive halving on digits: each optimizer keeps its five trials (at most two go
    past the first rung, one past the second; a trial its early stopping ended is not cut),
    finds the same best learning rate as trials that all train their full budget here, and
    the comparison recommends the same tie group."""
    from glassbox.compare.comparison import comparison_inputs
    from tests.conftest import digits_splits

    training = TrainingParams(progress="never", early_stopping={"patience": 5})
    pruned = OptimizerComparisonParams(
        optimizers=["sgd", "adam", "adagrad"],
        seeds=[0, 1, 2],
        epochs=18,
        trials_per_optimizer=5,
        lr_range=(1e-4, 1.0),
        processes=1,
    )
    inputs = comparison_inputs(*digits_splits(tmp_path))
    outcome = {}
    for pruning in ("successive_halving", "none"):
        comparison = pruned.model_copy(update={"pruning": pruning})
        storage = StudyStorage(None, tmp_path / f"{pruning}.journal")
        studies = tune(*inputs, training, comparison, storage)
        runs = train_all(*inputs, training, comparison, storage, tuned=studies)
        summary = summarise(runs, "classification", studies, comparison.epochs)
        outcome[pruning] = (studies, summary)

    (halved, summary), (full, reference) = outcome["successive_halving"], outcome["none"]
    for name in pruned.optimizers:
        trials = halved[name]["trials"]
        assert len(trials) == 5
        assert {t.get("pruned_at") for t in trials} <= {None, 2, 6}  # rungs: 18/9, 18/3
        went_on = [sum(t["epochs_trained"] > rung for t in trials) for rung in (2, 6)]
        assert went_on[0] <= 2 and went_on[1] <= 1, went_on  # ⌈5 / 3⌉, then ⌈2 / 3⌉
        assert summary["optimizers"][name]["trials_pruned"] >= 2
        assert summary["optimizers"][name]["lr"] == reference["optimizers"][name]["lr"]
    epochs = {
        kind: sum(t["epochs_trained"] for s in studies.values() for t in s["trials"])
        for kind, studies in (("halved", halved), ("full", full))
    }
    assert epochs["halved"] < 0.6 * epochs["full"], epochs
    assert summary["recommendation"]["tied"] == reference["recommendation"]["tied"]
    assert "stopped" in render_report(summary, {"pruning": "successive halving"})


def test_a_diverged_seed_is_left_out_of_the_means_and_every_run_diverged_recommends_nothing():
    nan = float("nan")
    diverged = _run(1, 0.1, 0.6, [0.8, 0.6, None], lr=10.0) | {"diverged": True}
    runs = {
        "sgd": _columns([_run(0, 0.9, 0.3, [0.5, 0.3], lr=10.0), diverged]),
        "adam": _columns([_run(0, 0.9, 0.2, [0.4, 0.2]), _run(1, 0.9, 0.25, [0.4, 0.25])]),
    }
    summary = summarise(runs, "classification")
    sgd = summary["optimizers"]["sgd"]
    assert sgd["diverged"] == [{"seed": 1, "lr": 10.0}]
    assert sgd["best_val_loss_mean"] == 0.3 and sgd["test_accuracy_mean"] == 0.9  # seed 0 only
    assert "Diverged." in render_report(summary, {}) and "sgd (defaults) at learning rate 10" in (
        render_report(summary, {})
    )

    gone = _run(0, nan, float("inf"), [None, None], lr=1e4) | {"diverged": True}
    every = summarise({"sgd": _columns([gone])}, "classification")
    assert every["optimizers"]["sgd"]["best_val_loss_mean"] is None
    assert every["recommendation"]["best"] is None
    assert "Every run diverged" in every["recommendation"]["text"]
    assert "diverged" in render_report(every, {})


def test_on_a_large_split_every_run_trains_on_the_same_seeded_sample_and_reuses_nothing(
    tmp_path,
):
    """max_rows: the comparison's runs see at most that many training rows (the same ones
    for every run); the seed runs, trained on all rows, are not taken for its runs."""
    import torch

    from glassbox.compare.comparison import sample_rows
    from glassbox.compare.optimizer_comparison import run_settings
    from glassbox.training.loop import TrainingData, train
    from glassbox.training.seed_runs import TrainedRun

    g = torch.Generator().manual_seed(0)
    X = torch.randn(1200, 4, generator=g)
    y = (X[:, 0] + X[:, 1] > 0).long()
    data = TrainingData(X[:1000], y[:1000], X[1000:1100], y[1000:1100], n_classes=2)
    sample = sample_rows(data, 300, seed=0)
    assert len(sample.X_train) == 300 and sample.X_val is data.X_val
    assert torch.equal(sample.X_train, sample_rows(data, 300, seed=0).X_train)
    assert sample_rows(data, 5000, seed=0) is data and sample_rows(data, None, 0) is data

    training = TrainingParams(progress="never", epochs=3, early_stopping={"patience": None})
    comparison = OptimizerComparisonParams(
        optimizers=["adam"],
        seeds=[0],
        trials_per_optimizer=0,
        epochs=3,
        max_rows=300,
        processes=1,
    )
    settings = run_settings(training, comparison, "adam", 0)
    model, history = train(data, settings)
    done = [TrainedRun(settings, model, history)]
    storage = StudyStorage(None, tmp_path / "s.journal")
    runs = train_all(data, X[1100:], y[1100:], training, comparison, storage, done)
    assert [r["reused"] for r in runs["adam"]["defaults"]] == [False]
    full = comparison.model_copy(update={"max_rows": None})
    runs = train_all(data, X[1100:], y[1100:], training, full, storage, done)
    assert [r["reused"] for r in runs["adam"]["defaults"]] == [True]
