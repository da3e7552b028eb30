"""Differentially private training: batches, clipping, noise, accounting, refusals, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from glassbox.errors import InputDataError
from glassbox.training import privacy
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.loop import TrainingData, train
from glassbox.training.mlp import MLP
from glassbox.training.params import PrivacyParams, TrainingParams
from tests.training.test_loop import blobs, model_bytes


def private(**overrides) -> TrainingParams:
    base = {
        "epochs": 6,
        "batch_size": 32,
        "checkpoint_every": 0,
        "progress": "never",
        "early_stopping": {"patience": None},
        "privacy": {"enabled": True, "target_epsilon": 3.0, "target_delta": 1e-5},
    }
    return TrainingParams.model_validate({**base, **overrides})


def test_poisson_batches_have_the_sampling_distribution():
    g = torch.Generator().manual_seed(0)
    n, rate, draws = 40, 0.1, 4000
    joined, sizes = torch.zeros(n), []
    for _ in range(draws):
        batch = privacy.poisson_batch(n, rate, g)
        assert len(set(batch.tolist())) == len(batch)  # no row twice in a batch
        joined[batch] += 1
        sizes.append(len(batch))
    sizes = torch.tensor(sizes, dtype=torch.float)
    assert abs(sizes.mean() - n * rate) < 0.15  # binomial: mean 4, variance 3.6
    assert abs(sizes.var() - n * rate * (1 - rate)) < 0.4
    assert ((joined / draws) - rate).abs().max() < 0.025  # every row alike
    first, again = (privacy.poisson_batch(n, rate, torch.Generator().manual_seed(0)) for _ in "ab")
    assert first.tolist() == again.tolist()


@pytest.mark.parametrize("bias", [True, False])
def test_glassbox_clipped_gradients_equal_opacus(bias):
    """Without noise, glassbox's one-pass clipping gives Opacus's (hooks mode) gradients."""
    from opacus.grad_sample import GradSampleModule
    from opacus.optimizers import DPOptimizer

    torch.manual_seed(0)
    model, twin = MLP(6, 3, [8, 5]), MLP(6, 3, [8, 5])
    for net in (model, twin):
        for layer in net.modules():
            if isinstance(layer, nn.Linear) and not bias:
                layer.bias = None
    twin.load_state_dict(model.state_dict())
    X, y = torch.randn(20, 6) * 3, torch.randint(0, 3, (20,))
    plan = privacy.PrivacyPlan(3.0, 1e-5, 0.5, 0.0, 0.1, 16, 100, "rdp", "glassbox")

    clipper = privacy._LinearClipper(model, plan, torch.Generator().manual_seed(0))
    clipper.set_gradients(nn.CrossEntropyLoss(reduction="none")(model(X), y))

    wrapped = GradSampleModule(twin, loss_reduction="sum")
    optimizer = DPOptimizer(
        torch.optim.SGD(twin.parameters(), lr=0.1),
        noise_multiplier=0.0,
        max_grad_norm=0.5,
        expected_batch_size=16,
        loss_reduction="sum",
    )
    nn.CrossEntropyLoss(reduction="sum")(wrapped(X), y).backward()
    optimizer.pre_step()
    for mine, theirs in zip(model.parameters(), twin.parameters(), strict=True):
        # Opacus with a summed loss leaves the sum; glassbox divides by the expected batch.
        torch.testing.assert_close(mine.grad * 16, theirs.grad, rtol=1e-5, atol=1e-6)


def test_private_training_spends_at_most_its_budget_and_is_deterministic():
    data = blobs()
    model, history = train(data, private())
    spent = history.attrs["privacy"]
    assert spent["enabled"] and spent["per_sample_gradients"] == "glassbox"
    assert spent["steps"] == 6 * 10  # 320 rows, batch 32: ten steps an epoch
    assert 0.9 * 3.0 < spent["epsilon"] <= 3.0  # every planned step taken: nearly all of it
    assert history["val_accuracy"].iloc[-1] > 0.6  # noisy, but it learns
    again, history_again = train(data, private())
    assert model_bytes(again) == model_bytes(model)
    assert history_again.attrs["privacy"] == spent
    # a plain model: no hooks or per-row attributes left behind
    assert not any(m._forward_hooks for m in again.modules())


def test_opacus_ghost_clipping_trains_a_layer_norm_model():
    run = private(model={"name": "resnet", "width": 16, "depth": 1}, epochs=2)
    model, history = train(blobs(), run)
    assert history.attrs["privacy"]["per_sample_gradients"] == "ghost"
    assert history.attrs["privacy"]["epsilon"] <= 3.0
    assert not any(hasattr(p, "grad_sample") for p in model.parameters())


def test_stopping_early_spends_less():
    run = private(epochs=40, early_stopping={"patience": 1, "min_delta": 0.5})
    _, history = train(blobs(), run)
    assert len(history) < 40
    assert history.attrs["privacy"]["epsilon"] < 2.9


def test_what_privacy_cannot_train_is_refused_before_training():
    with pytest.raises(ValidationError, match="batch_norm: false"):
        private(model={"name": "mlp", "batch_norm": True})
    with pytest.raises(ValidationError, match="normalization: layer_norm"):
        private(model={"name": "resnet", "normalization": "batch_norm"})
    with pytest.raises(ValidationError, match="distributed"):
        private(distributed={"nproc_per_node": 2})
    with pytest.raises(ValidationError, match="grad_clip_norm: null"):
        private(grad_clip_norm=1.0)
    with pytest.raises(InputDataError, match="below the training rows"):
        train(blobs(), private(batch_size=400))
    with pytest.raises(InputDataError, match="cannot be reached"):
        privacy.plan(PrivacyParams(enabled=True, target_epsilon=1e-9), 100, 10, 5)
    with pytest.raises(InputDataError, match="mlp"):
        train(
            blobs(),
            private(
                model={"name": "resnet", "width": 8, "depth": 1},
                privacy={"enabled": True, "per_sample_gradients": "glassbox"},
            ),
        )


def test_delta_defaults_below_one_over_the_rows():
    plan = privacy.plan(PrivacyParams(enabled=True), n_rows=1000, batch_size=50, epochs=3)
    assert plan.delta == 1e-4 and plan.delta < 1 / 1000


def test_resume_after_a_crash_continues_the_accounting(tmp_path):
    from tests.training.test_loop import _save_state_after

    data = blobs()
    full, full_history = train(data, private(epochs=8))
    store = CheckpointStore(tmp_path / "ckpt.pt")
    interrupted = private(epochs=8, checkpoint_every=2)
    _save_state_after(data, interrupted, store, epochs=4)
    resumed, history = train(data, interrupted, store)
    assert model_bytes(resumed) == model_bytes(full)
    assert history.attrs["privacy"] == full_history.attrs["privacy"]


TRAIN_SCRIPT = """
import json, logging, sys, torch
logging.basicConfig(level=logging.INFO)
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.loop import TrainingData, train
from tests.training.test_loop import blobs
from tests.training.test_privacy import private
store = CheckpointStore(sys.argv[1]) if sys.argv[1] != "-" else None
model, history = train(blobs(n=2500), private(epochs=20, checkpoint_every=1), store)
torch.save(model.state_dict(), sys.argv[2])
print(json.dumps(history.attrs["privacy"]))
"""


def test_sigkill_mid_training_then_rerun_gives_the_same_weights_and_epsilon(tmp_path):
    """A real SIGKILL (no Python exception handler runs) while private training is between
    checkpoints, then a rerun: the same weights and spent ε as a run never interrupted."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    run = [sys.executable, "-c", TRAIN_SCRIPT]
    full = subprocess.run(
        [*run, "-", str(tmp_path / "full.pt")], env=env, capture_output=True, text=True
    )
    assert full.returncode == 0, full.stderr
    checkpoint = tmp_path / "ckpt.pt"
    victim = subprocess.Popen(
        [*run, str(checkpoint), str(tmp_path / "resumed.pt")], env=env, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while not checkpoint.exists() and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # into the epochs after the first checkpoint
    assert victim.poll() is None, "training ended before it could be killed"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    assert checkpoint.exists()
    resume = [*run, str(checkpoint), str(tmp_path / "resumed.pt")]
    rerun = subprocess.run(resume, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "resuming training from the checkpoint" in rerun.stderr
    assert json.loads(rerun.stdout) == json.loads(full.stdout)
    a, b = torch.load(tmp_path / "full.pt"), torch.load(tmp_path / "resumed.pt")
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_regression_trains_privately_on_per_row_squared_errors():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(400, 5, generator=g)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 0.0, 1.5]) + 0.1 * torch.randn(400, generator=g)
    data = TrainingData(X[:320], y[:320], X[320:], y[320:], n_classes=0, task="regression")
    run = private(loss={"name": "mse"}, epochs=10, privacy={"enabled": True, "target_epsilon": 8})
    _, history = train(data, run)
    assert history.attrs["privacy"]["epsilon"] <= 8.0
    assert history["val_rmse"].iloc[-1] < history["val_rmse"].iloc[0]
