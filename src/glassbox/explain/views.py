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


def stability_across_seeds(importances: list[np.ndarray], top_k: int) -> dict:
    """How much one method's global importances move when the model is retrained with
    another seed: the mean Spearman correlation over pairs of seeds (all features, and the
    first seed's top ``top_k``), the share of the top ``top_k`` features every seed has in
    its top ``top_k``, and per feature the range of its importance over the seeds."""
    stacked = np.stack(importances)
    pairs = [(a, b) for a in range(len(stacked)) for b in range(a + 1, len(stacked))]
    top = [set(np.argsort(-row, kind="stable")[:top_k]) for row in stacked]
    first_top = sorted(top[0])
    return {
        "seeds": len(stacked),
        "rank_correlation": float(
            np.mean([spearmanr(stacked[a], stacked[b]).statistic for a, b in pairs])
        ),
        "top_k_rank_correlation": float(
            np.mean(
                [
                    spearmanr(stacked[a][first_top], stacked[b][first_top]).statistic
                    for a, b in pairs
                ]
            )
        ),
        "top_k": top_k,
        "top_k_shared": len(set.intersection(*top)) / top_k,
        "low": stacked.min(axis=0),
        "high": stacked.max(axis=0),
    }
