"""Attributions with Captum, their global and local views, and checks of their trustworthiness.

Methods run through Captum, except Integrated Gradients on glassbox's MLP, which uses the
exact, faster computation in ``glassbox.explain.fast_integrated_gradients``. Each method is then
checked four ways, so the report can say which explanations deserve trust:

- deletion: removing the features a method ranks highest should hurt accuracy faster than
  removing random ones;
- model randomisation (Adebayo et al., 2018): a method whose attributions barely change when
  the weights are randomised is explaining the input, not the model;
- infidelity and max-sensitivity (Captum's metrics): lower is better;
- completeness for Integrated Gradients: attributions should sum to f(x) - f(baseline).
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
from scipy.stats import spearmanr
from torch import nn

from glassbox.explain import fast_integrated_gradients as fast_ig
from glassbox.parameters import ExplainabilityParams

GRADIENT_METHODS = (
    "integrated_gradients",
    "saliency",
    "input_x_gradient",
    "deeplift",
    "gradient_shap",
    "smoothgrad",
)


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
    """A function (inputs, target) -> attributions for ``method`` (see _captum_explainer)."""
    explain = _captum_explainer(method, model, baselines, params)
    if method not in GRADIENT_METHODS:
        return explain

    def with_gradients(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        # Captum warns when it has to switch on the inputs' gradients itself, and DeepLift
        # announces on every call that it hooks the activations for that call: both expected.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Setting forward, backward hooks", UserWarning)
            return explain(x.detach().requires_grad_(), t)

    return with_gradients


def _captum_explainer(
    method: str, model: nn.Module, baselines: torch.Tensor, params: ExplainabilityParams
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A function (inputs, target) -> attributions for ``method``.

    ``baselines`` holds one reference row, or several (``training_samples``): methods that
    take one reference are then averaged over them (expected-gradients style).
    """
    from captum import attr

    model.eval()
    one = baselines[:1]

    def averaged(single: Callable) -> Callable:
        if len(baselines) == 1:
            return lambda x, t: single(x, t, one)
        return lambda x, t: torch.stack([single(x, t, b[None]) for b in baselines]).mean(0)

    if method == "integrated_gradients":
        if fast_ig.supports(model):
            return averaged(
                lambda x, t, b: fast_ig.integrated_gradients(model, x, b, t, params.ig_steps)[0]
            )
        ig = attr.IntegratedGradients(model)
        return averaged(
            lambda x, t, b: ig.attribute(
                x, baselines=b, target=t, n_steps=params.ig_steps, internal_batch_size=4096
            )
        )
    if method == "saliency":
        saliency = attr.Saliency(model)
        return lambda x, t: saliency.attribute(x, target=t, abs=False)
    if method == "input_x_gradient":
        ixg = attr.InputXGradient(model)
        return lambda x, t: ixg.attribute(x, target=t)
    if method == "deeplift":
        if len(baselines) == 1:
            deeplift = attr.DeepLift(model)
            return lambda x, t: deeplift.attribute(x, baselines=one, target=t)
        deeplift_shap = attr.DeepLiftShap(model)
        return lambda x, t: deeplift_shap.attribute(x, baselines=baselines, target=t)
    if method == "gradient_shap":
        shap = attr.GradientShap(model)
        return lambda x, t: shap.attribute(
            x,
            baselines=baselines if len(baselines) > 1 else torch.cat([one, one]),
            target=t,
            n_samples=params.baseline_samples,
            stdevs=0.0,
        )
    if method == "feature_ablation":
        ablation = attr.FeatureAblation(model)
        return averaged(
            lambda x, t, b: ablation.attribute(x, baselines=b, target=t, perturbations_per_eval=16)
        )
    if method == "smoothgrad":
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
    raise ValueError(f"unknown explanation method {method!r}")


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed the global random generators Captum draws from, and restore them afterwards.

    Captum takes no generator argument: GradientSHAP and SmoothGrad draw noise from torch's
    global generator, and GradientSHAP draws its interpolation points from numpy's
    (``np.random.uniform``), so both must be seeded for a run to repeat exactly.
    """
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
) -> dict[str, Attributions]:
    """Every configured method over the explained rows, timed."""
    results = {}
    for method in params.methods:
        explain = explainer(method, model, baselines, params)
        with seeded(params.seed):
            started = time.perf_counter()
            values = explain(X, target).detach()
            seconds = time.perf_counter() - started
        results[method] = Attributions(method, values.numpy(), seconds)
    return results


def completeness(
    model: nn.Module,
    X: torch.Tensor,
    target: torch.Tensor,
    baselines: torch.Tensor,
    params: ExplainabilityParams,
) -> dict:
    """Integrated Gradients' convergence delta, relative to the output difference it explains."""
    from captum.attr import IntegratedGradients

    deltas, gaps = [], []
    for b in baselines:
        b = b[None]
        if fast_ig.supports(model):
            _, delta = fast_ig.integrated_gradients(model, X, b, target, params.ig_steps)
        else:
            _, delta = IntegratedGradients(model).attribute(
                X,
                baselines=b,
                target=target,
                n_steps=params.ig_steps,
                return_convergence_delta=True,
            )
        with torch.no_grad():
            rows = torch.arange(len(X))
            gap = model(X)[rows, target] - model(b.expand_as(X))[rows, target]
        deltas.append(delta.abs())
        gaps.append(gap.abs())
    mean_delta = float(torch.cat(deltas).mean())
    mean_gap = float(torch.cat(gaps).mean())
    return {
        "mean_abs_delta": mean_delta,
        "mean_abs_output_difference": mean_gap,
        "relative_delta": mean_delta / mean_gap if mean_gap > 0 else 0.0,
    }


def deletion_curve(
    model: nn.Module,
    X: torch.Tensor,
    labels: torch.Tensor,
    attributions: np.ndarray,
    reference: torch.Tensor,
    steps: int,
    generator: torch.Generator,
    task: str = "classification",
    target_scale: float = 1.0,
) -> dict:
    """Accuracy (regression: RMSE in target units) as the top-ranked (by |attribution|)
    features are replaced by the reference, against replacing features in random order."""
    metric = DELETION_METRIC[task]

    def score(x: torch.Tensor) -> float:
        outputs = model(x)
        if task == "classification":
            return float((outputs.argmax(1) == labels).float().mean())
        return float((outputs[:, 0] - labels).pow(2).mean().sqrt()) * target_scale

    n, d = X.shape
    by_method = torch.from_numpy(np.argsort(-np.abs(attributions), axis=1, kind="stable").copy())
    by_chance = torch.argsort(torch.rand(n, d, generator=generator), dim=1)
    fractions = np.linspace(0, 1, steps + 1)
    curves = {"method": [], "random": []}
    with torch.no_grad():
        for name, order in (("method", by_method), ("random", by_chance)):
            for fraction in fractions:
                k = int(round(fraction * d))
                removed = torch.zeros(n, d, dtype=torch.bool)
                removed.scatter_(1, order[:, :k], True)
                x = torch.where(removed, reference.expand_as(X), X)
                curves[name].append(score(x))
    area = {name: float(np.trapezoid(curve, fractions)) for name, curve in curves.items()}
    return {
        "fractions": fractions.tolist(),
        metric: curves["method"],
        f"random_{metric}": curves["random"],
        "area": area["method"],
        "random_area": area["random"],
    }


# What the deletion curve measures per task, and whether a faithful method makes it fall
# (accuracy) or rise (error) faster than random removal.
DELETION_METRIC = {"classification": "accuracy", "regression": "rmse"}


def deletion_metric(deletion: dict) -> str:
    return "rmse" if "rmse" in deletion else "accuracy"


def randomised_copy(model: nn.Module, seed: int) -> nn.Module:
    """The same architecture with freshly initialised weights (the sanity-check model)."""
    twin = copy.deepcopy(model)
    with seeded(seed):
        for module in twin.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
    return twin.eval()


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over rows of Spearman's correlation between ``a`` and ``b``."""
    values = []
    for row_a, row_b in zip(a, b, strict=True):
        if np.ptp(row_a) == 0 or np.ptp(row_b) == 0:
            continue
        values.append(spearmanr(row_a, row_b).statistic)
    return float(np.mean(values)) if values else 0.0


def assess(
    method: str,
    model: nn.Module,
    X: torch.Tensor,
    target: torch.Tensor,
    labels: torch.Tensor,
    values: np.ndarray,
    baselines: torch.Tensor,
    params: ExplainabilityParams,
    task: str = "classification",
    target_scale: float = 1.0,
) -> dict:
    """The trust checks of one method, on a sample of the explained rows."""
    from captum.metrics import infidelity, sensitivity_max

    q = params.quality
    generator = torch.Generator().manual_seed(params.seed)
    sample = torch.randperm(len(X), generator=generator)[: q.sample_size]
    xs, ts = X[sample], target[sample]
    attributions = torch.from_numpy(values[sample.numpy()])
    explain = explainer(method, model, baselines, params)

    def perturb(inputs):
        noise = torch.randn(inputs.shape, generator=generator) * 0.1
        return noise, inputs - noise

    with seeded(params.seed):  # SmoothGrad / GradientSHAP inside the metrics draw noise
        result = {
            "infidelity": float(
                infidelity(
                    model,
                    perturb,
                    xs,
                    attributions,
                    target=ts,
                    n_perturb_samples=q.infidelity_perturbations,
                ).mean()
            ),
            "sensitivity_max": float(
                sensitivity_max(
                    _tuple_aware(explain),
                    xs,
                    target=ts,
                    n_perturb_samples=q.sensitivity_perturbations,
                    perturb_radius=q.sensitivity_radius,
                ).mean()
            ),
            "deletion": deletion_curve(
                model,
                X,
                labels,
                values,
                baselines.mean(0, keepdim=True),
                q.deletion_steps,
                generator,
                task,
                target_scale,
            ),
        }
        random_model = randomised_copy(model, params.seed + 1)
        random_values = explainer(method, random_model, baselines, params)(xs, ts).detach().numpy()
    # Signed attributions decide the check: an explanation should change direction when the
    # learned weights are gone. Magnitudes alone are reported too: methods that multiply by
    # (x - baseline) keep ranking large inputs high whatever the model (Adebayo et al., 2018).
    result["randomisation_rank_correlation"] = rank_correlation(attributions.numpy(), random_values)
    result["randomisation_rank_correlation_abs"] = rank_correlation(
        np.abs(attributions.numpy()), np.abs(random_values)
    )
    if method == "integrated_gradients":
        result["completeness"] = completeness(model, xs, ts, baselines, params)
    result["checks"] = verdict_checks(result, params)
    result["passes"] = all(result["checks"].values())
    return result


def _tuple_aware(explain: Callable) -> Callable:
    """Captum's metrics may pass inputs as a one-element tuple and expect the same back."""

    def wrapped(inputs, target):
        if isinstance(inputs, tuple):
            return (explain(inputs[0], target),)
        return explain(inputs, target)

    return wrapped


def verdict_checks(result: dict, params: ExplainabilityParams) -> dict[str, bool]:
    q = params.quality
    deletion = result["deletion"]
    if deletion_metric(deletion) == "accuracy":
        beats_random = deletion["area"] < deletion["random_area"]
    else:  # an error should grow faster when the important features go
        beats_random = deletion["area"] > deletion["random_area"]
    checks = {
        "deletion_beats_random": beats_random,
        "changes_with_random_weights": result["randomisation_rank_correlation"]
        < q.randomisation_threshold,
    }
    if "completeness" in result:
        checks["complete"] = result["completeness"]["relative_delta"] < q.completeness_tolerance
    return checks


def verdict_sentence(method: str, result: dict) -> str:
    """The plain-words judgement shown in the report."""
    checks = result["checks"]
    deletion = result["deletion"]
    hurt = "lowers accuracy" if deletion_metric(deletion) == "accuracy" else "raises the RMSE"
    what = "accuracy" if deletion_metric(deletion) == "accuracy" else "the RMSE"
    parts = [
        (
            f"removing its top-ranked features {hurt} faster than removing random ones "
            f"(area {deletion['area']:.3f} against {deletion['random_area']:.3f})"
            if checks["deletion_beats_random"]
            else f"removing its top-ranked features changes {what} no more than removing random "
            f"ones (area {deletion['area']:.3f} against {deletion['random_area']:.3f})"
        ),
        (
            f"its attributions change when the model's weights are randomised (rank "
            f"correlation {result['randomisation_rank_correlation']:.2f})"
            if checks["changes_with_random_weights"]
            else f"its attributions barely change when the weights are randomised (rank "
            f"correlation {result['randomisation_rank_correlation']:.2f}): it explains the "
            "input more than the model"
        ),
    ]
    magnitude = result["randomisation_rank_correlation_abs"]
    if checks["changes_with_random_weights"] and magnitude >= 0.5:
        parts.append(
            f"but the size of its attributions follows the input even for a random model (rank "
            f"correlation of magnitudes {magnitude:.2f}), so read its rankings with care"
        )
    if "complete" in checks:
        delta = result["completeness"]["relative_delta"]
        parts.append(
            f"its attributions add up to the output difference within {delta:.2%}"
            if checks["complete"]
            else f"its attributions miss the output difference by {delta:.2%}: use more steps"
        )
    head = "passes" if result["passes"] else "does not pass"
    return f"{method.replace('_', ' ').capitalize()} {head}: " + "; ".join(parts) + "."


def global_importance(values: np.ndarray) -> np.ndarray:
    """Mean absolute attribution per feature."""
    return np.abs(values).mean(axis=0)


def method_agreement(importances: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Spearman rank correlation between the methods' global importances."""
    names = list(importances)
    return {
        a: {
            b: float(spearmanr(importances[a], importances[b]).statistic) if a != b else 1.0
            for b in names
        }
        for a in names
    }
