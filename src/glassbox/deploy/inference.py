"""Predictions for new rows: check them against the preprocessor's feature schema, apply
the saved preprocessing and model, and lay out labels, probabilities and (optionally) each
row's strongest feature attributions. Used by the inference pipeline and the HTTP service.

Handling of rows that differ from the training table:
- a missing feature column is an error naming it; extra columns (the label included) are
  ignored and listed in the log;
- text in a numeric column is an error naming the column and rows;
- a category unseen in training encodes as all-zero one-hot (counted in the log);
- gaps are imputed as in training, or are an error when training had them off.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glassbox.errors import InputDataError

if TYPE_CHECKING:
    import torch
    from torch import nn

    from glassbox.prepare.preprocessing import Preprocessor

log = logging.getLogger(__name__)


def check_rows(rows: pd.DataFrame, preprocessor: Preprocessor, name: str = "new_data") -> None:
    """Each feature column present, numeric ones holding numbers; otherwise a clear error."""
    if len(rows) == 0:
        raise InputDataError(f"{name} has no rows; expected at least one row to predict")
    columns = [str(c) for c in rows.columns]
    missing = [c for c in preprocessor.input_columns if c not in columns]
    if missing:
        more = " …" if len(missing) > 10 else ""
        raise InputDataError(
            f"{name} lacks feature columns the model was trained on: {missing[:10]}{more}; "
            f"expected all {len(preprocessor.input_columns)} feature columns (the label "
            f"column {preprocessor.target!r} is optional)"
        )
    extra = [c for c in columns if c not in preprocessor.input_columns]
    if extra:
        log.info("%s: ignoring columns the model does not use: %s", name, extra[:10])
    problems = []
    for column in preprocessor.numeric_columns:
        values = rows[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        as_numbers = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & as_numbers.isna()
        if bad.any():
            examples = [f"row {i}: {values[i]!r}" for i in values.index[bad][:3]]
            problems.append(f"column {column!r} must hold numbers ({', '.join(examples)})")
    if problems:
        raise InputDataError(f"{name}: " + "; ".join(problems))


def model_input(rows: pd.DataFrame, preprocessor: Preprocessor) -> pd.DataFrame:
    """Checked rows as model input (the preprocessor's features, in its order)."""
    check_rows(rows, preprocessor)
    numeric = preprocessor.numeric_columns
    converted = rows.assign(**{c: pd.to_numeric(rows[c], errors="coerce") for c in numeric})
    return preprocessor.transform_features(converted)


def top_attributions(attributions: np.ndarray, feature_names: list[str], k: int) -> pd.DataFrame:
    """Each row's ``k`` features of largest absolute attribution, strongest first, signed."""
    order = np.argsort(-np.abs(attributions), axis=1, kind="stable")[:, :k]
    columns = {}
    for rank in range(order.shape[1]):
        picked = order[:, rank]
        columns[f"feature_{rank + 1}"] = [feature_names[i] for i in picked]
        columns[f"attribution_{rank + 1}"] = attributions[np.arange(len(picked)), picked]
    return pd.DataFrame(columns)


def attributions_for(
    model: nn.Module, X: torch.Tensor, target: torch.Tensor, baseline: torch.Tensor, steps: int
) -> np.ndarray:
    """Integrated Gradients of the ``target`` output against ``baseline``."""
    from glassbox.explain.integrated_gradients import integrated_gradients

    return integrated_gradients(model, X, baseline, target, steps)[0].numpy()


def baseline_row(X_train: np.ndarray, kind: str, preprocessor=None) -> np.ndarray:
    """The reference row of attributions: all zeros, or the training rows' mean in model
    input, as the preprocessor recorded it when it was fitted (so that batch inference and
    the HTTP service explain a row alike); computed from ``X_train`` for a preprocessor
    fitted before it recorded one."""
    if kind == "zeros":
        return np.zeros((1, X_train.shape[1]), dtype=np.float32)
    if preprocessor is not None and preprocessor.input_means:
        return np.asarray([preprocessor.input_means], dtype=np.float32)
    return X_train.mean(axis=0, keepdims=True).astype(np.float32)


def explain_rows(
    model: nn.Module, X: np.ndarray, preprocessor: Preprocessor, baseline: np.ndarray, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of model input ``X``: their model outputs (glassbox.deploy.prediction) and each
    row's Integrated Gradients of its predicted output (the class, or a regression's one
    value) against ``baseline``. Batch inference and the HTTP service both answer with
    this, so a row gets the same prediction and explanation from either."""
    import torch

    from glassbox.deploy.prediction import model_outputs
    from glassbox.prepare.model_input import feature_tensor

    outputs = model_outputs(model, X, preprocessor)
    attributions = attributions_for(
        model,
        feature_tensor(X.astype(np.float32)),
        torch.from_numpy(outputs.argmax(axis=1)),  # a regression's one column: output 0
        torch.from_numpy(baseline),
        steps,
    )
    return outputs, attributions


def predict_and_explain(
    model: nn.Module, X: np.ndarray, preprocessor: Preprocessor, baseline: np.ndarray, steps: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """:func:`explain_rows` as the batch pipeline writes it: the prediction table, and the
    attributions."""
    outputs, attributions = explain_rows(model, X, preprocessor, baseline, steps)
    return preprocessor.prediction_table(outputs), attributions
