"""Which optimizer suits this data? Runs, their summary, a recommendation, and the report.

Every run is the training configuration with one optimizer swapped in, trained once per
seed. The summary and the recommendation (on validation loss only) are
glassbox.evaluate.comparison's, shared with the architecture comparison.
"""

from __future__ import annotations

import torch

from glassbox.evaluate.comparison import curves_chart, describe_run, recommend, summarise_runs
from glassbox.parameters import OptimizerComparisonParams, TrainingParams
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.loop import TrainingData
from glassbox.training.seed_runs import TrainedRun, train_or_reuse
from glassbox.training.stacked import stacked_run


def run_settings(
    training: TrainingParams, comparison: OptimizerComparisonParams, optimizer: str, seed: int
) -> TrainingParams:
    """The training configuration of one comparison run."""
    chosen = training.optimizer.model_copy(
        update={"name": optimizer, "lr": comparison.learning_rates.get(optimizer)}
    )
    return stacked_run(
        training, seed=seed, epochs=comparison.epochs or training.epochs, optimizer=chosen
    )


def train_all(
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    done: list[TrainedRun] = (),
) -> dict[str, list[dict]]:
    """Every optimizer's runs, one per seed, trained together (glassbox.training.stacked:
    one forward and backward pass for all runs; 2.3x faster than one run after another in
    benchmarks/stacked_training.py); a run already in ``done`` (the seed runs) is reused."""
    settings = [
        run_settings(training, comparison, optimizer, seed)
        for optimizer in comparison.optimizers
        for seed in comparison.seeds
    ]
    results, reused = train_or_reuse(data, settings, list(done))
    described = iter(
        describe_run(model, history, params, data, X_test, y_test) | {"reused": was_reused}
        for (model, history), params, was_reused in zip(results, settings, reused, strict=True)
    )
    return {
        optimizer: [next(described) for params in settings if params.optimizer.name == optimizer]
        for optimizer in comparison.optimizers
    }


def summarise(runs: dict[str, list[dict]], task: str = DEFAULT_TASK) -> dict:
    """Per optimizer: mean and standard deviation over seeds; then the recommendation."""
    optimizers = summarise_runs(runs, task)
    return {"task": task, "optimizers": optimizers, "recommendation": recommend(optimizers, task)}


def render_report(summary: dict, settings: dict) -> str:
    """The comparison as one self-contained HTML page."""
    from glassbox.html_report import escape, page, table

    optimizers = summary["optimizers"]
    task = get_task(summary["task"])
    score, label = task.score, task.score_label
    chart = curves_chart(optimizers, summary["task"], "optimizer")

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
