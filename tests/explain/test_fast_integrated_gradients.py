import pytest
import torch
from captum.attr import IntegratedGradients
from torch import nn

from glassbox.explain.fast_integrated_gradients import integrated_gradients, supports
from glassbox.training.mlp import MLP


@pytest.mark.parametrize(
    "model",
    [
        MLP(12, 4, [16, 8]),
        MLP(12, 4, [16], batch_norm=True, dropout=0.3),
        MLP(12, 3, [5, 5, 5]),
    ],
    ids=["mlp", "batchnorm-dropout", "deeper"],
)
def test_equals_captum_attributions_and_convergence_delta(model):
    torch.manual_seed(0)
    if any(isinstance(m, nn.BatchNorm1d) for m in model.modules()):
        model.train()
        model(torch.randn(64, 12) * 2 + 1)  # give batch norm non-trivial running statistics
    model.eval()
    X = torch.randn(50, 12)
    baseline = torch.randn(1, 12)
    target = torch.randint(0, model.architecture["output_dim"], (50,))
    ours, delta = integrated_gradients(model, X, baseline, target, n_steps=50, rows_per_chunk=16)
    theirs, their_delta = IntegratedGradients(model).attribute(
        X, baselines=baseline, target=target, n_steps=50, return_convergence_delta=True
    )
    assert (ours - theirs).abs().max() <= 1e-5
    assert (delta - their_delta).abs().max() <= 1e-4


def test_other_models_are_not_taken():
    assert supports(MLP(3, 2, [4]))
    assert not supports(nn.Sequential(nn.Linear(3, 2)))  # no .layers
    with pytest.raises(TypeError, match="needs glassbox's MLP"):
        integrated_gradients(nn.Linear(3, 2), torch.zeros(1, 3), torch.zeros(1, 3), torch.zeros(1))
