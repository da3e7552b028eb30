"""The evaluation pipeline: model and test split → metrics, plot tables and figures."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    evaluation_figures_and_report,
    evaluation_tables,
    model_and_baselines,
    predict_test_set,
    score_model_and_baselines,
    summarise_metrics,
    test_predictions,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                predict_test_set,
                ["model", "X_test", "preprocessor"],
                "test_probabilities",
                name="predict_test_set",
            ),
            Node(
                score_model_and_baselines,
                [
                    "test_probabilities",
                    "X_train",
                    "y_train",
                    "X_test",
                    "y_test",
                    "preprocessor",
                    "params:training",
                    "params:evaluation",
                    "training_privacy",
                ],
                "evaluation_details",
                name="score_model_and_baselines",
            ),
            Node(
                model_and_baselines,
                "evaluation_details",
                "model_and_baselines",
                name="model_and_baselines",
            ),
            Node(summarise_metrics, "evaluation_details", "metrics", name="summarise_metrics"),
            Node(
                test_predictions,
                ["test_probabilities", "X_test", "y_test", "preprocessor"],
                "test_predictions",
                name="test_predictions",
            ),
            Node(
                evaluation_tables,
                ["test_probabilities", "y_test", "preprocessor", "params:evaluation"],
                ["confusion_matrix", "roc_curves", "calibration", "regression_points"],
                name="evaluation_tables",
            ),
            Node(
                evaluation_figures_and_report,
                [
                    "evaluation_details",
                    "confusion_matrix",
                    "roc_curves",
                    "calibration",
                    "regression_points",
                    "training_history",
                    "model_and_baselines",
                    "preprocessor",
                ],
                ["evaluation_figures", "evaluation_report"],
                name="evaluation_figures_and_report",
            ),
        ]
    )
