"""The seed_runs pipeline: the model input and the training settings → seed runs."""

from kedro.pipeline import Node, Pipeline

from glassbox.pipelines import TRAINING_SPLITS

from .nodes import train_seed_runs


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                train_seed_runs,
                [
                    *TRAINING_SPLITS,
                    "preprocessor",
                    "params:training",
                    "params:seed_runs",
                ],
                "seed_runs",
                name="train_seed_runs",
            ),
        ]
    )
