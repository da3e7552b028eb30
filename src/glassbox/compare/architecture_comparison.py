"""Which model suits this data? Every listed architecture trained once per seed, with the
settings configured under its name in `training.model` (the shipped file: its defaults),
the rest of the training configuration unchanged; then the summary, a recommendation
chosen on validation loss only (glassbox.compare.comparison), and the report.

An architecture of images (cnn) is left out, and the report says so, when the data has no
image shape.
"""

from __future__ import annotations

import logging

import torch

from glassbox.compare import comparison as shared  # what every comparison shares
from glassbox.compare import studies
from glassbox.compare.params import ArchitectureComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.architectures import architecture
from glassbox.training.loop import TrainingData
from glassbox.training.params import TrainingParams
from glassbox.training.seed_runs import TrainedRun
from glassbox.training.stacked import stacked_run

log = logging.getLogger(__name__)


def run_settings(
    training: TrainingParams, comparison: ArchitectureComparisonParams, name: str, seed: int
) -> TrainingParams:
    """The training configuration of one comparison run."""
    return stacked_run(
        training,
        seed=seed,
        epochs=comparison.epochs or training.epochs,
        model=training.model.with_architecture(name),
    )


def fitting_architectures(names: list[str], data: TrainingData) -> tuple[list[str], dict[str, str]]:
    """The architectures that can take this data, and why each other one is left out."""
    left_out = {
        name: "needs an image shape (dataset.image_shape), and the data has none"
        for name in names
        if architecture(name).needs_image and data.image_layout is None
    }
    for name, why in left_out.items():
        log.info("architecture comparison: %s left out: it %s", name, why)
    return [n for n in names if n not in left_out], left_out


def train_all(
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    training: TrainingParams,
    comparison: ArchitectureComparisonParams,
    storage: StudyStorage,
    done: list[TrainedRun] = (),
) -> dict:
    """Every fitting architecture's runs, one per seed: an Optuna study per architecture in
    ``storage`` (glassbox.compare.studies), its seeds trained together, by
    ``comparison.processes`` processes (and whoever else shares the storage); a run already
    in ``done`` (the seed runs) is reused."""
    names, left_out = fitting_architectures(comparison.architectures, data)
    runs = {
        name: [run_settings(training, comparison, name, seed) for seed in comparison.seeds]
        for name in names
    }
    plan = studies.Plan("architecture comparison", data, X_test, y_test, runs, done=list(done))
    found = studies.run_studies_in_processes(comparison.processes, plan, storage)
    return {
        "runs": {name: studies.run_records(study) for name, study in found.items()},
        "settings": {name: settings[0].model.settings() for name, settings in runs.items()},
        "left_out": left_out,
    }


def summarise(trained: dict, task: str = DEFAULT_TASK, epochs_cap: int | None = None) -> dict:
    """Per architecture: mean, spread and interval over seeds; then the recommendation and
    the epoch-cap warning."""
    entries = shared.summarise_runs(trained["runs"], task)
    for name, entry in entries.items():
        entry["settings"] = trained["settings"][name]
    summary = {
        "task": task,
        "architectures": entries,
        "left_out": trained["left_out"],
        "recommendation": shared.recommend(entries, task, noun="architecture"),
    }
    if epochs_cap is not None:
        summary["epoch_cap_warning"] = shared.epoch_cap_warning(entries, epochs_cap, "architecture")
    return summary


def _figure(value: float | None, spec: str) -> str:
    """A mean as a report shows it; None (every run diverged) as "diverged"."""
    return "diverged" if value is None else format(value, spec)


def render_report(summary: dict, settings: dict) -> str:
    """The comparison as one self-contained HTML page."""
    from glassbox.html_report import escape, page, table

    entries = summary["architectures"]
    task = get_task(summary["task"])
    score, label = task.score, task.score_label
    chart = shared.curves_chart(entries, summary["task"], "architecture")
    rows = [
        (
            name,
            ", ".join(f"{k} {v}" for k, v in e["settings"].items()),
            f"{e['parameters']:,}",
            shared.with_interval(e, f"test_{score}"),
            shared.with_interval(e, "best_val_loss"),
            _figure(e["best_epoch_mean"], ".1f"),
            "not reached"
            if e["epochs_to_target_median"] is None
            else f"{e['epochs_to_target_median']:.0f}",
            _figure(e["total_seconds_mean"], ".2f"),
        )
        for name, e in sorted(entries.items(), key=lambda kv: shared.ranking_loss(kv[1]))
    ]
    header = (
        "architecture",
        "settings",
        "parameters",
        f"test {label}",
        "best validation loss",
        "epochs to best",
        "epochs to target",
        "seconds per run (information)",
    )
    left_out = "".join(
        f"<li>{escape(name)}: it {escape(why)}.</li>" for name, why in summary["left_out"].items()
    )
    advice = summary["recommendation"]
    warning = summary.get("epoch_cap_warning")
    diverged = shared.diverged_text(entries)
    body = (
        f'<p class="note"><strong>What to take away.</strong> {escape(advice["text"])}</p>'
        + (f'<p class="note"><strong>Warning.</strong> {escape(warning)}</p>' if warning else "")
        + (f'<p class="note"><strong>Diverged.</strong> {escape(diverged)}</p>' if diverged else "")
        + (f"<p>Left out:</p><ul>{left_out}</ul>" if left_out else "")
        + "<h2>Curves</h2><p>The median over seeds at each epoch, the band between the lowest "
        "and highest seed; a run that stopped early keeps its last value.</p>"
        f"{chart}<h2>Results</h2><p>Mean over seeds with its 95 % interval (Student's t), "
        f"best first by validation loss ({escape(advice['test'])} decides which are tied). "
        f"Test {label} is measured on the held-out test split and was not used to rank. "
        "Epochs to target: the median over seeds until validation loss first reached "
        f"{_figure(advice['target_val_loss'], '.4f')}. An architecture's seeds train "
        "together (one pass computes every seed's batch); seconds per run are a run's share "
        "of those passes.</p>"
        f"{table(header, rows)}"
        f"<h2>Settings</h2>{table(('setting', 'value'), list(settings.items()))}"
    )
    return page("Which model suits this data?", body)
