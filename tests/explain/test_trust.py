"""The trust checks (glassbox.explain.trust): they pass a method that finds what the model
uses, on a balanced table, a regression and a rare class, and fail one that does not."""

import numpy as np
import pytest
import torch

from glassbox.explain import methods as ex
from glassbox.explain import trust, views
from glassbox.explain.imputation import GaussianImputer
from glassbox.explain.params import ExplainabilityParams
from tests.explain.known_answers import (
    SIGNAL,
    known_answer,
    known_regression,
    rare_class,
)


def test_trust_checks_pass_for_integrated_gradients_on_a_trained_model():
    model, X, y, X_train = known_answer("mlp")
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


def test_a_method_blind_to_the_model_fails_the_randomisation_check():
    model, X, y, X_train = known_answer("mlp")
    params = ExplainabilityParams(methods=["input_x_gradient"])
    # Attributions that are the input itself: they do not depend on the weights at all.
    result = {
        "deletion": {"area": 0.2, "random_area": 0.5},
        "randomisation_rank_correlation": trust.rank_correlation(X.numpy(), X.numpy()),
    }
    checks = trust.verdict_checks(result, params)
    assert checks["changes_with_random_weights"] is False


def test_for_regression_deletion_moves_the_prediction_faster_than_random():
    model, X, y, X_train = known_regression()
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


@pytest.mark.parametrize("class_weights", ["none", "balanced"])
def test_on_a_rare_class_the_methods_that_find_the_planted_signal_pass_every_check(
    class_weights,
):
    """The trust checks follow the model's own output, not accuracy: on a table with a rare
    class, accuracy barely moves whatever is removed (a model without its inputs answers
    the majority class), so every method used to fail deletion there."""
    models, X, y, X_train = rare_class(class_weights)
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


def test_rank_correlation_is_the_mean_of_scipys_spearman_over_rows_that_vary():
    from scipy.stats import spearmanr

    from glassbox.explain.trust import rank_correlation

    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 8))
    b = a + rng.normal(size=(50, 8))
    b[:10] = np.round(b[:10])  # ties
    a[10] = 1.0  # a constant row is left out
    varied = [i for i in range(50) if i != 10]
    expected = np.mean([spearmanr(a[i], b[i]).statistic for i in varied])
    assert rank_correlation(a, b) == pytest.approx(expected, abs=1e-12)
    assert rank_correlation(np.ones((3, 4)), b[:3, :4]) == 0.0
