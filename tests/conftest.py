"""Shared fixtures: small tables, parameters, and a throw-away copy of the project."""

from __future__ import annotations

# First, as in every glassbox process: the package applies its thread policy before NumPy
# and PyTorch load (glassbox/thread_policy.py). The tests, and every `kedro run` and
# `dvc repro` they start, run with the thread settings users get.
import glassbox  # noqa: F401

# isort: split
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from benchmarks.make_run_stages import set_optional
from filelock import FileLock

from glassbox import thread_policy
from glassbox.prepare.params import DataProcessingParams
from glassbox.wiring.run_lock import LOCK_NAME

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

# Kept out of project copies: environments, caches, git history, the run lock, and everything
# under data/ but the folder placeholders (earlier runs' outputs).
_SKIPPED_NAMES = {
    ".venv",
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "dvc.lock",
    LOCK_NAME,
}


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    here = Path(folder).resolve()
    skipped = {n for n in names if n in _SKIPPED_NAMES or n.endswith(".egg-info")}
    if here == PROJECT_ROOT / ".dvc":
        skipped |= {"cache", "tmp"} & set(names)  # DVC's cache and run cache: not in a clone
    if PROJECT_ROOT / "data" in (here, *here.parents):
        skipped |= {n for n in names if n != ".gitkeep" and not (here / n).is_dir()}
    return skipped


@pytest.fixture
def make_params():
    def _make(**overrides) -> DataProcessingParams:
        return DataProcessingParams(**{"target": "label", **overrides})

    return _make


@pytest.fixture
def mixed_table() -> pd.DataFrame:
    """A table unlike digits: string labels, a categorical column, gaps, odd column names."""
    rng = np.random.default_rng(0)
    n = 300
    size = rng.normal(10, 3, n)
    colour = rng.choice(["red", "green", "blue"], n)
    weight = rng.normal(50, 10, n)
    label = np.where(size + (colour == "red") * 4 > 11, "big", "small").astype(object)
    label[rng.random(n) < 0.2] = "medium"
    table = pd.DataFrame(
        {"Size (cm)": size, "colour": colour, "weight_kg": weight, "constant": 1.0, "kind": label}
    )
    table.loc[rng.choice(n, 15, replace=False), "weight_kg"] = np.nan
    table.loc[rng.choice(n, 10, replace=False), "colour"] = None
    return table


def cli_env(project: Path) -> dict[str, str]:
    """The environment of a user's shell in ``project``: the venv's tools first on PATH, and
    the project's own ``src`` first on the import path (the venv's editable install points
    at the original checkout, not at a copy). No opt-out variables: Kedro's telemetry and
    DVC's analytics are off by the project's own files (.telemetry, .dvc/config)."""
    env = thread_policy.without_glassbox_settings()  # each glassbox process applies it itself
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(project / "src")
    env["COLUMNS"] = "400"  # wide enough that the console does not wrap messages mid-word
    for key, value in {"NAME": "glassbox test", "EMAIL": "test@glassbox.invalid"}.items():
        env[f"GIT_AUTHOR_{key}"] = env[f"GIT_COMMITTER_{key}"] = value
    return env


def start_cli(args: list[str], cwd: Path) -> subprocess.Popen:
    """Start a command in ``cwd`` as a user would, without waiting for it (several at once):
    its output and errors together in ``stdout``."""
    return subprocess.Popen(
        args,
        cwd=cwd,
        env=cli_env(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_cli(
    args: list[str], cwd: Path, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run a command (kedro, dvc, git, ...) in ``cwd`` as a user would, capturing its output;
    ``env`` adds to the user's environment."""
    return subprocess.run(
        args,
        cwd=cwd,
        env={**cli_env(cwd), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, to show that nothing was changed."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_project(target: Path) -> Path:
    """Copy the project's code and configuration to ``target``: no data, venv or git history."""
    shutil.copytree(PROJECT_ROOT, target, ignore=_copy_ignore)
    # As in a fresh clone: conf/local holds only its placeholder, none of the developer's files.
    shutil.rmtree(target / "conf" / "local")
    (target / "conf" / "local").mkdir()
    (target / "conf" / "local" / ".gitkeep").touch()
    return target


def kedro_run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli([sys.executable, "-m", "kedro", "run", *args], project)


def write_digits(project: Path) -> None:
    """The example_data stage's files: digits, and example rows to predict."""
    args = ["data/01_raw/digits.csv", "--new-data", "data/01_raw/new_digits.csv"]
    run_cli([sys.executable, "-m", "glassbox.prepare.example", *args], project)


def _parameters(project: Path, pipeline: str) -> dict:
    import yaml

    path = project / "conf" / "base" / f"parameters_{pipeline}.yml"
    return yaml.safe_load(path.read_text())[pipeline]


def set_parameters(project: Path, pipeline: str, **values) -> None:
    """Edit conf/base/parameters_<pipeline>.yml as a user would (top-level keys of the
    pipeline's section)."""
    import yaml

    path = project / "conf" / "base" / f"parameters_{pipeline}.yml"
    params = yaml.safe_load(path.read_text())
    params[pipeline].update(values)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


def small_comparisons(project: Path) -> None:
    """The comparisons and the costlier checks at their smallest: one optimizer and one
    architecture, one seed, at the training's epochs (the configured ones: their run is a
    seed run, reused); no privacy against ε = 3, two epochs; two tuning trials in this
    process; two seed runs for the explanations' stability check; the randomisation test
    against two random models; the baselines fit on 300 training rows (their own tests
    cover the defaults)."""
    set_parameters(
        project,
        "optimizer_comparison",
        optimizers=["adam"],
        seeds=[0],
        epochs=None,
        trials_per_optimizer=2,
        processes=1,
    )
    set_parameters(project, "architecture_comparison", architectures=["mlp"], seeds=[0])
    set_parameters(
        project,
        "privacy_comparison",
        epsilons=[None, 3.0],
        clip_only=False,
        seeds=[0],
        epochs=2,
        explained_rows=10,
    )
    set_parameters(project, "seed_runs", seeds=[0, 1])
    set_parameters(project, "evaluation", baseline_rows=300)
    quality = _parameters(project, "explainability")["quality"]
    set_parameters(project, "explainability", quality=quality | {"randomisation_models": 2})


def use_dataset(project: Path, **values) -> None:
    """The README's one edit for your own data: the `dataset` block of conf/base/globals.yml
    (raw_data, target, image_shape, new_data)."""
    import yaml

    path = project / "conf" / "base" / "globals.yml"
    settings = yaml.safe_load(path.read_text())
    settings["dataset"].update(values)
    path.write_text(yaml.safe_dump(settings, sort_keys=False))


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="module")
def processed_project(tmp_path_factory) -> Path:
    """A project copy after one successful data_processing run on digits (shared by a module)."""
    project = copy_project(tmp_path_factory.mktemp("processed") / "project")
    write_digits(project)
    result = kedro_run(project, "--pipelines", "data_processing")
    assert result.returncode == 0, result.stderr[-3000:]
    return project


def digits_catalog(tmp_path: Path, **params):
    """An in-memory catalog with digits as raw_data and the given `params:<key>` models;
    the preprocessor goes to a file, since memory datasets are released once consumed."""
    from kedro.io import DataCatalog, MemoryDataset

    from glassbox.optional import DEFAULTS
    from glassbox.prepare.example import digits_table
    from glassbox.wiring.catalog_datasets.optuna_storage import StudyStorageDataset
    from glassbox.wiring.catalog_datasets.preprocessor import PreprocessorDataset

    return DataCatalog(
        {
            "raw_data": MemoryDataset(digits_table()),
            "params:data_processing": MemoryDataset(DataProcessingParams(target="digit")),
            **{f"params:{key}": MemoryDataset(value) for key, value in params.items()},
            # every optional part switched on: a test runs the one it names
            **{f"params:optional.{part}": MemoryDataset(True) for part in DEFAULTS},
            "preprocessor": PreprocessorDataset(str(tmp_path / "preprocessor.json")),
            "comparison_studies": StudyStorageDataset(str(tmp_path / "studies.journal")),
        }
    )


def digits_splits(tmp_path: Path) -> tuple:
    """Digits through the data_processing pipeline: (preprocessor, X_train, y_train, X_val,
    y_val, X_test, y_test), as the comparisons take them."""
    from kedro.runner import SequentialRunner

    from glassbox.pipelines.data_processing import create_pipeline

    catalog = digits_catalog(tmp_path)
    outputs = SequentialRunner().run(create_pipeline(), catalog)
    splits = [outputs[f"{xy}_{part}"].load() for part in ("train", "val", "test") for xy in "Xy"]
    return (catalog.load("preprocessor"), *splits)


def shrink_comparisons(project: Path) -> None:
    """Two optimizers, two architectures, no privacy against clipping only and ε = 8, one
    seed: the comparisons' own tests cover their defaults."""
    set_parameters(project, "optimizer_comparison", optimizers=["sgd", "adam"], seeds=[0])
    set_parameters(
        project, "architecture_comparison", architectures=["mlp", "cnn"], seeds=[0], epochs=5
    )
    set_parameters(
        project, "privacy_comparison", epsilons=[None, 8.0], seeds=[0], epochs=3, explained_rows=10
    )


def _build_trained_project(project: Path) -> None:
    """The default `kedro run` on digits (default training and explanations), with every
    comparison switched on at a small size."""
    copy_project(project)
    write_digits(project)
    shrink_comparisons(project)
    set_optional(project, architecture_comparison=True, privacy_comparison=True)
    result = kedro_run(project)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory, worker_id) -> Path:
    """A project copy after one full, successful `kedro run` on digits (default training and
    explanations, every comparison switched on at a small size), shared by the whole
    session: tests that change it must put back what they changed. Under xdist the run
    is made once, by the first worker that needs it (a file lock, as pytest-xdist's
    documentation shows), and each worker gets a copy."""
    own = tmp_path_factory.mktemp("trained") / "project"
    if worker_id == "master":  # one process: no one to share with
        _build_trained_project(own)
        return own
    shared = tmp_path_factory.getbasetemp().parent / "trained_project"  # this run's, for all
    built = shared.with_name("trained_project.built")
    with FileLock(f"{shared}.lock"):
        if not built.is_file():
            _build_trained_project(shared)
            built.touch()
    shutil.copytree(shared, own, symlinks=True)
    return own


# The longest end-to-end files first: with two xdist workers taking one file at a time,
# starting the long ones early lets both workers finish together.
_SLOW_FIRST = [
    "test_crash_safety.py",
    "test_bad_inputs.py",
    "test_experiments.py",
    "test_end_to_end.py",
    "test_parallel_runner.py",
    "test_optimizer_study.py",
    "test_first_hour.py",
    "test_shared_study_postgres.py",
    "test_serving.py",
    "test_concurrency.py",
    "test_remotes.py",
    "test_training_accuracy.py",
    "test_training_end_to_end.py",
    "test_distributed_runs.py",
    "test_distributed.py",
    "test_scale_settings.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = Path(str(item.fspath)).name
        return _SLOW_FIRST.index(name) if name in _SLOW_FIRST else len(_SLOW_FIRST)

    items.sort(key=rank)  # stable: the order within a file is kept


@pytest.fixture(scope="module")
def s3():
    """The endpoint, with one bucket, for a test module."""
    from tests.s3 import BUCKET, SECRET, S3Endpoint

    saved = {
        k: os.environ.get(k)
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    }
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1"
    )
    endpoint = S3Endpoint()
    endpoint.start()
    endpoint.client().create_bucket(Bucket=BUCKET)
    yield endpoint
    endpoint.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for a test module (tests/browser.py)."""
    from tests.browser import launched_browser

    yield from launched_browser()
