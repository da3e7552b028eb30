"""Where attribution methods are registered, and how the chosen ones are run.

Each method is one registration: a builder that takes the model, the reference rows and
the explainability parameters and returns a function (inputs, target) -> attributions.
The built-in ones wrap Captum, except Integrated Gradients, which uses Captum's quadrature
with less overhead (``glassbox.explain.integrated_gradients``, the service's too). The
parameter models accept exactly the registered names. This module imports neither torch nor
Captum at import time, so parameters are checked before a run without loading them.

What each explanation is worth is judged in ``glassbox.explain.trust``; the global views
across methods are in ``glassbox.explain.views``.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from glassbox.registries import check_name

if TYPE_CHECKING:
    import torch
    from torch import nn

    from glassbox.explain.params import ExplainabilityParams
    from glassbox.progress import Heartbeat

# (model, baselines, params) -> (inputs, target) -> attributions
Builder = Callable[..., Callable]


@dataclass(frozen=True)
class Method:
    build: Builder
    gradients: bool  # needs the inputs' gradients (Captum switches them on, with a warning)
    by_default: bool  # in `explainability.methods` when the parameters leave it out


METHODS: dict[str, Method] = {}


def register_method(name: str, *, gradients: bool, by_default: bool = True):
    """Decorator: ``build(model, baselines, params)`` becomes attribution method ``name``.
    ``baselines`` holds one reference row, or several (``training_samples``)."""

    def register(build: Builder) -> Builder:
        METHODS[name] = Method(build, gradients, by_default)
        return build

    return register


def default_methods() -> list[str]:
    return [name for name, method in METHODS.items() if method.by_default]


@dataclass
class Attributions:
    """One method's attributions for the explained rows, and what it cost."""

    method: str
    values: np.ndarray  # rows x features, signed
    seconds: float
    extras: dict = field(default_factory=dict)


def explainer(
    method: str, model: nn.Module, baselines: torch.Tensor, params: ExplainabilityParams
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A function (inputs, target) -> attributions for the registered ``method``."""
    entry = METHODS[check_name(method, METHODS, "explanation method")]
    model.eval()
    explain = entry.build(model, baselines, params)
    if not entry.gradients:
        return explain

    def with_gradients(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        # Captum warns when it has to switch on the inputs' gradients itself, and DeepLift
        # announces on every call that it hooks the activations for that call: both expected.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Setting forward, backward hooks", UserWarning)
            return explain(x.detach().requires_grad_(), t)

    return with_gradients


def _averaged(single: Callable, baselines: torch.Tensor) -> Callable:
    """A method that takes one reference row, averaged over several (expected-gradients
    style) when there are several."""
    import torch

    if len(baselines) == 1:
        return lambda x, t: single(x, t, baselines[:1])
    return lambda x, t: torch.stack([single(x, t, b[None]) for b in baselines]).mean(0)


@register_method("integrated_gradients", gradients=True)
def _integrated_gradients(model, baselines, params):
    from glassbox.explain.integrated_gradients import integrated_gradients

    return _averaged(
        lambda x, t, b: integrated_gradients(model, x, b, t, params.ig_steps)[0], baselines
    )


@register_method("saliency", gradients=True)
def _saliency(model, baselines, params):
    from captum import attr

    saliency = attr.Saliency(model)
    return lambda x, t: saliency.attribute(x, target=t, abs=False)


@register_method("input_x_gradient", gradients=True)
def _input_x_gradient(model, baselines, params):
    from captum import attr

    ixg = attr.InputXGradient(model)
    return lambda x, t: ixg.attribute(x, target=t)


@register_method("deeplift", gradients=True)
def _deeplift(model, baselines, params):
    from captum import attr

    if len(baselines) == 1:
        deeplift = attr.DeepLift(model)
        return lambda x, t: deeplift.attribute(x, baselines=baselines[:1], target=t)
    deeplift_shap = attr.DeepLiftShap(model)
    return lambda x, t: deeplift_shap.attribute(x, baselines=baselines, target=t)


@register_method("gradient_shap", gradients=True)
def _gradient_shap(model, baselines, params):
    import torch
    from captum import attr

    shap = attr.GradientShap(model)
    one = baselines[:1]
    return lambda x, t: shap.attribute(
        x,
        baselines=baselines if len(baselines) > 1 else torch.cat([one, one]),
        target=t,
        n_samples=params.baseline_samples,
        stdevs=0.0,
    )


@register_method("feature_ablation", gradients=False)
def _feature_ablation(model, baselines, params):
    from captum import attr

    ablation = attr.FeatureAblation(model)
    return _averaged(
        lambda x, t, b: ablation.attribute(x, baselines=b, target=t, perturbations_per_eval=16),
        baselines,
    )


@register_method("smoothgrad", gradients=True, by_default=False)
def _smoothgrad(model, baselines, params):
    from captum import attr

    tunnel = attr.NoiseTunnel(attr.Saliency(model))
    return lambda x, t: tunnel.attribute(
        x,
        nt_type="smoothgrad",
        nt_samples=params.smoothgrad_samples,
        nt_samples_batch_size=params.smoothgrad_samples,
        stdevs=params.smoothgrad_stdev,
        target=t,
        abs=False,
    )


# The built-in names (the registry may grow at run time).
METHOD_NAMES = tuple(METHODS)


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed the global random generators Captum draws from, and restore them afterwards.

    Captum takes no generator argument: GradientSHAP and SmoothGrad draw noise from torch's
    global generator, and GradientSHAP draws its interpolation points from numpy's
    (``np.random.uniform``), so both must be seeded for a run to repeat exactly.
    """
    import torch

    numpy_state = np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        np.random.seed(seed)
        try:
            yield
        finally:
            np.random.set_state(numpy_state)


def reference_rows(
    X_train: torch.Tensor, params: ExplainabilityParams, generator: torch.Generator
) -> torch.Tensor:
    """The baseline row(s) attributions are measured against."""
    import torch

    if params.baseline == "zeros":
        return torch.zeros(1, X_train.shape[1])
    if params.baseline == "training_mean":
        return X_train.mean(dim=0, keepdim=True)
    count = min(params.baseline_samples, len(X_train))
    return X_train[torch.randperm(len(X_train), generator=generator)[:count]]


def attribute_all(
    model: nn.Module,
    X: torch.Tensor,
    target: torch.Tensor,
    baselines: torch.Tensor,
    params: ExplainabilityParams,
    heartbeat: Heartbeat | None = None,
) -> dict[str, Attributions]:
    """Every configured method over the explained rows, timed (each named to ``heartbeat``,
    whose log line says which one a long run is on)."""
    results = {}
    for method in params.methods:
        if heartbeat is not None:
            heartbeat.doing(f"attributions by {method}")
        explain = explainer(method, model, baselines, params)
        with seeded(params.seed):
            started = time.perf_counter()
            values = explain(X, target).detach()
            seconds = time.perf_counter() - started
        results[method] = Attributions(method, values.numpy(), seconds)
    return results
