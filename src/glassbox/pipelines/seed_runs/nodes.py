"""Nodes of the seed_runs pipeline: a thin adapter over glassbox.training.seed_runs."""

from __future__ import annotations

import pandas as pd

from glassbox.prepare.model_input import check_features
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.params import SeedRunsParams, TrainingParams


def train_seed_runs(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    preprocessor: Preprocessor,
    training: TrainingParams,
    params: SeedRunsParams,
) -> list:
    """The configured model trained once per seed (none with fewer than two seeds: the
    stability check needs two to compare)."""
    from glassbox.training import seed_runs
    from glassbox.training.loop import TrainingData

    if len(params.seeds) < 2:
        return []
    check_features(preprocessor, X_train=X_train, X_val=X_val)
    data = TrainingData.for_preprocessor(preprocessor, X_train, y_train, X_val, y_val)
    return seed_runs.train_seed_runs(data, training, params.seeds)
