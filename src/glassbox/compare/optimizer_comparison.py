"""Which optimizer suits this data? Tuned on equal budgets, rerun with several seeds, ties
said out loud.

Every run is the training configuration with one optimizer swapped in. Per optimizer:

- *defaults*: its configured learning rate (``learning_rates``, or the optimizer's own
  default), once per seed;
- *tuning*: ``trials_per_optimizer`` learning rates from one log grid, each trained once at
  the first seed, in an Optuna study (glassbox.compare.studies); the same grid, budget,
  pruning rungs and seed for every optimizer, chosen on validation loss only;
- *tuned*: the best trial's learning rate, once per seed (the first seed's run is the trial
  itself). The default rate is a candidate too: where the defaults reach a lower mean
  validation loss than the best trial's rate, the tuned column is the defaults' column.

The ranking, the tie group and the fastest of it are glassbox.compare.comparison's, on the
tuned columns. The trials and the final runs are Optuna studies in one storage
(glassbox.compare.studies): several processes or machines share them, each run trained once.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import torch

from glassbox.compare import studies
from glassbox.compare.comparison import (
    curves_chart,
    diverged_text,
    epoch_cap_warning,
    ranking_loss,
    recommend,
    sample_rows,
    summarise_runs,
    with_interval,
)
from glassbox.compare.params import OptimizerComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.loop import TrainingData
from glassbox.training.params import TrainingParams
from glassbox.training.seed_runs import TrainedRun
from glassbox.training.stacked import stacked_run

log = logging.getLogger(__name__)

_CONFIGURED = object()  # run_settings' default: the comparison's configured learning rate


def run_settings(
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    optimizer: str,
    seed: int,
    lr: float | None | object = _CONFIGURED,
) -> TrainingParams:
    """The training configuration of one comparison run: ``optimizer`` at ``lr`` (by
    default the configured one of the defaults column)."""
    lr = comparison.learning_rates.get(optimizer) if lr is _CONFIGURED else lr
    chosen = training.optimizer.model_copy(update={"name": optimizer, "lr": lr})
    return stacked_run(
        training, seed=seed, epochs=comparison.epochs or training.epochs, optimizer=chosen
    )


def learning_rate_grid(low: float, high: float, trials: int, seed: int) -> list[float]:
    """``trials`` learning rates evenly spaced on a log scale from ``low`` to ``high``, in a
    seeded random order (the order of a study's trials: what the budget chart follows)."""
    points = np.geomspace(low, high, trials) if trials > 1 else np.array([math.sqrt(low * high)])
    order = np.random.default_rng(seed).permutation(trials)
    return [float(points[i]) for i in order]


def tuning_runs(templates: dict[str, TrainingParams], grid: list[float]) -> dict:
    """Per optimizer, its trials: its template at each learning rate of the grid."""
    return {name: [_with_lr(t, lr) for lr in grid] for name, t in templates.items()}


def _with_lr(template: TrainingParams, lr: float) -> TrainingParams:
    return template.model_copy(
        update={"optimizer": template.optimizer.model_copy(update={"lr": lr})}
    )


def tune(
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    storage: StudyStorage,
) -> dict[str, dict]:
    """Every optimizer's study run to the end (glassbox.compare.studies) in ``storage``, by
    ``comparison.processes`` processes; none when ``trials_per_optimizer`` is 0."""
    if comparison.trials_per_optimizer == 0:
        return {}
    seed = comparison.seeds[0]
    data = sample_rows(data, comparison.max_rows, seed)
    grid = learning_rate_grid(*comparison.lr_range, comparison.trials_per_optimizer, seed)
    templates = {o: run_settings(training, comparison, o, seed) for o in comparison.optimizers}
    plan = studies.Plan(
        "optimizer tuning",
        data,
        X_test,
        y_test,
        tuning_runs(templates, grid),
        lr_range=comparison.lr_range,
        rungs=pruning_rungs(comparison, training),
    )
    return studies.run_studies_in_processes(comparison.processes, plan, storage)


def pruning_rungs(comparison: OptimizerComparisonParams, training: TrainingParams) -> list[int]:
    """The epochs at which the trials are pruned (glassbox.compare.pruning); none without."""
    if comparison.pruning == "none":
        return []
    from glassbox.compare.pruning import halving_rungs

    return halving_rungs(comparison.epochs or training.epochs)


def best_trial(study: dict) -> dict:
    """The trial of lowest validation loss (the smaller learning rate on a tie) among those
    that trained their full budget; a trial that diverged only if every one did."""
    return min(
        study["trials"],
        key=lambda t: ("pruned_at" in t, t.get("diverged", False), t["best_val_loss"], t["lr"]),
    )


def train_all(
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    training: TrainingParams,
    comparison: OptimizerComparisonParams,
    storage: StudyStorage,
    done: list[TrainedRun] = (),
    tuned: dict[str, dict] | None = None,
) -> dict[str, dict[str, list[dict]]]:
    """Per optimizer, its runs once per seed: ``defaults`` at the configured learning rate,
    and (after tuning) ``best_trial`` at the best trial's. They are an Optuna study per
    optimizer in ``storage`` (glassbox.compare.studies), trained together by
    ``comparison.processes`` processes (and whoever else shares the storage); a run already
    in ``done`` (the seed runs) or already a trial is reused."""
    tuned = tuned or {}
    first = comparison.seeds[0]
    sampled = sample_rows(data, comparison.max_rows, first)
    if sampled is not data:  # the seed runs trained on every row: none is the same run
        data, done = sampled, ()
    columns: dict[str, list[str]] = {}  # per optimizer, each run's column
    runs: dict[str, list[TrainingParams]] = {}
    for optimizer in comparison.optimizers:
        runs[optimizer] = [
            run_settings(training, comparison, optimizer, seed) for seed in comparison.seeds
        ]
        columns[optimizer] = ["defaults"] * len(comparison.seeds)
        if optimizer in tuned:
            lr = best_trial(tuned[optimizer])["lr"]
            for seed in comparison.seeds[1:]:  # the first seed's run is the trial itself
                runs[optimizer].append(run_settings(training, comparison, optimizer, seed, lr))
                columns[optimizer].append("best_trial")
    plan = studies.Plan("optimizer comparison", data, X_test, y_test, runs, done=list(done))
    found = studies.run_studies_in_processes(comparison.processes, plan, storage)
    results: dict[str, dict[str, list[dict]]] = {}
    for optimizer in comparison.optimizers:
        results[optimizer] = {"defaults": [], "best_trial": []}
        if optimizer in tuned:
            trial = best_trial(tuned[optimizer])
            results[optimizer]["best_trial"].append({**_trial_run(trial), "seed": first})
        records = studies.run_records(found[optimizer])
        for column, record in zip(columns[optimizer], records, strict=True):
            results[optimizer][column].append(record)
    return results


def _trial_run(trial: dict) -> dict:
    """A trial as a run record (what describe_run gave it), not trained again."""
    record = {k: v for k, v in trial.items() if k not in {"number", "index"}}
    return record | {"reused": False, "from_trial": trial["number"]}


def summarise(
    runs: dict[str, dict[str, list[dict]]],
    task: str = DEFAULT_TASK,
    studies: dict[str, dict] | None = None,
    epochs_cap: int | None = None,
    margin: float = 0.25,
) -> dict:
    """Per optimizer the tuned column (ranked), its defaults column and its trials; the
    recommendation on the tuned columns; the epoch-cap warning."""
    studies = studies or {}
    defaults = summarise_runs({o: r["defaults"] for o, r in runs.items()}, task)
    tried = summarise_runs({o: r["best_trial"] for o, r in runs.items() if r["best_trial"]}, task)
    optimizers = {}
    for name, default in defaults.items():
        candidate = tried.get(name)
        better = candidate and ranking_loss(candidate) < ranking_loss(default)
        entry = dict(candidate if better else default)
        entry["tuned_from"] = "trials" if better else "defaults"
        entry["defaults"] = default
        if name in studies:
            entry["trials"] = [
                {k: t[k] for k in ("index", "number", "lr", "best_val_loss", "best_epoch")}
                | {"diverged": t.get("diverged", False), "pruned_at": t.get("pruned_at")}
                for t in studies[name]["trials"]
            ]
            entry["trials_completed"] = len(studies[name]["trials"])
            entry["trials_pruned"] = sum("pruned_at" in t for t in studies[name]["trials"])
            entry["abandoned_and_rerun"] = studies[name]["abandoned_and_rerun"]
            entry["study"] = studies[name]["study"]
        optimizers[name] = entry
    summary = {
        "task": task,
        "tuned": bool(studies),
        "optimizers": optimizers,
        "recommendation": recommend(optimizers, task, margin=margin),
    }
    if epochs_cap is not None:
        summary["epoch_cap_warning"] = epoch_cap_warning(optimizers, epochs_cap, "optimizer")
    return summary


def _loss(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _lr(value: float | None) -> str:
    return "its default" if value is None else f"{value:.3g}"


def sensitivity_chart(optimizers: dict[str, dict]) -> str:
    """Each trial's best validation loss against its learning rate, one line per optimizer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassbox.html_report import figure_to_img

    fig, (lr_ax, budget_ax) = plt.subplots(1, 2, figsize=(13, 4.5))
    for name, entry in optimizers.items():
        trials = entry.get("trials") or []
        if not trials:
            continue
        by_lr = sorted(trials, key=lambda t: t["lr"])
        (line,) = lr_ax.plot(
            [t["lr"] for t in by_lr], [t["best_val_loss"] for t in by_lr], marker="o", label=name
        )
        by_order = sorted(trials, key=lambda t: t["index"])
        so_far, best = [], float("inf")
        for t in by_order:
            best = min(best, t["best_val_loss"])
            so_far.append(best)
        budget_ax.step(
            range(1, len(so_far) + 1), so_far, where="post", color=line.get_color(), label=name
        )
    lr_ax.set(
        xscale="log",
        yscale="log",
        xlabel="learning rate",
        ylabel="best validation loss (trial seed)",
        title="Learning-rate sensitivity",
    )
    budget_ax.set(
        yscale="log",
        xlabel="trials used",
        ylabel="best validation loss so far",
        title="Tuning budget",
    )
    budget_ax.xaxis.get_major_locator().set_params(integer=True)
    budget_ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))
    fig.tight_layout()
    return figure_to_img(
        fig, "validation loss against learning rate, and best so far against trials used"
    )


def render_report(summary: dict, settings: dict) -> str:
    """The comparison as one self-contained HTML page."""
    from glassbox.html_report import escape, page, table

    optimizers = summary["optimizers"]
    task = get_task(summary["task"])
    score, label = task.score, task.score_label
    advice = summary["recommendation"]
    group = set(advice["tied"])
    ranked = sorted(optimizers.items(), key=lambda kv: ranking_loss(kv[1]))
    rows = [
        (
            name + (" ★" if name in group else ""),
            _lr(e["defaults"]["lr"]),
            with_interval(e["defaults"], "best_val_loss"),
            with_interval(e["defaults"], f"test_{score}"),
            _lr(e["lr"]) + (" (defaults)" if e["tuned_from"] == "defaults" else ""),
            with_interval(e, "best_val_loss"),
            with_interval(e, f"test_{score}"),
            "not reached"
            if e["epochs_to_target_median"] is None
            else f"{e['epochs_to_target_median']:.0f} ({e['reached_target']:.0%} of seeds)",
            "–"
            if e["seconds_to_target_median"] is None
            else f"{e['seconds_to_target_median']:.2f}",
        )
        for name, e in ranked
    ]
    header = (
        "optimizer",
        "defaults: learning rate",
        "defaults: validation loss",
        f"defaults: test {label}",
        "tuned: learning rate",
        "tuned: validation loss",
        f"tuned: test {label}",
        "epochs to target",
        "seconds to target (information)",
    )
    warning = summary.get("epoch_cap_warning")
    columns = {f"{n} (defaults)": e["defaults"] for n, e in ranked}
    columns |= {f"{n} (tuned)": e for n, e in ranked if e["tuned_from"] == "trials"}
    diverged = diverged_text(columns)
    seeds = len(next(iter(optimizers.values()))["seeds"])
    body = (
        f'<p class="note"><strong>What to take away.</strong> {escape(advice["text"])}</p>'
        + (f'<p class="note"><strong>Warning.</strong> {escape(warning)}</p>' if warning else "")
        + (f'<p class="note"><strong>Diverged.</strong> {escape(diverged)}</p>' if diverged else "")
        + f"<h2>Results</h2><p>Mean over {seeds} seeds with its 95 % interval (Student's t), "
        f"best first by the tuned validation loss; ★ marks the group the seeds cannot tell "
        f"apart from the best ({escape(advice['test'])}). Test {label} is measured on the "
        "held-out test split and was used for nothing else. Epochs to target: the median "
        f"over seeds of the epochs until validation loss first reached "
        f"{_loss(advice['target_val_loss'])} (within {advice['target_margin']:.0%} of the "
        "best optimizer's mean); seconds are shown for information, as they depend on "
        f"the machine's load.</p>{table(header, rows)}"
        "<h2>Curves (tuned)</h2><p>The median over seeds at each epoch, the band between the "
        "lowest and highest seed; a run that stopped early keeps its last value.</p>"
        f"{curves_chart(optimizers, summary['task'], 'optimizer')}"
    )
    if summary["tuned"]:
        trials = {n: e.get("trials_completed", 0) for n, e in optimizers.items()}
        pruned = {n: e.get("trials_pruned", 0) for n, e in optimizers.items()}
        pruning = (
            f" Pruning ({escape(str(settings.get('pruning', 'successive halving')))}) stopped "
            f"{escape(', '.join(f'{n} {c}' for n, c in pruned.items()))} of them early; a "
            "pruned trial's value is its best at the epoch where it stopped."
            if any(pruned.values())
            else ""
        )
        body += (
            "<h2>Tuning</h2><p>Every optimizer had the same budget: "
            f"{escape(', '.join(f'{n} {c}' for n, c in trials.items()))} trials, "
            "the same log grid of learning rates, the same seed; each trial's value is its "
            f"best validation loss.{pruning} Left: each trial against its learning rate. "
            "Right: the best so far against the trials used, in the study's order.</p>"
            f"{sensitivity_chart(optimizers)}"
        )
    body += f"<h2>Settings</h2>{table(('setting', 'value'), list(settings.items()))}"
    return page("Which optimizer suits this data?", body)
