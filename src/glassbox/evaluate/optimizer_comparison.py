"""Which optimizer suits this data? Runs, their summary, a recommendation, and the report.

Every run is the training configuration with one optimizer swapped in, trained once per
seed. The recommendation is chosen on validation loss, never on the test split (choosing
on test scores would make them optimistic); test accuracy is reported beside it.
"""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import torch

from glassbox.parameters import DistributedParams, OptimizerComparisonParams, TrainingParams
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.loop import TrainingData
from glassbox.training.stacked import train_stacked


def run_settings(
    training: TrainingParams, comparison: OptimizerComparisonParams, optimizer: str, seed: int
) -> TrainingParams:
    """The training configuration of one comparison run."""
    chosen = training.optimizer.model_copy(
        update={"name": optimizer, "lr": comparison.learning_rates.get(optimizer)}
    )
    return training.model_copy(
        update={
            "seed": seed,
            "epochs": comparison.epochs or training.epochs,
            "optimizer": chosen,
            "checkpoint_every": 0,
            "progress": "never",
            # Many small runs, trained together in one process (train_all), not with DDP.
            "distributed": DistributedParams(),
        }
    )


def train_all(
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
) -> dict[str, list[dict]]:
    """Every optimizer's runs, one per seed, trained together (glassbox.training.stacked:
    one forward and backward pass for all runs; 2.3x faster than one run after another in
    benchmarks/stacked_training.py)."""
    settings = [
        run_settings(training, comparison, optimizer, seed)
        for optimizer in comparison.optimizers
        for seed in comparison.seeds
    ]
    trained = iter(train_stacked(data, settings))
    return {
        optimizer: [
            describe_run(*next(trained), params, data, X_test, y_test)
            for params in settings
            if params.optimizer.name == optimizer
        ]
        for optimizer in comparison.optimizers
    }


def describe_run(
    model: torch.nn.Module,
    history: pd.DataFrame,
    params: TrainingParams,
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
) -> dict:
    """One run's curves, best epoch, timings and test score (accuracy, or for regression
    RMSE in the target's units)."""
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
        f"test_{score}": test_score,
        "best_val_loss": float(history["val_loss"].iloc[best]),
        "best_epoch": int(history["epoch"].iloc[best]),
        "epochs_trained": len(history),
        "seconds_to_best": float(history["epoch_seconds"].iloc[: best + 1].sum()),
        "total_seconds": float(history["epoch_seconds"].sum()),
        "val_loss": history["val_loss"].tolist(),
        f"val_{score}": history[f"val_{score}"].tolist(),
    }


def _mean_std(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def summarise(runs: dict[str, list[dict]], task: str = DEFAULT_TASK) -> dict:
    """Per optimizer: mean and standard deviation over seeds; then the recommendation."""
    score = get_task(task).score
    optimizers = {}
    for name, results in runs.items():
        if not results:
            continue
        entry = {"lr": results[0]["lr"], "seeds": [r["seed"] for r in results]}
        for key in (
            f"test_{score}",
            "best_val_loss",
            "best_epoch",
            "seconds_to_best",
            "total_seconds",
        ):
            entry[f"{key}_mean"], entry[f"{key}_std"] = _mean_std([r[key] for r in results])
        entry["runs"] = results
        optimizers[name] = entry
    return {"task": task, "optimizers": optimizers, "recommendation": recommend(optimizers, task)}


def recommend(optimizers: dict[str, dict], task: str = DEFAULT_TASK) -> dict:
    """Lowest mean validation loss wins; those within one standard deviation of it are
    called tied, and the fastest of the tied ones to its best epoch is named too: fewest
    epochs, which repeat from run to run (seconds depend on the machine's load)."""
    best = min(optimizers, key=lambda n: optimizers[n]["best_val_loss_mean"])
    margin = optimizers[best]["best_val_loss_std"]
    tied = sorted(
        (
            n
            for n in optimizers
            if optimizers[n]["best_val_loss_mean"]
            <= optimizers[best]["best_val_loss_mean"] + margin
        ),
        key=lambda n: optimizers[n]["best_val_loss_mean"],
    )
    fastest = min(tied, key=lambda n: optimizers[n]["best_epoch_mean"])
    b = optimizers[best]
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
            f"({optimizers[fastest]['best_epoch_mean']:.0f} epochs)."
        )
    else:
        text += " No other optimizer came within one standard deviation of it."
    return {"best": best, "tied": tied, "fastest_of_tied": fastest, "text": text}


def mean_curves(results: list[dict], key: str) -> pd.Series:
    """Per epoch, the mean over the seeds still training at that epoch."""
    frames = [pd.Series(r[key], index=range(1, len(r[key]) + 1)) for r in results]
    return pd.concat(frames, axis=1).mean(axis=1)


def render_report(summary: dict, settings: dict) -> str:
    """The comparison as one self-contained HTML page."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassbox.html_report import escape, figure_to_img, page, table

    optimizers = summary["optimizers"]
    task = get_task(summary["task"])
    score, label = task.score, task.score_label
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(12, 4.5))
    for name, entry in optimizers.items():
        loss_ax.plot(mean_curves(entry["runs"], "val_loss"), label=name)
        acc_ax.plot(mean_curves(entry["runs"], f"val_{score}"), label=name)
    loss_ax.set(xlabel="epoch", ylabel="validation loss", yscale="log", title="Validation loss")
    acc_ax.set(xlabel="epoch", ylabel=f"validation {label}", title=f"Validation {label}")
    acc_ax.set_ylim(bottom=max(0.0, acc_ax.get_ylim()[0]))
    loss_ax.legend()
    chart = figure_to_img(fig, f"validation loss and {label} per epoch, one line per optimizer")

    rows = [
        (
            name,
            "default" if e["lr"] is None else f"{e['lr']:g}",
            f"{e[f'test_{score}_mean']:.4f} ± {e[f'test_{score}_std']:.4f}",
            f"{e['best_val_loss_mean']:.4f} ± {e['best_val_loss_std']:.4f}",
            f"{e['best_epoch_mean']:.1f}",
            f"{e['seconds_to_best_mean']:.2f}",
            f"{e['total_seconds_mean']:.2f}",
        )
        for name, e in sorted(optimizers.items(), key=lambda kv: kv[1]["best_val_loss_mean"])
    ]
    header = (
        "optimizer",
        "learning rate",
        f"test {label}",
        "best validation loss",
        "epochs to best",
        "seconds to best",
        "seconds in all",
    )
    settings_rows = [(k, v) for k, v in settings.items()]
    advice = escape(summary["recommendation"]["text"])
    body = (
        f'<p class="note"><strong>Recommendation.</strong> {advice}</p>'
        "<h2>Curves</h2><p>Mean over seeds at each epoch (runs stop early at different epochs).</p>"
        f"{chart}<h2>Results</h2><p>Mean ± standard deviation over seeds, best first by "
        f"validation loss. Test {label} is measured on the held-out test split and was not "
        f"used to rank. The runs train together (one pass computes every run's batch); a "
        "run's seconds are its share of those passes plus its own optimizer's steps."
        f"</p>{table(header, rows)}"
        f"<h2>Settings</h2>{table(('setting', 'value'), settings_rows)}"
    )
    return page("Which optimizer suits this data?", body)
