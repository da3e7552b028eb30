"""Does a different kind of model that fits the data as well rely on the same features?

A random forest (scikit-learn's defaults, seeded, as the evaluation's baseline) is fitted on
the training rows, and its permutation importance on a sample of the explained rows
(scikit-learn's, seeded: how much its score drops when one feature's values are shuffled)
is set against each attribution method's global importance for the network: their rank
correlation, and how many of the network's top features are among the forest's. The
forest rather than the gradient-boosted trees: on digits the boosted model's permutation
importance alone took 41 s against the forest's 7 s (both measured side by side), for a
check that asks whether another kind of model relies on the same features, not which
tree model is best.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from glassbox.tasks import get_task

PERMUTATION_REPEATS = 5


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
    from sklearn import ensemble
    from sklearn.inspection import permutation_importance

    if get_task(task).predicts_classes:
        forest = ensemble.RandomForestClassifier(random_state=seed)
    else:
        forest = ensemble.RandomForestRegressor(random_state=seed)
    forest.fit(X_train, y_train)
    found = permutation_importance(
        forest, X_rows, y_rows, n_repeats=PERMUTATION_REPEATS, random_state=seed
    )
    return {
        "tree": "random_forest",
        "validation_score": float(forest.score(X_val, y_val)),
        "importances": found.importances_mean,
    }


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
