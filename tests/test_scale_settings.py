"""The large-table settings of benchmarks/scale.py (and the README), on a small synthetic
table: Parquet read column by column, baselines on a sample, explanations of a sample,
all four stages as real `kedro run`s. The benchmark itself measures the large sizes."""

import json

import pandas as pd
import pytest
from benchmarks.scale import STAGES, scale_project

from tests.conftest import kedro_run

pytestmark = pytest.mark.e2e


def test_the_large_table_settings_run_every_stage(tmp_path):
    project = scale_project(tmp_path, rows=3_000)
    for stage in STAGES:
        extra = ["--params", "evaluation.baseline_rows=500"] if stage == "evaluation" else []
        result = kedro_run(project, "--pipelines", stage, *extra)
        assert result.returncode == 0, (stage, result.stderr[-3000:])
        if stage == "evaluation":
            log = " ".join((result.stdout + result.stderr).split())
            assert "baselines fit on a sample of 500 of 2100 training rows" in log

    assert len(pd.read_parquet(project / "data/05_model_input/X_train.parquet")) == 2_100
    metrics = json.loads((project / "data/08_reporting/evaluation_details.json").read_text())
    assert metrics["test_rows"] == 600
    # Learnable: the network and the linear baseline both beat the majority class.
    majority = metrics["baselines"]["majority_class"]["accuracy"]
    assert metrics["model"]["accuracy"] > majority + 0.2
    assert metrics["baselines"]["logistic_regression"]["accuracy"] > majority + 0.2
    summary = json.loads((project / "data/08_reporting/explainability_summary.json").read_text())
    assert summary["n_samples"] == 500
