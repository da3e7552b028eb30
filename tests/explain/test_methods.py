"""Attribution methods on a table whose answer is known, and the trust checks."""

import functools

import numpy as np
import pytest
import torch

from glassbox.explain import methods as ex
from glassbox.explain import trust, views
from glassbox.explain.imputation import GaussianImputer
from glassbox.explain.params import ExplainabilityParams
from glassbox.training.loop import TrainingData, train
from glassbox.training.params import TrainingParams

INFORMATIVE = [3, 7, 11, 14, 18]  # of 20 features

GRADIENT_METHODS = [n for n in ex.METHOD_NAMES if ex.METHODS[n].gradients]


@functools.cache
def _known_answer(architecture: str):
    """The label depends only on five known features out of twenty; a model of
    ``architecture`` (its default settings) trained on it."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(3000, 20, generator=g)
    score = X[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1])
    y = (score > 0).long() + (score > 1.5).long()  # three classes
    data = TrainingData(X[:2400], y[:2400], X[2400:2700], y[2400:2700], n_classes=3)
    params = TrainingParams(
        model={"name": architecture}, epochs=60, progress="never", checkpoint_every=0
    )
    model, _ = train(data, params)
    return model, X[2700:], y[2700:], X[:2400]


@pytest.fixture(scope="module")
def known_answer():
    return _known_answer("mlp")


@pytest.mark.parametrize("architecture", ["mlp", "resnet"])
@pytest.mark.parametrize("method", GRADIENT_METHODS)
def test_every_gradient_method_ranks_the_informative_features_first(architecture, method):
    model, X, y, X_train = _known_answer(architecture)
    params = ExplainabilityParams(methods=[method])
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    with torch.no_grad():
        target = model(X).argmax(1)
    result = ex.attribute_all(model, X, target, baselines, params)[method]
    top5 = set(np.argsort(-views.global_importance(result.values))[:5])
    assert top5 == set(INFORMATIVE)


def test_trust_checks_pass_for_integrated_gradients_on_a_trained_model(known_answer):
    model, X, y, X_train = known_answer
    params = ExplainabilityParams(methods=["integrated_gradients"])
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    with torch.no_grad():
        target = model(X).argmax(1)
    values = ex.attribute_all(model, X, target, baselines, params)["integrated_gradients"].values
    imputer = GaussianImputer(X_train)
    result = trust.assess(
        "integrated_gradients", model, X, target, values, baselines, params, imputer=imputer
    )
    assert result["passes"], result["checks"]
    # Drawn from the data instead of set to the mean, the removed features still move the
    # explained class's probability further in the method's order than in random order.
    on_data = result["deletion"]["on_data"]
    assert result["checks"]["deletion_on_data_beats_random"]
    assert on_data["area"] > on_data["random_area"] and len(on_data["probability_change"]) == 11
    assert result["completeness"]["relative_delta"] < 0.01
    assert result["deletion"]["area"] > result["deletion"]["random_area"]
    assert result["infidelity"] >= 0 and result["sensitivity_max"] >= 0
    assert "passes" in trust.verdict_sentence("integrated_gradients", result)


def test_a_registered_method_is_explained_and_checked_through_the_parameters(
    known_answer, monkeypatch
):
    """Adding an attribution method is one registration (the registry is restored after)."""
    monkeypatch.setitem(ex.METHODS, "gradient_sign", None)

    @ex.register_method("gradient_sign", gradients=True, by_default=False)
    def _gradient_sign(model, baselines, params):
        def explain(x, t):
            with torch.enable_grad():  # (trust checks call methods under no_grad, as Captum's do)
                outputs = model(x)[torch.arange(len(x)), t].sum()
                return torch.autograd.grad(outputs, x)[0].sign()

        return explain

    model, X, y, X_train = known_answer
    assert "gradient_sign" not in ExplainabilityParams().methods  # not by default
    params = ExplainabilityParams(methods=["gradient_sign"], quality={"sample_size": 20})
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    with torch.no_grad():
        target = model(X).argmax(1)
    values = ex.attribute_all(model, X, target, baselines, params)["gradient_sign"].values
    assert set(np.unique(values)) <= {-1.0, 0.0, 1.0}
    result = trust.assess("gradient_sign", model, X, target, values, baselines, params)
    assert set(result["checks"]) == {"deletion_beats_random", "changes_with_random_weights"}
    assert "gradient sign" in trust.verdict_sentence("gradient_sign", result).lower()


def test_a_method_blind_to_the_model_fails_the_randomisation_check(known_answer):
    model, X, y, X_train = known_answer
    params = ExplainabilityParams(methods=["input_x_gradient"])
    # Attributions that are the input itself: they do not depend on the weights at all.
    result = {
        "deletion": {"area": 0.2, "random_area": 0.5},
        "randomisation_rank_correlation": trust.rank_correlation(X.numpy(), X.numpy()),
    }
    checks = trust.verdict_checks(result, params)
    assert checks["changes_with_random_weights"] is False


def test_method_agreement_is_one_on_the_diagonal_and_symmetric():
    importances = {"a": np.array([3.0, 2.0, 1.0]), "b": np.array([1.0, 2.0, 3.0])}
    agreement = views.method_agreement(importances)
    assert agreement["a"]["a"] == 1.0 and agreement["a"]["b"] == agreement["b"]["a"] == -1.0


def test_gradient_shap_repeats_exactly_and_leaves_the_global_generators_as_they_were():
    """Captum's GradientSHAP draws from numpy's global generator as well as torch's."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    X, target = torch.randn(8, 4), torch.zeros(8, dtype=torch.long)
    params = ExplainabilityParams(methods=["gradient_shap"], baseline="training_samples")
    baselines = torch.randn(5, 4)
    np.random.seed(123)
    numpy_before = np.random.get_state()[1].copy()
    first = ex.attribute_all(model, X, target, baselines, params)["gradient_shap"].values
    assert (np.random.get_state()[1] == numpy_before).all()  # numpy's state is restored
    np.random.uniform(size=10)  # whatever the global state is now,
    second = ex.attribute_all(model, X, target, baselines, params)["gradient_shap"].values
    np.testing.assert_array_equal(first, second)  # the attributions repeat


@pytest.fixture(scope="module")
def known_regression():
    """A numeric target that depends only on the same five features out of twenty."""
    g = torch.Generator().manual_seed(1)
    X = torch.randn(3000, 20, generator=g)
    y = X[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1]) + 0.1 * torch.randn(
        3000, generator=g
    )
    data = TrainingData(
        X[:2400], y[:2400], X[2400:2700], y[2400:2700], n_classes=0, task="regression"
    )
    params = TrainingParams(epochs=60, progress="never", checkpoint_every=0, loss={"name": "mse"})
    model, _ = train(data, params)
    return model, X[2700:], y[2700:], X[:2400]


@pytest.mark.parametrize("method", GRADIENT_METHODS)
def test_every_gradient_method_ranks_the_informative_features_first_for_regression(
    known_regression, method
):
    model, X, y, X_train = known_regression
    params = ExplainabilityParams(methods=[method])
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    target = torch.zeros(len(X), dtype=torch.long)  # the one output: the predicted value
    result = ex.attribute_all(model, X, target, baselines, params)[method]
    top5 = set(np.argsort(-views.global_importance(result.values))[:5])
    assert top5 == set(INFORMATIVE)


def test_for_regression_deletion_moves_the_prediction_faster_than_random(known_regression):
    model, X, y, X_train = known_regression
    params = ExplainabilityParams(methods=["integrated_gradients"])
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    target = torch.zeros(len(X), dtype=torch.long)
    values = ex.attribute_all(model, X, target, baselines, params)["integrated_gradients"].values
    result = trust.assess(
        "integrated_gradients", model, X, target, values, baselines, params, "regression"
    )
    deletion = result["deletion"]
    change = deletion["prediction_change"]
    assert change[0] == 0 and change[-1] > 0  # nothing removed: nothing moved
    assert deletion["area"] > deletion["random_area"]
    assert result["checks"]["deletion_beats_random"] and result["passes"]


@functools.cache
def _seed_models(architecture: str = "mlp"):
    """The known-answer model retrained with three seeds (together, as the pipeline does)."""
    from glassbox.training.stacked import train_stacked

    g = torch.Generator().manual_seed(0)
    X = torch.randn(3000, 20, generator=g)
    score = X[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1])
    y = (score > 0).long() + (score > 1.5).long()
    data = TrainingData(X[:2400], y[:2400], X[2400:2700], y[2400:2700], n_classes=3)
    runs = [
        TrainingParams(model={"name": architecture}, seed=s, epochs=60, progress="never")
        for s in (0, 1, 2)
    ]
    return [model for model, _ in train_stacked(data, runs)], X[2700:], X[:2400]


def test_every_gradient_method_is_stable_across_seeds_on_the_known_answer():
    models, X, X_train = _seed_models()
    params = ExplainabilityParams(methods=GRADIENT_METHODS)
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    per_method: dict[str, list] = {}
    for model in models:
        with torch.no_grad():
            target = model(X).argmax(1)
        for method, result in ex.attribute_all(model, X, target, baselines, params).items():
            per_method.setdefault(method, []).append(views.global_importance(result.values))
    for method, importances in per_method.items():
        stability = views.stability_across_seeds(importances, top_k=5)
        assert stability["top_k_shared"] == 1.0, method  # the same five features every time
        assert stability["top_k_rank_correlation"] >= 0.9, (method, stability)
        assert (stability["low"] <= stability["high"]).all()


def test_the_tree_ensembles_permutation_importance_agrees_with_every_gradient_method():
    from glassbox.explain import tree_agreement

    model, X, y, X_train = _known_answer("mlp")
    g = torch.Generator().manual_seed(0)  # the same rows as _known_answer draws
    X_all = torch.randn(3000, 20, generator=g)
    score = X_all[:, INFORMATIVE] @ torch.tensor([1.5, -1.2, 1.0, 1.3, -1.1])
    y_all = ((score > 0).long() + (score > 1.5).long()).numpy()
    trees = tree_agreement.tree_importance(
        X_all[:2400].numpy(),
        y_all[:2400],
        X_all[2400:2700].numpy(),
        y_all[2400:2700],
        X.numpy(),
        y.numpy(),
        "classification",
        seed=0,
    )
    assert set(np.argsort(-trees["importances"])[:5]) == set(INFORMATIVE)
    params = ExplainabilityParams(methods=GRADIENT_METHODS)
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    with torch.no_grad():
        target = model(X).argmax(1)
    for method, result in ex.attribute_all(model, X, target, baselines, params).items():
        found = tree_agreement.agreement(
            trees["importances"], views.global_importance(result.values), top_k=5
        )
        assert found["top_k_overlap"] == 1.0, method
        assert found["rank_correlation"] > 0.3, (method, found)


def test_agreement_with_a_forest_that_nothing_hurts_is_undefined_not_nan():
    from glassbox.explain import tree_agreement

    found = tree_agreement.agreement(np.zeros(4), np.array([0.4, 0.3, 0.2, 0.1]), top_k=2)
    assert found["rank_correlation"] is None and 0 <= found["top_k_overlap"] <= 1


SIGNAL = [2, 5, 9]  # of 12 features, the only ones the rare class depends on


@functools.cache
def _rare_class(class_weights: str):
    """A binary table whose rare class (about 7 % of rows) depends on three known features,
    and the configured network trained on it with three seeds (the seed runs)."""
    from glassbox.training.stacked import train_stacked

    g = torch.Generator().manual_seed(0)
    X = torch.randn(4000, 12, generator=g)
    logit = X[:, SIGNAL] @ torch.tensor([2.5, -2.0, 2.0]) - 6.0
    y = (torch.rand(4000, generator=g) < torch.sigmoid(logit)).long()
    data = TrainingData(X[:3000], y[:3000], X[3000:3400], y[3000:3400], n_classes=2)
    runs = [
        TrainingParams(
            seed=s,
            epochs=40,
            loss={"class_weights": class_weights},
            progress="never",
            checkpoint_every=0,
        )
        for s in (0, 1, 2)
    ]
    models = [model for model, _ in train_stacked(data, runs)]
    return models, X[3400:], y[3400:], X[:3000]


@pytest.mark.parametrize("class_weights", ["none", "balanced"])
def test_on_a_rare_class_the_methods_that_find_the_planted_signal_pass_every_check(
    class_weights,
):
    """The trust checks follow the model's own output, not accuracy: on a table with a rare
    class, accuracy barely moves whatever is removed (a model without its inputs answers
    the majority class), so every method used to fail deletion there."""
    models, X, y, X_train = _rare_class(class_weights)
    assert 0.03 < y.float().mean() < 0.12
    params = ExplainabilityParams()
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    explained = {}
    for model in models:
        with torch.no_grad():
            target = model(X).argmax(1)
        explained[model] = (target, ex.attribute_all(model, X, target, baselines, params))
    target, attributions = explained[models[0]]
    assert target.sum() > 0  # the model does answer the rare class
    imputer = GaussianImputer(X_train)
    passing, leading = [], []
    for method, result in attributions.items():
        quality = trust.assess(
            method, models[0], X, target, result.values, baselines, params, imputer=imputer
        )
        per_seed = [views.global_importance(explained[m][1][method].values) for m in models]
        trust.stability_check(quality, views.stability_across_seeds(per_seed, 3), params)
        if quality["passes"]:
            passing.append(method)
        if set(np.argsort(-views.global_importance(result.values))[:3]) == set(SIGNAL):
            leading.append(method)
    assert len(passing) >= 4, passing
    assert set(passing) <= set(leading)  # those that pass put the planted features first

    # A ranking that puts the planted features last fails the deletion checks.
    backwards = 1 / (np.abs(attributions["integrated_gradients"].values) + 1e-6)
    quality = trust.assess(
        "integrated_gradients",
        models[0],
        X,
        target,
        backwards,
        baselines,
        params,
        imputer=imputer,
    )
    assert not quality["checks"]["deletion_beats_random"]
    assert not quality["checks"]["deletion_on_data_beats_random"]
