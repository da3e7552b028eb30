"""The README's `dvc exp` route: one queued experiment per optimizer, then `dvc exp show`."""

import csv
import io

import pytest

from glassbox.optimizers import OPTIMIZER_NAMES
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e


def test_queued_experiments_one_per_optimizer_show_their_metrics(project_copy):
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project_copy).returncode == 0
    assert run_cli(["dvc", "repro", "evaluation"], project_copy).returncode == 0

    for opt in OPTIMIZER_NAMES:  # as in the README, plus a short epoch budget
        queued = run_cli(
            [
                "dvc",
                "exp",
                "run",
                "--queue",
                "-n",
                f"opt-{opt}",
                "-S",
                f"conf/base/parameters_training.yml:training.optimizer.name={opt}",
                "-S",
                "conf/base/parameters_training.yml:training.epochs=3",
                "evaluation",
            ],
            project_copy,
        )
        assert queued.returncode == 0, queued.stderr
    ran = run_cli(["dvc", "exp", "run", "--run-all"], project_copy)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]

    shown = run_cli(
        [
            "dvc",
            "exp",
            "show",
            "--csv",
            "--drop",
            ".*",
            "--keep",
            "Experiment|training.optimizer.name|model.accuracy",
        ],
        project_copy,
    )
    assert shown.returncode == 0, shown.stderr
    rows = [r for r in csv.DictReader(io.StringIO(shown.stdout)) if r["Experiment"]]
    assert sorted(r["Experiment"] for r in rows) == sorted(f"opt-{o}" for o in OPTIMIZER_NAMES)
    for row in rows:
        assert row["model.accuracy"] != "!", (row, ran.stdout[-3000:])
        assert row["training.optimizer.name"] == row["Experiment"].removeprefix("opt-")
        assert 0.1 < float(row["model.accuracy"]) <= 1.0
