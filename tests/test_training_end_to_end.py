"""Real `kedro run --pipelines training`: outputs, bad parameters, and SIGKILL then resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from glassbox.training.model_files import load_model
from tests.conftest import cli_env, file_digests, kedro_run, run_cli

pytestmark = pytest.mark.e2e

MODEL = "data/06_models/model.safetensors"
CHECKPOINT = "data/06_models/checkpoints/training.pt"


def test_training_writes_a_loadable_model_and_its_history(processed_project):
    result = kedro_run(
        processed_project, "--pipelines", "training", "--params", "training.epochs=5"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = " ".join((result.stdout + result.stderr).split())  # undo the console's wrapping
    assert "training on cpu with 1 CPU thread (glassbox's default" in log, log[-3000:]
    model = load_model(processed_project / MODEL)
    assert model.architecture["hidden_sizes"] == [64, 32]
    history = pd.read_csv(processed_project / "data/08_reporting/training_history.csv")
    assert history["epoch"].tolist() == [1, 2, 3, 4, 5]
    assert not (processed_project / CHECKPOINT).exists()


def test_training_uses_the_thread_count_the_user_sets(processed_project):
    args = [sys.executable, "-m", "kedro", "run", "--pipelines", "training"]
    result = run_cli(
        [*args, "--params", "training.epochs=2"], processed_project, env={"OMP_NUM_THREADS": "2"}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    log = " ".join((result.stdout + result.stderr).split())
    assert "training on cpu with 2 CPU threads (from OMP_NUM_THREADS=2)" in log, log[-3000:]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("training.optimizer.name=lion", "'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad'"),
        (
            "training.scheduler.name=warmup",
            "unknown schedule 'warmup'; choose one of ['none', 'step', 'cosine', 'plateau'",
        ),
        ("training.optimizer.lr=0", "optimizer.lr Input should be greater than 0"),
        ("training.epochs=0", "epochs Input should be greater than or equal to 1"),
        ("training.batch_size=-4", "batch_size Input should be greater than or equal to 1"),
    ],
)
def test_bad_training_parameters_fail_before_any_work(processed_project, override, message):
    before = file_digests(processed_project / "data")
    result = kedro_run(processed_project, "--pipelines", "training", "--params", override)
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0
    assert message in output, output[-2000:]
    assert "Running node" not in output
    assert file_digests(processed_project / "data") == before


def test_a_run_killed_with_sigkill_resumes_to_the_uninterrupted_weights(processed_project):
    params = "training.epochs=80,training.early_stopping.patience=null,training.checkpoint_every=4"
    args = [sys.executable, "-m", "kedro", "run", "--pipelines", "training", "--params", params]
    checkpoint = processed_project / CHECKPOINT

    victim = subprocess.Popen(
        args,
        cwd=processed_project,
        env=cli_env(processed_project),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Killed once the second checkpoint replaced the first, so the resumed run redoes epochs
    # past a checkpoint: waiting on the file, not a fixed sleep that a fast or a busy machine
    # could outrun.
    deadline = time.monotonic() + 120
    first = None
    while victim.poll() is None and time.monotonic() < deadline:
        try:
            stamp = checkpoint.stat().st_mtime_ns
        except FileNotFoundError:  # not written yet
            stamp = None
        if first is None:
            first = stamp
        elif stamp != first:
            break
        time.sleep(0.005)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL
    assert checkpoint.exists(), "the run ended before it could be interrupted"

    resumed = kedro_run(processed_project, "--pipelines", "training", "--params", params)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    resumed_log = " ".join((resumed.stdout + resumed.stderr).split())  # undo the console's wrapping
    assert "resuming training from the checkpoint after epoch" in resumed_log
    resumed_bytes = (processed_project / MODEL).read_bytes()
    resumed_history = pd.read_csv(processed_project / "data/08_reporting/training_history.csv")
    assert not checkpoint.exists()

    fresh = kedro_run(processed_project, "--pipelines", "training", "--params", params)
    assert fresh.returncode == 0
    assert "resuming" not in " ".join((fresh.stdout + fresh.stderr).split())
    assert (processed_project / MODEL).read_bytes() == resumed_bytes
    fresh_history = pd.read_csv(processed_project / "data/08_reporting/training_history.csv")
    assert resumed_history["epoch"].tolist() == list(range(1, 81))
    pd.testing.assert_frame_equal(
        resumed_history.drop(columns="epoch_seconds"), fresh_history.drop(columns="epoch_seconds")
    )
