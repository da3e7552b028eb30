"""The evaluation report: is a neural network warranted here? One offline HTML page, the
verdict first, then every model's figures with their intervals, then the figures."""

from __future__ import annotations

from glassbox.evaluate.verdict import headline_names, ranking_score, signed
from glassbox.html_report import escape, figure_to_img, page, table
from glassbox.training.privacy_record import privacy_sentence

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


def data_notes(details: dict) -> list[str]:
    """What the data review found that bears on every figure below it: probable leaks, and
    a rare class (its share, and how the network does on it)."""
    notes = [
        f"Probable leak: column {column!r}, {why}. If it is not known before the "
        "prediction, every figure on this page is too good."
        for column, why in (details.get("probable_leaks") or {}).items()
    ]
    shares = details.get("class_shares")
    if shares and details.get("score") == "balanced_accuracy":
        rare = min(shares, key=shares.get)
        found = details["model"]["per_class"].get(rare)
        notes.append(
            f"Class {rare!r} holds {shares[rare]:.1%} of the training rows, so the models "
            "are ranked by balanced accuracy (the mean of the per-class recalls), with "
            "accuracy beside it: always answering the majority class scores "
            f"{max(shares.values()):.1%} accuracy."
            + (
                f" On the test split the network finds {found['recall']:.0%} of the "
                f"{found['support']} {rare!r} rows (recall), {found['precision']:.0%} of its "
                f"{rare!r} answers are right (precision), F1 {found['f1']:.3f}."
                if found
                else ""
            )
            + (
                " The network and the baselines (but the majority class) are trained with "
                "classes weighted by 1 / their frequency."
                if details.get("class_weights") == "balanced"
                else ""
            )
        )
    return notes


def _per_class_table(details: dict) -> str:
    per_class = details["model"].get("per_class")
    if not per_class:
        return ""
    shares = details.get("class_shares") or {}
    rows = [
        (
            name,
            f"{shares[name]:.1%}" if name in shares else "",
            f"{s['precision']:.3f}",
            f"{s['recall']:.3f}",
            f"{s['f1']:.3f}",
            str(s["support"]),
        )
        for name, s in per_class.items()
    ]
    return "<h2>The network, class by class</h2>" + table(
        ("class", "share of training rows", "precision", "recall", "F1", "test rows"), rows
    )


def render_evaluation_report(details: dict, figures: dict) -> str:
    score = ranking_score(details)
    metrics = headline_names(details)
    found = details["verdict"]
    level = round(details["bootstrap"]["level"] * 100)
    sign = -1 if score.higher_is_better else 1
    ranked = sorted(
        [("this network", details["model"]), *details["baselines"].items()],
        key=lambda item: sign * item[1][score.key],
    )
    scores_table = table(
        ("model", *metrics),
        [(name, *(_with_interval(s, m) for m in metrics)) for name, s in ranked],
    )
    differences = table(
        ("baseline", f"network minus baseline, {score.label}", f"{level} % interval"),
        [
            (
                name,
                signed(details["model"][score.key] - scores[score.key]),
                "{} to {}".format(*map(signed, details["differences"][name][score.key])),
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
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in data_notes(details))
    body = (
        f'<p class="note"><strong>What to take away. Verdict: {escape(found["outcome"])}.'
        f"</strong> {escape(found['text'])} {escape(privacy_note)}</p>{notes}"
        f"<h2>Every model on the same {details['test_rows']} test rows</h2>"
        f"<p>Each figure with its {level} % interval: the paired bootstrap over the test rows "
        f"({boot['resamples']:,} resamples, seed {boot['seed']}; every model scored on the "
        f"same resamples). Best first by {score.phrase}.</p>{scores_table}"
        f"{_per_class_table(details)}"
        f"<h2>The network against each baseline</h2><p>The difference resample by resample: "
        "an interval that holds zero means the two cannot be told apart on these rows.</p>"
        f"{differences}<h2>Figures</h2>{images}"
    )
    return page("Is a neural network warranted here?", body)
