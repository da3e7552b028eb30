"""Nodes of the evaluation pipeline: thin adapters over glassbox.evaluate.scoring and
glassbox.evaluate.metrics."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from glassbox.evaluate import scoring
from glassbox.evaluate.metrics import headline_metrics, model_and_baselines_table
from glassbox.evaluate.params import EvaluationParams
from glassbox.evaluate.verdict import headline_names
from glassbox.pipelines import Network
from glassbox.prepare.model_input import check_features, check_model_fits
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.params import TrainingParams

log = logging.getLogger(__name__)


def predict_test_set(
    model: Network, X_test: pd.DataFrame, preprocessor: Preprocessor
) -> np.ndarray:
    """The model's output for each test row: class probabilities, or (regression) the
    predicted value in the target's units, as one column."""
    from glassbox.deploy.prediction import model_outputs

    check_features(preprocessor, X_test=X_test)
    check_model_fits(model, preprocessor)
    return model_outputs(model, X_test.to_numpy(), preprocessor)


def score_model_and_baselines(
    test_probabilities: np.ndarray,
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    training: TrainingParams,
    params: EvaluationParams,
    training_privacy: dict,
) -> dict:
    """Metrics of the model and of each baseline on the same test rows, with intervals,
    the verdict and the training's privacy record (glassbox.evaluate.scoring.score)."""
    return scoring.score(
        test_probabilities,
        X_train,
        y_train,
        X_test,
        y_test,
        preprocessor,
        training,
        params,
        training_privacy,
    )


def model_and_baselines(evaluation_details: dict) -> pd.DataFrame:
    """The network and every baseline: score, interval, paired difference (a DVC plot)."""
    return model_and_baselines_table(evaluation_details)


def summarise_metrics(evaluation_details: dict) -> dict:
    """The headline figures DVC shows (`dvc metrics show`, `dvc exp show`): the model's and
    the best baseline's, one screen wide."""
    metrics = headline_metrics(evaluation_details)
    names = headline_names(evaluation_details)
    best = metrics["best_baseline"]
    log.info(
        "test split (%d rows): %s; best baseline %s: %s %.4f",
        evaluation_details["test_rows"],
        ", ".join(f"{name} {metrics[name]:.4f}" for name in names),
        best,
        names[0],
        evaluation_details["baselines"][best][names[0]],
    )
    return metrics


def test_predictions(
    test_probabilities: np.ndarray,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
) -> pd.DataFrame:
    """Each test row's raw_data row number, true label, prediction and probabilities."""
    return scoring.prediction_rows(test_probabilities, X_test, y_test, preprocessor)


def evaluation_tables(
    test_probabilities: np.ndarray,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: EvaluationParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The tables DVC draws (glassbox.evaluate.scoring.plot_tables)."""
    return scoring.plot_tables(test_probabilities, y_test, preprocessor, params)


def evaluation_figures_and_report(
    evaluation_details: dict,
    confusion: pd.DataFrame,
    roc: pd.DataFrame,
    reliability: pd.DataFrame,
    regression_points: pd.DataFrame,
    training_history: pd.DataFrame,
    model_and_baselines: pd.DataFrame,
    preprocessor: Preprocessor,
) -> tuple[dict, str]:
    """The evidence as images, one PNG each, and one offline page
    (glassbox.evaluate.scoring.figures_and_report)."""
    return scoring.figures_and_report(
        evaluation_details,
        confusion,
        roc,
        reliability,
        regression_points,
        training_history,
        model_and_baselines,
        preprocessor,
    )
