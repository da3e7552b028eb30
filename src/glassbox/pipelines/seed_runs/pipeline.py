"""The seed_runs pipeline: the model input and the training settings → seed runs."""

from kedro.pipeline import Node, Pipeline

from .nodes import train_seed_runs


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_seed_runs,
                [
                    "X_train",
                    "y_train",
                    "X_val",
                    "y_val",
                    "preprocessor",
                    "params:training",
                    "params:seed_runs",
                ],
                "seed_runs",
                name="train_seed_runs",
            ),
        ]
    )
