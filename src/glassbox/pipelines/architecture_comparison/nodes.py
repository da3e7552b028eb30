"""Nodes of the architecture_comparison pipeline: thin adapters over
glassbox.compare.architecture_comparison. The training node takes the six splits last
(``*model_input``, in glassbox.pipelines.MODEL_INPUT's order)."""

from __future__ import annotations

import pandas as pd

from glassbox.compare.params import ArchitectureComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.optional import NOT_REQUESTED, not_requested, requested
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.params import TrainingParams


def train_every_architecture(
    preprocessor: Preprocessor,
    seed_runs: list,
    comparison_studies: StudyStorage,
    training: TrainingParams,
    comparison: ArchitectureComparisonParams,
    switched_on: bool,
    *model_input: pd.DataFrame,
) -> dict:
    """Every fitting architecture's runs over all seeds, and the ones left out (and why)."""
    if not switched_on:
        return NOT_REQUESTED
    from glassbox.compare.architecture_comparison import train_all
    from glassbox.compare.comparison import comparison_inputs

    inputs = comparison_inputs(preprocessor, *model_input)
    return train_all(*inputs, training, comparison, comparison_studies, seed_runs)


def compare_architectures(
    runs: dict,
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: ArchitectureComparisonParams,
) -> tuple[dict, str]:
    """The summary (JSON) and the HTML report, from every architecture's runs."""
    if not requested(runs):
        return not_requested("architecture_comparison", "Architecture comparison")
    from glassbox.compare.architecture_comparison import render_report, summarise
    from glassbox.compare.comparison import reused_runs, shared_settings

    summary = summarise(runs, preprocessor.task, comparison.epochs or training.epochs)
    settings = {
        **shared_settings(training, comparison.seeds, comparison.epochs),
        "optimizer": training.optimizer.name,
        "learning rate": training.optimizer.lr or "the optimizer's default",
    }
    settings["trained once, in seed_runs (same settings and seed)"] = reused_runs(runs["runs"])
    summary["settings"] = settings
    return summary, render_report(summary, settings)
