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


def verdict(details: dict) -> dict:
    """The outcome, the best baseline, the difference and its interval, and a sentence."""
    task = get_task(details["task"])
    metric, sign = task.score, (1 if task.higher_is_better else -1)
    baselines = details["baselines"]
    best = max(baselines, key=lambda n: sign * baselines[n][metric])
    difference = details["model"][metric] - baselines[best][metric]
    low, high = details["differences"][best][metric]
    gains = sorted((sign * low, sign * high))
    outcome = "better" if gains[0] > 0 else "worse" if gains[1] < 0 else "indistinguishable"
    level = round(details["bootstrap"]["level"] * 100)
    figures = (
        f"{task.score_label} {details['model'][metric]:.4f} against {baselines[best][metric]:.4f}"
        f", a difference of {difference:+.4f} ({level} % interval {low:+.4f} to {high:+.4f}, "
        f"paired bootstrap over the {details['test_rows']} test rows)"
    )
    text = {
        "better": f"The network is better than the best baseline, {best}: {figures}.",
        "indistinguishable": (
            f"The network cannot be told apart from the best baseline, {best}: {figures}. "
            f"On this data a network is not warranted by {task.score_phrase} alone; the "
            "simpler model does as well."
        ),
        "worse": (
            f"The network is worse than the best baseline, {best}: {figures}. A network is "
            f"not warranted here; use {best}, or improve the network until it wins."
        ),
    }[outcome]
    return {
        "outcome": outcome,
        "best_baseline": best,
        "metric": metric,
        "difference": difference,
        "interval": [low, high],
        "text": text,
    }
