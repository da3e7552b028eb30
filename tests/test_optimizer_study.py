"""The optimizer comparison's Optuna study through real `kedro run`s: SIGKILLed mid-study,
the next run completes it with exactly the configured trials and the results of an
uninterrupted run."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import (
    cli_env,
    copy_project,
    kedro_run,
    set_parameters,
    write_digits,
)
from tests.reproducible import without_timings

pytestmark = pytest.mark.e2e

JOURNAL = "data/07_model_output/comparison_studies.journal"
SUMMARY = "data/08_reporting/optimizer_comparison.json"
TRIALS = 4


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Digits prepared, no seed runs (nothing to reuse), a small comparison whose trials
    run long enough (no early stopping) to be killed among them."""
    project = copy_project(tmp_path_factory.mktemp("study") / "project")
    write_digits(project)
    set_parameters(project, "seed_runs", seeds=[])
    set_parameters(project, "training", early_stopping={"patience": None, "min_delta": 0.0})
    set_parameters(
        project,
        "optimizer_comparison",
        optimizers=["sgd", "adam"],
        seeds=[0, 1],
        trials_per_optimizer=TRIALS,
        epochs=30,
        processes=1,
    )
    for pipeline in ("data_processing", "seed_runs"):
        assert kedro_run(project, "--pipelines", pipeline).returncode == 0
    return project


def study_trials(journal) -> dict:
    """Per tuning study in an Optuna journal file: each finished (completed or pruned)
    trial's index, learning rate and value."""
    import optuna

    from glassbox.compare.storage import StudyStorage

    storage = StudyStorage(None, journal).open()
    return {
        summary.study_name: sorted(
            (t.user_attrs["index"], t.params["lr"], t.value)
            for t in optuna.load_study(storage=storage, study_name=summary.study_name).trials
            if t.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
        )
        for summary in optuna.get_all_study_summaries(storage)
        if "-optimizer-tuning-" in summary.study_name  # not the final runs' studies
    }


def _counts(project):
    """Finished (completed or pruned) and running trials in the project's study file, as
    another reader sees it."""
    import optuna

    from glassbox.compare.storage import StudyStorage

    path = project / JOURNAL
    if not path.is_file() or path.stat().st_size == 0:
        return 0, 0
    storage = StudyStorage(None, path).open()
    trials = [
        t
        for s in optuna.get_all_study_summaries(storage)
        for t in optuna.load_study(storage=storage, study_name=s.study_name).trials
    ]
    state = optuna.trial.TrialState
    return sum(t.state in (state.COMPLETE, state.PRUNED) for t in trials), sum(
        t.state == state.RUNNING for t in trials
    )


def test_a_study_killed_mid_run_ends_as_an_uninterrupted_one(prepared, tmp_path):
    project = prepared
    victim = subprocess.Popen(
        [sys.executable, "-m", "kedro", "run", "--pipelines", "optimizer_comparison"],
        cwd=project,
        env=cli_env(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and victim.poll() is None:
        done, running = _counts(project)
        if done and running:  # the first trials are in, the next ones training
            break
        time.sleep(0.2)
    assert victim.poll() is None, "the comparison ended before it could be killed"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    done, running = _counts(project)
    assert 0 < done < 2 * TRIALS and running > 0

    resumed = kedro_run(project, "--pipelines", "optimizer_comparison")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "abandoned by a stopped run; queued again" in resumed.stderr
    summary = json.loads((project / SUMMARY).read_text())
    optimizers = summary["optimizers"].values()
    assert [e["trials_completed"] for e in optimizers] == [TRIALS, TRIALS]  # exactly the budget
    assert sum(e["abandoned_and_rerun"] for e in optimizers) == running  # each queued again
    killed_trials = study_trials(project / JOURNAL)

    # The same comparison run straight through, from an empty study.
    (project / JOURNAL).unlink()
    straight = kedro_run(project, "--pipelines", "optimizer_comparison")
    assert straight.returncode == 0, straight.stderr[-3000:]
    assert study_trials(project / JOURNAL) == killed_trials
    reference = json.loads((project / SUMMARY).read_text())
    for entry in (summary, reference):
        for optimizer in entry["optimizers"].values():
            optimizer.pop("abandoned_and_rerun")
            for trial in optimizer.get("trials", []):
                trial.pop("number")  # a trial queued again has a new number
            for run in optimizer["runs"]:
                run.pop("from_trial", None)
    assert without_timings(summary) == without_timings(reference)


def test_an_experiment_with_another_budget_runs_its_own_study(prepared):
    """`dvc exp run -S` on the comparison: the study file stays in the workspace (DVC
    leaves it alone), and a new budget is a study of its own."""
    from tests.conftest import run_cli

    project = prepared
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project).returncode == 0
    param = "conf/base/parameters_optimizer_comparison.yml:optimizer_comparison"
    ran = run_cli(
        ["dvc", "exp", "run", "-S", f"{param}.trials_per_optimizer=2", "optimizer_comparison"],
        project,
    )
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    summary = json.loads((project / SUMMARY).read_text())
    assert [e["trials_completed"] for e in summary["optimizers"].values()] == [2, 2]
    studies = study_trials(project / JOURNAL).values()
    assert sorted(len(trials) for trials in studies if len(trials) != TRIALS) == [2, 2]
