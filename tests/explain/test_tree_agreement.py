"""The tree ensembles' permutation importance beside the network's attributions."""

import numpy as np
import torch

from glassbox.explain import methods as ex
from glassbox.explain import views
from glassbox.explain.params import ExplainabilityParams
from tests.explain.known_answers import (
    GRADIENT_METHODS,
    INFORMATIVE,
    known_answer,
)


def test_the_tree_ensembles_permutation_importance_agrees_with_every_gradient_method():
    from glassbox.explain import tree_agreement

    model, X, y, X_train = known_answer("mlp")
    g = torch.Generator().manual_seed(0)  # the same rows as known_answer draws
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
