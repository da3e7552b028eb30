"""Data-parallel training as users start it: `kedro run` with
`training.distributed.nproc_per_node=2` (the training node launches the workers), killed
and resumed from its checkpoint, and the same pipeline under `torchrun`."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from tests.conftest import cli_env, kedro_run

pytestmark = pytest.mark.e2e

MODEL = "data/06_models/model.safetensors"
HISTORY = "data/08_reporting/training_history.csv"
CHECKPOINT = "data/06_models/checkpoints/training.pt"
SETTINGS = "training.epochs=8,training.checkpoint_every=1,training.early_stopping.patience=null"
TWO_PROCESSES = f"{SETTINGS},training.distributed.nproc_per_node=2"


def test_two_processes_from_kedro_run_killed_resumed_and_under_torchrun(processed_project):
    project = processed_project
    result = kedro_run(project, "--pipelines", "training", "--params", TWO_PROCESSES)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "[training rank 0]" in result.stderr  # the launched workers trained it
    uninterrupted = (project / MODEL).read_bytes()
    history = pd.read_csv(project / HISTORY)
    assert list(history["epoch"]) == list(range(1, 9))
    assert not (project / CHECKPOINT).exists()  # a finished run leaves no checkpoint

    # Killed (the whole process group, as an OOM kill or power cut) after a checkpoint ...
    command = [sys.executable, "-m", "kedro", "run", "--pipelines", "training"]
    victim = subprocess.Popen(
        [*command, "--params", TWO_PROCESSES],
        cwd=project,
        env=cli_env(project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not (project / CHECKPOINT).exists() and time.monotonic() < deadline:
        assert victim.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    # ... the next run resumes from the checkpoint and ends with the same model.
    resumed = kedro_run(project, "--pipelines", "training", "--params", TWO_PROCESSES)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming training from the checkpoint after epoch" in resumed.stderr
    assert (project / MODEL).read_bytes() == uninterrupted

    # The standard torchrun launch (as on several machines, here one): every process runs
    # the pipeline, only local rank 0 writes, and the math is the same 2-process run.
    (project / MODEL).unlink()
    torchrun = subprocess.run(
        ["torchrun", "--standalone", "--nproc_per_node", "2", "-m", "kedro", "run"]
        + ["--pipelines", "training", "--params", SETTINGS],
        cwd=project,
        env=cli_env(project),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert torchrun.returncode == 0, torchrun.stderr[-3000:]
    assert (project / MODEL).read_bytes() == uninterrupted
