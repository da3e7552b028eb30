"""The explainability report: one self-contained HTML page a person reads first.

It opens with whether each method's explanations can be trusted, then shows what the
model relies on globally, per class and for single examples. Every string that comes from
data (feature names, labels) is escaped.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glassbox.explain.trust import verdict_sentence  # noqa: E402
from glassbox.html_report import escape, figure_to_img, page, table  # noqa: E402
from glassbox.prepare.preprocessing import Preprocessor  # noqa: E402
from glassbox.tasks import DEFAULT_TASK, get_task  # noqa: E402


def as_image(vector: np.ndarray, preprocessor: Preprocessor) -> np.ndarray:
    """Model-input values on the image grid, channels averaged (one picture per row)."""
    grid = preprocessor.as_image(vector)
    return grid.mean(axis=0) if grid.ndim == 3 else grid


def unscaled(row: np.ndarray, preprocessor: Preprocessor) -> np.ndarray:
    """Undo the standard scaling of the numeric features (for drawing the original image)."""
    n = len(preprocessor.numeric_columns)
    values = row.astype(float).copy()
    values[:n] = values[:n] * np.asarray(preprocessor.scales) + np.asarray(preprocessor.means)
    return values


def _heatmap(ax, attribution: np.ndarray, title: str, original: np.ndarray | None = None) -> None:
    from captum.attr import visualization as viz

    method = "blended_heat_map" if original is not None else "heat_map"
    original = None if original is None else (original - original.min()) / (np.ptp(original) or 1)
    viz.visualize_image_attr(
        attribution[..., None],
        original_image=None if original is None else original[..., None],
        method=method,
        sign="all",
        plt_fig_axis=(ax.figure, ax),
        use_pyplot=False,
        outlier_perc=1,
        title=title,
    )


def class_heatmaps(explanations: dict, preprocessor: Preprocessor) -> str:
    methods = list(explanations["attributions"])
    classes = preprocessor.classes
    target = explanations["target"]
    fig, axes = plt.subplots(
        len(methods), len(classes), squeeze=False, figsize=(1.6 * len(classes), 1.8 * len(methods))
    )
    for r, method in enumerate(methods):
        values = explanations["attributions"][method].values
        for c, label in enumerate(classes):
            rows = target == c
            if not rows.any():
                axes[r][c].axis("off")
                continue
            # Drawn over the class's mean image, so the strokes the model uses are visible.
            mean_image = unscaled(explanations["X"][rows].mean(axis=0), preprocessor)
            _heatmap(
                axes[r][c],
                as_image(values[rows].mean(axis=0), preprocessor),
                f"{label}" if r == 0 else "",
                original=as_image(mean_image, preprocessor),
            )
        axes[r][0].set_ylabel(method.replace("_", "\n"), fontsize=8)
    fig.suptitle(
        "Mean signed attribution per class over the class's mean image "
        "(green: towards the class, red: against)"
    )
    return figure_to_img(fig, "per-class attribution heatmaps")


def importance_figure(summary: dict, top: int) -> str:
    methods = summary["methods"]
    fig, axes = plt.subplots(
        1, len(methods), squeeze=False, figsize=(3.2 * len(methods), 0.3 * top + 1.5)
    )
    for ax, (method, entry) in zip(axes[0], methods.items(), strict=True):
        ranked = sorted(entry["global_importance"].items(), key=lambda kv: -kv[1])[:top][::-1]
        values = np.array([v for _, v in ranked])
        scale = values.max() or 1
        ax.barh([k for k, _ in ranked], values / scale)
        spread = entry.get("stability_across_seeds", {}).get("importance_range")
        if spread:  # the range over the models retrained with other seeds
            for i, (name, _) in enumerate(ranked):
                low, high = spread[name]
                ax.plot([low / scale, high / scale], [i, i], color="black", linewidth=1.5)
        ax.set_title(method.replace("_", " "), fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle(
        "Global importance: mean |attribution|, scaled to the top feature"
        + ("; black: the range over models retrained with other seeds" if spread else "")
    )
    fig.tight_layout()
    return figure_to_img(fig, "global feature importance per method")


def deletion_figure(summary: dict, task: str) -> str:
    fig, ax = plt.subplots(figsize=(7, 4))
    any_entry = next(iter(summary["methods"].values()))["quality"]["deletion"]
    t = get_task(task)
    metric = t.score
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
        ylabel=t.score_label + ("" if t.higher_is_better else " (target units)"),
        title="Deletion curves (dashed: removed features drawn from the data)",
    )
    ax.legend(fontsize="small")
    return figure_to_img(fig, "deletion curves")


def _top_features_text(row_values: np.ndarray, preprocessor: Preprocessor, params) -> str:
    """A row's strongest features with their signed attributions, strongest first."""
    top = np.argsort(-np.abs(row_values))[: min(5, params.top_features)]
    return ", ".join(f"{preprocessor.feature_names[i]} ({row_values[i]:+.3f})" for i in top)


def local_section_regression(explanations: dict, preprocessor: Preprocessor, params) -> str:
    method = next(iter(explanations["attributions"]))
    values = explanations["attributions"][method].values
    true = preprocessor.decode_values(explanations["labels"])
    predicted = preprocessor.decode_values(explanations["probabilities"][:, 0])
    error = np.abs(predicted - true)
    groups = {
        "Most accurate predictions": np.argsort(error, kind="stable"),
        "Largest errors": np.argsort(-error, kind="stable"),
    }
    html = [
        f"<p>Signed attributions by {escape(method.replace('_', ' '))}; positive values "
        "raise the prediction.</p>"
    ]
    for title, rows in groups.items():
        rows = rows[: params.local_examples]
        html.append(f"<h3>{escape(title)}</h3>")
        table_rows = []
        for row in rows:
            features = _top_features_text(values[row], preprocessor, params)
            table_rows.append(
                (
                    int(explanations["row_ids"][row]),
                    f"{true[row]:.4g}",
                    f"{predicted[row]:.4g}",
                    f"{error[row]:.4g}",
                    features,
                )
            )
        html.append(table(("test row", "true", "predicted", "error", "top features"), table_rows))
    return "".join(html)


def local_section(explanations: dict, preprocessor: Preprocessor, params) -> str:
    if not get_task(explanations.get("task", DEFAULT_TASK)).predicts_classes:
        return local_section_regression(explanations, preprocessor, params)
    method = next(iter(explanations["attributions"]))
    values = explanations["attributions"][method].values
    X, labels, proba = explanations["X"], explanations["labels"], explanations["probabilities"]
    predicted = proba.argmax(axis=1)
    confidence = proba.max(axis=1)
    correct = np.flatnonzero(predicted == labels)
    wrong = np.flatnonzero(predicted != labels)
    groups = {
        "Most confident correct predictions": correct[np.argsort(-confidence[correct])],
        "Misclassified examples (most confident first)": wrong[np.argsort(-confidence[wrong])],
    }
    html = [
        f"<p>Signed attributions by {escape(method.replace('_', ' '))}; positive values "
        "push towards the explained class.</p>"
    ]
    for title, rows in groups.items():
        rows = rows[: params.local_examples]
        html.append(f"<h3>{escape(title)}</h3>")
        if len(rows) == 0:
            html.append("<p>None in the explained rows.</p>")
            continue
        if preprocessor.image_shape:
            fig, axes = plt.subplots(1, len(rows), squeeze=False, figsize=(2.2 * len(rows), 2.4))
            for ax, row in zip(axes[0], rows, strict=True):
                image = as_image(unscaled(X[row], preprocessor), preprocessor)
                _heatmap(
                    ax,
                    as_image(values[row], preprocessor),
                    f"true {preprocessor.classes[labels[row]]}, "
                    f"pred {preprocessor.classes[predicted[row]]}",
                    original=image,
                )
            html.append(figure_to_img(fig, title))
        table_rows = []
        for row in rows:
            features = _top_features_text(values[row], preprocessor, params)
            table_rows.append(
                (
                    int(explanations["row_ids"][row]),
                    preprocessor.classes[labels[row]],
                    preprocessor.classes[predicted[row]],
                    f"{confidence[row]:.3f}",
                    features,
                )
            )
        html.append(
            table(("test row", "true", "predicted", "confidence", "top features"), table_rows)
        )
    return "".join(html)


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
                "—" if stable is None else f"{stable['rank_correlation']:.2f}",
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
        f"<p>{summary['n_samples']} test rows explained, against the "
        f"{escape(summary['baseline'].replace('_', ' '))} baseline, for the "
        + ("predicted value" if regression else f"{escape(summary['target'])} class")
        + f". Methods: {escape(', '.join(names))}.</p>",
        "<h2>Can these explanations be trusted?</h2>",
        f'<p class="note"><strong>{escape(summary["read_first"]["text"])}</strong></p>'
        if "read_first" in summary
        else "",
        f'<div class="note"><ul>{verdicts}</ul></div>',
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
            "<p>Deletion area: accuracy averaged over the removal curve (lower is more faithful). "
            if not regression
            else "<p>Deletion area: RMSE averaged over the removal curve (higher is more "
            "faithful). "
        )
        + "Drawn from the data: the removed features drawn from their distribution given the "
        "kept ones instead of set to the reference (rows stay like the data). Stability: rank "
        "correlation of global importances between models retrained with other seeds. "
        "Agreement with a tree: a random forest's permutation importance against the "
        "network's global importance. "
        "Rank correlation with a randomised model: lower means the explanation depends on what "
        "the model learned. Infidelity and max-sensitivity: Captum's metrics, lower is better. "
        "Completeness gap: how far Integrated Gradients' attributions miss f(x) − f(baseline).</p>",
        deletion_figure(summary, preprocessor.task),
        "<h2>What the model relies on</h2>",
        importance_figure(summary, params.top_features),
        "<h3>Do the methods agree?</h3><p>Spearman rank correlation of global importances.</p>",
        table(("", *names), agreement),
    ]
    if not regression:
        body.append("<h2>Per class</h2>")
        if preprocessor.image_shape:
            body.append(class_heatmaps(explanations, preprocessor))
        body.append(
            f"<p>Top features per class ({escape(first.replace('_', ' '))}, mean "
            "|attribution| over the rows of that class):</p>"
        )
        body.append(table(("class", "top features"), per_class_rows))
    body.append("<h2>Single predictions</h2>")
    body.append(local_section(explanations, preprocessor, params))
    return page("Explainability report", "".join(body))
