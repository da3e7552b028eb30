import numpy as np

from glassbox.evaluate.baselines import BASELINE_NAMES, baseline_probabilities, fit_baselines


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
    assert min(accuracy["hist_gradient_boosting"], accuracy["random_forest"]) > 0.95


def test_regression_baselines_include_the_tree_ensembles():
    from glassbox.evaluate.baselines import REGRESSION_BASELINE_NAMES, fit_regression_baselines

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] > 0, 2.0, -1.0) + 0.1 * rng.normal(size=300)  # a step: trees fit it
    models = fit_regression_baselines(X, y, hidden_sizes=[8], seed=0)
    assert tuple(models) == REGRESSION_BASELINE_NAMES
    for name in ("hist_gradient_boosting", "random_forest"):
        assert np.sqrt(np.mean((models[name].predict(X) - y) ** 2)) < 0.3


def test_baselines_fit_on_a_seeded_sample_when_baseline_rows_is_set():
    import pandas as pd

    from glassbox.evaluate.scoring import baseline_rows

    X = pd.DataFrame({"a": np.arange(1000.0)}, index=np.arange(1000) + 5)
    y = pd.DataFrame({"label": np.arange(1000) % 3}, index=X.index)
    X_all, y_all = baseline_rows(X, y, None, seed=0)
    assert X_all is X and y_all is y
    assert baseline_rows(X, y, 1000, seed=0)[0] is X  # no more rows than asked for
    X_some, y_some = baseline_rows(X, y, 200, seed=0)
    assert len(X_some) == len(y_some) == 200
    assert X_some.index.equals(y_some.index) and X_some.index.is_monotonic_increasing
    assert X_some.index.is_unique
    assert X_some.index.equals(baseline_rows(X, y, 200, seed=0)[0].index)  # seeded
    assert not X_some.index.equals(baseline_rows(X, y, 200, seed=1)[0].index)


def test_weighted_like_the_network_the_baselines_find_more_of_a_rare_class():
    """With training.loss.class_weights: balanced the network is set against baselines
    weighted the same way (the majority class stays the majority class)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 3))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(2.5 * X[:, 0] - 5.0)))).astype(int)
    assert 0.02 < y.mean() < 0.08

    def recall(models):  # of the rare class, on rows the baselines were not fitted on
        proba = baseline_probabilities(models, X[2000:], n_classes=2)
        rare = y[2000:] == 1
        return {n: (p.argmax(axis=1)[rare] == 1).mean() for n, p in proba.items()}

    plain = recall(fit_baselines(X[:2000], y[:2000], hidden_sizes=[8], seed=0))
    weighted = recall(fit_baselines(X[:2000], y[:2000], hidden_sizes=[8], seed=0, balanced=True))
    assert weighted["majority_class"] == plain["majority_class"] == 0
    for name in ("logistic_regression", "mlp_classifier"):
        assert weighted[name] > plain[name] + 0.2, (name, plain[name], weighted[name])
    assert weighted["hist_gradient_boosting"] >= plain["hist_gradient_boosting"]


def test_on_a_large_table_the_mlp_baselines_stop_early_as_the_network_does():
    from glassbox.evaluate.baselines import MLP_EARLY_STOPPING_ROWS, fit_regression_baselines

    rng = np.random.default_rng(0)
    rows = MLP_EARLY_STOPPING_ROWS + 1000
    X = rng.normal(size=(rows, 3))
    y = X[:, 0] - 0.5 * X[:, 1] + 0.1 * rng.normal(size=rows)
    large = fit_regression_baselines(X, y, hidden_sizes=[8], seed=0)["mlp_regressor"]
    small = fit_regression_baselines(X[:500], y[:500], hidden_sizes=[8], seed=0)["mlp_regressor"]
    assert large.early_stopping and not small.early_stopping
    assert large.n_iter_ < large.max_iter and large.score(X, y) > 0.95
    classes = fit_baselines(X, (y > 0).astype(int), hidden_sizes=[8], seed=0)
    assert classes["mlp_classifier"].early_stopping
