"""The training pipeline: model input → model, training_history and training_privacy."""

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
                ["model", "training_history", "training_privacy"],
                name="train_model",
            )
        ]
    )
