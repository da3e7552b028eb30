"""The optimizer_comparison pipeline: every optimizer's learning rate tuned on the same
budget (an Optuna study each), then every optimizer trained once per seed at its default
and at its best trial's learning rate, then the report.

The runs are the training configuration with one optimizer swapped in (same data, model,
epochs and early stopping), trained together (glassbox.training.stacked).
"""

from kedro.pipeline import Node, Pipeline

from .nodes import compare_optimizers, train_every_optimizer, tune_learning_rates

SPLITS = ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test", "preprocessor"]
PARAMS = ["params:training", "params:optimizer_comparison"]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                tune_learning_rates,
                [*SPLITS, "optimizer_study", *PARAMS, "params:optional.optimizer_comparison"],
                "optimizer_trials",
                name="tune_learning_rates",
            ),
            Node(
                train_every_optimizer,
                [*SPLITS, "seed_runs", "optimizer_trials", *PARAMS],
                "optimizer_runs",
                name="train_every_optimizer",
            ),
            Node(
                compare_optimizers,
                ["optimizer_runs", "optimizer_trials", "preprocessor", *PARAMS],
                ["optimizer_comparison_summary", "optimizer_comparison_report"],
                name="compare_optimizers",
            ),
        ]
    )
