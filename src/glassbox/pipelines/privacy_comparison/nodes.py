"""Nodes of the privacy_comparison pipeline: thin adapters over
glassbox.compare.privacy_comparison. The training node takes the six splits last
(``*model_input``, in glassbox.pipelines.MODEL_INPUT's order)."""

from __future__ import annotations

import pandas as pd

from glassbox.compare.params import PrivacyComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.optional import NOT_REQUESTED, not_requested, requested
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.params import TrainingParams


def train_every_budget(
    preprocessor: Preprocessor,
    comparison_studies: StudyStorage,
    training: TrainingParams,
    comparison: PrivacyComparisonParams,
    switched_on: bool,
    *model_input: pd.DataFrame,
) -> dict:
    """Every privacy budget's runs over all seeds, each scored and attacked on the test rows."""
    if not switched_on:
        return NOT_REQUESTED
    from glassbox.compare import privacy_comparison
    from glassbox.compare.comparison import comparison_inputs

    inputs = comparison_inputs(preprocessor, *model_input)
    return privacy_comparison.train_all(*inputs, training, comparison, comparison_studies)


def compare_budgets(
    runs: dict,
    preprocessor: Preprocessor,
    training: TrainingParams,
    comparison: PrivacyComparisonParams,
) -> tuple[dict, str]:
    """The summary (JSON) and the HTML report."""
    if not requested(runs):
        return not_requested("privacy_comparison", "Privacy comparison")
    from glassbox.compare import privacy_comparison

    summary = privacy_comparison.summarise(runs, preprocessor.task, preprocessor.feature_names)
    settings = privacy_comparison.settings_table(training, comparison, runs["batch_size"])
    summary["settings"] = settings
    return summary, privacy_comparison.render_report(summary, settings)
