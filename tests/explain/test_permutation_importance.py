"""glassbox's batched permutation importance equals scikit-learn's, shuffle for shuffle."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.inspection import permutation_importance as sklearn_permutation_importance

from glassbox.explain import tree_agreement


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("batch_rows", [tree_agreement.BATCH_ROWS, 500])
def test_equals_scikit_learn(kind, batch_rows, monkeypatch):
    monkeypatch.setattr(tree_agreement, "BATCH_ROWS", batch_rows)  # 500: one feature a batch
    rng = np.random.default_rng(3)
    X = rng.normal(size=(160, 6))
    signal = X[:, 0] * 2 - X[:, 3]
    if kind == "classifier":
        y = (signal > 0).astype(int) + (signal > 1.5)
        model = RandomForestClassifier(n_estimators=10, random_state=0)
    else:
        y = signal + rng.normal(scale=0.1, size=len(X))
        model = RandomForestRegressor(n_estimators=10, random_state=0)
    model.fit(X[:100], y[:100])
    rows, labels = X[100:], y[100:]

    ours = tree_agreement.permutation_importance(model, rows, labels, n_repeats=4, seed=7)
    theirs = sklearn_permutation_importance(model, rows, labels, n_repeats=4, random_state=7)

    np.testing.assert_array_equal(ours, theirs.importances)
    assert set(np.argsort(-ours.mean(axis=1))[:2]) == {0, 3}  # the two informative features
