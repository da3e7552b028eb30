"""The inference pipeline through a real `kedro run`: the test split's raw rows, without
their labels, give exactly the evaluation's predictions."""

import pandas as pd
import pytest
import yaml

from tests.conftest import kedro_run, set_parameters, write_digits

pytestmark = pytest.mark.e2e


def test_inference_on_the_test_rows_reproduces_the_evaluation_exactly(project_copy, tmp_path):
    write_digits(project_copy)
    set_parameters(project_copy, "training", epochs=10)
    set_parameters(project_copy, "inference", top_features=3)
    for pipeline in ("data_processing", "training", "evaluation"):
        result = kedro_run(project_copy, "--pipelines", pipeline)
        assert result.returncode == 0, result.stderr[-3000:]

    evaluated = pd.read_csv(project_copy / "data/07_model_output/test_predictions.csv")
    raw = pd.read_csv(project_copy / "data/01_raw/digits.csv")
    new_rows = raw.loc[evaluated["row"]].drop(columns="digit")  # the label column removed
    new_file = tmp_path / "new_rows.csv"
    new_rows.to_csv(new_file, index=False)
    (project_copy / "conf/local/catalog.yml").write_text(
        yaml.safe_dump({"new_data": {"type": "pandas.CSVDataset", "filepath": str(new_file)}})
    )
    result = kedro_run(project_copy, "--pipelines", "inference")
    assert result.returncode == 0, result.stderr[-3000:]

    predicted = pd.read_csv(project_copy / "data/07_model_output/predictions.csv")
    assert len(predicted) == len(evaluated) == 360
    shared = ["prediction", *[f"probability_{d}" for d in range(10)]]
    pd.testing.assert_frame_equal(predicted[shared], evaluated[shared], check_exact=True)
    assert (evaluated["prediction"] == evaluated["actual"]).mean() > 0.9
    # Each row's three strongest features, strongest first, with signed attributions.
    assert predicted["feature_1"].str.startswith("pixel_").all()
    assert (predicted["attribution_1"].abs() >= predicted["attribution_3"].abs()).all()
