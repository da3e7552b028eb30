"""The optimizer_comparison pipeline: every optimizer's learning rate tuned on the same
budget (an Optuna study each), then every optimizer trained once per seed at its default
and at its best trial's learning rate, then the report.

The runs are the training configuration with one optimizer swapped in (same data, model,
epochs and early stopping), trained together (glassbox.training.stacked).
"""

from kedro.pipeline import Node, Pipeline

from glassbox.pipelines import MODEL_INPUT

from .nodes import compare_optimizers, train_every_optimizer, tune_learning_rates

PARAMS = ["params:training", "params:optimizer_comparison"]


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                tune_learning_rates,
                [
                    "preprocessor",
                    "comparison_studies",
                    *PARAMS,
                    "params:optional.optimizer_comparison",
                    *MODEL_INPUT,
                ],
                "optimizer_trials",
                name="tune_learning_rates",
            ),
            Node(
                train_every_optimizer,
                [
                    "preprocessor",
                    "seed_runs",
                    "optimizer_trials",
                    "comparison_studies",
                    *PARAMS,
                    *MODEL_INPUT,
                ],
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
