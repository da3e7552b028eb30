"""Is a neural network warranted here? One plain-words answer from the paired bootstrap.

The network is compared with the best baseline by the ranking score: RMSE for regression;
accuracy for classes, or balanced accuracy (the mean of the per-class recalls) when a
class is rare in the training rows (glassbox.prepare.review.ClassBalance), where always
answering the majority class already scores high accuracy. Balanced accuracy was chosen
over average precision and log loss because it scores the predicted classes, as the
baselines' answers and the confusion matrix do, reads as a share (chance: 1 / classes),
and holds for any number of classes.

The network is *better* when the 95 % interval of the paired difference lies wholly on
the better side of zero, *worse* when it lies wholly on the other side,
*indistinguishable* when it holds zero. Which baseline is best is chosen on the same test
rows by point score: the interval of the difference against it is what carries the
uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass

from glassbox.tasks import DEFAULT_TASK, TASKS, get_task

OUTCOMES = ("better", "indistinguishable", "worse")
# Baselines that are themselves neural networks (scikit-learn's MLPs).
NETWORK_BASELINES = ("mlp_classifier", "mlp_regressor")


@dataclass(frozen=True)
class Score:
    """The score that ranks the network and the baselines, as a reader sees it."""

    key: str
    label: str
    phrase: str
    higher_is_better: bool


# Each task's own score, and balanced accuracy for a table with a rare class.
SCORES = {
    t.score: Score(t.score, t.score_label, t.score_phrase, t.higher_is_better)
    for t in TASKS.values()
}
SCORES["balanced_accuracy"] = Score(
    "balanced_accuracy", "balanced accuracy", "balanced accuracy", higher_is_better=True
)


def ranking_score(details: dict) -> Score:
    """The score that ranks the models of an evaluation (``details["score"]``; older
    records: the task's)."""
    task = get_task(details.get("task", DEFAULT_TASK))
    return SCORES[details.get("score") or task.score]


def headline_names(details: dict) -> tuple[str, ...]:
    """The figures shown first: the ranking score, then the task's headline metrics."""
    names = get_task(details.get("task", DEFAULT_TASK)).headline_metrics
    return tuple(dict.fromkeys((ranking_score(details).key, *names)))


def signed(value: float) -> str:
    """A difference with its sign to four decimals; one that rounds to zero is +0.0000, not
    the -0.0000 a tiny negative number would print as."""
    return f"{round(value, 4) + 0.0:+.4f}"


def _compare(details: dict, best: str) -> tuple[str, float, list[float], str]:
    """The outcome against baseline ``best``, the difference, its interval, the figures."""
    score = ranking_score(details)
    metric, sign = score.key, (1 if score.higher_is_better else -1)
    difference = details["model"][metric] - details["baselines"][best][metric]
    low, high = details["differences"][best][metric]
    gains = sorted((sign * low, sign * high))
    outcome = "better" if gains[0] > 0 else "worse" if gains[1] < 0 else "indistinguishable"
    level = round(details["bootstrap"]["level"] * 100)
    figures = (
        f"{score.label} {details['model'][metric]:.4f} against "
        f"{details['baselines'][best][metric]:.4f}, a difference of {signed(difference)} "
        f"({level} % interval {signed(low)} to {signed(high)}, paired bootstrap over the "
        f"{details['test_rows']} test rows)"
    )
    return outcome, difference, [low, high], figures


def _best(details: dict, names) -> str:
    score = ranking_score(details)
    sign = 1 if score.higher_is_better else -1
    return max(names, key=lambda n: sign * details["baselines"][n][score.key])


def verdict(details: dict) -> dict:
    """The outcome, the best baseline, the difference and its interval, and in words. When
    the best baseline is itself a network (scikit-learn's MLP), the network is also
    compared with the best baseline that is not one: that answers whether a network is
    warranted at all."""
    score = ranking_score(details)
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
        "metric": score.key,
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
            f" On this data a network is not warranted by {score.phrase} alone: {best} "
            "does as well."
        ),
        "worse": f" A network is not warranted here; use {best}, or improve the network.",
    }[outcome]
    return {**found, "text": text}
