"""What does privacy cost on this data? The configured model trained at each privacy budget
of `privacy_comparison.epsilons` (null: no privacy), plus a control with each row's gradient
clipped but no noise added, over several seeds; then, per budget, the test score, the
calibration error, how stable the explanations are across seeds, and how much a
membership-inference attack learns (glassbox.compare.membership).

Every run shares the comparison's batch size, epochs and learning rate (DP-SGD wants larger
batches, fewer epochs and a larger step than plain training; the run without privacy uses
the same, so the budgets are compared under one setting). The clipping-only control tells
apart what clipping costs from what the noise costs.
"""

from __future__ import annotations

import functools
import logging

import numpy as np
import torch

from glassbox.compare import studies
from glassbox.compare.comparison import describe_run as comparison_run
from glassbox.compare.comparison import diverged_text, figures
from glassbox.compare.membership import loss_threshold_attack, per_row_losses
from glassbox.compare.params import PrivacyComparisonParams
from glassbox.compare.storage import StudyStorage
from glassbox.tasks import get_task
from glassbox.training.loop import TrainingData
from glassbox.training.losses import build_loss
from glassbox.training.params import TrainingParams
from glassbox.training.stacked import stacked_run

log = logging.getLogger(__name__)

NO_PRIVACY, CLIP_ONLY = "no privacy", "clipping only"


def variants(comparison: PrivacyComparisonParams) -> dict[str, dict | None]:
    """Each variant's name and its `training.privacy` changes (None: privacy off), in the
    report's order: no privacy, clipping only, then the budgets as listed."""
    found: dict[str, dict | None] = {}
    if None in comparison.epsilons:
        found[NO_PRIVACY] = None
    if comparison.clip_only:
        found[CLIP_ONLY] = {"enabled": True, "noise": False}
    for epsilon in comparison.epsilons:
        if epsilon is not None:
            found[f"ε = {epsilon:g}"] = {"enabled": True, "target_epsilon": epsilon}
    return found


def run_settings(
    training: TrainingParams, comparison: PrivacyComparisonParams, privacy: dict | None, seed: int
) -> TrainingParams:
    """One run: the configured model and optimizer, the comparison's batch size, epochs and
    learning rate, this variant's privacy (validated: a model private training cannot take
    is refused here, with the message training gives)."""
    settings = stacked_run(
        training,
        seed=seed,
        batch_size=comparison.batch_size or training.batch_size,
        epochs=comparison.epochs or training.epochs,
        optimizer=training.optimizer.model_copy(
            update={"lr": comparison.lr or training.optimizer.lr}
        ),
    ).model_dump()
    base = training.privacy.model_dump() | {"enabled": False}
    settings["privacy"] = base | (privacy or {})
    return TrainingParams.model_validate(settings)


def train_all(
    data: TrainingData,
    X_test: torch.Tensor,
    y_test: torch.Tensor,
    training: TrainingParams,
    comparison: PrivacyComparisonParams,
    storage: StudyStorage,
) -> dict:
    """Every variant's runs, one per seed, each described by its scores on the test rows:
    an Optuna study per variant in ``storage`` (glassbox.compare.studies), trained by
    ``comparison.processes`` processes (and whoever else shares the storage).
    A batch as large as the training rows cannot be Poisson-sampled: on a small table the
    comparison trains with a quarter of the rows per batch instead, and says so."""
    rows = len(data.X_train)
    batch = comparison.batch_size or training.batch_size
    if batch >= rows:
        fitted = max(1, rows // 4)
        log.warning(
            "privacy comparison: a batch of %d is not below the %d training rows; "
            "batches of %d are used instead (set privacy_comparison.batch_size)",
            batch,
            rows,
            fitted,
        )
        comparison = comparison.model_copy(update={"batch_size": fitted})
    found = variants(comparison)
    runs = {
        name: [run_settings(training, comparison, privacy, s) for s in comparison.seeds]
        for name, privacy in found.items()
    }
    plan = studies.Plan(
        "privacy comparison",
        data,
        X_test,
        y_test,
        runs,
        describe=functools.partial(describe_run, comparison=comparison),
        depends_on={"explained_rows": comparison.explained_rows},
    )
    trained = studies.run_studies_in_processes(comparison.processes, plan, storage)
    return {
        "variants": {
            name: {"privacy": privacy, "runs": studies.run_records(trained[name])}
            for name, privacy in found.items()
        },
        "batch_size": comparison.batch_size,
    }


def describe_run(
    model,
    history,
    params: TrainingParams,
    data: TrainingData,
    X_test,
    y_test,
    comparison: PrivacyComparisonParams,
) -> dict:
    """A comparison's run record (glassbox.compare.comparison.describe_run) and what privacy
    costs: the spent ε, the calibration error, the membership attack, global importances."""
    from glassbox.evaluate.metrics import expected_calibration_error
    from glassbox.explain.integrated_gradients import integrated_gradients
    from glassbox.explain.views import global_importance

    found = comparison_run(model, history, params, data, X_test, y_test)
    privacy = history.attrs.get("privacy", {"enabled": False})
    found["epsilon"] = privacy.get("epsilon") if privacy["enabled"] else None
    found["noise_multiplier"] = privacy.get("noise_multiplier", 0.0)
    task = get_task(data.task)
    model.eval()
    with torch.no_grad():
        outputs = task.outputs(model(X_test))
    if found["diverged"] or not torch.isfinite(outputs).all():
        # Diverged: a result (listed in the report), not a crash; the attack and the
        # attributions would only measure NaNs.
        return found | {"diverged": True}
    if task.predicts_classes:
        probabilities = torch.softmax(outputs, dim=1).numpy()
        found["calibration_error"] = expected_calibration_error(y_test.numpy(), probabilities)
    loss_fn = build_loss(params.loss, data.task, data.y_train, data.n_classes)
    members = per_row_losses(model, loss_fn, data.X_train, data.y_train, task.outputs)
    held_out = per_row_losses(model, loss_fn, X_test, y_test, task.outputs)
    found["membership_attack"] = loss_threshold_attack(members, held_out, params.seed)
    rows = X_test[: comparison.explained_rows]
    target = (
        outputs[: len(rows)].argmax(dim=1)
        if task.predicts_classes
        else torch.zeros(len(rows), dtype=torch.long)
    )
    attributions, _ = integrated_gradients(
        model, rows, data.X_train.mean(dim=0, keepdim=True), target, n_steps=16
    )
    found["global_importance"] = global_importance(attributions.detach().numpy()).tolist()
    return found


def summarise(runs: dict, task: str, features: list[str]) -> dict:
    """Per variant: the figures every comparison gives (glassbox.compare.comparison.figures)
    of the test score, calibration error, attack AUC and its true-positive rate at 1 %
    false positives; the spent ε; and the explanations' stability across seeds
    (glassbox.explain.views)."""
    from glassbox.explain.views import stability_across_seeds

    score = f"test_{get_task(task).score}"
    keys = [score, "calibration_error", "attack_auc", "attack_tpr_at_1pct_fpr"]
    summary = {}
    for name, variant in runs["variants"].items():
        runs_all = variant["runs"]
        results = [r for r in runs_all if not r.get("diverged")]
        for r in results:
            r["attack_auc"] = r["membership_attack"]["auc"]
            r["attack_tpr_at_1pct_fpr"] = r["membership_attack"]["tpr_at_1pct_fpr"]
        entry = figures(runs_all, keys)
        spent = [r["epsilon"] for r in runs_all]
        entry["epsilon_spent"] = None if None in spent else max(spent)
        entry["target_epsilon"] = (variant["privacy"] or {}).get("target_epsilon")
        entry["noise_multiplier"] = runs_all[0]["noise_multiplier"]
        importances = [np.asarray(r.pop("global_importance")) for r in results]
        if len(importances) > 1:
            stability = stability_across_seeds(importances, min(10, len(features)))
            entry["explanation_rank_correlation"] = stability["rank_correlation"]
            entry["explanation_top_k_shared"] = stability["top_k_shared"]
        entry["runs"] = runs_all
        summary[name] = entry
    return {"task": task, "variants": summary, "findings": findings(summary, score)}


def findings(summary: dict, score: str) -> list[str]:
    """The comparison in sentences: what each budget costs against no privacy, and what the
    attack finds."""
    lines = []
    reference = summary.get(NO_PRIVACY)
    for name, entry in summary.items():
        if entry[f"{score}_mean"] is None:
            lines.append(f"{name}: every run diverged (the loss stopped being a number)")
            continue
        figure = f"{entry[f'{score}_mean']:.4f}"
        attack = f"attack AUC {entry['attack_auc_mean']:.3f}"
        if reference is not None and reference[f"{score}_mean"] is not None and name != NO_PRIVACY:
            cost = entry[f"{score}_mean"] - reference[f"{score}_mean"]
            lines.append(f"{name}: {score} {figure} ({cost:+.4f} against no privacy), {attack}")
        else:
            lines.append(f"{name}: {score} {figure}, {attack}")
    return lines


def _label(name: str, entry: dict) -> str:
    spent = entry["epsilon_spent"]
    return name if spent is None else f"{name} (spent {spent:.2f})"


def chart(summary: dict) -> str:
    """Test score and attack AUC per variant, each with its 95 % interval over seeds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from glassbox.html_report import figure_to_img

    task = get_task(summary["task"])
    entries = {n: e for n, e in summary["variants"].items() if e["attack_auc_mean"] is not None}
    names = list(entries)
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.55 * len(names) + 1.6))
    for ax, key, title in (
        (axes[0], f"test_{task.score}", f"test {task.score_label}"),
        (axes[1], "attack_auc", "membership attack ROC-AUC (0.5: no better than guessing)"),
    ):
        means = [entries[n][f"{key}_mean"] for n in names]
        lows = [m - entries[n][f"{key}_ci95"][0] for m, n in zip(means, names, strict=True)]
        highs = [entries[n][f"{key}_ci95"][1] - m for m, n in zip(means, names, strict=True)]
        ax.errorbar(means, range(len(names)), xerr=[lows, highs], fmt="o", capsize=4)
        ax.set_yticks(range(len(names)), [_label(n, entries[n]) for n in names])
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[1].axvline(0.5, color="grey", linestyle="--", linewidth=1)
    axes[1].set_yticklabels([])
    fig.tight_layout()
    return figure_to_img(fig, "test score and membership attack per privacy budget")


def render_report(summary: dict, settings: dict) -> str:
    """The comparison as one self-contained HTML page."""
    from glassbox.compare.comparison import with_interval
    from glassbox.html_report import escape, page, table

    task = get_task(summary["task"])
    score = f"test_{task.score}"
    entries = summary["variants"]

    def spent(entry: dict) -> str:
        if entry["epsilon_spent"] is None:
            return "∞ (no guarantee)"
        return f"{entry['epsilon_spent']:.2f} of {entry['target_epsilon']:g}"

    rows = [
        (
            name,
            spent(e),
            f"{e['noise_multiplier']:.3f}",
            with_interval(e, score),
            with_interval(e, "calibration_error") if "calibration_error_mean" in e else "–",
            f"{e['explanation_rank_correlation']:.3f}"
            if "explanation_rank_correlation" in e
            else "–",
            with_interval(e, "attack_auc"),
            "diverged"
            if e["attack_tpr_at_1pct_fpr_mean"] is None
            else f"{e['attack_tpr_at_1pct_fpr_mean']:.3f}",
        )
        for name, e in entries.items()
    ]
    header = (
        "variant",
        "ε spent (δ as set)",
        "noise multiplier",
        f"test {task.score_label}",
        "calibration error (ECE)",
        "explanation rank correlation across seeds",
        "attack ROC-AUC",
        "attack TPR at 1 % FPR",
    )
    notes = "".join(f"<li>{escape(line)}</li>" for line in summary["findings"])
    diverged = diverged_text(entries)
    if diverged:
        notes += f"<li>{escape(diverged)}</li>"
    measured = [r for e in entries.values() for r in e["runs"] if not r.get("diverged")]
    rows_each = measured[0]["membership_attack"]["rows_each"] if measured else "the"
    body = (
        f"<p>The price of privacy on this data: the configured model at each privacy budget "
        f"over {len(next(iter(entries.values()))['seeds'])} seeds (means with 95 % "
        "t-intervals over seeds). A smaller ε is a stronger guarantee.</p>"
        f'<div class="note"><strong>What to take away.</strong><ul>{notes}</ul></div>'
        f"{table(header, rows)}{chart(summary)}"
        "<h2>How to read it</h2><ul>"
        "<li><strong>Clipping only</strong> bounds each row's gradient and adds no noise: "
        "the difference from <em>no privacy</em> is what clipping costs, the rest is the "
        "noise's.</li>"
        f"<li><strong>Membership attack</strong>: the loss-threshold attack on {rows_each} "
        f"training rows against {rows_each} held-out test rows. 0.5 is guessing; the "
        "true-positive rate at 1 % false positives is what it finds with confidence. ε bounds "
        "every attack; this measures one.</li>"
        "<li><strong>Explanation stability</strong>: the mean Spearman correlation of "
        "integrated gradients' global importances between the seeds' models (1: the same "
        "ranking of features).</li></ul>"
        f"<h2>Settings</h2>{table(('setting', 'value'), settings.items())}"
    )
    return page("Privacy comparison", body)


def settings_table(
    training: TrainingParams, comparison: PrivacyComparisonParams, batch_size: int
) -> dict:
    """What every run shares, as the report lists it (``batch_size``: the one used)."""
    private = training.privacy  # its δ, clipping norm and accountant serve every variant
    return {
        "model": training.model.name,
        "optimizer": training.optimizer.name,
        "learning rate": comparison.lr or training.optimizer.lr or "the optimizer's default",
        "batch size (expected, Poisson-sampled when private)": batch_size,
        "epochs (upper bound)": comparison.epochs or training.epochs,
        "early stopping patience": training.early_stopping.patience,
        "seeds": comparison.seeds,
        "δ": private.target_delta or "1 / (10 × training rows)",
        "clipping norm": private.max_grad_norm,
        "accountant": private.accountant,
    }
