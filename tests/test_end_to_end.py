"""Real `kedro run` and `dvc repro` in a temporary copy of the project."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
import yaml

from glassbox.prepare.preprocessing import Preprocessor
from tests.conftest import (
    PROJECT_ROOT,
    kedro_run,
    run_cli,
    set_parameters,
    small_comparisons,
    use_dataset,
    write_digits,
)
from tests.reproducible import differences, outputs
from tests.s3 import SECRET
from tests.sharing import (
    assert_nothing_to_reproduce,
    clone_and_pull,
    commit,
    push,
    use_local_remote,
    use_s3_remote,
)
from tests.test_first_hour import make_run

pytestmark = pytest.mark.e2e

MODEL_INPUT = [
    f"data/05_model_input/{p}_{s}.parquet" for p in "Xy" for s in ("train", "val", "test")
]


def test_kedro_run_on_digits_writes_stratified_model_input(project_copy):
    write_digits(project_copy)
    result = kedro_run(project_copy, "--pipelines", "data_processing")
    assert result.returncode == 0, result.stderr[-3000:]

    for path in MODEL_INPUT + ["data/06_models/preprocessor.json"]:
        assert (project_copy / path).is_file(), path
    raw = pd.read_csv(project_copy / "data/01_raw/digits.csv")
    y_test = pd.read_parquet(project_copy / "data/05_model_input/y_test.parquet")["digit"]
    X_test = pd.read_parquet(project_copy / "data/05_model_input/X_test.parquet")
    assert len(X_test) == len(y_test)
    expected = raw["digit"].value_counts().sort_index() * 0.2
    assert ((y_test.value_counts().sort_index() - expected).abs() <= 1).all()


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_a_table_never_seen_before_runs_through_conf_alone(
    project_copy, mixed_table, tmp_path, file_format
):
    # The user's file lives outside the project, with its own column names.
    user_file = tmp_path / f"users_table.{file_format}"
    if file_format == "csv":
        mixed_table.to_csv(user_file, index=False)
    else:
        mixed_table.to_parquet(user_file, index=False)
    # The README's one edit: the file (read by its suffix), its label column, no image.
    use_dataset(project_copy, raw_data=str(user_file), target="kind", image_shape=None)
    before = user_file.read_bytes()

    result = kedro_run(project_copy, "--pipelines", "data_processing")
    assert result.returncode == 0, result.stderr[-3000:]

    assert user_file.read_bytes() == before, "a run must never write to the user's raw file"
    prep = Preprocessor.load(project_copy / "data/06_models/preprocessor.json")
    assert prep.classes == ["big", "medium", "small"]
    assert prep.categorical_columns == ["colour"] and "constant" in prep.dropped_columns
    X_train = pd.read_parquet(project_copy / "data/05_model_input/X_train.parquet")
    assert list(X_train.columns) == prep.feature_names
    assert np.isfinite(X_train.to_numpy()).all()


def test_default_kedro_run_writes_metrics_with_the_model_beating_the_baselines(
    trained_project,
):
    """The session's default `kedro run` on digits (tests/conftest.py: trained_project)."""
    project = trained_project
    metrics = json.loads((project / "data/08_reporting/evaluation_details.json").read_text())
    model, baselines = metrics["model"]["accuracy"], metrics["baselines"]
    assert set(baselines) == {
        "majority_class",
        "logistic_regression",
        "mlp_classifier",
        "hist_gradient_boosting",
        "random_forest",
    }
    assert model > baselines["logistic_regression"]["accuracy"]
    assert model >= baselines["mlp_classifier"]["accuracy"]
    for figure in ("confusion_matrix", "roc_curves", "reliability_diagram", "training_curves"):
        assert (project / f"data/08_reporting/figures/evaluation/{figure}.png").is_file()
    assert (project / "data/08_reporting/optimizer_comparison.html").is_file()
    architectures = json.loads(
        (project / "data/08_reporting/architecture_comparison.json").read_text()
    )
    assert list(architectures["architectures"]) == ["mlp", "cnn"]  # digits: an image shape
    privacy = json.loads((project / "data/08_reporting/privacy_comparison.json").read_text())
    assert list(privacy["variants"]) == ["no privacy", "clipping only", "ε = 8"]
    assert (project / "data/08_reporting/privacy_comparison.html").is_file()
    assert json.loads((project / "data/06_models/privacy.json").read_text()) == {"enabled": False}

    # Explainability with its defaults on digits: IG complete within 1 %, heatmaps drawn.
    summary = json.loads((project / "data/08_reporting/explainability_summary.json").read_text())
    assert summary["n_samples"] == 360
    ig = summary["methods"]["integrated_gradients"]["quality"]
    assert ig["completeness"]["relative_delta"] < 0.01
    report = (project / "data/08_reporting/explainability_report.html").read_text()
    assert 'alt="per-class attribution maps beside the mean images"' in report


# A second `make run` (make_run links the checkout's environment into the copy once).
MAKE_RUN = ["make", "--no-print-directory", "-o", ".venv/.installed", "run"]
ALL_STAGES = (
    "example_data",
    "pipeline_picture",
    "data_processing",
    "seed_runs",
    "training",
    "evaluation",
    "explainability",
    "inference",
    "export",
    "privacy_comparison",
    "architecture_comparison",
    "optimizer_comparison",
)
SWITCH = "conf/base/parameters_optional.yml:optional.architecture_comparison"


def test_make_run_is_dvc_repro_and_a_teammate_pulls_it_with_nothing_left_to_run(
    project_copy, s3, tmp_path
):
    """The README's `make run` on digits, then the team route of docs/versioning.md: commit
    dvc.lock, push to a folder remote and to S3, and in a fresh clone `dvc pull`: every
    output byte for byte, `dvc status` clean, `dvc repro` idle. Every stage once more from
    the commit the run was made from gives the same outputs but the wall-clock fields; a
    comparison switched on by `dvc exp run -S` and applied leaves nothing to reproduce."""
    # Short settings: this is about which stages run, not how well (tests above do that).
    small_comparisons(project_copy)
    set_parameters(project_copy, "training", epochs=20)
    set_parameters(project_copy, "explainability", max_rows=60)
    use_local_remote(project_copy, tmp_path / "storage")
    use_s3_remote(project_copy, s3.url, "digits", default=False)
    commit(project_copy, "copy")
    first = make_run(project_copy)  # the README's command: dvc repro, then the summary
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    # A short, quiet log: nothing a user must not worry about, and the result at the end;
    # no telemetry notice (the project's .telemetry decides), as a user runs it.
    lines = (first.stdout + first.stderr).splitlines()
    assert len(lines) <= 120, first.stdout + first.stderr  # a screenful or two
    assert not [line for line in lines if "WARNING" in line or "Traceback" in line], lines
    assert not [line for line in lines if "telemetry" in line or "anonymous" in line], lines
    assert first.stdout.splitlines()[-5].startswith("Test split (360 rows): accuracy 0.")
    assert first.stdout.splitlines()[-4].startswith("Network against it: ")
    assert first.stdout.splitlines()[-2].startswith("Lowest validation loss: optimizer adam")
    # Every stage of dvc.yaml runs; the parts switched off say so in a line.
    for stage in ALL_STAGES:
        assert f"Running stage '{stage}'" in first.stdout
    assert "Architecture comparison: not requested (optional.architecture_comparison" in (
        first.stderr
    )
    assert (project_copy / "data/08_reporting/pipelines/index.html").is_file()
    assert_nothing_to_reproduce(project_copy)
    second = run_cli(MAKE_RUN, project_copy, timeout=900)
    assert second.returncode == 0
    assert "Running stage" not in second.stdout
    assert "Data and pipelines are up to date." in second.stdout

    # Metrics and plots are declared in dvc.yaml, so DVC shows them without flags, and
    # only headline figures are metrics: every line fits a screen.
    shown = run_cli(["dvc", "metrics", "show"], project_copy)
    assert shown.returncode == 0
    for key in ("accuracy", "log_loss", "best_baseline_accuracy", "methods_passing"):
        assert key in shown.stdout, shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 200, shown.stdout

    # The team route: the run committed (dvc.lock with the code), pushed to both remotes,
    # then pulled by a teammate from each.
    commit(project_copy, "results")
    push(project_copy)
    pushed = push(project_copy, "s3")
    assert SECRET not in pushed
    teammate = clone_and_pull(project_copy, tmp_path / "teammate")
    reviewer = clone_and_pull(project_copy, tmp_path / "reviewer", "s3")

    # Every stage again, from the commit the run was made from: the same outputs, but for
    # the fields that name wall-clock time (tests/reproducible.py, docs/versioning.md).
    made_from = run_cli(["git", "rev-parse", "HEAD~1"], project_copy).stdout.strip()
    assert run_cli(["git", "checkout", "-q", made_from], reviewer).returncode == 0
    forced = run_cli(["dvc", "repro", "-f"], reviewer)
    assert forced.returncode == 0, forced.stdout[-2000:] + forced.stderr[-2000:]
    assert not differences(outputs(reviewer), outputs(project_copy))
    card = json.loads((reviewer / "data/06_models/model_card.json").read_text())
    assert card["revisions"]["git_commit"] == made_from
    assert card["revisions"]["git_tree_clean"] is True
    for path in ("data/01_raw/digits.csv", "data/06_models/model.safetensors"):
        md5 = hashlib.md5((reviewer / path).read_bytes()).hexdigest()
        assert card["revisions"]["dvc_md5"][path] == md5, path

    # An optional part switched on as an experiment: only its stage runs; DVC shows the
    # switch; applied to the workspace, it leaves nothing to reproduce.
    tried = run_cli(["dvc", "exp", "run", "-n", "architectures", "-S", f"{SWITCH}=true"], teammate)
    assert tried.returncode == 0, tried.stdout[-2000:] + tried.stderr[-2000:]
    assert [line for line in tried.stdout.splitlines() if "Running stage" in line] == [
        "Running stage 'architecture_comparison':"
    ], tried.stdout
    diff = run_cli(["dvc", "params", "diff", "HEAD"], teammate)
    assert "optional.architecture_comparison" in diff.stdout, diff.stdout
    applied = run_cli(["dvc", "exp", "apply", "architectures"], teammate)
    assert applied.returncode == 0, applied.stderr
    assert_nothing_to_reproduce(teammate)
    compared = json.loads((teammate / "data/08_reporting/architecture_comparison.json").read_text())
    assert list(compared["architectures"]) == ["mlp"]
    # Narrow enough to read: what differs between the experiments, as README shows it.
    table = run_cli(["dvc", "exp", "show", "--only-changed", "--no-pager"], teammate)
    assert table.returncode == 0, table.stderr
    assert max(len(line) for line in table.stdout.splitlines()) <= 200, table.stdout

    # How a run executes (progress bars, checkpoints, the device) changes no result: DVC
    # sees nothing to do.
    params_file = project_copy / "conf/base/parameters_training.yml"
    params = yaml.safe_load(params_file.read_text())
    assert params["training"]["device"] == "auto"
    params["training"].update(progress="never", checkpoint_every=2, device="cpu")
    params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    status = run_cli(["dvc", "status"], project_copy)
    assert status.returncode == 0 and "Data and pipelines are up to date." in status.stdout, (
        status.stdout
    )

    # Another seed for the model: DVC sees the training stage changed, and the stages that
    # read the seed too (the ones that read the model follow it when it changes, as DVC
    # does); not the seed runs or the comparisons, which train with seeds of their own.
    params["training"]["seed"] = 7
    params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    status = run_cli(["dvc", "status", "--json"], project_copy)
    assert status.returncode == 0, status.stderr
    changed = set(json.loads(status.stdout))
    assert {"training", "evaluation", "export"} <= changed, changed
    assert not changed & {"data_processing", "seed_runs", "optimizer_comparison"}, changed


def test_make_install_is_up_to_date():
    """A second `make run` must install nothing: the install stamp is newer than the lock."""
    result = run_cli(["make", "--question", ".venv/.installed"], PROJECT_ROOT)
    assert result.returncode == 0, "make would reinstall: " + result.stdout
