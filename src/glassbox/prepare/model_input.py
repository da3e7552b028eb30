"""Model-input tables (the X_* / y_* catalog entries) as tensors, and the checks that they
are what the preprocessor and the model expect."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glassbox.errors import InputDataError
from glassbox.tasks import DEFAULT_TASK, get_task

if TYPE_CHECKING:
    import torch
    from torch import nn

    from glassbox.prepare.preprocessing import Preprocessor

_RERUN = "re-run the pipelines that make them (`dvc repro`, or `kedro run`)"


def feature_tensor(X: np.ndarray) -> torch.Tensor:
    """Features as a float32 tensor that shares the array's memory where it can. Arrays read
    from Parquet are often read-only views of Arrow's buffers; glassbox never writes to
    these tensors, so PyTorch's warning about non-writable arrays is silenced here rather
    than paid for with a copy of the table."""
    import torch  # here, not at the top: the checks below serve stages that need no torch

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The given NumPy array is not writable", UserWarning)
        return torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))


def frames_to_tensors(
    X: pd.DataFrame, y: pd.DataFrame, task: str = DEFAULT_TASK
) -> tuple[torch.Tensor, torch.Tensor]:
    """Features as float32 and the one target column: int64 class codes, or float32 values
    for regression."""
    import torch

    features = torch.from_numpy(X.to_numpy(dtype="float32", copy=True))
    dtype = get_task(task).target_dtype
    labels = torch.from_numpy(y.iloc[:, 0].to_numpy(dtype=dtype, copy=True))
    return features, labels


def check_features(preprocessor: Preprocessor, **frames: pd.DataFrame) -> None:
    """Each feature table must have the preprocessor's columns in its order: a model reads
    columns by position, so another order would silently give wrong predictions."""
    expected = list(preprocessor.feature_names)
    for name, X in frames.items():
        columns = [str(c) for c in X.columns]
        if columns == expected:
            continue
        missing = [c for c in expected if c not in columns]
        extra = [c for c in columns if c not in expected]
        if missing or extra:
            raise InputDataError(
                f"{name} has {len(columns)} feature columns, the preprocessor expects "
                f"{len(expected)}; missing {missing[:5]}, unexpected {extra[:5]}. {name} and "
                f"the preprocessor come from different data_processing runs: {_RERUN}."
            )
        position = next(i for i, (a, b) in enumerate(zip(columns, expected, strict=True)) if a != b)
        raise InputDataError(
            f"{name}'s feature columns are in another order than the preprocessor's: column "
            f"{position} is {columns[position]!r} where {expected[position]!r} was expected. "
            f"A model reads features by position; {_RERUN}."
        )


def check_model_fits(model: nn.Module, preprocessor: Preprocessor) -> None:
    """The model must take the preprocessor's features and predict its classes."""
    architecture = getattr(model, "architecture", {})
    features, classes = len(preprocessor.feature_names), len(preprocessor.classes)
    predicts_classes = get_task(preprocessor.task).predicts_classes
    outputs = (classes, "classes") if predicts_classes else (1, "outputs")
    for key, expected, what in (("input_dim", features, "features"), ("output_dim", *outputs)):
        if key in architecture and architecture[key] != expected:
            raise InputDataError(
                f"the model takes {architecture[key]} {what} but the preprocessor has "
                f"{expected}: the model was trained on other data; {_RERUN}."
            )
