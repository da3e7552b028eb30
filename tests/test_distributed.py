"""Data-parallel training (glassbox.distributed): two processes on gloo, launched by the
training code itself, train the same model as one process with the same global batch."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from glassbox.distributed import train_as_configured
from glassbox.parameters import TrainingParams
from glassbox.training_loop import TrainingData, build_trained_model, train


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
