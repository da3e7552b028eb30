"""Nodes of the inference pipeline: thin adapters over glassbox.inference."""

from __future__ import annotations

import numpy as np
import pandas as pd
from torch import nn

from glassbox import inference
from glassbox.model_input import check_model_fits
from glassbox.parameters import InferenceParams
from glassbox.prediction import predict_proba, predict_values
from glassbox.preprocessing import Preprocessor


def predict_new_data(
    new_data: pd.DataFrame,
    preprocessor: Preprocessor,
    model: nn.Module,
    X_train: pd.DataFrame,
    params: InferenceParams,
) -> pd.DataFrame:
    """One row per new_data row: the predicted label and every class's probability (for
    regression, the predicted value in the target's units) and, when
    `inference.top_features` > 0, that row's strongest signed attributions."""
    check_model_fits(model, preprocessor)
    X = inference.model_input(new_data, preprocessor)
    if preprocessor.task == "regression":
        outputs = preprocessor.decode_values(predict_values(model, X.to_numpy()))[:, None]
        explained = np.zeros(len(X), dtype=np.int64)  # the one output: the predicted value
    else:
        outputs = predict_proba(model, X.to_numpy())
        explained = outputs.argmax(axis=1)
    table = inference.prediction_table(outputs, preprocessor)
    if params.top_features == 0:
        return table
    import torch

    baseline = inference.baseline_row(X_train.to_numpy(np.float32), params.baseline)
    attributions = inference.attributions_for(
        model,
        torch.from_numpy(X.to_numpy(np.float32)),
        torch.from_numpy(explained),
        torch.from_numpy(baseline),
        params.ig_steps,
    )
    top = inference.top_attributions(attributions, preprocessor.feature_names, params.top_features)
    return pd.concat([table, top], axis=1)
