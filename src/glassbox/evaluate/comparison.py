"""What every comparison of training choices shares (which optimizer, which architecture):
one run's record, the mean and spread over seeds, the recommendation, and the curves.

The recommendation is chosen on validation loss, never on the test split (choosing on test
scores would make them optimistic); the test score is reported beside it.
"""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import torch

from glassbox.parameters import TrainingParams
from glassbox.prepare.model_input import check_features, frames_to_tensors
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.loop import TrainingData

# Per-run figures summarised as mean and standard deviation over seeds.
SUMMARISED = ("best_val_loss", "best_epoch", "seconds_to_best", "total_seconds")


def comparison_inputs(
    preprocessor, X_train, y_train, X_val, y_val, X_test, y_test
) -> tuple[TrainingData, torch.Tensor, torch.Tensor]:
    """The splits as a comparison trains and scores on them: training and validation as
    TrainingData (the preprocessor's task, classes and image layout), test as tensors."""
    check_features(preprocessor, X_train=X_train, X_val=X_val, X_test=X_test)
    data = TrainingData.for_preprocessor(preprocessor, X_train, y_train, X_val, y_val)
    return data, *frames_to_tensors(X_test, y_test, preprocessor.task)


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
    regression RMSE in the target's units)."""
    task = get_task(data.task)
    score = task.score
    with torch.no_grad():
        test_score = task.in_target_units(
            task.score_of(task.outputs(model(X_test)), y_test).item(), data.target_scale
        )
    best = int(np.argmin(history["val_loss"].to_numpy()))
    return {
        "seed": params.seed,
        "lr": params.optimizer.lr,
        "parameters": sum(p.numel() for p in model.parameters()),
        f"test_{score}": test_score,
        "best_val_loss": float(history["val_loss"].iloc[best]),
        "best_epoch": int(history["epoch"].iloc[best]),
        "epochs_trained": len(history),
        "seconds_to_best": float(history["epoch_seconds"].iloc[: best + 1].sum()),
        "total_seconds": float(history["epoch_seconds"].sum()),
        "val_loss": history["val_loss"].tolist(),
        f"val_{score}": history[f"val_{score}"].tolist(),
    }


def mean_std(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def summarise_runs(runs: dict[str, list[dict]], task: str = DEFAULT_TASK) -> dict[str, dict]:
    """Per choice (optimizer, architecture): mean and standard deviation over seeds."""
    score = get_task(task).score
    entries = {}
    for name, results in runs.items():
        if not results:
            continue
        entry = {"lr": results[0]["lr"], "seeds": [r["seed"] for r in results]}
        if "parameters" in results[0]:
            entry["parameters"] = results[0]["parameters"]
        for key in (f"test_{score}", *SUMMARISED):
            entry[f"{key}_mean"], entry[f"{key}_std"] = mean_std([r[key] for r in results])
        entry["runs"] = results
        entries[name] = entry
    return entries


def recommend(entries: dict[str, dict], task: str = DEFAULT_TASK, noun: str = "optimizer") -> dict:
    """Lowest mean validation loss wins; those within one standard deviation of it are
    called tied, and the fastest of the tied ones to its best epoch is named too: fewest
    epochs, which repeat from run to run (seconds depend on the machine's load)."""
    best = min(entries, key=lambda n: entries[n]["best_val_loss_mean"])
    margin = entries[best]["best_val_loss_std"]
    tied = sorted(
        (
            n
            for n in entries
            if entries[n]["best_val_loss_mean"] <= entries[best]["best_val_loss_mean"] + margin
        ),
        key=lambda n: entries[n]["best_val_loss_mean"],
    )
    fastest = min(tied, key=lambda n: entries[n]["best_epoch_mean"])
    b = entries[best]
    score, label = get_task(task).score, get_task(task).score_label
    text = (
        f"Lowest validation loss: {best} "
        f"({b['best_val_loss_mean']:.4f} ± {b['best_val_loss_std']:.4f} "
        f"over {len(b['seeds'])} seeds; test {label} "
        f"{b[f'test_{score}_mean']:.4f} ± {b[f'test_{score}_std']:.4f})."
    )
    others = [n for n in tied if n != best]
    if others:
        text += (
            f" Within one standard deviation of it, so not reliably worse on this data: "
            f"{', '.join(others)}. Fastest of these to its best epoch: {fastest} "
            f"({entries[fastest]['best_epoch_mean']:.0f} epochs)."
        )
    else:
        text += f" No other {noun} came within one standard deviation of it."
    return {"best": best, "tied": tied, "fastest_of_tied": fastest, "text": text}


def mean_curves(results: list[dict], key: str) -> pd.Series:
    """Per epoch, the mean over the seeds still training at that epoch."""
    frames = [pd.Series(r[key], index=range(1, len(r[key]) + 1)) for r in results]
    return pd.concat(frames, axis=1).mean(axis=1)


def curves_chart(entries: dict[str, dict], task: str, noun: str) -> str:
    """Validation loss and score per epoch, one line per choice, as an <img> tag."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassbox.html_report import figure_to_img

    score, label = get_task(task).score, get_task(task).score_label
    fig, (loss_ax, score_ax) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, entry in entries.items():
        loss_ax.plot(mean_curves(entry["runs"], "val_loss"), label=name)
        score_ax.plot(mean_curves(entry["runs"], f"val_{score}"), label=name)
    loss_ax.set(xlabel="epoch", ylabel="validation loss", yscale="log", title="Validation loss")
    score_ax.set(xlabel="epoch", ylabel=f"validation {label}", title=f"Validation {label}")
    score_ax.set_ylim(bottom=max(0.0, score_ax.get_ylim()[0]))
    loss_ax.legend()
    return figure_to_img(fig, f"validation loss and {label} per epoch, one line per {noun}")
