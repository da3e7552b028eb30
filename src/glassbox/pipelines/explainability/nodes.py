"""Nodes of the explainability pipeline: thin adapters over glassbox.explain.explanation
and glassbox.explain.report."""

from __future__ import annotations

import pandas as pd

from glassbox.explain import explanation
from glassbox.explain.params import ExplainabilityParams
from glassbox.pipelines import Network
from glassbox.prepare.preprocessing import Preprocessor


def explain_test_set(
    model: Network,
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """Attributions of every method for the test rows (or a seeded sample), and their checks."""
    return explanation.explain_test_set(model, X_train, X_test, y_test, preprocessor, params)


def explain_across_seeds(
    seed_runs: list,
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """Would the explanation be the same after retraining? Per method, how the global
    importances of the seed runs' models agree."""
    return explanation.explain_across_seeds(
        seed_runs, X_train, X_test, y_test, preprocessor, params
    )


def explain_with_trees(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """The better tree ensemble's permutation importance on the explained rows."""
    return explanation.explain_with_trees(
        X_train, y_train, X_val, y_val, X_test, y_test, preprocessor, params
    )


def summarise_explanations(
    explanations: dict,
    stability: dict,
    trees: dict,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """The report's numbers: per method the global importance, the trust checks, rows and
    seconds; and the methods' agreement."""
    return explanation.summarise_explanations(explanations, stability, trees, preprocessor, params)


def explainability_metrics(explainability_summary: dict) -> dict:
    """The methods that pass every trust check, out of those computed (for DVC)."""
    passing = [m for m, r in explainability_summary["methods"].items() if r["passes"]]
    return {"methods": len(explainability_summary["methods"]), "methods_passing": len(passing)}


def render_explainability_report(
    explanations: dict, summary: dict, preprocessor: Preprocessor, params: ExplainabilityParams
) -> str:
    """The self-contained HTML report."""
    from glassbox.explain import report as explainability_report

    return explainability_report.render(explanations, summary, preprocessor, params)
