"""The loss-threshold membership attack: what it finds on a model that memorised, and on
one that did not."""

import numpy as np

from glassbox.compare.membership import loss_threshold_attack


def test_memorised_rows_are_found_and_indistinguishable_rows_are_not():
    rng = np.random.default_rng(0)
    memorised = loss_threshold_attack(rng.exponential(0.01, 500), rng.exponential(1.0, 400), 0)
    assert memorised["auc"] > 0.95 and memorised["tpr_at_1pct_fpr"] > 0.3
    assert memorised["rows_each"] == 400  # as many members as held-out rows

    same = loss_threshold_attack(rng.exponential(1.0, 2000), rng.exponential(1.0, 2000), 0)
    assert abs(same["auc"] - 0.5) < 0.05 and same["tpr_at_1pct_fpr"] < 0.05


def test_a_private_models_record_reaches_dvcs_metrics_and_the_reports_sentence():
    from glassbox.training.privacy_record import privacy_metrics, privacy_sentence

    record = {
        "enabled": True,
        "epsilon": 2.99,
        "target_epsilon": 3.0,
        "delta": 1e-5,
        "noise_multiplier": 3.26,
        "max_grad_norm": 1.0,
        "steps": 150,
        "sample_rate": 0.2,
        "accountant": "prv",
    }
    assert privacy_metrics(record) == {
        "private": True,
        "privacy_epsilon": 2.99,
        "privacy_delta": 1e-5,
        "noise_multiplier": 3.26,
        "max_grad_norm": 1.0,
    }
    assert "ε = 2.99 spent of 3 at δ = 1e-05" in privacy_sentence(record)
    assert "no privacy guarantee" in privacy_sentence(record | {"epsilon": None})
    assert "without differential privacy" in privacy_sentence({"enabled": False})
