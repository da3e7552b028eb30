"""Global views of the attributions: importance per feature, agreement between methods."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr


def global_importance(values: np.ndarray) -> np.ndarray:
    """Mean absolute attribution per feature."""
    return np.abs(values).mean(axis=0)


def method_agreement(importances: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Spearman rank correlation between the methods' global importances."""
    names = list(importances)
    return {
        a: {
            b: float(spearmanr(importances[a], importances[b]).statistic) if a != b else 1.0
            for b in names
        }
        for a in names
    }
