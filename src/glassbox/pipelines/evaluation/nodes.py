"""Nodes of the evaluation pipeline: thin adapters over glassbox.metrics and friends."""

from __future__ import annotations

import numpy as np
import pandas as pd
from torch import nn

from glassbox import evaluation_plots as plots
from glassbox.baselines import baseline_probabilities, fit_baselines
from glassbox.inference import prediction_table
from glassbox.metrics import classification_metrics, confusion_table, reliability_table, roc_table
from glassbox.model_input import check_features, check_model_fits
from glassbox.parameters import EvaluationParams, TrainingParams
from glassbox.prediction import predict_proba
from glassbox.preprocessing import Preprocessor


def _labels(y: pd.DataFrame) -> np.ndarray:
    return y.iloc[:, 0].to_numpy(dtype=np.int64)


def _class_names(preprocessor: Preprocessor) -> list[str]:
    return [str(c) for c in preprocessor.classes]


def _chart_names(preprocessor: Preprocessor) -> list[str]:
    """Class names for the tables DVC draws. `dvc plots show` (DVC 3.x) embeds them
    unescaped in a <script> block of its HTML page, where a label such as "</script>..."
    would become live markup; angle brackets become the look-alikes ‹ › there."""
    return [n.replace("<", "\u2039").replace(">", "\u203a") for n in _class_names(preprocessor)]


def predict_test_set(
    model: nn.Module, X_test: pd.DataFrame, preprocessor: Preprocessor
) -> np.ndarray:
    """Class probabilities of the trained model for each test row."""
    check_features(preprocessor, X_test=X_test)
    check_model_fits(model, preprocessor)
    return predict_proba(model, X_test.to_numpy())


def score_model_and_baselines(
    test_probabilities: np.ndarray,
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    training: TrainingParams,
    params: EvaluationParams,
) -> dict:
    """Metrics of the model and of each baseline, side by side, on the same test rows."""
    names, y_true = _class_names(preprocessor), _labels(y_test)
    baselines = fit_baselines(
        X_train.to_numpy(), _labels(y_train), training.model.hidden_sizes, training.seed
    )
    probabilities = {
        "model": test_probabilities,
        **baseline_probabilities(baselines, X_test.to_numpy(), len(names)),
    }
    scores = {
        name: classification_metrics(y_true, proba, names, params.calibration_bins)
        for name, proba in probabilities.items()
    }
    # Per-class figures of the baselines would swamp `dvc metrics show`; the model's stay.
    for name in scores:
        if name != "model":
            scores[name].pop("per_class")
    return {"test_rows": len(y_true), "model": scores.pop("model"), "baselines": scores}


def test_predictions(
    test_probabilities: np.ndarray,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
) -> pd.DataFrame:
    """Each test row's raw_data row number, true label, prediction and probabilities."""
    table = prediction_table(test_probabilities, preprocessor)
    table.insert(0, "actual", preprocessor.decode_labels(_labels(y_test)))
    table.insert(0, "row", X_test.index.to_numpy())
    return table


def evaluation_tables(
    test_probabilities: np.ndarray,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: EvaluationParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Confusion rows, ROC curves and reliability bins, as DVC plots read them."""
    names, y_true = _chart_names(preprocessor), _labels(y_test)
    return (
        confusion_table(y_true, test_probabilities.argmax(axis=1), names),
        roc_table(y_true, test_probabilities, names, params.roc_points),
        reliability_table(y_true, test_probabilities, params.calibration_bins),
    )


def evaluation_figures(
    confusion: pd.DataFrame,
    roc: pd.DataFrame,
    reliability: pd.DataFrame,
    training_history: pd.DataFrame,
    preprocessor: Preprocessor,
) -> dict:
    """The same evidence as images, one PNG each."""
    return {
        "confusion_matrix.png": plots.confusion_figure(confusion, _class_names(preprocessor)),
        "roc_curves.png": plots.roc_figure(roc),
        "reliability_diagram.png": plots.reliability_figure(reliability),
        "training_curves.png": plots.training_curves_figure(training_history),
    }
