"""Model outputs (class probabilities, or regression values) in batches, without autograd."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from glassbox.prepare.model_input import feature_tensor
from glassbox.tasks import get_task

if TYPE_CHECKING:
    from glassbox.prepare.preprocessing import Preprocessor


def _batched(model: nn.Module, X: np.ndarray, batch_size: int, head) -> np.ndarray:
    model.eval()
    features = feature_tensor(X)
    parts = []
    with torch.inference_mode():
        for start in range(0, len(features), batch_size):
            parts.append(head(model(features[start : start + batch_size])))
    return torch.cat(parts).double().numpy()


def predict_proba(model: nn.Module, X: np.ndarray, batch_size: int = 8192) -> np.ndarray:
    """A classifier's class probabilities, one row per row of ``X``."""
    return _batched(model, X, batch_size, lambda logits: torch.softmax(logits, dim=1))


def predict_values(model: nn.Module, X: np.ndarray, batch_size: int = 8192) -> np.ndarray:
    """A regression model's one output per row (in its training units)."""
    return _batched(model, X, batch_size, lambda outputs: outputs[:, 0])


def model_outputs(model: nn.Module, X: np.ndarray, preprocessor: Preprocessor) -> np.ndarray:
    """What a prediction table shows, for the preprocessor's task: class probabilities, or
    the predicted value in the target's units as one column."""
    if get_task(preprocessor.task).predicts_classes:
        return predict_proba(model, X)
    return preprocessor.decode_values(predict_values(model, X))[:, None]
