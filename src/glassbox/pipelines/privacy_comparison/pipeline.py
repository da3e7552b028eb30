"""The privacy_comparison pipeline: the configured model trained at each privacy budget once
per seed, then the summary and the report."""

from kedro.pipeline import Node, Pipeline

from glassbox.pipelines import MODEL_INPUT

from .nodes import compare_budgets, train_every_budget


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_every_budget,
                [
                    "preprocessor",
                    "comparison_studies",
                    "params:training",
                    "params:privacy_comparison",
                    "params:optional.privacy_comparison",
                    *MODEL_INPUT,
                ],
                "privacy_runs",
                name="train_every_budget",
            ),
            Node(
                compare_budgets,
                [
                    "privacy_runs",
                    "preprocessor",
                    "params:training",
                    "params:privacy_comparison",
                ],
                ["privacy_comparison_summary", "privacy_comparison_report"],
                name="compare_budgets",
            ),
        ]
    )
