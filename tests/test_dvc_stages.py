"""dvc.yaml must describe the Kedro pipelines and catalog exactly."""

import sys

import yaml

from tests.conftest import PROJECT_ROOT, run_cli


def test_committed_dvc_yaml_matches_the_pipelines():
    result = run_cli([sys.executable, "-m", "glassbox.dvc_stages", "--check"], PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_processing_stage_tracks_code_params_inputs_and_outputs():
    stage = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]["data_processing"]
    assert stage["cmd"] == "kedro run --pipelines data_processing"
    assert "src/glassbox/preprocessing.py" in stage["deps"]
    assert "data/01_raw/digits.csv" in stage["deps"]
    assert stage["params"] == [{"conf/base/parameters_data_processing.yml": ["data_processing"]}]
    assert "data/06_models/preprocessor.json" in stage["outs"]


def test_a_stale_dvc_yaml_fails_the_check_and_says_what_to_do(project_copy):
    catalog = project_copy / "conf" / "base" / "catalog.yml"
    catalog.write_text(catalog.read_text().replace("X_train.parquet", "X_train_v2.parquet"))
    result = run_cli([sys.executable, "-m", "glassbox.dvc_stages", "--check"], project_copy)
    assert result.returncode == 1
    assert "run `make dvc-yaml`" in result.stdout
    assert "+    - data/05_model_input/X_train_v2.parquet" in result.stdout
