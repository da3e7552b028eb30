"""The optimizer_comparison pipeline: every optimizer trained once per seed, then the report.

The runs are the training configuration with one optimizer swapped in (same data, model,
epochs and early stopping), trained together in one node (glassbox.training.stacked).
"""

from kedro.pipeline import Node, Pipeline

from .nodes import compare_optimizers, train_every_optimizer


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_every_optimizer,
                [
                    "X_train",
                    "y_train",
                    "X_val",
                    "y_val",
                    "X_test",
                    "y_test",
                    "preprocessor",
                    "seed_runs",
                    "params:training",
                    "params:optimizer_comparison",
                ],
                "optimizer_runs",
                name="train_every_optimizer",
            ),
            Node(
                compare_optimizers,
                [
                    "optimizer_runs",
                    "preprocessor",
                    "params:training",
                    "params:optimizer_comparison",
                ],
                ["optimizer_comparison_summary", "optimizer_comparison_report"],
                name="compare_optimizers",
            ),
        ]
    )
