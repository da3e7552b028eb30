"""The explainability pipeline: model and test split → report and summary."""

from kedro.pipeline import Node, Pipeline

from glassbox.explain import explanation
from glassbox.pipelines import MODEL_INPUT

from .nodes import explainability_metrics, render_explainability_report


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                explanation.explain_test_set,
                ["model", "X_train", "X_test", "y_test", "preprocessor", "params:explainability"],
                "explanations",
                name="explain_test_set",
            ),
            Node(
                explanation.explain_across_seeds,
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
                explanation.explain_with_trees,
                [*MODEL_INPUT, "preprocessor", "params:explainability"],
                "tree_importance",
                name="explain_with_trees",
            ),
            Node(
                explanation.summarise_explanations,
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
