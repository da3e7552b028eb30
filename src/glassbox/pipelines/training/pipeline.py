"""The training pipeline: model input → model and training_history."""

from kedro.pipeline import Node, Pipeline

from .nodes import train_model


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_model,
                [
                    "X_train",
                    "y_train",
                    "X_val",
                    "y_val",
                    "preprocessor",
                    "params:training",
                    "training_checkpoint",
                ],
                ["model", "training_history"],
                name="train_model",
            )
        ]
    )
