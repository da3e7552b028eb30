"""The workflow under `dvc repro` (the model, its evaluation, explanation, export and
predictions: `dvc repro` of the main stages): a run killed (SIGKILL) at any stage loses
nothing: the next `dvc repro` finishes with the same outputs as a run never interrupted.
(The optimizer comparison's study is killed and resumed in tests/test_optimizer_study.py;
two runs of every stage from one commit are compared in tests/test_end_to_end.py.)

Outputs are compared as tests/reproducible.py says: byte for byte, except the fields that
name wall-clock time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from benchmarks.make_run_stages import MAIN_STAGES

from tests.conftest import cli_env, copy_project, run_cli, set_parameters, small_comparisons
from tests.reproducible import differences, outputs

pytestmark = pytest.mark.e2e

CHECKPOINT = "data/06_models/checkpoints/training.pt"


def quick_project(target: Path) -> Path:
    project = copy_project(target)
    set_parameters(project, "training", epochs=40, checkpoint_every=2)
    small_comparisons(project)
    # The least work that still writes every output: no seed runs (the stability check
    # says so), 30 explained rows, the fewest bootstrap resamples.
    set_parameters(project, "seed_runs", seeds=[])
    set_parameters(project, "explainability", max_rows=30)
    set_parameters(project, "evaluation", bootstrap_resamples=100)
    # A fixed date: the same tree committed twice gets the same commit id (the model card
    # names it). Only here: DVC's own experiment commits reject this date format.
    date = {"GIT_AUTHOR_DATE": "2026-01-01T00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00Z"}
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project, env=date).returncode == 0
    return project


def repro_killed(project: Path, stage: str, ready: callable) -> None:
    """Start `dvc repro`, wait until ``stage`` runs and ``ready()`` holds, then SIGKILL DVC
    and the Kedro run under it (one process group), as a power cut or OOM kill would."""
    env = {**cli_env(project), "PYTHONUNBUFFERED": "1"}
    victim = subprocess.Popen(
        ["dvc", "repro", *MAIN_STAGES],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    for line in victim.stdout:
        if f"Running stage '{stage}'" in line:
            break
    while not ready() and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    still_running = victim.poll() is None
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    victim.stdout.close()
    assert still_running, f"dvc repro ended before it could be killed in stage {stage!r}"


def finished(project: Path) -> subprocess.CompletedProcess:
    result = run_cli(["dvc", "repro", *MAIN_STAGES], project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, object]:
    """The outputs of one uninterrupted `dvc repro` from clean."""
    project = quick_project(tmp_path_factory.mktemp("reference") / "project")
    finished(project)
    return outputs(project)


def test_killed_at_three_stages_then_rerun_gives_the_uninterrupted_outputs(reference, tmp_path):
    project = quick_project(tmp_path / "project")
    model_input = project / "data/05_model_input"
    # 1. while data_processing runs (as soon as its first output appears);
    repro_killed(project, "data_processing", lambda: any(model_input.glob("*.parquet")))
    # 2. in the middle of training (after a checkpoint);
    repro_killed(project, "training", lambda: (project / CHECKPOINT).exists())
    # 3. during explainability (after its stage has started, before it writes).
    started = time.monotonic()
    repro_killed(project, "explainability", lambda: time.monotonic() - started > 1.5)

    last = finished(project)
    assert "Running stage 'explainability'" in last.stdout
    now = outputs(project)
    assert not differences(now, reference)
    leftovers = [p.name for p in (project / "data").rglob("*.tmp")]
    assert not leftovers, leftovers
