"""Model outputs (class probabilities, or regression values) in batches, without autograd."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def predict_proba(model: nn.Module, X: np.ndarray, batch_size: int = 8192) -> np.ndarray:
    model.eval()
    features = torch.as_tensor(np.ascontiguousarray(X, dtype=np.float32))
    parts = []
    with torch.inference_mode():
        for start in range(0, len(features), batch_size):
            parts.append(torch.softmax(model(features[start : start + batch_size]), dim=1))
    return torch.cat(parts).double().numpy()


def predict_values(model: nn.Module, X: np.ndarray, batch_size: int = 8192) -> np.ndarray:
    """A regression model's one output per row (in its training units), batched."""
    model.eval()
    features = torch.as_tensor(np.ascontiguousarray(X, dtype=np.float32))
    parts = []
    with torch.inference_mode():
        for start in range(0, len(features), batch_size):
            parts.append(model(features[start : start + batch_size])[:, 0])
    return torch.cat(parts).double().numpy()
