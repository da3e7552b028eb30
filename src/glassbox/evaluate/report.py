"""The evaluation report: is a neural network warranted here? One offline HTML page, the
verdict first, then every model's figures with their intervals, then the figures."""

from __future__ import annotations

from glassbox.evaluate.metrics import privacy_sentence
from glassbox.html_report import escape, figure_to_img, page, table
from glassbox.tasks import get_task

FIGURE_TITLES = {
    "model_and_baselines.png": "The network and every baseline, with intervals (test split)",
    "confusion_matrix.png": "Confusion matrix (test split)",
    "roc_curves.png": "ROC curves (test split)",
    "reliability_diagram.png": "Reliability diagram (test split)",
    "predicted_vs_true.png": "Predicted against true values (test split)",
    "residuals.png": "Residuals (test split)",
    "training_curves.png": "Training curves",
}


def _with_interval(scores: dict, metric: str) -> str:
    low, high = scores["intervals"][metric]
    return f"{scores[metric]:.4f} ({low:.4f} to {high:.4f})"


def render_evaluation_report(details: dict, figures: dict) -> str:
    task = get_task(details["task"])
    metrics = task.headline_metrics
    found = details["verdict"]
    level = round(details["bootstrap"]["level"] * 100)
    sign = -1 if task.higher_is_better else 1
    ranked = sorted(
        [("this network", details["model"]), *details["baselines"].items()],
        key=lambda item: sign * item[1][task.score],
    )
    scores_table = table(
        ("model", *metrics),
        [(name, *(_with_interval(s, m) for m in metrics)) for name, s in ranked],
    )
    differences = table(
        ("baseline", f"network minus baseline, {task.score_label}", f"{level} % interval"),
        [
            (
                name,
                f"{details['model'][task.score] - scores[task.score]:+.4f}",
                "{:+.4f} to {:+.4f}".format(*details["differences"][name][task.score]),
            )
            for name, scores in details["baselines"].items()
        ],
    )
    titles = {name: FIGURE_TITLES.get(name, name) for name in figures}
    images = "".join(
        f"<h3>{escape(titles[name])}</h3>{figure_to_img(fig, titles[name])}"
        for name, fig in figures.items()
    )
    boot = details["bootstrap"]
    privacy_note = privacy_sentence(details.get("privacy"))
    if (details.get("privacy") or {}).get("enabled"):
        privacy_note += (
            " The baselines are trained without privacy: they show what privacy costs here, "
            "not what a private alternative would reach."
        )
    calibration = details["model"].get("expected_calibration_error")
    if calibration is not None:
        privacy_note = (
            f"Its probabilities are off by {calibration:.3f} on average (expected "
            f"calibration error; 0 is perfectly calibrated). {privacy_note}"
        )
    body = (
        f'<p class="note"><strong>What to take away. Verdict: {escape(found["outcome"])}.'
        f"</strong> {escape(found['text'])} {escape(privacy_note)}</p>"
        f"<h2>Every model on the same {details['test_rows']} test rows</h2>"
        f"<p>Each figure with its {level} % interval: the paired bootstrap over the test rows "
        f"({boot['resamples']:,} resamples, seed {boot['seed']}; every model scored on the "
        f"same resamples). Best first by {task.score_phrase}.</p>{scores_table}"
        f"<h2>The network against each baseline</h2><p>The difference resample by resample: "
        "an interval that holds zero means the two cannot be told apart on these rows.</p>"
        f"{differences}<h2>Figures</h2>{images}"
    )
    return page("Is a neural network warranted here?", body)
