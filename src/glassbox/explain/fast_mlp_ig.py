"""Integrated Gradients for MLPs that start with a Linear layer, without most of the work.

Captum's ``IntegratedGradients`` evaluates the model and its input gradient at every point
of the path ``b + a(x - b)`` (n_steps points per row). When the model starts with a Linear
layer ``z = W x + c``, two facts cut that work:

- the first layer is linear along the path: ``z(a) = z(0) + a W (x - b)``, so its outputs at
  all steps come from two matrix products per row instead of one per step;
- its input gradient is ``grad_z @ W`` at every step, so the weighted sum over steps can be
  taken before multiplying by ``W`` (one product per row, not per step).

Only the (small) rest of the network runs per step, and its backward pass is written out by
hand for the layers an MLP has (Linear, ReLU, BatchNorm in eval mode, Dropout in eval mode):
the gradient of one target logit needs only that logit's row of the last layer, and no
autograd graph is recorded. The quadrature (Captum's Gauss-Legendre
points and weights) is the same, so attributions equal Captum's up to float rounding
(checked in tests and in benchmarks/integrated_gradients_speed.py).
"""

from __future__ import annotations

import torch
from torch import nn

_HIDDEN_LAYERS = (nn.Linear, nn.ReLU, nn.BatchNorm1d, nn.Dropout)


def supports(model: nn.Module) -> bool:
    """True for a Sequential ``model.layers`` of Linear ... Linear with ReLU, BatchNorm and
    Dropout in between (glassbox's MLP); other models take the general path of
    glassbox.explain.integrated_gradients."""
    layers = getattr(model, "layers", None)
    return (
        isinstance(layers, nn.Sequential)
        and len(layers) >= 2
        and isinstance(layers[0], nn.Linear)
        and isinstance(layers[-1], nn.Linear)
        and all(isinstance(layer, _HIDDEN_LAYERS) for layer in layers[1:-1])
    )


def _batch_norm_scale(layer: nn.BatchNorm1d) -> torch.Tensor:
    scale = torch.rsqrt(layer.running_var + layer.eps)
    return scale * layer.weight if layer.affine else scale


@torch.no_grad()
def integrated_gradients(
    model: nn.Module,
    inputs: torch.Tensor,
    baselines: torch.Tensor,
    target: torch.Tensor,
    n_steps: int = 50,
    method: str = "gausslegendre",
    rows_per_chunk: int = 1024,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attributions (rows x features) and the completeness delta per row:
    ``sum(attributions) - (f(x) - f(b))`` for the target output."""
    from captum.attr._utils.approximation_methods import approximation_parameters

    if not supports(model):
        raise TypeError("fast Integrated Gradients needs glassbox's MLP (Linear ... Linear)")
    step_sizes_fn, alphas_fn = approximation_parameters(method)
    alphas = torch.tensor(alphas_fn(n_steps), dtype=inputs.dtype).view(1, -1, 1)
    weights = torch.tensor(step_sizes_fn(n_steps), dtype=inputs.dtype).view(1, -1, 1)
    model.eval()
    first, hidden, last = model.layers[0], list(model.layers[1:-1]), model.layers[-1]
    baselines = baselines.expand_as(inputs)

    attributions, deltas = [], []
    for start in range(0, len(inputs), rows_per_chunk):
        x = inputs[start : start + rows_per_chunk]
        b = baselines[start : start + rows_per_chunk]
        t = target[start : start + rows_per_chunk]
        z_base = first(b)
        # The first layer along the path, at every step: (rows, steps, width).
        h = z_base.unsqueeze(1) + alphas * ((x - b) @ first.weight.T).unsqueeze(1)
        masks = []
        for layer in hidden:  # forward, keeping what the backward pass needs
            if isinstance(layer, nn.ReLU):
                masks.append(h > 0)
                h = h * masks[-1]
            elif isinstance(layer, nn.Linear):
                h = layer(h)
            elif isinstance(layer, nn.BatchNorm1d):  # eval mode: an affine map per feature
                scale = _batch_norm_scale(layer)
                shift = -layer.running_mean * scale + (layer.bias if layer.affine else 0)
                h = h * scale + shift
        # Backward from the target logit: only its row of the last layer matters.
        grad = last.weight[t].unsqueeze(1) * weights  # quadrature weights folded in
        for layer in reversed(hidden):
            if isinstance(layer, nn.ReLU):
                grad = grad * masks.pop()
            elif isinstance(layer, nn.Linear):
                grad = grad @ layer.weight
            elif isinstance(layer, nn.BatchNorm1d):
                grad = grad * _batch_norm_scale(layer)
        attr = (x - b) * (grad.sum(dim=1) @ first.weight)
        ends = model(torch.cat([x, b]))
        rows = torch.arange(len(x))
        deltas.append(attr.sum(dim=1) - (ends[rows, t] - ends[rows + len(x), t]))
        attributions.append(attr)
    return torch.cat(attributions), torch.cat(deltas)
