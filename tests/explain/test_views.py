"""Global importances and the agreement between methods (glassbox.explain.views)."""

import numpy as np

from glassbox.explain import views


def test_method_agreement_is_one_on_the_diagonal_and_symmetric():
    importances = {"a": np.array([3.0, 2.0, 1.0]), "b": np.array([1.0, 2.0, 3.0])}
    agreement = views.method_agreement(importances)
    assert agreement["a"]["a"] == 1.0 and agreement["a"]["b"] == agreement["b"]["a"] == -1.0
