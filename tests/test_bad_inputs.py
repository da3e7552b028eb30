"""The bad-input matrix: every file and setting glassbox reads, made wrong one way at a time.

Each case runs a real `kedro run` on a project copy that has completed a full run, and
must end with a non-zero exit, a message naming the problem (no traceback), and every
output of the earlier run byte-identical. The README's troubleshooting table is drawn from
these cases.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.conftest import file_digests, kedro_run

pytestmark = pytest.mark.e2e

MODEL = "data/06_models/model.safetensors"
PREPROCESSOR = "data/06_models/preprocessor.json"
X_TEST = "data/05_model_input/X_test.parquet"
CHECKPOINT = "data/06_models/checkpoints/training.pt"


@dataclass(frozen=True)
class Case:
    pipeline: str
    make: Callable[[Path, Path], None]  # (project, bad raw file) -> None: breaks one thing
    message: str  # words the error must contain
    params: tuple[str, ...] = ()
    bad_raw_file: bool = False  # raw_data points at the bad file (via conf/local)


def digits(project: Path) -> pd.DataFrame:
    return pd.read_csv(project / "data/01_raw/digits.csv")


def write_raw(change: Callable[[pd.DataFrame], pd.DataFrame], **to_csv) -> Callable:
    return lambda project, bad: change(digits(project)).to_csv(bad, index=False, **to_csv)


def with_value(column: str, row: int, value) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(table: pd.DataFrame) -> pd.DataFrame:
        table = table.astype({column: object if isinstance(value, str) else float})
        table.loc[row, column] = value
        return table

    return change


def keep_digits(project: Path, bad: Path) -> None:
    digits(project).to_csv(bad, index=False)


def truncated(project: Path, bad: Path) -> None:
    text = (project / "data/01_raw/digits.csv").read_text()
    bad.write_text(text[: len(text) // 2])  # cut mid-row, as an interrupted copy would


def duplicate_header(project: Path, bad: Path) -> None:
    table = digits(project)
    names = list(table.columns)
    names[5] = names[4]
    bad.write_text(",".join(names) + "\n" + table.to_csv(index=False, header=False))


def garbage_model(project: Path, bad: Path) -> None:
    (project / MODEL).write_bytes(np.random.default_rng(0).bytes(5000))


def truncated_model(project: Path, bad: Path) -> None:
    data = (project / MODEL).read_bytes()
    (project / MODEL).write_bytes(data[: len(data) // 2])


def foreign_safetensors(project: Path, bad: Path) -> None:
    import torch
    from safetensors.torch import save_file

    save_file({"weight": torch.zeros(3, 3)}, str(project / MODEL))


def model_for_other_data(project: Path, bad: Path) -> None:
    """A sound glassbox model, but of 30 inputs: trained on another table."""
    from glassbox.training.architectures import build_model
    from glassbox.training.model_files import save_model

    architecture = {"name": "mlp", "input_dim": 30, "hidden_sizes": [64, 32], "output_dim": 10}
    save_model(build_model(architecture), project / MODEL)


def weights_unlike_their_architecture(project: Path, bad: Path) -> None:
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(str(project / MODEL), "pt") as handle:
        metadata = handle.metadata()
    tensors = load_file(str(project / MODEL))
    tensors["layers.0.weight"] = tensors["layers.0.weight"][:, :30].contiguous()
    save_file(tensors, str(project / MODEL), metadata=metadata)


def edit_x_test(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable:
    def make(project: Path, bad: Path) -> None:
        change(pd.read_parquet(project / X_TEST)).to_parquet(project / X_TEST)

    return make


def new_rows(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable:
    """new_data pointed (through conf/local) at rows made from digits."""

    def make(project: Path, bad: Path) -> None:
        change(digits(project).head(10)).to_csv(bad, index=False)
        entry = {"type": "pandas.CSVDataset", "filepath": str(bad)}
        (project / "conf/local/catalog.yml").write_text(yaml.safe_dump({"new_data": entry}))

    return make


def local_file(name: str, text: str) -> Callable:
    return lambda project, bad: (project / "conf/local" / name).write_text(text)


S3_RAW_DATA = yaml.safe_dump(
    {
        "raw_data": {
            "type": "pandas.CSVDataset",
            "filepath": "s3://bucket/table.csv",
            "credentials": "s3_raw",
        }
    }
)

CASES = {
    # ---- the raw table ----
    "missing file": Case(
        "data_processing", lambda p, f: None, "No such file or directory", (), True
    ),
    "empty file": Case(
        "data_processing", lambda p, f: f.write_text(""), "No columns to parse", (), True
    ),
    "header only": Case(
        "data_processing",
        lambda p, f: f.write_text(",".join(digits(p).columns) + "\n"),
        "raw_data is empty (0 rows, 65 columns)",
        bad_raw_file=True,
    ),
    "truncated file": Case(
        "data_processing", truncated, "the file looks cut short", bad_raw_file=True
    ),
    "wrong delimiter": Case(
        "data_processing",
        write_raw(lambda t: t, sep=";"),
        "the file seems to be delimited by ';', not ','. Add `load_args: {sep: ';'}`",
        bad_raw_file=True,
    ),
    "wrong encoding": Case(
        "data_processing",
        write_raw(lambda t: t.rename(columns={"pixel_0_0": "pixél_0_0"}), encoding="latin-1"),
        "Hint: a data file is not UTF-8 text",
        bad_raw_file=True,
    ),
    "duplicate column names": Case(
        "data_processing",
        duplicate_header,
        "raw_data has duplicate column names: ['pixel_0_4']",
        bad_raw_file=True,
    ),
    "missing target column": Case(
        "data_processing",
        write_raw(lambda t: t.drop(columns="digit")),
        "target column 'digit' (data_processing.target) is not in raw_data",
        bad_raw_file=True,
    ),
    "one class only": Case(
        "data_processing",
        write_raw(lambda t: t.assign(digit=3)),
        "column 'digit' has one class only",
        bad_raw_file=True,
    ),
    "a class with too few rows": Case(
        "data_processing",
        write_raw(lambda t: pd.concat([t[t.digit != 9], t[t.digit == 9].head(2)])),
        "has classes with fewer than",
        bad_raw_file=True,
    ),
    "text in a numeric column": Case(
        "data_processing",
        write_raw(with_value("pixel_3_3", 7, "twelve")),
        "column 'pixel_3_3' is a numeric column with non-numeric text in it",
        bad_raw_file=True,
    ),
    "infinities": Case(
        "data_processing",
        write_raw(with_value("pixel_2_2", 9, np.inf)),
        "column 'pixel_2_2' contains infinite values",
        bad_raw_file=True,
    ),
    "missing values with imputation off": Case(
        "data_processing",
        write_raw(with_value("pixel_1_1", 4, np.nan)),
        "column 'pixel_1_1' has missing values but data_processing.missing_values is 'error'",
        ("data_processing.missing_values=error",),
        True,
    ),
    # ---- parameters ----
    "unknown parameter value": Case(
        "data_processing",
        keep_digits,
        "Input should be 'standard' or 'none'",
        ("data_processing.scaling=minmax",),
    ),
    "misspelt parameter key": Case(
        "data_processing",
        keep_digits,
        "tests_size Extra inputs are not permitted",
        ("data_processing.tests_size=0.3",),
    ),
    "split share out of range": Case(
        "data_processing",
        keep_digits,
        "test_size Input should be less than 1",
        ("data_processing.test_size=1.5",),
    ),
    "text for a number": Case(
        "training", keep_digits, "epochs Input should be a valid integer", ("training.epochs=abc",)
    ),
    "negative learning rate": Case(
        "training",
        keep_digits,
        "optimizer.lr Input should be greater than 0",
        ("training.optimizer.lr=-1",),
    ),
    "misspelt parameter": Case(
        "training",
        keep_digits,
        "epoch Extra inputs are not permitted",
        ("training.epoch=5",),
    ),
    "loss of the other task": Case(
        "training",
        keep_digits,
        "stopped before any work, because: - training.loss.name is 'mse', but the task is "
        "classification: use 'auto'",
        ("training.loss.name=mse",),
    ),
    "unknown optimizer": Case(
        "training",
        keep_digits,
        "'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'adam'",
        ("training.optimizer.name=adamax",),
    ),
    "unknown attribution method": Case(
        "explainability",
        keep_digits,
        "methods.0 Value error, unknown explanation method 'lime'; choose one of "
        "['integrated_gradients', 'saliency'",
        ("explainability.methods=[lime]",),
    ),
    "misspelt optional part": Case(
        "data_processing",
        local_file(
            "parameters_optional.yml",
            "optional: {optimizer_comparison: true, architecture_comparison: false, "
            "privacy_comparison: false, pipeline_picture: true, privacy_comparisons: true}\n",
        ),
        "stopped before any work, because: - optional.privacy_comparisons: Extra inputs are "
        "not permitted (got True)",
    ),
    "image shape that does not fit the data": Case(
        "explainability",
        local_file(
            "parameters_data_processing.yml",
            "data_processing: {target: digit, image_shape: [7, 7]}\n",
        ),
        "stopped before any work, because: - data_processing.image_shape is [7, 7] (49 pixels), "
        "but raw_data has 64 feature columns",
    ),
    "image architecture on a table without an image shape": Case(
        "data_processing,training",
        local_file(
            "parameters_data_processing.yml",
            "data_processing: {target: digit, image_shape: null}\n",
        ),
        "stopped before any work, because: - training.model.name is 'cnn', which needs "
        "image-shaped inputs, but the data has no image shape. If the feature columns are an "
        "image's pixels in row order, set dataset.image_shape",
        ("training.model.name=cnn",),
    ),
    # ---- saved model, preprocessor and model input ----
    "model file of random bytes": Case(
        "evaluation", garbage_model, "model.safetensors is not a readable safetensors file"
    ),
    "truncated model file": Case(
        "evaluation", truncated_model, "model.safetensors is not a readable safetensors file"
    ),
    "model file not from glassbox": Case(
        "explainability", foreign_safetensors, "was not written by glassbox"
    ),
    "model trained on other data": Case(
        "evaluation",
        model_for_other_data,
        "the model takes 30 features but the preprocessor has 61",
    ),
    "weights unlike their declared architecture": Case(
        "evaluation", weights_unlike_their_architecture, "does not match its declared architecture"
    ),
    "corrupt preprocessor file": Case(
        "evaluation",
        lambda p, f: (p / PREPROCESSOR).write_text("{ not json"),
        "preprocessor.json is not valid JSON",
    ),
    "features in another order": Case(
        "evaluation",
        edit_x_test(lambda x: x[list(reversed(x.columns))]),
        "X_test's feature columns are in another order than the preprocessor's",
    ),
    "features of another count": Case(
        "explainability",
        edit_x_test(lambda x: x.iloc[:, :-3]),
        "X_test has 58 feature columns, the preprocessor expects 61",
    ),
    # ---- rows to predict (inference) ----
    "new rows without a feature column": Case(
        "inference",
        new_rows(lambda t: t.drop(columns=["digit", "pixel_2_2"])),
        "new_data lacks feature columns the model was trained on: ['pixel_2_2']",
    ),
    "new rows with text in a numeric column": Case(
        "inference",
        new_rows(with_value("pixel_3_3", 2, "twelve")),
        "new_data: column 'pixel_3_3' must hold numbers (row 2: 'twelve')",
    ),
    # ---- credentials ----
    "malformed credentials file": Case(
        "data_processing",
        local_file("credentials.yml", "s3_raw: {key: [unclosed\n"),
        "Invalid YAML or JSON file",
    ),
    "credentials the catalog names are missing": Case(
        "data_processing",
        local_file("catalog.yml", S3_RAW_DATA),
        "Unable to find credentials 's3_raw'",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_fails_clearly_and_damages_nothing(trained_project, name, tmp_path):
    case = CASES[name]
    project = trained_project
    saved = {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()}
    bad_file = tmp_path / "bad.csv"
    local = project / "conf/local"
    try:
        case.make(project, bad_file)
        if case.bad_raw_file:
            (local / "catalog.yml").write_text(
                yaml.safe_dump(
                    {"raw_data": {"type": "pandas.CSVDataset", "filepath": str(bad_file)}}
                )
            )
        before = file_digests(project / "data")
        params = ("--params", ",".join(case.params)) if case.params else ()
        result = kedro_run(project, "--pipelines", case.pipeline, *params)
        after = file_digests(project / "data")
    finally:
        for path in local.iterdir():
            if path.name != ".gitkeep":
                path.unlink()
        for path, data in saved.items():
            if not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
    output = " ".join((result.stdout + result.stderr).split())  # undo the console's wrapping
    assert result.returncode != 0, output[-2000:]
    assert " ".join(case.message.split()) in output, output[-2000:]
    assert "Traceback" not in output, output[-3000:]  # a user's mistake, not a bug
    assert after == before


def test_the_matrix_covers_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_an_unreadable_checkpoint_is_reported_and_training_starts_afresh(trained_project):
    """A checkpoint is scratch state: a damaged one is named in the log and set aside, and
    the run trains from the start rather than failing (the result is the same)."""
    checkpoint = trained_project / CHECKPOINT
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    checkpoint.write_bytes(os.urandom(300))
    model_before = (trained_project / MODEL).read_bytes()
    try:
        result = kedro_run(trained_project, "--pipelines", "training")
    finally:
        checkpoint.unlink(missing_ok=True)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, output[-2000:]
    assert "training.pt is unreadable" in output and "starting fresh" in output, output[-2000:]
    assert (trained_project / MODEL).read_bytes() == model_before  # same seed, same model
