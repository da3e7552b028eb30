"""What every comparison of training choices shares (which optimizer, which architecture):
one run's record, the mean over seeds with its interval, the recommendation, and the
curves.

The recommendation is chosen on validation loss, never on the test split (choosing on test
scores would make them optimistic); the test score is reported beside it.

Choices that the seeds cannot tell apart from the best form one group. Runs with the same
seed start from the same initial weights and see the same batches, so two choices are
compared seed by seed (paired): the 95 % t-interval of the mean difference in best
validation loss; a choice whose interval reaches zero is tied with the best. The group's
fastest is the one with the fewest epochs to the target (validation loss within a margin
of the best choice's mean): epochs repeat from run to run, seconds depend on the
machine's load and are shown for information only.
"""

from __future__ import annotations

import dataclasses
import math
import statistics

import numpy as np
import pandas as pd
import torch

from glassbox.prepare.model_input import check_features, frames_to_tensors
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.loop import TrainingData
from glassbox.training.params import TrainingParams

# Per-run figures summarised as mean, standard deviation and interval over seeds.
SUMMARISED = ("best_val_loss", "best_epoch", "seconds_to_best", "total_seconds")
LEVEL = 0.95
PAIRED_TEST = "paired t-interval (95 %) over seeds of the difference in best validation loss"


def comparison_inputs(
    preprocessor, X_train, y_train, X_val, y_val, X_test, y_test
) -> tuple[TrainingData, torch.Tensor, torch.Tensor]:
    """The six splits (glassbox.pipelines.MODEL_INPUT) as a comparison trains and scores on
    them: training and validation as TrainingData (the preprocessor's task, classes and
    image layout), test as tensors."""
    check_features(preprocessor, X_train=X_train, X_val=X_val, X_test=X_test)
    data = TrainingData.for_preprocessor(preprocessor, X_train, y_train, X_val, y_val)
    return data, *frames_to_tensors(X_test, y_test, preprocessor.task)


def sample_rows(data: TrainingData, most: int | None, seed: int) -> TrainingData:
    """``data`` with at most ``most`` training rows, a seeded sample (validation rows kept):
    on a large table a comparison picks the same winners from a sample at a fraction of
    the cost, and every run of it sees the same rows. Unchanged if it has no more."""
    if most is None or len(data.X_train) <= most:
        return data
    rows = torch.randperm(len(data.X_train), generator=torch.Generator().manual_seed(seed))
    rows = rows[:most].sort().values
    return dataclasses.replace(data, X_train=data.X_train[rows], y_train=data.y_train[rows])


def shared_settings(training: TrainingParams, seeds: list[int], epochs: int | None) -> dict:
    """What every run of a comparison has in common, as its report lists it."""
    return {
        "seeds": seeds,
        "epochs (upper bound)": epochs or training.epochs,
        "early stopping patience": training.early_stopping.patience,
        "batch size": training.batch_size,
    }


def reused_runs(runs: dict[str, list[dict]]) -> str:
    """Which runs came from the seed_runs stage (same settings, same seed), for the report."""
    found = [
        f"{name} (seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))})"
        for name, results in runs.items()
        if (seeds := [r["seed"] for r in results if r.get("reused")])
    ]
    return "; ".join(found) or "none"


def describe_run(
    model: torch.nn.Module,
    history: pd.DataFrame,
    params: TrainingParams,
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
) -> dict:
    """One run's curves, best epoch, timings, size and test score (accuracy, or for
    regression RMSE in the target's units). A run whose validation loss stopped being a
    number at some epoch diverged: it is recorded as such, and left out of the means."""
    task = get_task(data.task)
    score = task.score
    with torch.no_grad():
        test_score = task.in_target_units(
            task.score_of(task.outputs(model(X_test)), y_test).item(), data.target_scale
        )
    losses = history["val_loss"].to_numpy(dtype=float)
    finite = np.isfinite(losses)
    best = int(np.argmin(np.where(finite, losses, np.inf))) if finite.any() else len(losses) - 1
    seconds = history["epoch_seconds"].to_numpy(dtype=float)
    return {
        "seed": params.seed,
        "lr": params.optimizer.lr,
        "parameters": sum(p.numel() for p in model.parameters()),
        f"test_{score}": test_score,
        "best_val_loss": float(losses[best]) if finite.any() else math.inf,
        "diverged": not bool(finite.all()),
        "best_epoch": int(history["epoch"].iloc[best]),
        "epochs_trained": len(history),
        "seconds_to_best": float(seconds[: best + 1].sum()),
        "total_seconds": float(seconds.sum()),
        "val_loss": _finite_or_none(losses),
        f"val_{score}": _finite_or_none(history[f"val_{score}"].to_numpy(dtype=float)),
        "epoch_seconds": seconds.tolist(),
    }


def _finite_or_none(values: np.ndarray) -> list:
    """A curve for JSON: a diverged epoch (NaN, inf) as None."""
    return [float(v) if math.isfinite(v) else None for v in values]


def mean_interval(values: list[float], level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and its t-interval over seeds (Student's t, n - 1 degrees of freedom); one value
    gives no interval (both ends the value)."""
    from scipy import stats

    mean = statistics.fmean(values)
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        return mean, mean, mean
    half = stats.t.ppf((1 + level) / 2, len(values) - 1) * stats.sem(values)
    return mean, mean - half, mean + half


def with_interval(entry: dict, key: str) -> str:
    """A summarised figure as a report shows it: the mean, then its interval."""
    if entry[f"{key}_mean"] is None:
        return "diverged"
    low, high = entry[f"{key}_ci95"]
    return f"{entry[f'{key}_mean']:.4f} ({low:.4f} to {high:.4f})"


def mean_std(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def ranking_loss(entry: dict) -> float:
    """A choice's mean best validation loss, for ranking; one whose every run diverged
    ranks last."""
    mean = entry["best_val_loss_mean"]
    return math.inf if mean is None else mean


def figures(results: list[dict], keys) -> dict:
    """What every comparison says about one choice's runs: their seeds, which diverged
    (seed and learning rate), and per key the mean, standard deviation and 95 % interval
    over the runs that did not (None where every run did). A key the runs do not record (a
    classification-only figure on a regression) is left out."""
    kept = [r for r in results if not r.get("diverged")]
    entry: dict = {
        "seeds": [r["seed"] for r in results],
        "diverged": [{"seed": r["seed"], "lr": r.get("lr")} for r in results if r.get("diverged")],
    }
    for key in keys:
        if kept and key not in kept[0]:
            continue
        values = [r[key] for r in kept]
        if values:
            entry[f"{key}_mean"], entry[f"{key}_std"] = mean_std(values)
            entry[f"{key}_ci95"] = list(mean_interval(values)[1:])
        else:
            entry[f"{key}_mean"] = entry[f"{key}_std"] = None
            entry[f"{key}_ci95"] = [None, None]
    return entry


def summarise_runs(runs: dict[str, list[dict]], task: str = DEFAULT_TASK) -> dict[str, dict]:
    """Per choice (optimizer, architecture): its learning rate and size, and the figures
    (above) of the test score and of each of SUMMARISED, with its runs."""
    score = get_task(task).score
    entries = {}
    for name, results in runs.items():
        if not results:
            continue
        entry = {"lr": results[0]["lr"]}
        if "parameters" in results[0]:
            entry["parameters"] = results[0]["parameters"]
        entry |= figures(results, (f"test_{score}", *SUMMARISED))
        entry["runs"] = results
        entries[name] = entry
    return entries


def diverged_text(entries: dict[str, dict]) -> str | None:
    """One sentence naming every diverged run, for the reports; None if none did."""
    found = [
        f"{name} at learning rate {run['lr']:g} (seed {run['seed']})"
        if run["lr"] is not None
        else f"{name} (seed {run['seed']})"
        for name, entry in entries.items()
        for run in entry.get("diverged", [])
    ]
    if not found:
        return None
    return (
        "Diverged (the loss stopped being a number; left out of every mean and interval): "
        + "; ".join(found)
        + "."
    )


def add_time_to_target(entries: dict[str, dict], margin: float) -> float:
    """The target: the best choice's mean best validation loss, plus ``margin`` of it (not
    the single best run's: on digits one seed's luck moves that by a factor of two). Per
    run, the epochs (and seconds) until its validation loss first reached the target
    (None: never); per choice, the median over seeds (None when fewer than half reached
    it) and the share that did. Returns the target."""
    best = min(ranking_loss(e) for e in entries.values())
    target = best * (1 + margin)
    for entry in entries.values():
        epochs, seconds = [], []
        for run in entry["runs"]:
            reached = next(
                (i for i, v in enumerate(run["val_loss"]) if v is not None and v <= target), None
            )
            reached = None if run.get("diverged") else reached
            run["epochs_to_target"] = None if reached is None else reached + 1
            run["seconds_to_target"] = (
                None if reached is None else float(sum(run["epoch_seconds"][: reached + 1]))
            )
            epochs.append(run["epochs_to_target"])
            seconds.append(run["seconds_to_target"])
        entry["reached_target"] = sum(e is not None for e in epochs) / len(epochs)
        entry["epochs_to_target_median"] = _median_reached(epochs)
        entry["seconds_to_target_median"] = _median_reached(seconds)
    return target


def _median_reached(values: list) -> float | None:
    """The median, counting a run that never reached the target as slower than any."""
    ranked = sorted(values, key=lambda v: math.inf if v is None else v)
    middle = ranked[(len(ranked) - 1) // 2]  # the lower median: a half must have reached it
    return None if middle is None else float(middle)


def tie_group(entries: dict[str, dict], level: float = LEVEL) -> tuple[str, list[str], dict]:
    """The best choice by mean validation loss, the choices tied with it (itself first,
    then by mean), and per other choice the paired interval of (its - best's) best
    validation loss over the seeds both ran."""
    best = min(entries, key=lambda n: ranking_loss(entries[n]))
    kept = {n: [r for r in e["runs"] if not r.get("diverged")] for n, e in entries.items()}
    reference = {r["seed"]: r["best_val_loss"] for r in kept[best]}
    intervals, tied = {}, [best]
    for name in sorted(entries, key=lambda n: ranking_loss(entries[n])):
        if name == best:
            continue
        differences = [
            r["best_val_loss"] - reference[r["seed"]] for r in kept[name] if r["seed"] in reference
        ]
        mean, low, high = mean_interval(differences, level) if differences else (math.inf,) * 3
        intervals[name] = [mean, low, high]
        if len(differences) > 1 and low <= 0:
            tied.append(name)
    return best, tied, intervals


def recommend(
    entries: dict[str, dict],
    task: str = DEFAULT_TASK,
    noun: str = "optimizer",
    margin: float = 0.25,
) -> dict:
    """The lowest mean validation loss, the choices tied with it (paired t-interval over
    seeds), and the fastest of the group by median epochs to the target. If every run of
    every choice diverged, there is nothing to recommend, and the text says so."""
    if all(e["best_val_loss_mean"] is None for e in entries.values()):
        for entry in entries.values():
            entry.update(reached_target=0.0, epochs_to_target_median=None)
            entry["seconds_to_target_median"] = None
        return {
            "best": None,
            "tied": [],
            "fastest_of_tied": None,
            "target_val_loss": None,
            "target_margin": margin,
            "paired_differences": {},
            "test": PAIRED_TEST,
            "text": f"Every run diverged (the loss stopped being a number): no {noun} can be "
            "recommended. Try smaller learning rates.",
        }
    target = add_time_to_target(entries, margin)
    best, tied, intervals = tie_group(entries)
    fastest = min(
        tied,
        key=lambda n: (
            math.inf
            if entries[n]["epochs_to_target_median"] is None
            else entries[n]["epochs_to_target_median"],
            entries[n]["best_val_loss_mean"],
        ),
    )
    b = entries[best]
    score, label = get_task(task).score, get_task(task).score_label
    low, high = b["best_val_loss_ci95"]
    seeds = len(b["seeds"])
    text = (
        f"Lowest validation loss: {best} "
        f"({b['best_val_loss_mean']:.4f}, 95 % interval {low:.4f} to {high:.4f}, over "
        f"{seeds} seed{'s' if seeds > 1 else ''}; test {label} {b[f'test_{score}_mean']:.4f})."
    )
    others = [n for n in tied if n != best]
    if others:
        epochs = entries[fastest]["epochs_to_target_median"]
        text += (
            f" The seeds cannot tell it apart from {', '.join(others)} (paired 95 % "
            f"interval of the difference reaches zero): one group. Fastest of the group to "
            f"the target (validation loss {target:.4f}, within {margin:.0%} of the best mean): "
            f"{fastest}" + (f" ({epochs:.0f} epochs, median over seeds)." if epochs else ".")
        )
    elif seeds < 2:
        text += f" With one seed no {noun} can be told apart: ranked by value only."
    else:
        text += f" Every other {noun} is worse by a paired 95 % interval over the seeds."
    return {
        "best": best,
        "tied": tied,
        "fastest_of_tied": fastest,
        "target_val_loss": target,
        "target_margin": margin,
        "paired_differences": intervals,
        "test": PAIRED_TEST,
        "text": text,
    }


def epoch_cap_warning(entries: dict[str, dict], cap: int, noun: str) -> str | None:
    """A warning when runs were still improving at the epoch cap (best epoch = the cap)."""
    capped = [n for n, e in entries.items() if any(r["best_epoch"] >= cap for r in e["runs"])]
    if not capped:
        return None
    return (
        f"Still improving at the epoch cap ({cap} epochs): the best epoch of some runs of "
        f"{', '.join(capped)} is the last one. Their results would improve with more "
        f"epochs: raise `epochs`, or read their figures as a lower bound of what this "
        f"{noun} can do."
    )


def median_curve(results: list[dict], key: str) -> pd.DataFrame:
    """Per epoch, the median over seeds and the lowest and highest; a run that stopped
    early carries its last value on, so the curve does not jump where a seed stops."""
    length = max(len(r[key]) for r in results)
    frame = pd.DataFrame(
        {i: pd.Series(r[key], dtype=float) for i, r in enumerate(results)},
        index=range(length),
    ).ffill()
    frame.index = range(1, length + 1)
    return pd.DataFrame(
        {"median": frame.median(axis=1), "low": frame.min(axis=1), "high": frame.max(axis=1)}
    )


def curves_chart(entries: dict[str, dict], task: str, noun: str) -> str:
    """Validation loss and score per epoch, one line per choice (the median over seeds,
    the band between the lowest and highest seed), as an <img> tag."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassbox.html_report import figure_to_img

    score, label = get_task(task).score, get_task(task).score_label
    fig, (loss_ax, score_ax) = plt.subplots(1, 2, figsize=(12, 4.5))
    positive_losses = False
    for name, entry in entries.items():
        for ax, key in ((loss_ax, "val_loss"), (score_ax, f"val_{score}")):
            curve = median_curve(entry["runs"], key)
            (line,) = ax.plot(curve.index, curve["median"], label=name)
            ax.fill_between(
                curve.index, curve["low"], curve["high"], color=line.get_color(), alpha=0.15
            )
            positive_losses |= key == "val_loss" and bool((curve["median"] > 0).any())
    # A log axis needs a positive value: runs that all diverged have none to draw.
    scale = "log" if positive_losses else "linear"
    loss_ax.set(xlabel="epoch", ylabel="validation loss", yscale=scale, title="Validation loss")
    score_ax.set(xlabel="epoch", ylabel=f"validation {label}", title=f"Validation {label}")
    if get_task(task).higher_is_better:
        score_ax.set_ylim(bottom=max(0.0, score_ax.get_ylim()[0]))
    loss_ax.legend()
    return figure_to_img(
        fig, f"validation loss and {label} per epoch, median over seeds, one line per {noun}"
    )
