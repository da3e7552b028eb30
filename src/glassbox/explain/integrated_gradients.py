"""Integrated Gradients for any glassbox model: the one implementation the explainability
report, its trust checks, batch inference and the HTTP service all call.

The attributions are Captum's (the same Gauss-Legendre points and weights along the path
``b + a(x - b)``, equal up to float rounding: tested), computed with less overhead. Captum
asks autograd for the gradient of every path point's output separately
(``torch.autograd.grad(torch.unbind(outputs), inputs)``: one graph root per point). Each
row's output depends only on its own input (models are explained in eval mode), so the
gradient of the *sum* of the target outputs gives every point's gradient in one backward
pass; the quadrature weights are folded into that sum. Rows go through in chunks of a few
thousand path points, which keeps memory flat and the products cache-sized.

This replaced a hand-written backward pass of the MLP's layers: measured side by side on
one thread, the general path was as fast on the default 64-32 MLP (17 against 20 ms on
digits' test split, 95 against 93 ms on 2,000 rows of 100 features) and 1.8x faster on a
256-256 MLP, so one implementation serves every architecture.
``benchmarks/integrated_gradients_speed.py`` compares it with Captum for each.
"""

from __future__ import annotations

import functools

import torch
from torch import nn

# Path points per forward/backward pass: large enough that each pass is a few big products,
# small enough that a wide model's activations stay within a few hundred MB.
POINTS_PER_PASS = 16_384


@functools.cache
def _quadrature_points(n_steps: int, method: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Captum's points along the path and their weights, computed once per step count
    (1-2 ms each time: a tenth of explaining digits' test split with the MLP). Kept as
    plain numbers, so that no cached tensor is shared between calls."""
    from captum.attr._utils.approximation_methods import approximation_parameters

    step_sizes_fn, alphas_fn = approximation_parameters(method)
    return tuple(alphas_fn(n_steps)), tuple(step_sizes_fn(n_steps))


def quadrature(n_steps: int, dtype: torch.dtype, method: str = "gausslegendre"):
    """Captum's points along the path and their weights, as (1, steps, 1) tensors."""
    alphas, weights = _quadrature_points(n_steps, method)
    return (
        torch.tensor(alphas, dtype=dtype).view(1, -1, 1),
        torch.tensor(weights, dtype=dtype).view(1, -1, 1),
    )


def integrated_gradients(
    model: nn.Module,
    inputs: torch.Tensor,
    baselines: torch.Tensor,
    target: torch.Tensor,
    n_steps: int = 50,
    points_per_pass: int = POINTS_PER_PASS,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attributions (rows x features) of each row's ``target`` output against ``baselines``
    (one row, or one per input row), and the completeness delta per row:
    ``sum(attributions) - (f(x) - f(b))``."""
    model.eval()
    alphas, weights = quadrature(n_steps, inputs.dtype)
    alphas, weights = alphas.to(inputs.device), weights.to(inputs.device)
    baselines = baselines.expand_as(inputs)
    rows_per_pass = max(1, points_per_pass // n_steps)
    attributions, deltas = [], []
    for start in range(0, len(inputs), rows_per_pass):
        x = inputs[start : start + rows_per_pass]
        b = baselines[start : start + rows_per_pass]
        t = target[start : start + rows_per_pass]
        rows, features = x.shape
        # b + a (x - b) for every point: one fused operation instead of three
        path = torch.addcmul(b.unsqueeze(1), alphas, (x - b).unsqueeze(1))
        path = path.reshape(rows * n_steps, features)
        path.requires_grad_(True)
        with torch.enable_grad():
            outputs = model(path).reshape(rows, n_steps, -1)
            picked = outputs.gather(2, t.view(rows, 1, 1).expand(rows, n_steps, 1))
            # One root: each point's output depends on that point alone, so the gradient of
            # the weighted sum is every point's gradient times its quadrature weight.
            (grad,) = torch.autograd.grad((picked * weights).sum(), path)
        attribution = (x - b) * grad.reshape(rows, n_steps, features).sum(dim=1)
        with torch.no_grad():
            ends = model(torch.cat([x, b]))
            index = torch.arange(rows, device=x.device)
            gap = ends[index, t] - ends[index + rows, t]
        attributions.append(attribution.detach())
        deltas.append(attribution.detach().sum(dim=1) - gap)
    return torch.cat(attributions), torch.cat(deltas)
