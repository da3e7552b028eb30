"""Honest baselines, scored on the same split as the network: does the network earn its keep?

Beside the trivial and linear models and scikit-learn's MLP, the tree ensembles that
practitioners actually compare against on tables (Grinsztajn et al., 2022: tree ensembles
remain ahead of deep models on typical tabular data): histogram gradient boosting and a
random forest, seeded, with scikit-learn's defaults (but a regression forest's features per
split: glassbox.forest).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from glassbox.forest import random_forest
from glassbox.progress import Heartbeat

BASELINE_NAMES = (
    "majority_class",
    "logistic_regression",
    "mlp_classifier",
    "hist_gradient_boosting",
    "random_forest",
)
# On more training rows than this, scikit-learn's MLPs stop early on a 10 % validation
# split, as the network stops on its validation rows. Without it, on a 42,000-row table the
# MLPRegressor ran 290 iterations (30 s, five times the network's training) to R² 0.59;
# stopping early it took 20 (1.7 s) to 0.72. On a small table the held-out tenth costs more
# than it saves: on digits (1,257 rows) 0.953 instead of 0.978.
MLP_EARLY_STOPPING_ROWS = 10_000
# The trivial ones (no use of the features): charts leave them off the scale.
TRIVIAL_BASELINES = ("majority_class", "training_mean")
# The tree ensembles among them (their permutation importance is compared with the
# network's attributions).
TREE_BASELINES = ("hist_gradient_boosting", "random_forest")


def fit_baselines(
    X_train: np.ndarray,
    y_train: np.ndarray,
    hidden_sizes: list[int],
    seed: int,
    balanced: bool = False,
) -> dict[str, object]:
    """The majority class, a logistic regression, scikit-learn's MLP with our hidden sizes,
    and the two tree ensembles. ``balanced``: each row weighted by 1 / its class's
    frequency, as the network is with training.loss.class_weights: balanced, so that a
    weighted network is not set against unweighted baselines."""
    from sklearn.utils.class_weight import compute_sample_weight

    weights = compute_sample_weight("balanced", y_train) if balanced else None
    models = {
        "majority_class": DummyClassifier(strategy="most_frequent"),
        "logistic_regression": LogisticRegression(max_iter=2000),
        "mlp_classifier": _mlp(MLPClassifier, hidden_sizes, 500, seed, len(X_train)),
        "hist_gradient_boosting": HistGradientBoostingClassifier(random_state=seed),
        "random_forest": random_forest(predicts_classes=True, seed=seed),
    }
    return _fitted(models, X_train, y_train, weights)


def _mlp(estimator, hidden_sizes: list[int], max_iter: int, seed: int, rows: int):
    """scikit-learn's MLP with the network's hidden sizes, stopping early on large tables."""
    return estimator(
        hidden_layer_sizes=tuple(hidden_sizes),
        max_iter=max_iter,
        random_state=seed,
        early_stopping=rows > MLP_EARLY_STOPPING_ROWS,
    )


def _fitted(models: dict, X_train, y_train, weights: np.ndarray | None = None) -> dict:
    """Every model fitted, one progress step each; ``weights`` for all but the trivial ones
    (the majority class stays what it says)."""
    with warnings.catch_warnings(), Heartbeat("fitting the baselines") as beat:
        warnings.simplefilter("ignore", ConvergenceWarning)  # reported through the scores
        for position, (name, model) in enumerate(models.items(), start=1):
            beat.doing(f"{name} ({position} of {len(models)})")
            if weights is None or name in TRIVIAL_BASELINES:
                model.fit(X_train, y_train)
            else:
                model.fit(X_train, y_train, sample_weight=weights)
    return models


def baseline_probabilities(
    models: dict[str, object], X: np.ndarray, n_classes: int
) -> dict[str, np.ndarray]:
    """Class probabilities with one column per class, also for classes a baseline never saw."""
    result = {}
    for name, model in models.items():
        proba = np.zeros((len(X), n_classes))
        proba[:, model.classes_] = model.predict_proba(X)
        result[name] = proba
    return result


REGRESSION_BASELINE_NAMES = (
    "training_mean",
    "linear_regression",
    "mlp_regressor",
    "hist_gradient_boosting",
    "random_forest",
)


def fit_regression_baselines(
    X_train: np.ndarray, y_train: np.ndarray, hidden_sizes: list[int], seed: int
) -> dict[str, object]:
    """The training mean, a linear regression, scikit-learn's MLPRegressor with our hidden
    sizes and the two tree ensembles, fitted on the same (standardised) target as the
    network."""
    from sklearn.dummy import DummyRegressor
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression
    from sklearn.neural_network import MLPRegressor

    models = {
        "training_mean": DummyRegressor(strategy="mean"),
        "linear_regression": LinearRegression(),
        "mlp_regressor": _mlp(MLPRegressor, hidden_sizes, 1000, seed, len(X_train)),
        "hist_gradient_boosting": HistGradientBoostingRegressor(random_state=seed),
        "random_forest": random_forest(predicts_classes=False, seed=seed),
    }
    return _fitted(models, X_train, y_train)
