"""Nodes of the optimizer_comparison pipeline: thin adapters over glassbox.optimizer_comparison."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from glassbox.model_input import check_features, frames_to_tensors
from glassbox.optimizer_comparison import render_report, run_once, run_settings, summarise
from glassbox.parameters import OptimizerComparisonParams, TrainingParams
from glassbox.preprocessing import Preprocessor
from glassbox.training_loop import TrainingData


def train_over_seeds(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    *,
    optimizer: str,
) -> list[dict]:
    """One optimizer's runs over all seeds, or none when the optimizer is not in
    `optimizer_comparison.optimizers`."""
    if optimizer not in comparison.optimizers:
        return []
    check_features(preprocessor, X_train=X_train, X_val=X_val, X_test=X_test)
    data = TrainingData.for_preprocessor(preprocessor, X_train, y_train, X_val, y_val)
    X_test_t, y_test_t = frames_to_tensors(X_test, y_test, preprocessor.task)
    return [
        run_once(data, X_test_t, y_test_t, run_settings(training, comparison, optimizer, seed))
        for seed in comparison.seeds
    ]


def make_optimizer_runs(optimizer: str) -> Callable[..., list[dict]]:
    """The node function of one optimizer's namespace: a typed function (Kedro validates
    its `params:` inputs from the type hints, which a functools.partial would hide), named
    `train_<optimizer>_over_seeds` and kept in this module so that pickle finds it by name
    when Kedro's ParallelRunner sends it to a worker process."""

    def runs(
        X_train: pd.DataFrame,
        y_train: pd.DataFrame,
        X_val: pd.DataFrame,
        y_val: pd.DataFrame,
        X_test: pd.DataFrame,
        y_test: pd.DataFrame,
        preprocessor: Preprocessor,
        training: TrainingParams,
        comparison: OptimizerComparisonParams,
    ) -> list[dict]:
        return train_over_seeds(
            X_train,
            y_train,
            X_val,
            y_val,
            X_test,
            y_test,
            preprocessor,
            training,
            comparison,
            optimizer=optimizer,
        )

    runs.__name__ = runs.__qualname__ = f"train_{optimizer}_over_seeds"
    globals()[runs.__name__] = runs
    return runs


def compare_optimizers(
    training: TrainingParams, comparison: OptimizerComparisonParams, **runs: list[dict]
) -> tuple[dict, str]:
    """The summary (JSON) and the HTML report, from every optimizer's runs."""
    by_optimizer = {name.removeprefix("runs_"): results for name, results in runs.items()}
    summary = summarise({name: by_optimizer[name] for name in comparison.optimizers})
    settings = {
        "seeds": comparison.seeds,
        "epochs (upper bound)": comparison.epochs or training.epochs,
        "early stopping patience": training.early_stopping.patience,
        "batch size": training.batch_size,
        "hidden sizes": training.model.hidden_sizes,
        "weight decay": (
            "each optimizer's default"
            if training.optimizer.weight_decay is None
            else training.optimizer.weight_decay
        ),
    }
    summary["settings"] = settings
    return summary, render_report(summary, settings)
