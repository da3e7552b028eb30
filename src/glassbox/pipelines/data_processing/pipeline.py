"""The data_processing pipeline: raw_data → X_/y_ train, val, test and the preprocessor."""

from kedro.pipeline import Node, Pipeline

from .nodes import decide_task, fit_preprocessor, split_data, transform_rows, validate_raw_data


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                validate_raw_data,
                ["raw_data", "params:data_processing"],
                "validated_data",
                name="validate_raw_data",
            ),
            Node(
                decide_task,
                ["validated_data", "params:data_processing"],
                "task",
                name="decide_task",
            ),
            Node(
                split_data,
                ["validated_data", "params:data_processing", "task"],
                ["train_rows", "val_rows", "test_rows"],
                name="split_data",
            ),
            Node(
                fit_preprocessor,
                ["train_rows", "params:data_processing", "task"],
                "preprocessor",
                name="fit_preprocessor",
            ),
            *(
                Node(
                    transform_rows,
                    [f"{split}_rows", "preprocessor"],
                    [f"X_{split}", f"y_{split}"],
                    name=f"transform_{split}",
                )
                for split in ("train", "val", "test")
            ),
        ]
    )
