"""Nodes of the architecture_comparison pipeline: thin adapters over
glassbox.evaluate.architecture_comparison."""

from __future__ import annotations

import pandas as pd

from glassbox.evaluate.architecture_comparison import render_report, summarise, train_all
from glassbox.parameters import ArchitectureComparisonParams, TrainingParams
from glassbox.prepare.model_input import check_features, frames_to_tensors
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.loop import TrainingData


def train_every_architecture(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: ArchitectureComparisonParams,
) -> dict:
    """Every fitting architecture's runs over all seeds, and the ones left out (and why)."""
    check_features(preprocessor, X_train=X_train, X_val=X_val, X_test=X_test)
    data = TrainingData.for_preprocessor(preprocessor, X_train, y_train, X_val, y_val)
    X_test_t, y_test_t = frames_to_tensors(X_test, y_test, preprocessor.task)
    return train_all(data, X_test_t, y_test_t, training, comparison)


def compare_architectures(
    runs: dict,
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: ArchitectureComparisonParams,
) -> tuple[dict, str]:
    """The summary (JSON) and the HTML report, from every architecture's runs."""
    summary = summarise(runs, preprocessor.task)
    settings = {
        "seeds": comparison.seeds,
        "epochs (upper bound)": comparison.epochs or training.epochs,
        "early stopping patience": training.early_stopping.patience,
        "batch size": training.batch_size,
        "optimizer": training.optimizer.name,
        "learning rate": training.optimizer.lr or "the optimizer's default",
    }
    summary["settings"] = settings
    return summary, render_report(summary, settings)
