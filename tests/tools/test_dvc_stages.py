"""dvc.yaml must describe the Kedro pipelines and catalog exactly."""

import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import PROJECT_ROOT, run_cli, use_dataset


def test_committed_dvc_yaml_matches_the_pipelines():
    result = run_cli([sys.executable, "-m", "glassbox.tools.dvc_stages", "--check"], PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_processing_stage_tracks_code_params_inputs_and_outputs():
    stage = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]["data_processing"]
    assert stage["cmd"] == "kedro run --pipelines data_processing"
    assert "src/glassbox/prepare/preprocessing.py" in stage["deps"]
    assert "data/01_raw/digits.csv" in stage["deps"]
    # The parameters, and the globals.yml values they interpolate (DVC reads the raw text).
    assert stage["params"] == [
        {"conf/base/parameters_data_processing.yml": ["data_processing"]},
        {"conf/base/globals.yml": ["dataset.image_shape", "dataset.target"]},
    ]
    assert "data/06_models/preprocessor.json" in stage["outs"]


def test_settings_of_how_a_run_executes_or_seeds_replaced_rerun_no_stage():
    stages = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]

    def training_keys(stage: str) -> list[str]:
        (entry,) = [p for p in stages[stage]["params"] if "conf/base/parameters_training.yml" in p]
        return entry["conf/base/parameters_training.yml"]

    for stage in ("evaluation", "optimizer_comparison", "seed_runs", "export"):
        keys = training_keys(stage)
        assert "training.model" in keys
        assert not {"training.progress", "training.device", "training.distributed"} & set(keys)
        # Stages that train with seeds of their own do not rerun for another training.seed.
        assert ("training.seed" in keys) == (stage not in {"optimizer_comparison", "seed_runs"})
    assert "training.distributed" in training_keys("training")
    assert not {"training.progress", "training.device"} & set(training_keys("training"))


def test_a_stale_dvc_yaml_fails_the_check_and_says_what_to_do(project_copy):
    catalog = project_copy / "conf" / "base" / "catalog.yml"
    catalog.write_text(catalog.read_text().replace("X_train.parquet", "X_train_v2.parquet"))
    result = run_cli([sys.executable, "-m", "glassbox.tools.dvc_stages", "--check"], project_copy)
    assert result.returncode == 1
    assert "run `make dvc-yaml`" in result.stdout
    assert "+    - data/05_model_input/X_train_v2.parquet" in result.stdout


def _user_table(project):
    """A small table of the user's, beside digits, and the one edit that points at it."""
    table = pd.DataFrame({"x": range(40), "y": [i % 3 for i in range(40)], "kind": ["a", "b"] * 20})
    table.to_csv(project / "data/01_raw/mine.csv", index=False)
    use_dataset(project, raw_data="data/01_raw/mine.csv", target="kind", image_shape=None)


@pytest.mark.e2e
def test_make_regenerates_a_stale_dvc_yaml_before_dvc_runs(project_copy):
    _user_table(project_copy)
    venv = f"BIN={Path(sys.executable).parent}"  # the copy has no venv of its own
    result = run_cli(["make", "--no-print-directory", "dvc.yaml", venv], project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dvc.yaml updated" in result.stdout
    stages = yaml.safe_load((project_copy / "dvc.yaml").read_text())["stages"]
    assert "data/01_raw/mine.csv" in stages["data_processing"]["deps"]
    assert "example_data" not in stages  # digits are no longer written, nor tracked


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("git") is None, reason="DVC runs stages in a git repository")
def test_dvc_repro_with_a_stale_dvc_yaml_stops_before_any_node(project_copy):
    _user_table(project_copy)  # the catalog moves on; dvc.yaml still names digits
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project_copy).returncode == 0
    result = run_cli(["dvc", "repro", "data_processing"], project_copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "dvc.yaml is out of date with the catalog (stage 'data_processing'" in output, output
    assert "data/01_raw/mine.csv" in output and "make dvc-yaml" in output
    assert "Traceback" not in output, output
    assert not any((project_copy / "data/05_model_input").glob("*.parquet"))
