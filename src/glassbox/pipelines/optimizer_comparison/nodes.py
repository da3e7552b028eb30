"""Nodes of the optimizer_comparison pipeline: thin adapters over
glassbox.compare.optimizer_comparison. The training node takes the six splits last
(``*model_input``, in glassbox.pipelines.MODEL_INPUT's order)."""

from __future__ import annotations

import pandas as pd

from glassbox.compare.params import OptimizerComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.optional import NOT_REQUESTED, not_requested, requested
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.params import TrainingParams


def tune_learning_rates(
    preprocessor: Preprocessor,
    comparison_studies: StudyStorage,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    switched_on: bool,
    *model_input: pd.DataFrame,
) -> dict:
    """Every optimizer's Optuna study, run to the end: its completed trials."""
    if not switched_on:
        return NOT_REQUESTED
    from glassbox.compare.comparison import comparison_inputs
    from glassbox.compare.optimizer_comparison import tune

    inputs = comparison_inputs(preprocessor, *model_input)
    return tune(*inputs, training, comparison, comparison_studies)


def train_every_optimizer(
    preprocessor: Preprocessor,
    seed_runs: list,
    optimizer_trials: dict,
    comparison_studies: StudyStorage,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    *model_input: pd.DataFrame,
) -> dict:
    """Every optimizer's runs over all seeds: defaults, and at the best trial's rate."""
    if not requested(optimizer_trials):
        return NOT_REQUESTED
    from glassbox.compare.comparison import comparison_inputs
    from glassbox.compare.optimizer_comparison import train_all

    inputs = comparison_inputs(preprocessor, *model_input)
    return train_all(*inputs, training, comparison, comparison_studies, seed_runs, optimizer_trials)


def compare_optimizers(
    runs: dict,
    optimizer_trials: dict,
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
) -> tuple[dict, str]:
    """The summary (JSON) and the HTML report, from every optimizer's runs and trials."""
    if not requested(runs):
        return not_requested("optimizer_comparison", "Optimizer comparison")
    from glassbox.compare.comparison import reused_runs, shared_settings
    from glassbox.compare.optimizer_comparison import render_report, summarise

    epochs = comparison.epochs or training.epochs
    summary = summarise(runs, preprocessor.task, optimizer_trials, epochs, comparison.target_margin)
    settings = {
        **shared_settings(training, comparison.seeds, comparison.epochs),
        "model": f"{training.model.name} {training.model.settings()}",
        "weight decay": (
            "each optimizer's default"
            if training.optimizer.weight_decay is None
            else training.optimizer.weight_decay
        ),
        "trials per optimizer": comparison.trials_per_optimizer,
        "training rows per run": "all"
        if comparison.max_rows is None
        else f"at most {comparison.max_rows:,} (a seeded sample of larger splits)",
    }
    if comparison.trials_per_optimizer:
        low, high = comparison.lr_range
        settings |= {
            "learning rates tried": f"log grid from {low:g} to {high:g}, at seed "
            f"{comparison.seeds[0]}",
            "pruning": _pruning(comparison, training),
        }
    flat = {o: r["defaults"] + r["best_trial"] for o, r in runs.items()}
    settings["trained once, in seed_runs (same settings and seed)"] = reused_runs(flat)
    summary["settings"] = settings
    return summary, render_report(summary, settings)


def _pruning(comparison: OptimizerComparisonParams, training: TrainingParams) -> str:
    from glassbox.compare.optimizer_comparison import pruning_rungs

    rungs = pruning_rungs(comparison, training)
    if not rungs:
        return "none: every trial trains its full budget"
    at = " and ".join(str(r) for r in rungs)
    return f"successive halving: at epochs {at}, each optimizer's best third of trials go on"
