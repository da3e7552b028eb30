"""Nodes of the optimizer_comparison pipeline: thin adapters over
glassbox.evaluate.optimizer_comparison."""

from __future__ import annotations

import pandas as pd

from glassbox.evaluate.comparison import comparison_inputs, reused_runs, shared_settings
from glassbox.evaluate.optimizer_comparison import render_report, summarise, train_all
from glassbox.parameters import OptimizerComparisonParams, TrainingParams
from glassbox.prepare.preprocessing import Preprocessor


def train_every_optimizer(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    seed_runs: list,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
) -> dict[str, list[dict]]:
    """Every optimizer's runs over all seeds, by optimizer name."""
    inputs = comparison_inputs(preprocessor, X_train, y_train, X_val, y_val, X_test, y_test)
    return train_all(*inputs, training, comparison, seed_runs)


def compare_optimizers(
    runs: dict[str, list[dict]],
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
) -> tuple[dict, str]:
    """The summary (JSON) and the HTML report, from every optimizer's runs."""
    summary = summarise(runs, preprocessor.task)
    settings = {
        **shared_settings(training, comparison.seeds, comparison.epochs),
        "model": f"{training.model.name} {training.model.settings()}",
        "weight decay": (
            "each optimizer's default"
            if training.optimizer.weight_decay is None
            else training.optimizer.weight_decay
        ),
    }
    settings["trained once, in seed_runs (same settings and seed)"] = reused_runs(runs)
    summary["settings"] = settings
    return summary, render_report(summary, settings)
