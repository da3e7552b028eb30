import numpy as np

from glassbox.baselines import BASELINE_NAMES, baseline_probabilities, fit_baselines


def test_baselines_fit_and_give_one_column_per_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] > 0.3).astype(int)  # class 1 is the minority
    models = fit_baselines(X, y, hidden_sizes=[8], seed=0)
    assert tuple(models) == BASELINE_NAMES
    proba = baseline_probabilities(models, X, n_classes=3)  # a class no baseline saw
    assert all(p.shape == (200, 3) and np.allclose(p.sum(axis=1), 1) for p in proba.values())
    assert (proba["majority_class"].argmax(axis=1) == 0).all()
    accuracy = {n: (p.argmax(axis=1) == y).mean() for n, p in proba.items()}
    assert accuracy["logistic_regression"] > 0.95 > accuracy["majority_class"]
    assert accuracy["mlp_classifier"] > 0.9
