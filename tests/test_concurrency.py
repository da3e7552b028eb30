"""Two runs on one checkout at once: the second is turned away with a message that says
why, and the first finishes with sound outputs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glassbox.training.model_files import load_model
from glassbox.wiring.run_lock import RunLock
from tests.conftest import (
    file_digests,
    kedro_run,
    run_cli,
    set_parameters,
    small_comparisons,
    start_cli,
)

pytestmark = pytest.mark.e2e


def holds_lock(project: Path, pid: int | None = None) -> bool:
    """Whether a run (process ``pid``, if given) has taken the checkout's run lock, read
    from the lock file without trying the lock: a probe that took it, even for an instant,
    could turn away the very run it waits for. (A fresh project copy has no lock file.)"""
    holder = RunLock(project).last_holder()
    return holder.startswith(f"pid {pid},") if pid is not None else bool(holder)


def wait_for(condition, first: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert first.poll() is None, f"the first run ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_second_kedro_run_is_turned_away_while_one_runs(processed_project):
    project = processed_project
    set_parameters(project, "training", epochs=60, checkpoint_every=0)
    first = start_cli([sys.executable, "-m", "kedro", "run", "--pipelines", "training"], project)
    wait_for(lambda: holds_lock(project, first.pid), first, "it took the lock")
    inputs_before = file_digests(project / "data/05_model_input")

    # Paused while the second run tries, so that it cannot finish first on a fast machine.
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = kedro_run(project, "--pipelines", "data_processing")
    finally:
        os.kill(first.pid, signal.SIGCONT)
    first_output, _ = first.communicate(timeout=300)

    message = " ".join((second.stdout + second.stderr).split())
    assert second.returncode != 0
    assert f"another run is writing this checkout's outputs (pid {first.pid}," in message, message[
        -2000:
    ]
    assert "Wait for it to finish, or stop it, then run again." in message
    assert first.returncode == 0, first_output[-3000:]
    assert file_digests(project / "data/05_model_input") == inputs_before
    assert load_model(project / "data/06_models/model.safetensors") is not None
    again = kedro_run(project, "--pipelines", "evaluation")  # the lock is free again
    assert again.returncode == 0, again.stderr[-2000:]


def test_a_second_dvc_repro_is_turned_away_while_one_runs(project_copy):
    project = project_copy
    small_comparisons(project)
    set_parameters(project, "training", epochs=30)
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "copy"]):
        assert run_cli(args, project).returncode == 0
    # The stages up to training: enough for a Kedro stage to hold the lock a while.
    first = start_cli(["dvc", "repro", "training"], project)
    wait_for(lambda: holds_lock(project), first, "a Kedro stage took the lock")

    second = run_cli(["dvc", "repro", "training"], project)
    first_output, _ = first.communicate(timeout=600)

    assert second.returncode != 0
    # DVC's own messages: the busy output and the process holding it or, when the second
    # run arrives while the first holds the repository lock, that lock.
    blocked = "is busy, it is being blocked by:" in second.stderr
    assert blocked or "Unable to acquire lock" in second.stderr, second.stderr
    if blocked:
        assert f"(PID {first.pid}): " in second.stderr, second.stderr
    assert first.returncode == 0, first_output[-3000:]
    status = run_cli(["dvc", "status", "training"], project)
    assert "Data and pipelines are up to date." in status.stdout, status.stdout
