"""Model outputs (class probabilities, or regression values) in batches, without autograd."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


def _batched(model: nn.Module, X: np.ndarray, batch_size: int, head) -> np.ndarray:
    model.eval()
    features = torch.as_tensor(np.ascontiguousarray(X, dtype=np.float32))
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
