"""The evaluation pipeline: model and test split → metrics, plot tables and figures."""

from kedro.pipeline import Node, Pipeline

from glassbox.evaluate import scoring
from glassbox.evaluate.metrics import model_and_baselines_table

from .nodes import predict_test_set, summarise_metrics


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
                scoring.score,
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
                model_and_baselines_table,
                "evaluation_details",
                "model_and_baselines",
                name="model_and_baselines",
            ),
            Node(summarise_metrics, "evaluation_details", "metrics", name="summarise_metrics"),
            Node(
                scoring.prediction_rows,
                ["test_probabilities", "X_test", "y_test", "preprocessor"],
                "test_predictions",
                name="test_predictions",
            ),
            Node(
                scoring.plot_tables,
                ["test_probabilities", "y_test", "preprocessor", "params:evaluation"],
                ["confusion_matrix", "roc_curves", "calibration", "regression_points"],
                name="evaluation_tables",
            ),
            Node(
                scoring.figures_and_report,
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
