"""The inference pipeline through a real `kedro run`: the test split's raw rows, without
their labels, give exactly the evaluation's predictions."""

import pandas as pd
import pytest
import yaml

from tests.conftest import kedro_run

pytestmark = pytest.mark.e2e


def test_inference_on_the_test_rows_reproduces_the_evaluation_exactly(trained_project, tmp_path):
    """On the session's digits run: its test split's raw rows, without their labels, through
    the inference pipeline (what the run wrote is put back afterwards)."""
    project = trained_project
    evaluated = pd.read_csv(project / "data/07_model_output/test_predictions.csv")
    raw = pd.read_csv(project / "data/01_raw/digits.csv")
    new_rows = raw.loc[evaluated["row"]].drop(columns="digit")  # the label column removed
    new_file = tmp_path / "new_rows.csv"
    new_rows.to_csv(new_file, index=False)
    local_catalog = project / "conf/local/catalog.yml"
    predictions = project / "data/07_model_output/predictions.csv"
    saved = predictions.read_bytes()
    try:
        local_catalog.write_text(
            yaml.safe_dump({"new_data": {"type": "pandas.CSVDataset", "filepath": str(new_file)}})
        )
        three = ("--params", "inference.top_features=3")
        result = kedro_run(project, "--pipelines", "inference", *three)
        assert result.returncode == 0, result.stderr[-3000:]
        predicted = pd.read_csv(predictions)
    finally:
        local_catalog.unlink(missing_ok=True)
        predictions.write_bytes(saved)
    assert len(predicted) == len(evaluated) == 360
    shared = ["prediction", *[f"probability_{d}" for d in range(10)]]
    pd.testing.assert_frame_equal(predicted[shared], evaluated[shared], check_exact=True)
    assert (evaluated["prediction"] == evaluated["actual"]).mean() > 0.9
    # Each row's three strongest features, strongest first, with signed attributions.
    assert predicted["feature_1"].str.startswith("pixel_").all()
    assert (predicted["attribution_1"].abs() >= predicted["attribution_3"].abs()).all()
