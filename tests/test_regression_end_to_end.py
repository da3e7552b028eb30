"""A numeric target through conf/ alone: scikit-learn's diabetes table (442 rows), every
pipeline, real `kedro run`."""

import json

import pandas as pd
import pytest
from sklearn.datasets import load_diabetes

from tests.conftest import kedro_run, set_parameters, use_dataset

pytestmark = pytest.mark.e2e


def test_diabetes_runs_through_every_pipeline_and_holds_up_against_its_baselines(project_copy):
    table = load_diabetes(as_frame=True, scaled=False).frame.rename(
        columns={"target": "progression"}
    )
    table.to_csv(project_copy / "data/01_raw/diabetes.csv", index=False)
    new_rows = table.drop(columns="progression").head(15)
    new_rows.to_csv(project_copy / "data/01_raw/new_patients.csv", index=False)
    # The README's one edit; the task (regression) and its loss (MSE) follow from the data.
    use_dataset(
        project_copy,
        raw_data="data/01_raw/diabetes.csv",
        target="progression",
        image_shape=None,
        new_data="data/01_raw/new_patients.csv",
    )
    set_parameters(project_copy, "optimizer_comparison", optimizers=["adam", "sgd"], seeds=[0])

    result = kedro_run(project_copy)
    assert result.returncode == 0, result.stderr[-3000:]
    log = " ".join((result.stdout + result.stderr).split())
    assert "task: regression, because target 'progression' is numeric with" in log

    metrics = json.loads((project_copy / "data/08_reporting/evaluation_details.json").read_text())
    assert metrics["task"] == "regression"
    assert set(metrics["baselines"]) == {
        "training_mean",
        "linear_regression",
        "mlp_regressor",
        "hist_gradient_boosting",
        "random_forest",
    }
    r2, linear_r2 = metrics["model"]["r2"], metrics["baselines"]["linear_regression"]["r2"]
    assert r2 >= linear_r2 - 0.05, (r2, linear_r2)
    assert metrics["model"]["rmse"] < metrics["baselines"]["training_mean"]["rmse"]

    reporting = project_copy / "data/08_reporting"
    points = pd.read_csv(reporting / "plots/regression_points.csv")
    assert len(points) == metrics["test_rows"]
    assert pd.read_csv(reporting / "plots/confusion_matrix.csv").empty  # not this task's
    comparison = pd.read_csv(reporting / "plots/model_and_baselines.csv")
    assert comparison["metric"].eq("rmse").all() and len(comparison) == 6
    assert comparison.set_index("model").loc["this network", "score"] == metrics["model"]["rmse"]
    for figure in ("model_and_baselines", "predicted_vs_true", "residuals", "training_curves"):
        assert (reporting / f"figures/evaluation/{figure}.png").is_file()
    history = pd.read_csv(reporting / "training_history.csv")
    assert "val_rmse" in history and "val_accuracy" not in history

    predictions = pd.read_csv(project_copy / "data/07_model_output/predictions.csv")
    assert len(predictions) == 15
    assert predictions["prediction"].between(table.progression.min() - 100, 500).all()

    summary = json.loads((reporting / "explainability_summary.json").read_text())
    ig = summary["methods"]["integrated_gradients"]
    assert ig["quality"]["deletion"]["area"] > ig["quality"]["deletion"]["random_area"]
    top = sorted(ig["global_importance"], key=lambda f: -ig["global_importance"][f])[:3]
    assert "bmi" in top  # the best-known risk factor in this table
    comparison = json.loads((reporting / "optimizer_comparison.json").read_text())
    assert "test RMSE" in comparison["recommendation"]["text"]
    card = json.loads((project_copy / "data/06_models/model_card.json").read_text())
    assert card["task"] == "regression" and card["metrics"]["model"]["r2"] == r2
    # The verdict is on RMSE, lower being better, and the card repeats it.
    details = json.loads((reporting / "evaluation_details.json").read_text())
    verdict = details["verdict"]
    assert verdict["metric"] == "rmse" and verdict["best_baseline"] in details["baselines"]
    best = min(details["baselines"], key=lambda n: details["baselines"][n]["rmse"])
    assert verdict["best_baseline"] == best and card["metrics"]["verdict"] == verdict["text"]
    markdown = (project_copy / "data/06_models/model_card.md").read_text()
    assert "**Is a neural network warranted here?** " + verdict["text"] in markdown
