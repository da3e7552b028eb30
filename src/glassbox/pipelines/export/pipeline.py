"""The export pipeline: model → model.pt2, model.onnx, and the model card beside them."""

from kedro.pipeline import Node, Pipeline

from .nodes import export_model, write_model_card


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                export_model,
                ["model", "X_test", "preprocessor"],
                ["model_program", "model_onnx", "export_check"],
                name="export_model",
            ),
            Node(
                write_model_card,
                [
                    "model",
                    "export_check",
                    "preprocessor",
                    "raw_data",
                    "evaluation_details",
                    "explainability_summary",
                    "params:training",
                    "params:data_processing",
                ],
                ["model_card", "model_card_markdown"],
                name="write_model_card",
            ),
        ]
    )
