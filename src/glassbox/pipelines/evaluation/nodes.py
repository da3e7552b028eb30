"""Nodes of the evaluation pipeline that adapt: the model's predictions (its annotation must
not import PyTorch) and the headline metrics' log line. The rest of the pipeline names
glassbox.evaluate.scoring's functions directly."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from glassbox.evaluate.metrics import headline_metrics
from glassbox.evaluate.verdict import headline_names
from glassbox.prepare.model_input import check_features, check_model_fits
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training import Network

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
