"""The explainability report's pictures, drawn to be read.

Attributions are signed, so every map uses one diverging colour scale centred at zero (red:
towards the explained output, blue: against), with a colour bar; a method's maps share one
scale, so its panels can be compared. Images are shown beside their maps, not under them.
For tables: a beeswarm-style summary (each row's attribution per top feature, coloured by
the feature's value) and dependence plots (a feature's value in its own units against its
attribution), the views SHAP made familiar.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from glassbox.html_report import figure_to_img  # noqa: E402
from glassbox.prepare.preprocessing import Preprocessor  # noqa: E402

DIVERGING = "RdBu_r"  # red: pushes towards the explained output; blue: against
SCALE_NOTE = "red: towards the explained output, blue: against; white: none"


def as_image(vector: np.ndarray, preprocessor: Preprocessor) -> np.ndarray:
    """Model-input values on the image grid, channels averaged (one picture per row)."""
    grid = preprocessor.as_image(vector)
    return grid.mean(axis=0) if grid.ndim == 3 else grid


def original_units(X: np.ndarray, preprocessor: Preprocessor) -> np.ndarray:
    """Rows of model input with the numeric features' scaling undone (their own units);
    one-hot columns stay 0 / 1."""
    values = np.array(X, dtype=float, copy=True, ndmin=2)
    n = len(preprocessor.numeric_columns)
    values[:, :n] = values[:, :n] * np.asarray(preprocessor.scales) + np.asarray(preprocessor.means)
    return values


def symmetric_limit(values: np.ndarray) -> float:
    """A colour scale's half-width: the 99th percentile of |values| (one outlier pixel does
    not wash out the rest), never zero."""
    found = float(np.percentile(np.abs(values), 99)) if np.size(values) else 0.0
    return found or float(np.abs(values).max(initial=0.0)) or 1.0


def _map(ax, values: np.ndarray, limit: float):
    shown = ax.imshow(values, cmap=DIVERGING, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return shown


def _picture(ax, image: np.ndarray) -> None:
    ax.imshow(image, cmap="gray_r", interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def class_maps(explanations: dict, preprocessor: Preprocessor) -> str:
    """Per class: its mean image, and below it each method's mean attribution map; one
    colour scale (and bar) per method."""
    methods = list(explanations["attributions"])
    classes = preprocessor.classes
    target = explanations["target"]
    present = [c for c in range(len(classes)) if (target == c).any()]
    means = {
        method: np.stack(
            [
                as_image(
                    explanations["attributions"][method].values[target == c].mean(0), preprocessor
                )
                for c in present
            ]
        )
        for method in methods
    }
    fig, axes = plt.subplots(
        len(methods) + 1,
        len(present) + 1,
        squeeze=False,
        figsize=(1.15 * len(present) + 1.6, 1.2 * (len(methods) + 1) + 0.6),
        gridspec_kw={"width_ratios": [1] * len(present) + [0.12]},
    )
    for j, c in enumerate(present):
        image = original_units(explanations["X"][target == c], preprocessor).mean(axis=0)
        _picture(axes[0][j], as_image(image, preprocessor))
        axes[0][j].set_title(str(classes[c]), fontsize=11)
    axes[0][0].set_ylabel("mean image", fontsize=9)
    axes[0][-1].axis("off")
    for i, method in enumerate(methods, start=1):
        limit = symmetric_limit(means[method])
        for j in range(len(present)):
            shown = _map(axes[i][j], means[method][j], limit)
        axes[i][0].set_ylabel(method.replace("_", "\n"), fontsize=9)
        fig.colorbar(shown, cax=axes[i][-1])
        axes[i][-1].tick_params(labelsize=7)
    fig.suptitle(f"Mean attribution per class, one colour scale per method ({SCALE_NOTE})")
    fig.tight_layout()
    return figure_to_img(fig, "per-class attribution maps beside the mean images")


def local_maps(
    explanations: dict, rows: np.ndarray, method: str, titles: list[str], preprocessor
) -> str:
    """Each chosen row's image above its attribution map (one scale for the figure)."""
    values = explanations["attributions"][method].values[rows]
    limit = symmetric_limit(values)
    fig, axes = plt.subplots(
        2,
        len(rows) + 1,
        squeeze=False,
        figsize=(1.7 * len(rows) + 0.8, 3.8),
        gridspec_kw={"width_ratios": [1] * len(rows) + [0.1]},
    )
    for j, row in enumerate(rows):
        image = original_units(explanations["X"][row], preprocessor)[0]
        _picture(axes[0][j], as_image(image, preprocessor))
        axes[0][j].set_title(titles[j], fontsize=8)
        shown = _map(axes[1][j], as_image(values[j], preprocessor), limit)
    axes[0][0].set_ylabel("image", fontsize=9)
    axes[1][0].set_ylabel(method.replace("_", " "), fontsize=9)
    axes[0][-1].axis("off")
    fig.colorbar(shown, cax=axes[1][-1])
    fig.tight_layout()
    return figure_to_img(fig, "images beside their attribution maps")


def importance_chart(summary: dict, top: int) -> str:
    """One chart of the top features: each method's global importance (scaled to its top
    feature) with, where the models retrained with other seeds give one, its range."""
    methods = summary["methods"]
    scaled = {}
    for method, entry in methods.items():
        peak = max(entry["global_importance"].values()) or 1.0
        scaled[method] = {k: v / peak for k, v in entry["global_importance"].items()}
    names = list(next(iter(scaled.values())))
    order = sorted(names, key=lambda n: -np.mean([s[n] for s in scaled.values()]))[:top]
    fig, ax = plt.subplots(figsize=(10, 0.34 * len(order) + 1.6))
    offsets = np.linspace(-0.3, 0.3, len(methods)) if len(methods) > 1 else [0.0]
    for offset, (method, entry) in zip(offsets, methods.items(), strict=True):
        peak = max(entry["global_importance"].values()) or 1.0
        ys = np.arange(len(order)) + offset
        xs = [scaled[method][n] for n in order]
        (dots,) = ax.plot(xs, ys, "o", markersize=5, label=method.replace("_", " "))
        spread = entry.get("stability_across_seeds", {}).get("importance_range")
        if spread:
            for y, name in zip(ys, order, strict=True):
                low, high = spread[name]
                ax.plot([low / peak, high / peak], [y, y], color=dots.get_color(), linewidth=1.2)
    ax.set_yticks(range(len(order)), order, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlabel("mean |attribution|, scaled to each method's top feature", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=9, ncol=min(3, len(methods)), loc="lower right")
    has_range = any(e.get("stability_across_seeds") for e in methods.values())
    ax.set_title(
        f"Top {len(order)} features by mean importance over the methods"
        + (
            "\nlines: the range over the seed runs (other models, explained on a sample of "
            "rows; dots: this model)"
            if has_range
            else ""
        ),
        fontsize=11,
    )
    fig.tight_layout()
    return figure_to_img(fig, "global feature importance, every method on one chart")


def _top(values: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-np.abs(values).mean(axis=0), kind="stable")[:k]


def beeswarm(values: np.ndarray, X: np.ndarray, preprocessor: Preprocessor, k: int) -> str:
    """Per top feature, every explained row's attribution (jittered vertically), coloured
    by the row's value of that feature from low to high."""
    top = _top(values, k)
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(top) + 1.6))
    for y, feature in enumerate(top):
        column = X[:, feature]
        ranks = column.argsort().argsort() / max(len(column) - 1, 1)  # value, low to high
        jitter = rng.uniform(-0.28, 0.28, len(column))
        shown = ax.scatter(
            values[:, feature], y + jitter, c=ranks, cmap="coolwarm", s=9, vmin=0, vmax=1
        )
    ax.axvline(0, color="grey", linewidth=0.8)
    names = preprocessor.feature_names
    ax.set_yticks(range(len(top)), [names[i] for i in top], fontsize=10)
    ax.invert_yaxis()
    ax.set_xlabel("attribution (positive: towards the explained output)", fontsize=10)
    bar = fig.colorbar(shown, ax=ax, ticks=[0, 1], pad=0.01)
    bar.ax.set_yticklabels(["low", "high"])
    bar.set_label("the row's value of the feature", fontsize=9)
    ax.set_title("Each row's attribution for the top features", fontsize=11)
    fig.tight_layout()
    return figure_to_img(fig, "beeswarm summary: per-row attributions of the top features")


def dependence(values: np.ndarray, X: np.ndarray, preprocessor: Preprocessor, k: int) -> str:
    """For each top feature: its value (in its own units) against its attribution."""
    top = _top(values, k)
    units = original_units(X, preprocessor)
    columns = min(len(top), 3)
    rows = -(-len(top) // columns)
    fig, axes = plt.subplots(rows, columns, squeeze=False, figsize=(3.4 * columns, 2.8 * rows))
    names = preprocessor.feature_names
    for ax, feature in zip(axes.flat, top, strict=False):
        ax.scatter(units[:, feature], values[:, feature], s=8, alpha=0.6)
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xlabel(names[feature], fontsize=10)
        ax.set_ylabel("attribution", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(top) :]:
        ax.axis("off")
    fig.suptitle("How each top feature's value relates to its attribution", fontsize=11)
    fig.tight_layout()
    return figure_to_img(fig, "dependence plots of the top features")
