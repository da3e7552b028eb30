"""The training pipeline: model input → model, training_history and training_privacy."""

from kedro.pipeline import Node, Pipeline

from glassbox.pipelines import TRAINING_SPLITS

from .nodes import train_model


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_model,
                [
                    *TRAINING_SPLITS,
                    "preprocessor",
                    "params:training",
                    "training_checkpoint",
                ],
                ["model", "training_history", "training_privacy"],
                name="train_model",
            )
        ]
    )
