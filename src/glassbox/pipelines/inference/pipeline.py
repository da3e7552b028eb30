"""The inference pipeline: new_data, preprocessor and model → predictions."""

from kedro.pipeline import Node, Pipeline

from .nodes import predict_new_data


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                predict_new_data,
                ["new_data", "preprocessor", "model", "X_train", "params:inference"],
                "predictions",
                name="predict_new_data",
            ),
        ]
    )
