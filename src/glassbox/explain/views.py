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
    another seed: over pairs of seeds, the mean correlation of the importances (Pearson: do
    the seeds give each feature the same weight? what the trust check decides on) and of
    their ranks (Spearman: all features, and the first seed's top ``top_k``), the share of
    the top ``top_k`` features every seed has in its top ``top_k``, and per feature the
    range of its importance over the seeds.

    The decision is not on ranks: features the model ignores get importances near zero in
    every seed, and their order among themselves is noise; on a table with three features
    that matter and nine that do not, ranks correlate 0.6 to 0.8 between seeds that agree
    on the three (tests/explain/test_methods.py)."""
    stacked = np.stack(importances)
    pairs = [(a, b) for a in range(len(stacked)) for b in range(a + 1, len(stacked))]
    top = [set(np.argsort(-row, kind="stable")[:top_k]) for row in stacked]
    first_top = sorted(top[0])
    return {
        "seeds": len(stacked),
        "correlation": float(np.mean([_pearson(stacked[a], stacked[b]) for a, b in pairs])),
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


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0  # a flat importance says nothing about agreement
    return float(np.corrcoef(a, b)[0, 1])
