"""data_processing → training → evaluation on an in-memory catalog."""

from kedro.io import MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset
from kedro_datasets.pandas import CSVDataset

from glassbox.evaluate.baselines import BASELINE_NAMES
from glassbox.evaluate.params import EvaluationParams
from glassbox.pipelines.data_processing import create_pipeline as data_processing
from glassbox.pipelines.evaluation import create_pipeline as evaluation
from glassbox.pipelines.training import create_pipeline as training
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.params import TrainingParams
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
    catalog["model_and_baselines"] = CSVDataset(filepath=str(tmp_path / "comparison.csv"))
    # Consumed by the headline node, so kept in a file (the runner releases memory).
    catalog["evaluation_details"] = JSONDataset(filepath=str(tmp_path / "details.json"))
    outputs = SequentialRunner().run(data_processing() + training() + evaluation(), catalog)
    _check_intervals_and_verdict(catalog.load("evaluation_details"), outputs)

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
    assert metrics["privacy"] == {"enabled": False} and headline["private"] is False

    confusion = catalog.load("confusion_matrix")
    assert len(confusion) == 360 and list(confusion.columns) == ["actual", "predicted"]
    assert catalog.load("calibration")["count"].sum() == 360
    assert catalog.load("roc_curves").columns[0] == "fpr"
    # The baselines in the plots: one row per model, the network first, the same figures
    # and intervals as the details.
    comparison = catalog.load("model_and_baselines")
    assert list(comparison["model"]) == ["this network", *metrics["baselines"]]
    for _, row in comparison.iloc[1:].iterrows():
        scores = metrics["baselines"][row["model"]]
        assert row["score"] == scores["accuracy"]
        assert [row["score_low"], row["score_high"]] == scores["intervals"]["accuracy"]
        difference = metrics["differences"][row["model"]]["accuracy"]
        assert [row["difference_low"], row["difference_high"]] == difference
    assert comparison["metric"].eq("accuracy").all()
    figures = outputs["evaluation_figures"].load()
    assert set(figures) == {
        "model_and_baselines.png",
        "confusion_matrix.png",
        "roc_curves.png",
        "reliability_diagram.png",
        "training_curves.png",
    }


def _check_intervals_and_verdict(details: dict, outputs: dict) -> None:
    """Every metric of every model has an interval around it; the verdict follows the
    interval of the difference against the best baseline; metrics.json and the report
    carry both."""
    for scores in [details["model"], *details["baselines"].values()]:
        for metric, (low, high) in scores["intervals"].items():
            assert low <= scores[metric] + 1e-12 and scores[metric] <= high + 1e-12, metric
    found = details["verdict"]
    best = max(details["baselines"], key=lambda n: details["baselines"][n]["accuracy"])
    assert found["best_baseline"] == best
    low, high = details["differences"][best]["accuracy"]
    expected = "better" if low > 0 else "worse" if high < 0 else "indistinguishable"
    assert found["outcome"] == expected and found["interval"] == [low, high]
    headline = outputs["metrics"].load()
    assert headline["verdict"] == expected
    assert headline["accuracy_ci95"] == details["model"]["intervals"]["accuracy"]
    assert headline["accuracy_difference_ci95"] == [found["difference"], low, high]
    for name, scores in details["baselines"].items():  # [value, low, high]
        triple = [scores["accuracy"], *scores["intervals"]["accuracy"]]
        assert headline[f"{name}_accuracy_ci95"] == triple
    report = outputs["evaluation_report"].load()
    assert f"Verdict: {expected}." in report and best in report
    assert report.count("<img") == 5  # the five figures, embedded


def test_on_a_table_where_trees_win_the_verdict_says_no_network_and_names_the_ensemble(tmp_path):
    """A target that is a step function of two features among eighteen that do not matter:
    axis-aligned splits fit it exactly, a smooth network only approximately."""
    import numpy as np
    import pandas as pd

    from glassbox.evaluate.baselines import TREE_BASELINES
    from glassbox.prepare.params import DataProcessingParams

    rng = np.random.default_rng(0)
    X = rng.uniform(size=(2400, 20))
    steps = (np.floor(X[:, 0] * 4) + np.floor(X[:, 1] * 3)) % 3
    table = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)]).assign(label=steps.astype(int))
    catalog = digits_catalog(
        tmp_path,
        data_processing=DataProcessingParams(target="label"),
        training=TrainingParams(epochs=40, progress="never"),
        evaluation=EvaluationParams(),
    )
    catalog["raw_data"] = MemoryDataset(table)
    catalog["training_checkpoint"] = MemoryDataset(CheckpointStore(tmp_path / "ckpt.pt"))
    catalog["evaluation_details"] = JSONDataset(filepath=str(tmp_path / "details.json"))
    SequentialRunner().run(data_processing() + training() + evaluation(), catalog)
    found = catalog.load("evaluation_details")["verdict"]
    assert found["best_baseline"] in TREE_BASELINES, found
    assert found["outcome"] in {"worse", "indistinguishable"}, found
    assert "not warranted" in found["text"]


def _rare_class_table(rows: int = 3000, seed: int = 0):
    """A Default-like table: about 4 % of rows default, by their balance and income; and a
    collection fee that only defaulters are ever charged (recorded after the outcome)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    balance = rng.normal(size=rows)
    income = rng.normal(size=rows)
    logit = 2.5 * balance - 0.8 * income - 4.5
    default = rng.random(rows) < 1 / (1 + np.exp(-logit))
    fee = np.where(default, rng.gamma(2.0, 30.0, rows), 0.0)
    return pd.DataFrame(
        {
            "balance": balance,
            "income": income,
            "student": rng.choice(["Yes", "No"], rows),
            "collection_fee": fee,
            "default": np.where(default, "Yes", "No"),
        }
    )


def test_on_a_rare_class_balanced_accuracy_ranks_the_models_and_a_leak_is_named(tmp_path):
    from glassbox.prepare.params import DataProcessingParams

    table = _rare_class_table()
    share = (table["default"] == "Yes").mean()
    assert 0.02 < share < 0.08
    catalog = digits_catalog(
        tmp_path,
        data_processing=DataProcessingParams(target="default"),
        training=TrainingParams(epochs=15, progress="never"),
        evaluation=EvaluationParams(bootstrap_resamples=200),
    )
    catalog["raw_data"] = MemoryDataset(table)
    catalog["training_checkpoint"] = MemoryDataset(CheckpointStore(tmp_path / "ckpt.pt"))
    catalog["evaluation_details"] = JSONDataset(filepath=str(tmp_path / "details.json"))
    outputs = SequentialRunner().run(data_processing() + training() + evaluation(), catalog)

    preprocessor = catalog.load("preprocessor")
    assert set(preprocessor.probable_leaks) == {"collection_fee"}
    assert "collection_fee" in preprocessor.feature_names  # named, kept: the user decides
    warnings = " ".join(preprocessor.data_warnings)
    assert "column 'collection_fee' is a probable leak" in warnings
    assert "class 'Yes' holds" in warnings and "training.loss.class_weights: balanced" in warnings

    details = catalog.load("evaluation_details")
    assert details["score"] == "balanced_accuracy"
    assert abs(details["class_shares"]["Yes"] - share) < 0.02
    assert details["verdict"]["metric"] == "balanced_accuracy"
    assert "balanced accuracy" in details["verdict"]["text"]
    # Always answering "No" scores high accuracy and chance balanced accuracy.
    majority = details["baselines"]["majority_class"]
    assert majority["accuracy"] > 0.9 and majority["balanced_accuracy"] == 0.5
    headline = outputs["metrics"].load()
    assert list(headline)[:2] == ["balanced_accuracy", "balanced_accuracy_ci95"]
    assert "accuracy" in headline and headline["best_baseline"] != "majority_class"
    assert "best_baseline_balanced_accuracy" in headline

    report = outputs["evaluation_report"].load()
    first_screen = report[: report.index("<h2>")]
    assert "Probable leak: column &#x27;collection_fee&#x27;" in first_screen
    assert "Class &#x27;Yes&#x27; holds" in first_screen and "(recall)" in first_screen
    assert "The network, class by class" in report
