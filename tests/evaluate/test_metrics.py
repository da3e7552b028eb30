import numpy as np
import pytest

from glassbox.evaluate.metrics import (
    classification_metrics,
    confusion_table,
    expected_calibration_error,
    reliability_table,
    roc_table,
)


def test_ece_of_a_hand_computed_case():
    # Two bins used (10 bins): confidences 0.95, 0.95 (one right, one wrong) → gap |0.5-0.95|;
    # 0.65, 0.65 (both right) → gap |1-0.65|. Each bin holds half the samples.
    proba = np.array([[0.95, 0.05], [0.95, 0.05], [0.35, 0.65], [0.35, 0.65]])
    y = np.array([0, 1, 1, 1])
    expected = 0.5 * abs(0.5 - 0.95) + 0.5 * abs(1.0 - 0.65)
    assert expected_calibration_error(y, proba, n_bins=10) == pytest.approx(expected)


def test_ece_is_zero_for_confident_correct_predictions():
    proba = np.eye(3)[[0, 1, 2, 1]]
    assert expected_calibration_error(np.array([0, 1, 2, 1]), proba) == 0.0


def test_reliability_table_bins_and_counts():
    proba = np.array([[0.95, 0.05], [0.95, 0.05], [0.35, 0.65], [0.35, 0.65]])
    table = reliability_table(np.array([0, 1, 1, 1]), proba, n_bins=10)
    assert table["count"].tolist() == [2, 2]
    assert table["accuracy"].tolist() == [1.0, 0.5]
    assert table["confidence"].tolist() == pytest.approx([0.65, 0.95])


def test_classification_metrics_of_a_hand_computed_case():
    # 3 classes, 6 samples; predictions: 0,0,1,1,2,0 for truth 0,0,1,1,2,2
    y = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 0, 1, 1, 2, 0])
    proba = np.full((6, 3), 0.1)
    proba[np.arange(6), pred] = 0.8
    m = classification_metrics(y, proba, ["a", "b", "c"])
    assert m["accuracy"] == pytest.approx(5 / 6)
    # recall: a 1, b 1, c 1/2 → balanced accuracy and macro recall 5/6
    assert m["balanced_accuracy"] == pytest.approx(5 / 6)
    assert m["recall_macro"] == pytest.approx(5 / 6)
    # precision: a 2/3, b 1, c 1 → macro 8/9
    assert m["precision_macro"] == pytest.approx(8 / 9)
    assert m["per_class"]["a"] == {
        "precision": pytest.approx(2 / 3),
        "recall": 1.0,
        "f1": pytest.approx(0.8),
        "support": 2,
    }
    assert m["log_loss"] == pytest.approx(-(5 * np.log(0.8) + np.log(0.1)) / 6)
    assert 0 < m["roc_auc_ovr"] <= 1


def test_binary_roc_auc_uses_the_positive_column():
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.4, 0.6], [0.2, 0.8]])
    assert classification_metrics(y, proba, ["no", "yes"])["roc_auc_ovr"] == 1.0


def test_plot_tables_have_the_columns_dvc_reads():
    y = np.array([0, 1, 2, 2])
    proba = np.array([[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7], [0.5, 0.1, 0.4]])
    confusion = confusion_table(y, proba.argmax(axis=1), ["x", "y", "z"])
    assert confusion.to_dict("list") == {
        "actual": ["x", "y", "z", "z"],
        "predicted": ["x", "y", "z", "x"],
    }
    roc = roc_table(y, proba, ["x", "y", "z"], points=11)
    assert list(roc.columns[:3]) == ["fpr", "tpr_micro_average", "tpr_macro_average"]
    assert {"tpr_x", "tpr_y", "tpr_z"} <= set(roc.columns) and len(roc) == 11
    assert roc["tpr_micro_average"].is_monotonic_increasing
