"""Nodes of the inference pipeline: thin adapters over glassbox.deploy.inference."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from glassbox.deploy import inference
from glassbox.deploy.params import InferenceParams
from glassbox.prepare.model_input import check_model_fits
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.tasks import get_task
from glassbox.training import Network

log = logging.getLogger(__name__)


def predict_new_data(
    new_data: pd.DataFrame | None,
    preprocessor: Preprocessor,
    model: Network,
    X_train: pd.DataFrame,
    params: InferenceParams,
) -> pd.DataFrame:
    """One row per new_data row: the predicted label and every class's probability (for
    regression, the predicted value in the target's units) and, when
    `inference.top_features` > 0, that row's strongest signed attributions."""
    from glassbox.deploy.prediction import model_outputs

    check_model_fits(model, preprocessor)
    if new_data is None:  # dataset.new_data is null in conf/base/globals.yml
        log.info("no new_data to predict (dataset.new_data is null in conf/base/globals.yml)")
        outputs = get_task(preprocessor.task).output_dim(len(preprocessor.classes))
        return preprocessor.prediction_table(np.zeros((0, outputs)))
    X = inference.model_input(new_data, preprocessor)
    if params.top_features == 0:
        return preprocessor.prediction_table(model_outputs(model, X.to_numpy(), preprocessor))
    baseline = inference.baseline_row(X_train.to_numpy(np.float32), params.baseline, preprocessor)
    table, attributions = inference.predict_and_explain(
        model, X.to_numpy(), preprocessor, baseline, params.ig_steps
    )
    top = inference.top_attributions(attributions, preprocessor.feature_names, params.top_features)
    return pd.concat([table, top], axis=1)
