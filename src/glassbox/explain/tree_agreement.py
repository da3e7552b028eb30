"""Does a different kind of model that fits the data as well rely on the same features?

A random forest (the evaluation's baseline forest, seeded) is fitted on
the training rows (a seeded sample of ``FOREST_ROWS`` on large tables), and its
permutation importance on a sample of the explained rows
(scikit-learn's, seeded: how much its score drops when one feature's values are shuffled)
is set against each attribution method's global importance for the network: their rank
correlation, and how many of the network's top features are among the forest's. The
forest rather than the gradient-boosted trees: on digits the boosted model's permutation
importance alone took 41 s against the forest's 7 s (both measured side by side), for a
check that asks whether another kind of model relies on the same features, not which
tree model is best.

The permutation importance is scikit-learn's algorithm with the same shuffles (tested equal
to `sklearn.inspection.permutation_importance`), but every shuffled copy of the rows is
scored in one prediction: scikit-learn predicts once per feature and repeat (305 calls on
digits), and a forest's prediction on a few hundred rows is nearly all its per-call cost
(dispatching 100 trees). On digits: 7.9 s -> 0.8 s.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from glassbox.tasks import get_task

PERMUTATION_REPEATS = 5
# The forest is fitted on a seeded sample of at most this many training rows: it answers
# which features another kind of model relies on, which a sample shows as well; on a
# 42,000-row table its fit on every row took 25 s, four times the network's training.
FOREST_ROWS = 10_000
# Rows scored in one prediction (the shuffled copies of the explained rows, stacked): bounds
# the memory of a wide table's batch to a few hundred MB at float64.
BATCH_ROWS = 200_000


def tree_importance(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    X_rows: np.ndarray,
    y_rows: np.ndarray,
    task: str,
    seed: int,
) -> dict:
    """A random forest's validation score and its permutation importance on ``X_rows``
    (accuracy, or R² for a regression, is what the shuffles cost)."""
    from glassbox.forest import random_forest

    forest = random_forest(get_task(task).predicts_classes, seed)
    if len(X_train) > FOREST_ROWS:
        rows = np.sort(np.random.default_rng(seed).permutation(len(X_train))[:FOREST_ROWS])
        X_train, y_train = X_train[rows], y_train[rows]
    forest.fit(X_train, y_train)
    importances = permutation_importance(forest, X_rows, y_rows, PERMUTATION_REPEATS, seed)
    return {
        "tree": "random_forest",
        "validation_score": float(forest.score(X_val, y_val)),
        "importances": importances.mean(axis=1),
    }


def permutation_importance(
    estimator, X: np.ndarray, y: np.ndarray, n_repeats: int, seed: int
) -> np.ndarray:
    """(features, repeats): the drop in ``estimator.score`` when one feature's values are
    shuffled, exactly as ``sklearn.inspection.permutation_importance(estimator, X, y,
    n_repeats=n_repeats, random_state=seed).importances``."""
    from sklearn.base import is_classifier
    from sklearn.metrics import accuracy_score, r2_score

    score = accuracy_score if is_classifier(estimator) else r2_score
    # scikit-learn draws one seed, and each feature replays the same shuffles from it; a
    # repeat shuffles the previous repeat's column again (the shuffles compose).
    column_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    shuffles, order = np.random.RandomState(column_seed), np.arange(len(X))
    orders = []
    for _ in range(n_repeats):
        shuffles.shuffle(order)
        orders.append(order.copy() if not orders else orders[-1][order])
    baseline = score(y, estimator.predict(X))
    n_rows, n_features = X.shape
    per_batch = max(1, BATCH_ROWS // (n_rows * n_repeats))
    drops = np.empty((n_features, n_repeats))
    for first in range(0, n_features, per_batch):
        features = range(first, min(first + per_batch, n_features))
        copies = np.repeat(X[None], len(features) * n_repeats, axis=0)
        for i, (feature, shuffled) in enumerate((f, o) for f in features for o in orders):
            copies[i, :, feature] = X[shuffled, feature]
        predicted = estimator.predict(copies.reshape(-1, n_features)).reshape(len(copies), -1)
        for i, feature in enumerate(features):
            for r in range(n_repeats):
                drops[feature, r] = baseline - score(y, predicted[i * n_repeats + r])
    return drops


def agreement(tree: np.ndarray, network: np.ndarray, top_k: int) -> dict:
    """Rank correlation of the two importances over all features, and the share of the
    network's top ``top_k`` features that are in the tree's top ``top_k``."""
    top_tree = set(np.argsort(-tree, kind="stable")[:top_k])
    top_network = set(np.argsort(-network, kind="stable")[:top_k])
    # A forest that no shuffle hurts ranks nothing: no correlation (None, not NaN: JSON).
    defined = np.ptp(tree) > 0 and np.ptp(network) > 0
    return {
        "rank_correlation": float(spearmanr(tree, network).statistic) if defined else None,
        "top_k": top_k,
        "top_k_overlap": len(top_tree & top_network) / top_k,
    }
