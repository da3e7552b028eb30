"""Attribution methods on tables whose answer is known: each ranks the planted features
first, repeats exactly, and a new method is one registration."""

import numpy as np
import pytest
import torch

from glassbox.explain import methods as ex
from glassbox.explain import trust, views
from glassbox.explain.params import ExplainabilityParams
from tests.explain.known_answers import (
    GRADIENT_METHODS,
    INFORMATIVE,
    known_answer,
    known_regression,
    seed_models,
)


@pytest.mark.parametrize("architecture", ["mlp", "resnet"])
@pytest.mark.parametrize("method", GRADIENT_METHODS)
def test_every_gradient_method_ranks_the_informative_features_first(architecture, method):
    model, X, y, X_train = known_answer(architecture)
    params = ExplainabilityParams(methods=[method])
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    with torch.no_grad():
        target = model(X).argmax(1)
    result = ex.attribute_all(model, X, target, baselines, params)[method]
    top5 = set(np.argsort(-views.global_importance(result.values))[:5])
    assert top5 == set(INFORMATIVE)


def test_a_registered_method_is_explained_and_checked_through_the_parameters(
    monkeypatch,
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

    model, X, y, X_train = known_answer("mlp")
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


@pytest.mark.parametrize("method", GRADIENT_METHODS)
def test_every_gradient_method_ranks_the_informative_features_first_for_regression(method):
    model, X, y, X_train = known_regression()
    params = ExplainabilityParams(methods=[method])
    baselines = ex.reference_rows(X_train, params, torch.Generator().manual_seed(0))
    target = torch.zeros(len(X), dtype=torch.long)  # the one output: the predicted value
    result = ex.attribute_all(model, X, target, baselines, params)[method]
    top5 = set(np.argsort(-views.global_importance(result.values))[:5])
    assert top5 == set(INFORMATIVE)


def test_every_gradient_method_is_stable_across_seeds_on_the_known_answer():
    models, X, X_train = seed_models()
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
