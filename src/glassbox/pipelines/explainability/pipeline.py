"""The explainability pipeline: model and test split → report and summary."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    explain_test_set,
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
                summarise_explanations,
                ["explanations", "preprocessor", "params:explainability"],
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
