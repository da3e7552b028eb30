"""The loss-threshold membership attack: what it finds on a model that memorised, and on
one that did not."""

import numpy as np

from glassbox.evaluate.membership import loss_threshold_attack


def test_memorised_rows_are_found_and_indistinguishable_rows_are_not():
    rng = np.random.default_rng(0)
    memorised = loss_threshold_attack(rng.exponential(0.01, 500), rng.exponential(1.0, 400), 0)
    assert memorised["auc"] > 0.95 and memorised["tpr_at_1pct_fpr"] > 0.3
    assert memorised["rows_each"] == 400  # as many members as held-out rows

    same = loss_threshold_attack(rng.exponential(1.0, 2000), rng.exponential(1.0, 2000), 0)
    assert abs(same["auc"] - 0.5) < 0.05 and same["tpr_at_1pct_fpr"] < 0.05
