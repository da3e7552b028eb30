"""The verdict: better, indistinguishable or worse than the best baseline, by the interval
of the paired difference, in the direction the task's score improves."""

import pytest

from glassbox.evaluate.verdict import verdict


def _details(task, model, baselines, difference_interval):
    metric = "accuracy" if task == "classification" else "rmse"
    best = max(baselines, key=lambda n: baselines[n] * (1 if metric == "accuracy" else -1))
    return {
        "task": task,
        "test_rows": 200,
        "bootstrap": {"level": 0.95},
        "model": {metric: model},
        "baselines": {name: {metric: value} for name, value in baselines.items()},
        "differences": {
            name: {metric: difference_interval if name == best else [-9.0, 9.0]}
            for name in baselines
        },
    }


@pytest.mark.parametrize(
    ("task", "model", "interval", "outcome"),
    [
        ("classification", 0.95, [0.01, 0.05], "better"),
        ("classification", 0.91, [-0.02, 0.03], "indistinguishable"),
        ("classification", 0.85, [-0.08, -0.02], "worse"),
        ("regression", 1.0, [-0.5, -0.1], "better"),  # lower RMSE is better
        ("regression", 1.3, [0.1, 0.5], "worse"),
        ("regression", 1.2, [-0.1, 0.2], "indistinguishable"),
    ],
)
def test_the_outcome_follows_the_interval_in_the_scores_direction(task, model, interval, outcome):
    baselines = {"logistic_regression": 0.80, "random_forest": 0.90}
    if task == "regression":
        baselines = {"training_mean": 3.0, "hist_gradient_boosting": 1.2}
    found = verdict(_details(task, model, baselines, interval))
    assert found["outcome"] == outcome
    best = "random_forest" if task == "classification" else "hist_gradient_boosting"
    assert found["best_baseline"] == best and best in found["text"]
    assert ("not warranted" in found["text"]) == (outcome != "better")


def test_when_the_best_baseline_is_itself_a_network_the_best_other_one_decides():
    details = {
        "task": "classification",
        "test_rows": 360,
        "bootstrap": {"level": 0.95},
        "model": {"accuracy": 0.978},
        "baselines": {
            "mlp_classifier": {"accuracy": 0.975},
            "random_forest": {"accuracy": 0.950},
            "logistic_regression": {"accuracy": 0.969},
        },
        "differences": {
            "mlp_classifier": {"accuracy": [-0.011, 0.019]},
            "random_forest": {"accuracy": [0.01, 0.05]},
            "logistic_regression": {"accuracy": [-0.008, 0.025]},
        },
    }
    found = verdict(details)
    assert found["outcome"] == "indistinguishable" and found["best_baseline"] == "mlp_classifier"
    plain = found["against_best_non_network"]
    assert plain["baseline"] == "logistic_regression" and plain["outcome"] == "indistinguishable"
    assert "mlp_classifier is itself a small neural network" in found["text"]
    assert found["text"].endswith("logistic_regression does as well.")


def test_an_interval_end_that_rounds_to_zero_reads_plus_zero_not_minus_zero():
    from glassbox.evaluate.verdict import signed

    assert [signed(v) for v in (-0.00001, 0.0, -0.0, 0.00004, -0.01234)] == [
        "+0.0000",
        "+0.0000",
        "+0.0000",
        "+0.0000",
        "-0.0123",
    ]
    baselines = {"logistic_regression": 0.80, "random_forest": 0.90}
    found = verdict(_details("classification", 0.90, baselines, [-0.00002, 0.03]))
    assert "interval +0.0000 to +0.0300" in found["text"]
