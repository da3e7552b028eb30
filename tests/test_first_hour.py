"""A new user's first hour: their own messy table through the README's one edit and
`make run`, as they would type it (real make, DVC, Kedro); then their teammate's: a fresh
clone pulls the run, table included, from a folder remote and from S3."""

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from benchmarks.make_run_stages import set_optional

from glassbox.optional import DEFAULTS
from tests.conftest import run_cli, set_parameters, small_comparisons, use_dataset
from tests.sharing import (
    assert_nothing_to_reproduce,
    clone_and_pull,
    commit,
    dvc_outputs,
    push,
    use_local_remote,
    use_s3_remote,
)

pytestmark = pytest.mark.e2e


def messy_table(rows: int = 240) -> pd.DataFrame:
    """String labels, a categorical column, gaps, a row-number column, a recoded copy of a
    column and a leak (a refund only kept items ever get): what a table from the wild
    brings."""
    rng = np.random.default_rng(7)
    size = rng.normal(size=rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    label = np.where(
        size + (colour == "red") * 1.5 + rng.normal(scale=0.5, size=rows) > 0.5, "keep", "drop"
    )
    weight = rng.normal(size=rows)
    weight[rng.random(rows) < 0.4] = np.nan  # heavy gaps
    return pd.DataFrame(
        {
            "rownames": np.arange(1, rows + 1),
            "size": size,
            "colour": colour,
            "colour_code": pd.Series(colour).map({"red": 0, "green": 1, "blue": 2}),
            "weight": weight,
            "refund": np.where(label == "keep", rng.gamma(2.0, 10.0, rows), 0.0),
            "outcome": label,
        }
    )


def make_run(project: Path):
    """`make run` in a project copy, with the checkout's installed environment as its own
    (linked, never reinstalled: `-o` keeps make from installing a clone's code into it)."""
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)
    args = ["make", "--no-print-directory", "-o", ".venv/.installed", "run"]
    return run_cli(args, project, timeout=900)


def test_a_messy_table_of_ones_own_runs_through_the_one_edit_and_make_run(
    project_copy, s3, tmp_path
):
    messy_table().to_csv(project_copy / "data/01_raw/mine.csv", index=False)
    use_dataset(
        project_copy,
        raw_data="data/01_raw/mine.csv",
        target="outcome",
        image_shape=None,
        new_data=None,
    )
    # Small budgets, so that the test is about the route, not about training.
    set_parameters(project_copy, "training", epochs=10)
    small_comparisons(project_copy)
    set_parameters(project_copy, "explainability", max_rows=30)
    set_optional(project_copy, **dict.fromkeys(DEFAULTS, True))  # every optional part on
    use_local_remote(project_copy, tmp_path / "storage")
    use_s3_remote(project_copy, s3.url, "own-table", default=False)
    commit(project_copy, "copy")

    result = make_run(project_copy)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]

    # A short log without tracebacks; the data's problems named with their figures; the
    # summary last.
    lines = output.splitlines()
    assert len(lines) <= 200, output
    assert not [line for line in lines if "Traceback" in line], output
    assert "dropped column 'rownames': an identifier (its name)" in output
    assert any(
        f"column '{a}' is column '{b}' again" in output
        for a, b in (("colour_code", "colour"), ("colour", "colour_code"))
    ), output
    assert "column 'weight' is missing in" in output
    assert "imputed 'weight' in" in output
    assert "class shares in the training rows: drop " in output
    assert "column 'refund' is a probable leak: " in output
    summary = result.stdout.splitlines()[-5:]  # DVC and the summary print on stdout
    assert summary[0].startswith("Test split (") and "best baseline" in summary[0], summary
    assert re.match(r"Network against it: (better|indistinguishable|worse) \(", summary[1])
    assert summary[-2] == (
        "Lowest validation loss: optimizer adam; model mlp (see the comparisons)"
    )
    assert summary[-1].startswith("Read: ") and "model_card.md" in summary[-1]
    assert "privacy_comparison.html" in summary[-1]
    # The data review's findings are repeated with the result, so none scrolls away.
    assert "\nDropped as an identifier: 'rownames' (its name)\n" in result.stdout
    assert "\nData warning: column 'weight' is missing in" in result.stdout
    assert "\nData warning: column 'refund' is a probable leak: " in result.stdout
    # The table is versioned by DVC before the run, so that a push shares it.
    assert "data/01_raw/mine.csv is now versioned by DVC" in result.stdout
    assert (project_copy / "data/01_raw/mine.csv.dvc").is_file()

    card = json.loads((project_copy / "data/06_models/model_card.json").read_text())
    warnings = " ".join(card["features"]["warnings"])
    assert "'colour_code'" in warnings and "'colour'" in warnings
    assert card["features"]["dropped_identifiers"] == {"rownames": "its name"}
    assert "rownames" not in card["features"]["model_input"]
    assert card["features"]["missing_imputed_in_training_rows"]["weight"] > 0
    assert list(card["features"]["probable_leaks"]) == ["refund"]
    evaluation = (project_copy / "data/08_reporting/evaluation_report.html").read_text()
    first_screen = evaluation[: evaluation.index("<h2>")]
    assert "Probable leak: column &#x27;refund&#x27;" in first_screen
    assert list(card["data"]["dvc_tracked_raw_files"]) == ["data/01_raw/mine.csv"]

    # DVC versions the user's file, not the example digits.
    lock = yaml.safe_load((project_copy / "dvc.lock").read_text())
    deps = [d["path"] for d in lock["stages"]["data_processing"]["deps"]]
    assert "data/01_raw/mine.csv" in deps
    assert "example_data" not in lock["stages"]
    assert not (project_copy / "data/01_raw/digits.csv").exists()
    assert len(pd.read_csv(project_copy / "data/07_model_output/predictions.csv")) == 0

    # The explanations of a table: its beeswarm and dependence plots, values beside
    # attributions, and the explorer of every explained row.
    report = (project_copy / "data/08_reporting/explainability_report.html").read_text()
    assert 'alt="beeswarm summary: per-row attributions of the top features"' in report
    assert 'alt="dependence plots of the top features"' in report
    assert 'id="explorer-data"' in report and "top features = value (attribution)" in report

    # The teammate's first hour: the run committed and pushed; a fresh clone pulls every
    # output and the table, from the folder remote and from S3, with nothing to reproduce.
    commit(project_copy, "results")
    push(project_copy)
    push(project_copy, "s3")
    clone_and_pull(project_copy, tmp_path / "teammate_s3", "s3")
    # And the README's way from the folder remote: `git clone` and `make run`, which pulls
    # and runs nothing.
    cloned = tmp_path / "teammate_make"
    assert run_cli(["git", "clone", "-q", str(project_copy), str(cloned)], tmp_path).returncode == 0
    again = make_run(cloned)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "Running stage" not in again.stdout, again.stdout
    assert "ERROR" not in again.stdout + again.stderr
    assert dvc_outputs(cloned) == dvc_outputs(project_copy)
    assert_nothing_to_reproduce(cloned)
    assert again.stdout.splitlines()[-1] == summary[-1]  # the same result, read from the pull
