"""Differentially private training (DP-SGD, Abadi et al., 2016) on Opacus's accountants.

What one private step does, as in Opacus: sample a batch by Poisson sampling (every training
row joins with probability ``sample_rate``, independently), clip each row's gradient to norm
``max_grad_norm``, add Gaussian noise of standard deviation ``noise_multiplier x
max_grad_norm`` to their sum, divide by the expected batch size, and let the optimizer step.
The noise multiplier is Opacus's, chosen so that the planned steps (``training.epochs`` of
them) spend exactly ``target_epsilon`` at ``target_delta`` under the chosen accountant; a
run that stops early has spent less, and the accountant says how much.

Per-row gradients are computed one of two ways (``training.privacy.per_sample_gradients``):

- ``glassbox`` (auto for models whose weights are all ``nn.Linear``: the MLP): for a linear
  layer, a row's weight gradient is the outer product of the layer's input and the gradient
  at its output, so its norm is the product of theirs. One backward pass gives every layer's
  output gradients, the norms come from them, and each layer's clipped sum is one matrix
  product. On the 200,000 x 100 table an epoch costs about 1.3x a plain one, against about
  3x for Opacus's ghost clipping and 7x for its hooks (``python -m benchmarks.dp_training``
  measures all of them side by side). Tested equal to Opacus's clipped gradients.
- Opacus's modes (``ghost``, auto for every other model: convolutions, layer norm;
  ``hooks``, ``functorch``): Opacus's GradSampleModule and DP optimizer.

Everything random lives in two generators, the loop's shuffle generator (it samples the
batches) and the noise generator here; a checkpoint saves both and the accountant's steps,
so a resumed run ends with the same weights and the same spent epsilon as one never stopped.
"""

from __future__ import annotations

import functools
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from glassbox.errors import InputDataError
from glassbox.training.params import PrivacyParams

log = logging.getLogger(__name__)

# Opacus's modes, and glassbox's own (module docstring).
OPACUS_MODES = ("ghost", "hooks", "functorch")


@contextmanager
def _quiet_accounting():
    """Opacus's RDP analysis warns that a larger order might give a tighter bound; the PRV
    accountant uses it only to bound its domain, and the bound is still valid: no warning
    a user could act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Optimal order is the")
        yield


def default_delta(n_rows: int) -> float:
    """δ when none is set: one in ten times the training rows (well below 1 / rows, the
    point past which a mechanism may publish one row outright)."""
    return 1.0 / (10 * n_rows)


@dataclass(frozen=True)
class PrivacyPlan:
    """The privacy settings of one run, fixed before its first step."""

    target_epsilon: float | None  # None: clipping without noise (no guarantee)
    delta: float
    max_grad_norm: float
    noise_multiplier: float
    sample_rate: float
    expected_batch_size: int
    planned_steps: int
    accountant: str
    per_sample_gradients: str

    def describe(self) -> dict:
        return {"enabled": True, **self.__dict__}


def plan(params: PrivacyParams, n_rows: int, batch_size: int, epochs: int) -> PrivacyPlan:
    """The noise multiplier that spends ``target_epsilon`` over ``epochs`` epochs of Poisson
    batches of expected size ``batch_size``."""
    if batch_size >= n_rows:
        raise InputDataError(
            f"training.batch_size ({batch_size}) must be below the training rows ({n_rows}) "
            "for private training: each row joins a batch with probability batch_size / rows"
        )
    sample_rate = batch_size / n_rows
    steps_per_epoch = -(-n_rows // batch_size)
    delta = params.target_delta if params.target_delta is not None else default_delta(n_rows)
    if delta >= 1 / n_rows:
        log.warning(
            "training.privacy.target_delta %.3g is not below 1 / training rows (%.3g): at "
            "that delta a mechanism may publish a row outright",
            delta,
            1 / n_rows,
        )
    steps = steps_per_epoch * epochs
    sigma = (
        noise_multiplier(params.target_epsilon, delta, sample_rate, steps, params.accountant)
        if params.noise
        else 0.0
    )
    return PrivacyPlan(
        target_epsilon=params.target_epsilon if params.noise else None,
        delta=delta,
        max_grad_norm=params.max_grad_norm,
        noise_multiplier=sigma,
        sample_rate=sample_rate,
        expected_batch_size=batch_size,
        planned_steps=steps,
        accountant=params.accountant,
        per_sample_gradients=params.per_sample_gradients,
    )


@functools.lru_cache(maxsize=32)  # the PRV accountant's search takes seconds; seeds share it
def noise_multiplier(
    epsilon: float, delta: float, sample_rate: float, steps: int, accountant: str
) -> float:
    """Opacus's noise multiplier for ``steps`` Poisson-sampled steps to spend ``epsilon``."""
    from opacus.accountants.utils import get_noise_multiplier

    try:
        with _quiet_accounting():
            return float(
                get_noise_multiplier(
                    target_epsilon=epsilon,
                    target_delta=delta,
                    sample_rate=sample_rate,
                    steps=steps,
                    accountant=accountant,
                )
            )
    except ValueError as e:  # "The privacy budget is too low."
        raise InputDataError(
            f"training.privacy.target_epsilon {epsilon} cannot be reached in {steps} steps at "
            f"sample rate {sample_rate:.4g} ({e}); raise target_epsilon, or lower epochs or "
            "batch_size"
        ) from None


def poisson_batch(n: int, rate: float, generator: torch.Generator) -> torch.Tensor:
    """Row positions of one Poisson-sampled batch: each of ``n`` rows joins with probability
    ``rate``, independently. Drawn as a binomial batch size and then that many distinct rows
    uniformly (the same distribution), which costs the batch's size rather than ``n``."""
    size = int(torch.binomial(torch.tensor([float(n)]), torch.tensor([rate]), generator).item())
    if size == 0:
        return torch.empty(0, dtype=torch.long)
    if size > n // 8:
        return torch.randperm(n, generator=generator)[:size]
    # The first `size` distinct values of uniform draws are a uniform subset, in random order.
    drawn = torch.randint(n, (size + size // 8 + 8,), generator=generator)
    while True:
        distinct, inverse = torch.unique(drawn, return_inverse=True)
        if len(distinct) >= size:
            break
        drawn = torch.cat([drawn, torch.randint(n, (size,), generator=generator)])
    positions = torch.arange(len(drawn))
    first = torch.full((len(distinct),), len(drawn)).scatter_reduce(0, inverse, positions, "amin")
    return drawn[first.sort().values[:size]]


def check_model(model: nn.Module) -> None:
    """Stop before the first step on layers differential privacy cannot train (Opacus's
    ModuleValidator: batch norm mixes rows, so no row's gradient is its own)."""
    from opacus.validators import ModuleValidator

    problems = ModuleValidator.validate(model.train(), strict=False)
    if problems:
        found = "; ".join(sorted({str(p) for p in problems}))
        raise InputDataError(
            f"training.privacy.enabled: the model has layers private training cannot use "
            f"({found}). Set training.model.mlp.batch_norm: false, or "
            "training.model.resnet.normalization: layer_norm"
        )


def _only_linear(model: nn.Module) -> bool:
    return all(
        isinstance(module, nn.Linear) or not any(p.requires_grad for p in module.parameters(False))
        for module in model.modules()
    )


class PrivateTraining:
    """One run's private steps: batches, clipped and noised gradients, the accountant."""

    def __init__(self, plan: PrivacyPlan, model: nn.Module, optimizer, seed: int) -> None:
        from opacus.accountants import create_accountant

        check_model(model)
        self.plan = plan
        self.accountant = create_accountant(plan.accountant)
        # Its own stream: the noise does not depend on how many rows the batches drew.
        self.noise = torch.Generator(device=next(model.parameters()).device)
        self.noise.manual_seed(seed + 1)
        mode = plan.per_sample_gradients
        if mode == "auto":
            mode = "glassbox" if _only_linear(model) else "ghost"
        if mode == "glassbox" and not _only_linear(model):
            raise InputDataError(
                "training.privacy.per_sample_gradients: glassbox handles models whose weights "
                "are all linear layers (the mlp); use auto or ghost for this model"
            )
        self.mode = mode
        self.optimizer = optimizer
        if mode == "glassbox":
            self._linear = _LinearClipper(model, plan, self.noise)
            self.model = model
        else:
            self.model, self.optimizer = _opacus_wrap(model, optimizer, plan, mode, self.noise)
        log.info(
            "private training: noise multiplier %.3f for epsilon %s at delta %.3g over %d "
            "steps (sample rate %.4f, clipping norm %g, per-row gradients: %s)",
            plan.noise_multiplier,
            "inf (clipping only)" if plan.target_epsilon is None else f"{plan.target_epsilon:g}",
            plan.delta,
            plan.planned_steps,
            plan.sample_rate,
            plan.max_grad_norm,
            mode,
        )

    def batches(self, n: int, generator: torch.Generator):
        """One epoch's batches (as many as a shuffled epoch has), Poisson-sampled."""
        for _ in range(-(-n // self.plan.expected_batch_size)):
            yield poisson_batch(n, self.plan.sample_rate, generator)

    def step(self, per_row_loss: torch.Tensor) -> None:
        """Backward pass and optimizer step from the batch's per-row losses."""
        if self.mode == "glassbox":
            self._linear.set_gradients(per_row_loss)
            self.optimizer.step()
        else:
            self._opacus_backward(per_row_loss)
            self.optimizer.step()
        self.accountant.step(
            noise_multiplier=self.plan.noise_multiplier, sample_rate=self.plan.sample_rate
        )

    def finish(self) -> None:
        """Detach what training attached to the model (hooks, per-row gradient attributes):
        the trained model is a plain model."""
        if self.mode == "glassbox":
            self._linear.remove()
        else:
            self.model.cleanup()

    def zero_grad(self) -> None:
        self.optimizer.zero_grad(set_to_none=True)

    def _opacus_backward(self, per_row_loss: torch.Tensor) -> None:
        with warnings.catch_warnings():
            # Opacus's hooks on the first layer, whose input needs no gradient: expected.
            warnings.filterwarnings("ignore", message="Full backward hook is firing")
            self._opacus_backward_passes(per_row_loss)

    def _opacus_backward_passes(self, per_row_loss: torch.Tensor) -> None:
        if self.mode == "ghost":
            from opacus.utils.fast_gradient_clipping_utils import DPTensorFastGradientClipping

            DPTensorFastGradientClipping(self.model, self.optimizer, per_row_loss).backward()
        else:
            per_row_loss.mean().backward()

    def spent_epsilon(self) -> float | None:
        """The ε spent by the steps taken so far, at the plan's δ; None (ε = ∞) without noise."""
        if self.plan.noise_multiplier == 0:
            return None
        if self.steps() == 0:
            return 0.0
        with _quiet_accounting():
            return float(self.accountant.get_epsilon(delta=self.plan.delta))

    def state_dict(self) -> dict:
        return {"noise_rng": self.noise.get_state(), "steps": self.steps()}

    def load_state_dict(self, state: dict) -> None:
        self.noise.set_state(state["noise_rng"])
        if state["steps"]:
            self.accountant.history = [
                (self.plan.noise_multiplier, self.plan.sample_rate, int(state["steps"]))
            ]

    def steps(self) -> int:
        return sum(steps for _, _, steps in self.accountant.history)


def _opacus_wrap(model: nn.Module, optimizer, plan: PrivacyPlan, mode: str, noise):
    """Opacus's GradSampleModule and DP optimizer for ``mode``."""
    from opacus.grad_sample.utils import prepare_module
    from opacus.optimizers import DPOptimizer, DPOptimizerFastGradientClipping

    if mode == "ghost":
        wrapped = prepare_module(
            model, "ghost", max_grad_norm=plan.max_grad_norm, loss_reduction="mean"
        )
        kind = DPOptimizerFastGradientClipping
    else:
        wrapped = prepare_module(model, mode, loss_reduction="mean")
        kind = DPOptimizer
    private = kind(
        optimizer,
        noise_multiplier=plan.noise_multiplier,
        max_grad_norm=plan.max_grad_norm,
        expected_batch_size=plan.expected_batch_size,
        loss_reduction="mean",
        generator=noise,
    )
    return wrapped, private


class _LinearClipper:
    """Clipped, noised gradients for a model of linear layers from one backward pass (the
    module docstring says how). Each linear layer's input and output are recorded during the
    forward pass; a layer called twice in one pass would share weights across positions, and
    is refused."""

    def __init__(self, model: nn.Module, plan: PrivacyPlan, noise: torch.Generator) -> None:
        self.plan, self.noise = plan, noise
        self.layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
        self.seen: list[tuple[nn.Linear, torch.Tensor, torch.Tensor]] = []
        self.hooks = [layer.register_forward_hook(self._record) for layer in self.layers]

    def remove(self) -> None:
        for hook in self.hooks:
            hook.remove()
        self.seen = []

    def _record(self, layer: nn.Linear, inputs: tuple, output: torch.Tensor) -> None:
        if torch.is_grad_enabled():
            self.seen.append((layer, inputs[0], output))

    def set_gradients(self, per_row_loss: torch.Tensor) -> None:
        seen, self.seen = self.seen, []
        layers = [layer for layer, _, _ in seen]
        if len(set(map(id, layers))) != len(layers) or any(x.dim() != 2 for _, x, _ in seen):
            raise RuntimeError(
                "per_sample_gradients glassbox needs each linear layer applied once per row "
                "(2-D inputs); use per_sample_gradients: ghost"
            )
        plan = self.plan
        if len(per_row_loss) == 0:  # an empty Poisson batch: the step is noise alone
            grads = [torch.zeros_like(out) for _, _, out in seen]
        else:
            grads = torch.autograd.grad(per_row_loss.sum(), [out for _, _, out in seen])
        squared = torch.zeros(len(per_row_loss), device=per_row_loss.device)
        for (layer, x, _), g in zip(seen, grads, strict=True):
            g2 = g.pow(2).sum(1)
            squared += g2 * x.pow(2).sum(1) + (g2 if layer.bias is not None else 0)
        factor = (plan.max_grad_norm / (squared.sqrt() + 1e-6)).clamp(max=1.0)
        std = plan.noise_multiplier * plan.max_grad_norm
        for (layer, x, _), g in zip(seen, grads, strict=True):
            clipped = g * factor[:, None]
            for param, summed in ((layer.weight, clipped.T @ x), (layer.bias, clipped.sum(0))):
                if param is None:
                    continue
                noise = torch.normal(
                    0.0, std, param.shape, generator=self.noise, device=param.device
                )
                param.grad = (summed.detach() + noise) / plan.expected_batch_size
