"""data_processing → training → evaluation on an in-memory catalog."""

from kedro.io import MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset
from kedro_datasets.pandas import CSVDataset

from glassbox.evaluate.baselines import BASELINE_NAMES
from glassbox.parameters import EvaluationParams, TrainingParams
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.evaluation import create_pipeline as evaluation
from glassbox.pipelines.training import create_pipeline as training
from glassbox.training.checkpoints import CheckpointStore
from tests.conftest import digits_catalog


def test_evaluation_scores_the_model_beside_the_baselines(tmp_path):
    catalog = digits_catalog(
        tmp_path,
        training=TrainingParams(epochs=30, progress="never"),
        evaluation=EvaluationParams(),
    )
    catalog["training_checkpoint"] = MemoryDataset(CheckpointStore(tmp_path / "ckpt.pt"))
    for table in ("confusion_matrix", "roc_curves", "calibration"):  # consumed, so kept in files
        catalog[table] = CSVDataset(filepath=str(tmp_path / f"{table}.csv"))
    # Consumed by the headline node, so kept in a file (the runner releases memory).
    catalog["evaluation_details"] = JSONDataset(filepath=str(tmp_path / "details.json"))
    outputs = SequentialRunner().run(data_processing() + training() + evaluation(), catalog)

    metrics = catalog.load("evaluation_details")
    assert metrics["test_rows"] == 360
    assert set(metrics["baselines"]) == set(BASELINE_NAMES)
    for scores in [metrics["model"], *metrics["baselines"].values()]:
        assert {
            "accuracy",
            "balanced_accuracy",
            "f1_macro",
            "log_loss",
            "roc_auc_ovr",
            "expected_calibration_error",
        } <= set(scores)
    assert set(metrics["model"]["per_class"]) == {str(d) for d in range(10)}
    assert metrics["model"]["accuracy"] > metrics["baselines"]["majority_class"]["accuracy"]

    # What DVC shows: flat, the model's headline figures beside the best baseline's.
    headline = outputs["metrics"].load()
    assert all(not isinstance(v, dict) for v in headline.values())
    assert headline["accuracy"] == metrics["model"]["accuracy"]
    best = max(metrics["baselines"], key=lambda n: metrics["baselines"][n]["accuracy"])
    assert headline["best_baseline"] == best != "majority_class"
    assert headline["best_baseline_accuracy"] == metrics["baselines"][best]["accuracy"]

    confusion = catalog.load("confusion_matrix")
    assert len(confusion) == 360 and list(confusion.columns) == ["actual", "predicted"]
    assert catalog.load("calibration")["count"].sum() == 360
    assert catalog.load("roc_curves").columns[0] == "fpr"
    figures = outputs["evaluation_figures"].load()
    assert set(figures) == {
        "confusion_matrix.png",
        "roc_curves.png",
        "reliability_diagram.png",
        "training_curves.png",
    }
