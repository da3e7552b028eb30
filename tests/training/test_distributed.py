"""Data-parallel training (glassbox.training.distributed): two processes on gloo, launched by the
training code itself, train the same model as one process with the same global batch."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from glassbox.training.distributed import backend_for, train_as_configured
from glassbox.training.loop import TrainingData, build_trained_model, train
from glassbox.training.params import TrainingParams


def _digits(rows: int) -> TrainingData:
    X, y = load_digits(return_X_y=True)
    X = torch.from_numpy((X / 16.0).astype(np.float32))
    y = torch.from_numpy(y)
    return TrainingData(X[:rows], y[:rows], X[1500:1700], y[1500:1700], n_classes=10)


def _max_weight_difference(a: torch.nn.Module, b: torch.nn.Module) -> float:
    return max(
        (x - y).abs().max().item()
        for x, y in zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    )


@pytest.mark.parametrize(
    ("rows", "loss"),
    [
        # 301 rows in batches of 50: the last batch has one row, so one process's shard
        # of it is empty.
        (301, {"name": "cross_entropy"}),
        # Class weights: shards are weighed by their share of the batch's weight.
        (290, {"name": "label_smoothing", "class_weights": "balanced"}),
    ],
)
def test_two_processes_train_the_same_model_as_one(rows, loss):
    data = _digits(rows)
    settings = {
        "epochs": 4,
        "batch_size": 50,
        "loss": loss,
        "checkpoint_every": 0,
        "progress": "never",
        "early_stopping": {"patience": None},
    }
    one, one_history = train(data, TrainingParams(**settings))
    two, two_history = train_as_configured(
        data, TrainingParams(**settings, distributed={"nproc_per_node": 2}), None
    )
    assert _max_weight_difference(one, two) <= 1e-5
    # Not trivially equal: training moved the weights far from where they started.
    torch.manual_seed(42)
    initial = build_trained_model(TrainingParams(**settings), data)
    assert _max_weight_difference(one, initial) > 1e-2
    np.testing.assert_allclose(
        two_history["train_loss"], one_history["train_loss"], rtol=1e-5, atol=0
    )
    np.testing.assert_allclose(two_history["val_loss"], one_history["val_loss"], rtol=1e-5)
    assert list(two_history["epoch"]) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "model",
    [
        {"name": "cnn", "channels": [4, 8], "hidden": 16, "dropout": 0.0},
        {"name": "resnet", "width": 16, "depth": 2, "hidden_dropout": 0.0},
    ],
    ids=["cnn", "resnet"],
)
def test_two_processes_train_every_architecture_as_one(model):
    """Without dropout (whose masks each process draws for its own shard)."""
    data = _digits(200)
    data.image_layout = {"image_shape": [1, 8, 8], "pixel_index": list(range(64))}
    settings = {
        "epochs": 4,
        "batch_size": 50,
        "model": model,
        "checkpoint_every": 0,
        "progress": "never",
        "early_stopping": {"patience": None},
    }
    one, _ = train(data, TrainingParams(**settings))
    two, _ = train_as_configured(
        data, TrainingParams(**settings, distributed={"nproc_per_node": 2}), None
    )
    assert two.architecture == one.architecture
    assert _max_weight_difference(one, two) <= 1e-5
    torch.manual_seed(42)
    # Adam's steps are at most about lr (1e-3) each: 16 steps moved the weights this far.
    assert _max_weight_difference(one, build_trained_model(TrainingParams(**settings), data)) > 5e-3


def test_settings_that_cannot_work_across_processes_are_refused_up_front():
    for model in ({"batch_norm": True}, {"name": "resnet", "normalization": "batch_norm"}):
        with pytest.raises(ValueError, match="batch statistics, which cannot be combined"):
            TrainingParams(model=model, distributed={"nproc_per_node": 2})
    TrainingParams(model={"name": "resnet"}, distributed={"nproc_per_node": 2})  # layer norm
    with pytest.raises(ValueError, match="rdzv_endpoint .* is needed when nnodes is 2"):
        TrainingParams(distributed={"nnodes": 2})
    on_cpu = TrainingParams(device="cpu", distributed={"nproc_per_node": 2, "backend": "nccl"})
    with pytest.raises(RuntimeError, match="'nccl', which needs CUDA"):
        backend_for(on_cpu)
    assert backend_for(TrainingParams(device="cpu")) == "gloo"


def test_a_failing_worker_stops_the_run_with_its_error():
    data = _digits(100)
    data.y_train[0] = 99  # a label outside the model's 10 classes
    params = TrainingParams(
        epochs=1, checkpoint_every=0, progress="never", distributed={"nproc_per_node": 2}
    )
    with pytest.raises(RuntimeError, match=r"failed in worker rank \d \(of 2\): .*Target 99"):
        train_as_configured(data, params, None)
