"""Data-parallel training as users start it: `kedro run` with
`training.distributed.nproc_per_node=2` (the training node launches the workers), killed
and resumed from its checkpoint; the same pipeline under `torchrun`; and two checkouts
standing in for two machines (`nnodes: 2`) meeting at one rendezvous."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from tests.conftest import cli_env, kedro_run, start_cli

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


def test_two_checkouts_as_two_machines_meet_at_the_rendezvous(processed_project, tmp_path):
    """`nnodes: 2`: each "machine" (here a checkout of its own) runs the same `kedro run`
    with the same rendezvous endpoint, as the README's steps for several machines say."""
    other = tmp_path / "second_machine"
    shutil.copytree(processed_project, other, ignore=shutil.ignore_patterns(".glassbox-run.lock"))
    with socket.socket() as probe:  # a free port for the rendezvous
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nodes = (
        f"{SETTINGS},training.distributed.nnodes=2,training.distributed.rdzv_id=test-{port},"
        f"training.distributed.rdzv_endpoint=127.0.0.1:{port}"
    )
    command = [sys.executable, "-m", "kedro", "run", "--pipelines", "training", "--params"]
    runs = [start_cli([*command, nodes], checkout) for checkout in (processed_project, other)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs[0][-2000:] + outputs[1][-2000:]
    first, second = ((c / MODEL).read_bytes() for c in (processed_project, other))
    assert first == second  # both machines hold the model

    # The same two-process run as on one machine, so the same model.
    one_machine = kedro_run(processed_project, "--pipelines", "training", "--params", TWO_PROCESSES)
    assert one_machine.returncode == 0, one_machine.stderr[-3000:]
    assert (processed_project / MODEL).read_bytes() == first
