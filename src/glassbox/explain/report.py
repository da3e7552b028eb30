"""The explainability report: one self-contained HTML page a person reads first.

It opens with what to take away and whether each method's explanations can be trusted,
then shows what the model relies on globally, per class and for single examples, and ends
with the explorer (glassbox.explain.explorer), where any explained row can be picked. The
pictures are drawn in glassbox.explain.pictures. Every string that comes from data
(feature names, labels) is escaped.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glassbox.explain import explorer, pictures  # noqa: E402
from glassbox.explain.trust import verdict_sentence, verdict_summary  # noqa: E402
from glassbox.html_report import escape, figure_to_img, page, table  # noqa: E402
from glassbox.prepare.preprocessing import Preprocessor  # noqa: E402
from glassbox.tasks import DEFAULT_TASK, get_task  # noqa: E402


def deletion_figure(summary: dict, task: str) -> str:
    fig, ax = plt.subplots(figsize=(7, 4))
    any_entry = next(iter(summary["methods"].values()))["quality"]["deletion"]
    t = get_task(task)
    metric = t.deletion_score
    for method, entry in summary["methods"].items():
        deletion = entry["quality"]["deletion"]
        (line,) = ax.plot(deletion["fractions"], deletion[metric], label=method)
        if "on_data" in deletion:  # the same order, removed features drawn from the data
            ax.plot(
                deletion["fractions"], deletion["on_data"][metric], "--", color=line.get_color()
            )
    ax.plot(any_entry["fractions"], any_entry[f"random_{metric}"], "k:", label="random order")
    if "on_data" in any_entry:
        ax.plot(
            any_entry["fractions"],
            any_entry["on_data"][f"random_{metric}"],
            "k--",
            label="random order, drawn from the data",
        )
    ax.set(
        xlabel="share of features removed (top-ranked first)",
        ylabel="change in "
        + t.deletion_label.removeprefix("the ")
        + ("" if t.predicts_classes else " (target units)"),
        title="Deletion curves (dashed: removed features drawn from the data)",
    )
    ax.legend(fontsize="small")
    return figure_to_img(fig, "deletion curves")


def _top_features_text(
    row_values: np.ndarray, row_input: np.ndarray, preprocessor: Preprocessor, params
) -> str:
    """A row's strongest features, strongest first: each with the row's value (in its own
    units) and its signed attribution."""
    top = np.argsort(-np.abs(row_values))[: min(5, params.top_features)]
    units = pictures.original_units(row_input, preprocessor)[0]
    return ", ".join(
        f"{preprocessor.feature_names[i]} = {units[i]:.4g} ({row_values[i]:+.3f})" for i in top
    )


def _local_examples(
    explanations: dict, lead: str, groups: dict, cells: dict, preprocessor, params, image_title
) -> str:
    """The report's local examples: for each group (title → explained rows, best first) its
    first rows as a table (their test row number, ``cells``: heading → the row's text, and
    their strongest features), with each row's attribution map where the rows are images
    (``image_title``: the row's caption; None: no maps)."""
    method = next(iter(explanations["attributions"]))
    values = explanations["attributions"][method].values
    html = [
        f"<p>Signed attributions by {escape(method.replace('_', ' '))}; positive values {lead}.</p>"
    ]
    for title, rows in groups.items():
        rows = rows[: params.local_examples]
        html.append(f"<h3>{escape(title)}</h3>")
        if len(rows) == 0:
            html.append("<p>None in the explained rows.</p>")
            continue
        if preprocessor.image_shape and image_title is not None:
            titles = [image_title(row) for row in rows]
            html.append(pictures.local_maps(explanations, rows, method, titles, preprocessor))
        body = [
            (
                int(explanations["row_ids"][row]),
                *(cell(row) for cell in cells.values()),
                _top_features_text(values[row], explanations["X"][row], preprocessor, params),
            )
            for row in rows
        ]
        html.append(table(("test row", *cells, "top features = value (attribution)"), body))
    return "".join(html)


def local_section(explanations: dict, preprocessor: Preprocessor, params) -> str:
    """Examples: a classifier's most confident correct and wrong predictions, a
    regression's most accurate predictions and largest errors."""
    if not get_task(explanations.get("task", DEFAULT_TASK)).predicts_classes:
        true = preprocessor.decode_values(explanations["labels"])
        predicted = preprocessor.decode_values(explanations["probabilities"][:, 0])
        error = np.abs(predicted - true)
        groups = {
            "Most accurate predictions": np.argsort(error, kind="stable"),
            "Largest errors": np.argsort(-error, kind="stable"),
        }
        cells = {
            "true": lambda row: f"{true[row]:.4g}",
            "predicted": lambda row: f"{predicted[row]:.4g}",
            "error": lambda row: f"{error[row]:.4g}",
        }
        lead = "raise the prediction"
        return _local_examples(explanations, lead, groups, cells, preprocessor, params, None)
    labels, proba = explanations["labels"], explanations["probabilities"]
    predicted = proba.argmax(axis=1)
    confidence = proba.max(axis=1)
    correct = np.flatnonzero(predicted == labels)
    wrong = np.flatnonzero(predicted != labels)
    groups = {
        "Most confident correct predictions": correct[np.argsort(-confidence[correct])],
        "Misclassified examples (most confident first)": wrong[np.argsort(-confidence[wrong])],
    }
    classes = preprocessor.classes
    cells = {
        "true": lambda row: classes[labels[row]],
        "predicted": lambda row: classes[predicted[row]],
        "confidence": lambda row: f"{confidence[row]:.3f}",
    }

    def image_title(row: int) -> str:
        return f"true {classes[labels[row]]}, pred {classes[predicted[row]]}"

    lead = "push towards the explained class"
    return _local_examples(explanations, lead, groups, cells, preprocessor, params, image_title)


def render(explanations: dict, summary: dict, preprocessor: Preprocessor, params) -> str:
    methods = summary["methods"]
    regression = not get_task(preprocessor.task).predicts_classes
    trust_rows = []
    for method, entry in methods.items():
        q = entry["quality"]
        completeness = q.get("completeness", {}).get("relative_delta")
        on_data = q["deletion"].get("on_data")
        stable = entry.get("stability_across_seeds")
        tree = entry.get("agreement_with_tree")
        trust_rows.append(
            (
                method,
                "yes" if q["passes"] else "no",
                f"{q['deletion']['area']:.3f} / {q['deletion']['random_area']:.3f}",
                "—" if on_data is None else f"{on_data['area']:.3f} / {on_data['random_area']:.3f}",
                "—" if stable is None else f"{stable['correlation']:.2f}",
                "—"
                if tree is None or tree["rank_correlation"] is None
                else f"{tree['rank_correlation']:.2f}, {tree['top_k_overlap']:.0%}",
                f"{q['randomisation_rank_correlation']:.2f}",
                f"{q['infidelity']:.4g}",
                f"{q['sensitivity_max']:.4g}",
                "—" if completeness is None else f"{completeness:.2%}",
                f"{entry['seconds']:.2f}",
            )
        )
    verdicts = "".join(
        f"<li>{escape(line)}</li>" for line in verdict_summary(methods, preprocessor.task)
    )
    in_words = "".join(
        f"<li>{escape(verdict_sentence(m, e['quality'], preprocessor.task))}</li>"
        for m, e in methods.items()
    )
    names = list(methods)
    agreement = [(a, *[f"{summary['agreement'][a][b]:.2f}" for b in names]) for a in names]
    per_class_rows = []
    first = names[0]
    for label, ranked in methods[first]["per_class_top_features"].items():
        per_class_rows.append((label, ", ".join(ranked)))
    body = [
        take_away(summary, preprocessor),
        f"<p>{summary['n_samples']} test rows explained, against the "
        f"{escape(summary['baseline'].replace('_', ' '))} baseline, for the "
        + ("predicted value" if regression else f"{escape(summary['target'])} class")
        + f". Methods: {escape(', '.join(names))}.</p>",
        "<h2>Can these explanations be trusted?</h2>",
        f'<p class="note"><strong>{escape(summary["read_first"]["text"])}</strong></p>'
        if "read_first" in summary
        else "",
        f'<div class="note"><ul>{verdicts}</ul></div>',
        f"<details><summary>Each method in words, with its figures</summary><ul>{in_words}"
        "</ul></details>",
        table(
            (
                "method",
                "passes",
                "deletion area / random",
                "… drawn from the data",
                "stability across seeds",
                "agreement with a tree (rank corr., top 5)",
                "rank corr. with random model",
                "infidelity",
                "max-sensitivity",
                "completeness gap",
                "seconds",
            ),
            trust_rows,
        ),
        (
            "<p>Deletion area: how far the probability the model gives the explained class "
            "moves from its value on the intact row, averaged over the removal curve (higher "
            "is more faithful). "
            if not regression
            else "<p>Deletion area: how far the prediction moves from its value on the intact "
            "row (target units), averaged over the removal curve (higher is more faithful). "
        )
        + "Drawn from the data: the removed features drawn from their distribution given the "
        "kept ones instead of set to the reference (rows stay like the data). Stability: "
        "correlation of global importances between models retrained with other seeds (their "
        "rank correlation is in the JSON: it counts the order of features the model ignores). "
        "Agreement with a tree: a random forest's permutation importance against the "
        "network's global importance. "
        "Rank correlation with a randomised model: lower means the explanation depends on what "
        "the model learned. Infidelity and max-sensitivity: Captum's metrics, lower is better. "
        "Completeness gap: how far Integrated Gradients' attributions miss f(x) − f(baseline).</p>",
        deletion_figure(summary, preprocessor.task),
        "<h2>What the model relies on</h2>",
        pictures.importance_chart(summary, params.top_features),
        "<h3>Do the methods agree?</h3><p>Spearman rank correlation of global importances.</p>",
        table(("", *names), agreement),
    ]
    if not regression:
        body.append("<h2>Per class</h2>")
        if preprocessor.image_shape:
            body.append(pictures.class_maps(explanations, preprocessor))
        body.append(
            f"<p>Top features per class ({escape(first.replace('_', ' '))}, mean "
            "|attribution| over the rows of that class):</p>"
        )
        body.append(table(("class", "top features"), per_class_rows))
    if not preprocessor.image_shape:
        body.append(table_views(explanations, preprocessor, params))
    body.append("<h2>Single predictions</h2>")
    body.append(local_section(explanations, preprocessor, params))
    body.append(
        "<h2>Explore any explained row</h2><p>Pick a test row (by number, class or whether "
        "it was predicted correctly) to see its prediction and every method's attributions"
        + (
            ", drawn beside the image"
            if preprocessor.image_shape
            else ", with each feature's value in its own units"
        )
        + f" ({pictures.SCALE_NOTE}). Click a table's heading to sort it.</p>"
    )
    body.append(explorer.section(explorer.payload(explanations, preprocessor)))
    return page("Explainability report", "".join(body))


def take_away(summary: dict, preprocessor: Preprocessor) -> str:
    """The report's first paragraph, from the numbers: which method to read, what the model
    relies on most by it, and how many methods pass every check."""
    methods = summary["methods"]
    passing = [m for m, e in methods.items() if e["quality"]["passes"]]
    chosen = summary.get("read_first", {}).get("read_first") or next(iter(methods))
    ranked = sorted(methods[chosen]["global_importance"].items(), key=lambda kv: -kv[1])
    top = ", ".join(name for name, _ in ranked[:3])
    failing = [m for m in methods if m not in passing]
    text = (
        f"{len(passing)} of {len(methods)} attribution methods pass every trust check"
        + (f" ({', '.join(failing)} do not: see below)" if failing else "")
        + f". By {chosen.replace('_', ' ')}, the model relies most on {top}."
    )
    if summary.get("read_first", {}).get("read_first"):
        text += f" Read {chosen.replace('_', ' ')} first (why: below)."
    return f'<p class="note"><strong>What to take away.</strong> {escape(text)}</p>'


def table_views(explanations: dict, preprocessor: Preprocessor, params) -> str:
    """For a table: the beeswarm summary and dependence plots of the first method."""
    method = next(iter(explanations["attributions"]))
    values = explanations["attributions"][method].values
    k = min(params.top_features, values.shape[1])
    return (
        f"<h2>Feature values and their attributions ({escape(method.replace('_', ' '))})</h2>"
        + pictures.beeswarm(values, explanations["X"], preprocessor, k)
        + pictures.dependence(values, explanations["X"], preprocessor, min(6, k))
    )
