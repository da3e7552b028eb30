"""Can this explanation be trusted? Each method is checked four ways, so the report can say
which explanations deserve trust:

- deletion: removing the features a method ranks highest should move the model's own
  output (the probability it gives the explained class; regression: its prediction) further
  from where it was than removing random ones;
- model randomisation (Adebayo et al., 2018): a method whose attributions barely change when
  the weights are randomised is explaining the input, not the model;
- infidelity and max-sensitivity (Captum's metrics): lower is better;
- completeness for Integrated Gradients: attributions should sum to f(x) - f(baseline).

The verdict is given in plain words (``verdict_sentence``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import torch
from scipy.stats import rankdata
from torch import nn

from glassbox.explain.imputation import GaussianImputer
from glassbox.explain.integrated_gradients import integrated_gradients
from glassbox.explain.methods import explainer, seeded
from glassbox.explain.params import ExplainabilityParams
from glassbox.tasks import DEFAULT_TASK, get_task


def completeness(
    model: nn.Module,
    X: torch.Tensor,
    target: torch.Tensor,
    baselines: torch.Tensor,
    params: ExplainabilityParams,
) -> dict:
    """Integrated Gradients' convergence delta, relative to the output difference it explains."""
    deltas, gaps = [], []
    for b in baselines:
        b = b[None]
        _, delta = integrated_gradients(model, X, b, target, params.ig_steps)
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
    explained: torch.Tensor,
    attributions: np.ndarray,
    reference: torch.Tensor,
    steps: int,
    generator: torch.Generator,
    task: str = DEFAULT_TASK,
    target_scale: float = 1.0,
    imputer: GaussianImputer | None = None,
) -> dict:
    """How far the model's own output moves (the mean absolute change in the probability
    of each row's ``explained`` class; regression: in the prediction, in target units) as
    the top-ranked (by |attribution|) features are replaced by the reference, against
    replacing features in random order; with an ``imputer``, the same two curves once more
    with the removed features drawn from their distribution given the kept ones
    (``on_data``: rows that stay like the data, glassbox.explain.imputation).

    The change, not the output itself: a row of the majority class is answered by the
    absence of signal, so removing what a method ranks first (set to the reference, which
    is itself a majority answer) can raise that row's probability as well as lower it;
    either way the answer moved because of what was removed. Accuracy is no guide at all
    on a table with a rare class: a model whose inputs are gone answers the majority class,
    which keeps accuracy high whatever was removed."""
    t = get_task(task)
    metric = t.deletion_score
    with torch.no_grad():
        intact = model(X)

    def score(x: torch.Tensor) -> float:
        return t.output_change(model(x), intact, explained, target_scale)

    n, d = X.shape
    by_method = torch.from_numpy(np.argsort(-np.abs(attributions), axis=1, kind="stable").copy())
    by_chance = torch.argsort(torch.rand(n, d, generator=generator), dim=1)
    fractions = np.linspace(0, 1, steps + 1)

    def curves(replace) -> dict:
        found = {"method": [], "random": []}
        with torch.no_grad():
            for name, order in (("method", by_method), ("random", by_chance)):
                for fraction in fractions:
                    removed = torch.zeros(n, d, dtype=torch.bool)
                    removed.scatter_(1, order[:, : int(round(fraction * d))], True)
                    found[name].append(score(replace(removed)))
        return {
            metric: found["method"],
            f"random_{metric}": found["random"],
            "area": float(np.trapezoid(found["method"], fractions)),
            "random_area": float(np.trapezoid(found["random"], fractions)),
        }

    result = {
        "fractions": fractions.tolist(),
        **curves(lambda removed: torch.where(removed, reference.expand_as(X), X)),
    }
    if imputer is not None:
        draws = torch.Generator().manual_seed(int(torch.randint(2**31, (1,), generator=generator)))
        result["on_data"] = curves(lambda removed: imputer.impute(X, removed, draws))
    return result


def randomised_copy(model: nn.Module, seed: int) -> nn.Module:
    """The same architecture with freshly initialised weights (the sanity-check model)."""
    twin = copy.deepcopy(model)
    with seeded(seed):
        for module in twin.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
    return twin.eval()


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Mean over rows of Spearman's correlation between ``a`` and ``b`` (rows where either
    is constant left out): the Pearson correlation of average ranks, all rows at once
    (scipy's ``spearmanr`` row by row took 2.5 s of the 60,000-row table's checks)."""
    a, b = np.asarray(a), np.asarray(b)
    varied = (np.ptp(a, axis=1) > 0) & (np.ptp(b, axis=1) > 0)
    if not varied.any():
        return 0.0
    ranks_a, ranks_b = rankdata(a[varied], axis=1), rankdata(b[varied], axis=1)
    ranks_a -= ranks_a.mean(axis=1, keepdims=True)
    ranks_b -= ranks_b.mean(axis=1, keepdims=True)
    products = (ranks_a * ranks_b).sum(axis=1)
    return float(np.mean(products / np.sqrt((ranks_a**2).sum(axis=1) * (ranks_b**2).sum(axis=1))))


def assess(
    method: str,
    model: nn.Module,
    X: torch.Tensor,
    target: torch.Tensor,
    values: np.ndarray,
    baselines: torch.Tensor,
    params: ExplainabilityParams,
    task: str = DEFAULT_TASK,
    target_scale: float = 1.0,
    imputer: GaussianImputer | None = None,
) -> dict:
    """The trust checks of one method, on a sample of the explained rows (the deletion
    curves on all of them; with an ``imputer``, also with removed features drawn from the
    data's distribution)."""
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
                target,
                values,
                baselines.mean(0, keepdim=True),
                q.deletion_steps,
                generator,
                task,
                target_scale,
                imputer,
            ),
        }
        random_values = [
            explainer(method, randomised_copy(model, params.seed + 1 + i), baselines, params)(
                xs, ts
            )
            .detach()
            .numpy()
            for i in range(q.randomisation_models)
        ]
    # Signed attributions decide the check: an explanation should change direction when the
    # learned weights are gone. Magnitudes alone are reported too: methods that multiply by
    # (x - baseline) keep ranking large inputs high whatever the model (Adebayo et al., 2018).
    # Over several random models: with few features one draw is a coin flip (on a table of
    # four model inputs, single draws gave -0.88 to 0.93 for the same explanation).
    learned = attributions.numpy()
    draws = [rank_correlation(learned, values) for values in random_values]
    result["randomisation_rank_correlations"] = draws
    result["randomisation_rank_correlation"] = float(np.mean(draws))
    result["randomisation_rank_correlation_abs"] = float(
        np.mean([rank_correlation(np.abs(learned), np.abs(v)) for v in random_values])
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

    def beats_random(curves: dict) -> bool:  # the output should move further, sooner
        return curves["area"] > curves["random_area"]

    checks = {"deletion_beats_random": beats_random(deletion)}
    if "on_data" in deletion:
        checks["deletion_on_data_beats_random"] = beats_random(deletion["on_data"])
    checks |= {
        "changes_with_random_weights": result["randomisation_rank_correlation"]
        < q.randomisation_threshold,
    }
    if "completeness" in result:
        checks["complete"] = result["completeness"]["relative_delta"] < q.completeness_tolerance
    return checks


def verdict_sentence(method: str, result: dict, task: str = DEFAULT_TASK) -> str:
    """The plain-words judgement shown in the report."""
    checks = result["checks"]
    deletion = result["deletion"]
    t = get_task(task)
    what = t.deletion_label
    parts = [
        (
            f"removing its top-ranked features moves {what} faster than removing random ones "
            f"(area {deletion['area']:.3f} against {deletion['random_area']:.3f})"
            if checks["deletion_beats_random"]
            else f"removing its top-ranked features moves {what} no more than removing random "
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
    if "deletion_on_data_beats_random" in checks:
        on_data = deletion["on_data"]
        parts.insert(
            1,
            (
                "so it does when the removed features are drawn from the data instead "
                if checks["deletion_on_data_beats_random"]
                else "but not when the removed features are drawn from the data instead "
            )
            + f"(area {on_data['area']:.3f} against {on_data['random_area']:.3f})",
        )
    if "stable_across_seeds" in checks:
        correlation, seeds = result["stability_correlation"], result["stability_seeds"]
        parts.append(
            f"its global importances agree across {seeds} retrainings with other seeds "
            f"(correlation {correlation:.2f})"
            if checks["stable_across_seeds"]
            else f"its global importances change when the model is retrained with another seed "
            f"(correlation {correlation:.2f} across {seeds} seeds): not a stable explanation"
        )
    head = "passes" if result["passes"] else "does not pass"
    return f"{method.replace('_', ' ').capitalize()} {head}: " + "; ".join(parts) + "."


# Each check in words (what passing it means), in the order the report lists them.
CHECK_PHRASES = {
    "deletion_beats_random": "removing the top-ranked features moves {what} faster than "
    "removing random ones",
    "deletion_on_data_beats_random": "the same holds when the removed features are drawn "
    "from the data",
    "changes_with_random_weights": "the attributions change when the model's weights are "
    "randomised (they explain the model, not only the input)",
    "complete": "the attributions add up to the output's difference from the baseline",
    "stable_across_seeds": "the global importances agree across models retrained with other seeds",
}


def verdict_summary(methods: dict, task: str = DEFAULT_TASK) -> list[str]:
    """The checks in words, one line per check naming the methods that pass and fail it
    (their figures are in the report's table), and a caution where a method's attribution
    sizes follow the input even for a random model."""
    what = get_task(task).deletion_label
    names = {m: m.replace("_", " ") for m in methods}
    lines = []
    for check, phrase in CHECK_PHRASES.items():
        measured = {
            m: r["quality"]["checks"][check]
            for m, r in methods.items()
            if check in r["quality"]["checks"]
        }
        if not measured:
            continue
        passing = [names[m] for m, ok in measured.items() if ok]
        failing = [names[m] for m, ok in measured.items() if not ok]
        who = (
            f"all {len(measured)} methods"
            if not failing and len(measured) > 1
            else ", ".join(passing) or "no method"
        )
        lines.append(
            phrase.format(what=what).capitalize()
            + f": {who}"
            + (f" (not: {', '.join(failing)})" if failing and passing else "")
            + "."
        )
    careful = [
        names[m]
        for m, r in methods.items()
        if r["quality"]["checks"]["changes_with_random_weights"]
        and r["quality"]["randomisation_rank_correlation_abs"] >= 0.5
    ]
    if careful:
        lines.append(
            f"Read the rankings of {', '.join(careful)} with care: the size of their "
            "attributions follows the input even for a random model."
        )
    return lines


def stability_check(result: dict, stability: dict, params: ExplainabilityParams) -> None:
    """Add the across-seed check to a method's checks: an explanation that changes when the
    model is retrained with another seed does not pass, whatever its other scores."""
    result["stability_correlation"] = stability["correlation"]
    result["stability_rank_correlation"] = stability["rank_correlation"]
    result["stability_seeds"] = stability["seeds"]
    result["checks"]["stable_across_seeds"] = (
        stability["correlation"] >= params.quality.stability_threshold
    )
    result["passes"] = all(result["checks"].values())


def read_first(methods: dict, task: str = DEFAULT_TASK) -> dict:
    """Which method to read first, and why: among those that pass every check, the one whose
    top features move the model's output most when removed (drawn from the data where
    measured, else set to the reference), relative to random order; ties go to the more
    stable one. Every method's failed checks are named."""

    def deletion_gain(quality: dict) -> float:
        curves = quality["deletion"].get("on_data", quality["deletion"])
        return curves["area"] - curves["random_area"]

    failed = {
        m: [name for name, ok in r["quality"]["checks"].items() if not ok]
        for m, r in methods.items()
    }
    passing = [m for m in methods if not failed[m]]
    ranked = sorted(
        passing,
        key=lambda m: (
            -deletion_gain(methods[m]["quality"]),
            -methods[m].get("stability_across_seeds", {}).get("correlation", 0.0),
        ),
    )
    found = {"order": ranked, "failed_checks": {m: f for m, f in failed.items() if f}}
    if not ranked:
        found["text"] = (
            "No method passes every check: read none of them as an explanation of the model; "
            "the failed checks are listed per method."
        )
        return found
    best = ranked[0]
    quality = methods[best]["quality"]
    curves = quality["deletion"].get("on_data", quality["deletion"])
    how = "drawn from the data" if "on_data" in quality["deletion"] else "set to the reference"
    text = (
        f"Read {best.replace('_', ' ')} first: it passes every check, and removing its "
        f"top-ranked features ({how}) moves {get_task(task).deletion_label} most against "
        f"random order (area {curves['area']:.3f} against {curves['random_area']:.3f})"
    )
    stability = methods[best].get("stability_across_seeds")
    if stability:
        text += (
            f"; its global importances agree across {stability['seeds']} retrainings "
            f"(correlation {stability['correlation']:.2f})"
        )
    found |= {"read_first": best, "text": text + "."}
    return found
