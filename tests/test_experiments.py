"""The README's `dvc exp` route: queued experiments, one per optimizer, then `dvc exp show` and
`dvc plots diff`."""

import csv
import io
import json
import time

import pytest

from tests.browser import Watched
from tests.conftest import run_cli, set_parameters, small_comparisons

pytestmark = pytest.mark.e2e


def experiments(project, columns: str) -> list[dict[str, str]]:
    """`dvc exp show` as rows of the named experiments, with only these columns."""
    args = ["dvc", "exp", "show", "--csv", "--drop", ".*", "--keep", f"Experiment|{columns}"]
    shown = run_cli(args, project)
    assert shown.returncode == 0, shown.stderr
    return [r for r in csv.DictReader(io.StringIO(shown.stdout)) if r["Experiment"]]


def queue_finished(project, seconds: float = 600) -> str:
    """`dvc queue status` once nothing is queued or running any more."""
    deadline = time.monotonic() + seconds
    while True:
        shown = run_cli(["dvc", "queue", "status"], project)
        assert shown.returncode == 0, shown.stderr
        busy = [
            line
            for line in shown.stdout.splitlines()
            if " Queued " in f" {line} " or " Running " in f" {line} "
        ]
        if not busy:
            return shown.stdout
        assert time.monotonic() < deadline, shown.stdout
        time.sleep(2)


# Two optimizers of different families (the curves of two are compared below): each queued
# run costs three stage start-ups, and the queue does the same for every name (the
# optimizers themselves are tested elsewhere).
QUEUED = ("sgd", "adam")


def test_queued_experiments_one_per_optimizer_show_their_metrics(project_copy, browser):
    small_comparisons(project_copy)  # the baselines on fewer rows: this is about the queue
    set_parameters(project_copy, "training", epochs=3)  # a short budget for every run
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project_copy).returncode == 0
    assert run_cli(["dvc", "repro", "evaluation"], project_copy).returncode == 0

    for opt in QUEUED:  # as in the README
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
                "evaluation",
            ],
            project_copy,
        )
        assert queued.returncode == 0, queued.stderr
    # Two queue workers at once (docs/scale.md), each in a checkout of its own: the run lock
    # of one must not turn the other away.
    started = run_cli(["dvc", "queue", "start", "-j", "2"], project_copy)
    assert started.returncode == 0, started.stdout + started.stderr
    status = queue_finished(project_copy)
    assert status.count("Success") == len(QUEUED) and "Failed" not in status, status

    rows = experiments(project_copy, "training.optimizer.name|^accuracy$")
    assert sorted(r["Experiment"] for r in rows) == sorted(f"opt-{o}" for o in QUEUED)
    for row in rows:
        assert row["accuracy"] != "!", (row, status)
        assert row["training.optimizer.name"] == row["Experiment"].removeprefix("opt-")
        assert 0.1 < float(row["accuracy"]) <= 1.0

    # The README's comparison of training curves between two experiments.
    diff = run_cli(["dvc", "plots", "diff", "opt-sgd", "opt-adam", "--json"], project_copy)
    assert diff.returncode == 0, diff.stderr
    loss_plot = json.loads(diff.stdout)["data"]["Loss per epoch"][0]
    assert loss_plot["revisions"] == ["opt-sgd", "opt-adam"]
    points = loss_plot["content"]["data"]["values"]
    curves = {
        rev: sorted((int(p["epoch"]), p["val_loss"]) for p in points if p["rev"] == rev)
        for rev in ("opt-sgd", "opt-adam")
    }
    for curve in curves.values():  # three epochs each (one point per epoch and plotted column)
        assert {epoch for epoch, _ in curve} == {1, 2, 3}, points
    assert curves["opt-sgd"] != curves["opt-adam"], "each revision should show its own history"

    # The same diff as a page (README: `dvc plots diff <exp> <exp>`) draws offline: the
    # project's template inlines Vega (.dvc/config), so no request leaves the folder.
    page = run_cli(["dvc", "plots", "diff", "opt-sgd", "opt-adam", "--out", "diff"], project_copy)
    assert page.returncode == 0, page.stderr
    index = project_copy / "diff" / "index.html"
    assert "cdn.jsdelivr" not in index.read_text()  # DVC's default page loads Vega from there
    watched = Watched(browser)
    watched.page.goto(index.as_uri())
    charts = watched.page.locator(".vega-embed canvas, .vega-embed svg.marks")
    charts.first.wait_for(timeout=30_000)
    embedded = index.read_text().count("vegaEmbed(")  # one call per chart on the page
    assert charts.count() == embedded >= 5, (charts.count(), embedded)
    assert watched.errors == []
    assert watched.outside(index.parent.as_uri(), "data:", "blob:") == []
    watched.page.close()

    # And one experiment run in the workspace rather than queued, trained data-parallel
    # by two processes (docs/scale.md).
    workspace = run_cli(
        [
            "dvc",
            "exp",
            "run",
            "-n",
            "sgd-here",
            "-S",
            "conf/base/parameters_training.yml:training.optimizer.name=sgd",
            "-S",
            "conf/base/parameters_training.yml:training.distributed.nproc_per_node=2",
            "evaluation",
        ],
        project_copy,
    )
    assert workspace.returncode == 0, workspace.stderr
    assert "Running stage 'training'" in workspace.stdout
    metrics = json.loads((project_copy / "data/08_reporting/metrics.json").read_text())
    listed = experiments(project_copy, "training.distributed.nproc_per_node")
    here = [r for r in listed if r["Experiment"] == "sgd-here"]
    assert here and here[0]["training.distributed.nproc_per_node"] == "2", listed
    assert 0.1 < metrics["accuracy"] <= 1.0
