"""Runs trained together (glassbox.training.stacked) against the same runs trained one by one."""

import pytest
import torch

from glassbox.training.loop import TrainingData, train
from glassbox.training.stacked import train_stacked
from tests.training.test_loop import blobs, model_bytes, params


def _settings(optimizers, seeds, **overrides):
    return [
        params(seed=seed, optimizer={"name": name}, **overrides)
        for name in optimizers
        for seed in seeds
    ]


def _assert_same_runs(stacked, separate, atol):
    for (m1, h1), (m2, h2) in zip(stacked, separate, strict=True):
        assert len(h1) == len(h2)  # stopped at the same epoch
        assert h1["val_loss"].to_numpy() == pytest.approx(h2["val_loss"].to_numpy(), abs=atol)
        for a, b in zip(m1.state_dict().values(), m2.state_dict().values(), strict=True):
            torch.testing.assert_close(a, b, atol=atol, rtol=0)


def test_stacked_runs_match_the_same_runs_trained_one_by_one():
    data = blobs()
    runs = _settings(
        ["sgd", "momentum", "adagrad", "adam", "adamw"],
        seeds=[0, 1],
        epochs=40,
        early_stopping={"patience": 5},
    )
    # A large step makes one run's validation loss bounce: it stops early, the others go on.
    runs.append(
        params(optimizer={"name": "sgd", "lr": 2.0}, epochs=40, early_stopping={"patience": 5})
    )
    stacked = train_stacked(data, runs)
    separate = [train(data, r) for r in runs]
    _assert_same_runs(stacked, separate, atol=1e-5)
    lengths = {len(history) for _, history in stacked}
    assert min(lengths) < 40 and max(lengths) == 40  # early stopping is each run's own


@pytest.mark.parametrize(
    "model",
    [
        {"name": "cnn", "channels": [4, 8], "hidden": 16, "dropout": 0.0},
        {"name": "resnet", "width": 16, "depth": 2, "hidden_dropout": 0.0},
    ],
    ids=["cnn", "resnet"],
)
def test_every_architecture_trains_stacked_as_one_by_one(model):
    """Without dropout, whose masks differ between stacked and single runs."""
    from tests.training.test_architectures import image_blobs

    data = image_blobs()
    runs = _settings(["momentum", "adam"], seeds=[0, 1], epochs=8, model=model)
    _assert_same_runs(train_stacked(data, runs), [train(data, r) for r in runs], atol=1e-5)


def test_gradient_clipping_and_schedules_act_on_each_run_alone():
    data = blobs()
    runs = _settings(["sgd", "rmsprop"], seeds=[0, 1], grad_clip_norm=0.05)
    runs += _settings(["sgd"], seeds=[0, 1], scheduler={"name": "plateau", "patience": 0})
    runs += _settings(["adagrad"], seeds=[0], scheduler={"name": "onecycle"})
    runs = [r.model_copy(update={"grad_clip_norm": 0.05}) for r in runs]
    _assert_same_runs(train_stacked(data, runs), [train(data, r) for r in runs], atol=1e-5)


def test_regression_runs_match_too():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(300, 5, generator=g)
    y = X @ torch.randn(5, generator=g) + 0.1 * torch.randn(300, generator=g)
    data = TrainingData(X[:240], y[:240], X[240:], y[240:], n_classes=0, task="regression")
    runs = _settings(["sgd", "adam"], seeds=[0, 1])
    stacked = train_stacked(data, runs)
    _assert_same_runs(stacked, [train(data, r) for r in runs], atol=1e-5)
    assert "val_rmse" in stacked[0][1].columns


def test_same_runs_same_bytes_and_batch_norm_with_dropout_learns():
    data = blobs()
    runs = _settings(["adam", "momentum"], seeds=[3, 4], model={"batch_norm": True, "dropout": 0.2})
    first, second = train_stacked(data, runs), train_stacked(data, runs)
    assert [model_bytes(m) for m, _ in first] == [model_bytes(m) for m, _ in second]
    assert model_bytes(first[0][0]) != model_bytes(first[1][0])  # the seed reaches the run
    assert all(history["val_accuracy"].max() > 0.9 for _, history in first)


def test_runs_that_differ_in_more_than_optimizer_seed_and_schedule_are_refused():
    runs = [params(batch_size=32), params(batch_size=64)]
    with pytest.raises(ValueError, match="must share every training setting"):
        train_stacked(blobs(), runs)
