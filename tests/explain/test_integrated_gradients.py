import pytest
import torch
from captum.attr import IntegratedGradients
from torch import nn

from glassbox.explain.integrated_gradients import integrated_gradients
from glassbox.training.mlp import MLP


class _TinyConvNet(nn.Module):
    """Not an MLP: convolution, batch norm, pooling over a 3 x 4 image."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Unflatten(1, (1, 3, 4)),
            nn.Conv2d(1, 4, 2),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * 2 * 3, 4),
        )

    def forward(self, x):
        return self.body(x)


@pytest.mark.parametrize(
    "model",
    [
        MLP(12, 4, [16, 8]),
        MLP(12, 4, [16], batch_norm=True, dropout=0.3),
        MLP(12, 3, [5, 5, 5]),
        _TinyConvNet(),
    ],
    ids=["mlp", "batchnorm-dropout", "deeper", "convolutional"],
)
@pytest.mark.parametrize("points_per_pass", [50 * 16, 10_000], ids=["chunked", "one-pass"])
def test_equals_captum_attributions_and_convergence_delta(model, points_per_pass):
    torch.manual_seed(0)
    if any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        model.train()
        model(torch.randn(64, 12) * 2 + 1)  # give batch norm non-trivial running statistics
    model.eval()
    X = torch.randn(50, 12)
    baseline = torch.randn(1, 12)
    target = torch.randint(0, 3, (50,))
    ours, delta = integrated_gradients(
        model, X, baseline, target, n_steps=50, points_per_pass=points_per_pass
    )
    theirs, their_delta = IntegratedGradients(model).attribute(
        X, baselines=baseline, target=target, n_steps=50, return_convergence_delta=True
    )
    assert (ours - theirs).abs().max() <= 1e-5
    assert (delta - their_delta).abs().max() <= 1e-4


def test_one_baseline_per_row_and_a_model_left_in_training_mode():
    torch.manual_seed(1)
    model = MLP(5, 2, [8], dropout=0.5)
    model.train()  # explained in eval mode regardless: dropout would make rows random
    X, baselines = torch.randn(7, 5), torch.randn(7, 5)
    target = torch.zeros(7, dtype=torch.long)
    ours, delta = integrated_gradients(model, X, baselines, target, n_steps=32)
    assert not model.training
    theirs, their_delta = IntegratedGradients(model).attribute(
        X, baselines=baselines, target=target, n_steps=32, return_convergence_delta=True
    )
    assert (ours - theirs).abs().max() <= 1e-5
    assert (delta - their_delta).abs().max() <= 1e-5
