"""Model-input tables (the X_* / y_* catalog entries) as tensors."""

from __future__ import annotations

import pandas as pd
import torch


def frames_to_tensors(X: pd.DataFrame, y: pd.DataFrame) -> tuple[torch.Tensor, torch.Tensor]:
    """Features as float32 and the one label column as int64 codes."""
    features = torch.from_numpy(X.to_numpy(dtype="float32", copy=True))
    labels = torch.from_numpy(y.iloc[:, 0].to_numpy(dtype="int64", copy=True))
    return features, labels
