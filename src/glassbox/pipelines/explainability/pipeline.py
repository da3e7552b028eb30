"""The explainability pipeline: model and test split → report and summary."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    explain_across_seeds,
    explain_test_set,
    explain_with_trees,
    explainability_metrics,
    render_explainability_report,
    summarise_explanations,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                explain_test_set,
                ["model", "X_train", "X_test", "y_test", "preprocessor", "params:explainability"],
                "explanations",
                name="explain_test_set",
            ),
            Node(
                explain_across_seeds,
                [
                    "seed_runs",
                    "X_train",
                    "X_test",
                    "y_test",
                    "preprocessor",
                    "params:explainability",
                ],
                "explanation_stability",
                name="explain_across_seeds",
            ),
            Node(
                explain_with_trees,
                [
                    "X_train",
                    "y_train",
                    "X_val",
                    "y_val",
                    "X_test",
                    "y_test",
                    "preprocessor",
                    "params:explainability",
                ],
                "tree_importance",
                name="explain_with_trees",
            ),
            Node(
                summarise_explanations,
                [
                    "explanations",
                    "explanation_stability",
                    "tree_importance",
                    "preprocessor",
                    "params:explainability",
                ],
                "explainability_summary",
                name="summarise_explanations",
            ),
            Node(
                explainability_metrics,
                "explainability_summary",
                "explainability_metrics",
                name="explainability_metrics",
            ),
            Node(
                render_explainability_report,
                ["explanations", "explainability_summary", "preprocessor", "params:explainability"],
                "explainability_report",
                name="render_explainability_report",
            ),
        ]
    )
