"""The privacy comparison's summary and report when runs diverge: results, not crashes."""

from glassbox.compare.privacy_comparison import NO_PRIVACY, render_report, summarise


def _run(seed: int, accuracy: float | None, epsilon: float | None = None) -> dict:
    found = {"seed": seed, "lr": 0.05, "epochs_trained": 4, "epsilon": epsilon}
    found["noise_multiplier"] = 0.0 if epsilon is None else 1.1
    if accuracy is None:  # as describe_run records a run whose loss stopped being a number
        return found | {"diverged": True}
    return found | {
        "diverged": False,
        "test_accuracy": accuracy,
        "calibration_error": 0.05,
        "membership_attack": {"auc": 0.52, "tpr_at_1pct_fpr": 0.01, "rows_each": 50},
        "global_importance": [0.5, 0.3, 0.2 + seed / 100],
    }


def test_diverged_runs_are_listed_and_left_out_of_the_means_and_a_variant_may_lose_them_all():
    runs = {
        "variants": {
            NO_PRIVACY: {"privacy": None, "runs": [_run(0, 0.9), _run(1, 0.8), _run(2, None)]},
            "ε = 1": {
                "privacy": {"target_epsilon": 1.0},
                "runs": [_run(0, None, 0.9), _run(1, None, 0.9)],
            },
        },
        "batch_size": 32,
    }
    summary = summarise(runs, "classification", ["a", "b", "c"])
    plain, private = summary["variants"][NO_PRIVACY], summary["variants"]["ε = 1"]
    assert abs(plain["test_accuracy_mean"] - 0.85) < 1e-12  # the diverged seed left out
    assert plain["diverged"] == [{"seed": 2, "lr": 0.05}] and len(plain["runs"]) == 3
    assert private["test_accuracy_mean"] is None and private["attack_auc_mean"] is None
    assert "ε = 1: every run diverged" in " ".join(summary["findings"])

    page = render_report(summary, {"seeds": [0, 1, 2]})
    assert "Diverged (the loss stopped being a number" in page
    assert "ε = 1 at learning rate 0.05 (seed 0)" in page
