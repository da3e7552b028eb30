"""Is a neural network warranted here? One plain-words answer from the paired bootstrap.

The network is compared with the best baseline by the task's score (accuracy, or RMSE):
*better* when the 95 % interval of the paired difference lies wholly on the better side of
zero, *worse* when it lies wholly on the other side, *indistinguishable* when it holds
zero. Which baseline is best is chosen on the same test rows by point score: the interval
of the difference against it is what carries the uncertainty.
"""

from __future__ import annotations

from glassbox.tasks import get_task

OUTCOMES = ("better", "indistinguishable", "worse")
# Baselines that are themselves neural networks (scikit-learn's MLPs).
NETWORK_BASELINES = ("mlp_classifier", "mlp_regressor")


def _compare(details: dict, best: str) -> tuple[str, float, list[float], str]:
    """The outcome against baseline ``best``, the difference, its interval, the figures."""
    task = get_task(details["task"])
    metric, sign = task.score, (1 if task.higher_is_better else -1)
    difference = details["model"][metric] - details["baselines"][best][metric]
    low, high = details["differences"][best][metric]
    gains = sorted((sign * low, sign * high))
    outcome = "better" if gains[0] > 0 else "worse" if gains[1] < 0 else "indistinguishable"
    level = round(details["bootstrap"]["level"] * 100)
    figures = (
        f"{task.score_label} {details['model'][metric]:.4f} against "
        f"{details['baselines'][best][metric]:.4f}, a difference of {difference:+.4f} "
        f"({level} % interval {low:+.4f} to {high:+.4f}, paired bootstrap over the "
        f"{details['test_rows']} test rows)"
    )
    return outcome, difference, [low, high], figures


def _best(details: dict, names) -> str:
    task = get_task(details["task"])
    sign = 1 if task.higher_is_better else -1
    return max(names, key=lambda n: sign * details["baselines"][n][task.score])


def verdict(details: dict) -> dict:
    """The outcome, the best baseline, the difference and its interval, and in words. When
    the best baseline is itself a network (scikit-learn's MLP), the network is also
    compared with the best baseline that is not one: that answers whether a network is
    warranted at all."""
    task = get_task(details["task"])
    best = _best(details, details["baselines"])
    outcome, difference, interval, figures = _compare(details, best)
    text = {
        "better": f"The network is better than the best baseline, {best}: {figures}.",
        "indistinguishable": (
            f"The network cannot be told apart from the best baseline, {best}: {figures}."
        ),
        "worse": f"The network is worse than the best baseline, {best}: {figures}.",
    }[outcome]
    found = {
        "outcome": outcome,
        "best_baseline": best,
        "metric": task.score,
        "difference": difference,
        "interval": interval,
    }
    others = [n for n in details["baselines"] if n not in NETWORK_BASELINES]
    if best in NETWORK_BASELINES and others:
        plain = _best(details, others)
        plain_outcome, plain_difference, plain_interval, plain_figures = _compare(details, plain)
        text += (
            f" {best} is itself a small neural network. Against the best model that is not "
            f"one, {plain}, the network is {plain_outcome}: {plain_figures}."
        )
        found["against_best_non_network"] = {
            "outcome": plain_outcome,
            "baseline": plain,
            "difference": plain_difference,
            "interval": plain_interval,
        }
        outcome, best = plain_outcome, plain  # what decides whether a network is warranted
    text += {
        "better": "",
        "indistinguishable": (
            f" On this data a network is not warranted by {task.score_phrase} alone: {best} "
            "does as well."
        ),
        "worse": f" A network is not warranted here; use {best}, or improve the network.",
    }[outcome]
    return {**found, "text": text}
