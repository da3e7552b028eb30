import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.class_weight import compute_class_weight

from glassbox.errors import InputDataError
from glassbox.training.focal_loss import FocalLoss
from glassbox.training.loop import TrainingData, train
from glassbox.training.losses import balanced_weights, build_loss, check_loss_fits
from glassbox.training.params import LossParams, TrainingParams


def test_focal_loss_with_gamma_zero_is_cross_entropy_weighted_or_not():
    torch.manual_seed(0)
    logits, target = torch.randn(20, 4), torch.randint(0, 4, (20,))
    weight = torch.tensor([1.0, 2.0, 0.5, 3.0])
    assert torch.allclose(FocalLoss(0.0)(logits, target), F.cross_entropy(logits, target))
    assert torch.allclose(
        FocalLoss(0.0, weight)(logits, target), F.cross_entropy(logits, target, weight=weight)
    )
    assert FocalLoss(2.0)(logits, target) < F.cross_entropy(logits, target)


def test_balanced_weights_match_scikit_learn():
    y = np.array([0, 0, 0, 0, 1, 1, 2])
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(balanced_weights(torch.from_numpy(y), 3).numpy(), expected)


@pytest.mark.parametrize(
    ("loss", "task", "message"),
    [
        ("mse", "classification", "'mse', a regression loss, but the task is classification"),
        ("focal", "regression", "'focal', a classification loss, but the task is regression"),
    ],
)
def test_a_loss_of_the_other_task_is_refused_naming_the_right_ones(loss, task, message):
    with pytest.raises(InputDataError, match=message):
        check_loss_fits(loss, task)
    with pytest.raises(InputDataError, match="use one of"):
        build_loss(LossParams(name=loss), task, torch.zeros(4, dtype=torch.long), 2)


def _params(loss: str, **loss_options) -> TrainingParams:
    return TrainingParams(
        epochs=40,
        checkpoint_every=0,
        progress="never",
        loss={"name": loss, **loss_options},
        early_stopping={"patience": None},
    )


@pytest.mark.parametrize(
    ("loss", "options"),
    [
        ("cross_entropy", {}),
        ("label_smoothing", {}),
        ("focal", {}),
        ("cross_entropy", {"class_weights": "balanced"}),
    ],
)
def test_each_classification_loss_trains(loss, options):
    X, y = make_classification(300, 8, n_informative=5, n_classes=3, random_state=0)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    data = TrainingData(X[:240], y[:240], X[240:], y[240:], n_classes=3)
    model, history = train(data, _params(loss, **options))
    assert history["val_accuracy"].iloc[-1] > 0.75
    assert history["train_loss"].iloc[-1] < history["train_loss"].iloc[0]


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_each_regression_loss_trains_and_reports_rmse_in_target_units(loss):
    X, y = make_regression(300, 8, n_informative=5, noise=5.0, random_state=0)
    scale = float(y.std())
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y / scale, dtype=torch.float32)
    data = TrainingData(
        X[:240], y[:240], X[240:], y[240:], n_classes=0, task="regression", target_scale=scale
    )
    model, history = train(data, _params(loss))
    assert list(history.columns) == [
        "epoch",
        "train_loss",
        "val_loss",
        "val_rmse",
        "lr",
        "epoch_seconds",
    ]
    assert model.architecture["output_dim"] == 1
    final_rmse = history["val_rmse"].iloc[-1]
    assert final_rmse < 0.3 * scale  # far better than predicting the mean (RMSE ≈ scale)
    with torch.no_grad():
        predicted = model(X[240:]).squeeze(1) * scale
    rmse = (predicted - y[240:] * scale).pow(2).mean().sqrt().item()
    assert rmse == pytest.approx(history.loc[history["val_loss"].idxmin(), "val_rmse"], rel=1e-4)
