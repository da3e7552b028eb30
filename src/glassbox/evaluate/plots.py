"""Figures of the evaluation, drawn with matplotlib (headless) for the reports."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay  # noqa: E402


def confusion_figure(confusion: pd.DataFrame, class_names: list[str]):
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ConfusionMatrixDisplay.from_predictions(
        confusion["actual"].astype(str),
        confusion["predicted"].astype(str),
        labels=[str(c) for c in class_names],
        ax=ax,
        colorbar=False,
    )
    ax.set_title("Confusion matrix (test split)")
    fig.tight_layout()
    return fig


def roc_figure(roc: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(6, 5.5))
    for column in roc.columns.drop(["fpr", "tpr_micro_average", "tpr_macro_average"]):
        ax.plot(roc["fpr"], roc[column], label=column.removeprefix("tpr_"), linewidth=1)
    ax.plot(roc["fpr"], roc["tpr_macro_average"], label="macro average", color="black")
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
    ax.set(
        xlabel="false positive rate",
        ylabel="true positive rate",
        title="ROC curves, one class against the rest",
    )
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    return fig


def reliability_figure(reliability: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    ax.plot(reliability["confidence"], reliability["accuracy"], marker="o", label="model")
    ax.set(
        xlabel="confidence (mean predicted probability)",
        ylabel="accuracy",
        title="Reliability diagram",
        xlim=(0, 1),
        ylim=(0, 1.02),
    )
    ax.legend()
    fig.tight_layout()
    return fig


def training_curves_figure(history: pd.DataFrame):
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 4))
    loss_ax.plot(history["epoch"], history["train_loss"], label="train")
    loss_ax.plot(history["epoch"], history["val_loss"], label="validation")
    best = int(np.argmin(history["val_loss"].to_numpy()))
    loss_ax.axvline(history["epoch"].iloc[best], linestyle=":", color="grey", label="best epoch")
    loss_ax.set(xlabel="epoch", ylabel="loss", yscale="log", title="Loss")
    loss_ax.legend()
    if "val_accuracy" in history:
        acc_ax.plot(history["epoch"], history["val_accuracy"])
        acc_ax.set(xlabel="epoch", ylabel="accuracy", title="Validation accuracy")
    else:  # regression
        acc_ax.plot(history["epoch"], history["val_rmse"])
        acc_ax.set(xlabel="epoch", ylabel="RMSE", title="Validation RMSE (target units)")
    fig.tight_layout()
    return fig


def predicted_vs_true_figure(points: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(points["actual"], points["predicted"], s=12, alpha=0.7)
    low = min(points["actual"].min(), points["predicted"].min())
    high = max(points["actual"].max(), points["predicted"].max())
    ax.plot([low, high], [low, high], linestyle=":", color="grey", label="perfect")
    ax.set(xlabel="true value", ylabel="predicted", title="Predicted against true (test split)")
    ax.legend()
    fig.tight_layout()
    return fig


def residuals_figure(points: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter(points["predicted"], points["residual"], s=12, alpha=0.7)
    ax.axhline(0, linestyle=":", color="grey")
    ax.set(xlabel="predicted", ylabel="true − predicted", title="Residuals (test split)")
    fig.tight_layout()
    return fig


DIFF_ENDS = ["difference_low", "difference_high"]


def model_and_baselines_figure(table: pd.DataFrame, score_label: str, level: int):
    """Left: every model's test score with its interval, the network highlighted. Right: the
    network minus each baseline, paired interval, zero marked: a bar that crosses zero is
    a difference these test rows cannot show. The axes fit the models that use the
    features; a trivial baseline far outside is named at the edge with its figure."""
    from glassbox.evaluate.baselines import TRIVIAL_BASELINES

    rows = table.iloc[::-1].reset_index(drop=True)  # the network at the top
    rows.loc[rows["model"] == "this network", ["difference", *DIFF_ENDS]] = np.nan
    y = np.arange(len(rows))
    colours = ["tab:red" if m == "this network" else "tab:blue" for m in rows["model"]]
    fig, (score_ax, diff_ax) = plt.subplots(1, 2, figsize=(10, 0.45 * len(rows) + 1.6), sharey=True)
    for ax, column in ((score_ax, "score"), (diff_ax, "difference")):
        ends = rows[[f"{column}_low", f"{column}_high"]]
        for i, (low, high) in ends.iterrows():  # errorbar takes one colour for all
            ax.plot([low, high], [i, i], color=colours[i])
        ax.scatter(rows[column], y, color=colours, zorder=3)
        ax.grid(axis="x", alpha=0.3)
        fitted = ends[~rows["model"].isin(TRIVIAL_BASELINES)].stack().dropna()
        if column == "difference":
            fitted = pd.concat([fitted, pd.Series([0.0])])
        if len(fitted):
            pad = max(fitted.max() - fitted.min(), 1e-6) * 0.1
            left, right = fitted.min() - pad, fitted.max() + pad
            ax.set_xlim(left, right)
            for i, value in rows[column].items():
                if rows["model"][i] in TRIVIAL_BASELINES and not left <= value <= right:
                    below = value < left
                    ax.annotate(
                        f"← {value:.3g} (off the scale)" if below else f"{value:.3g} →",
                        (left if below else right, i),
                        xytext=(4 if below else -4, 0),
                        textcoords="offset points",
                        ha="left" if below else "right",
                        va="center",
                        fontsize="small",
                        color="tab:blue",
                    )
    diff_ax.axvline(0, color="grey", linestyle=":")
    score_ax.set_yticks(y, rows["model"])
    score_ax.set(xlabel=f"{score_label} ({level} % interval)", title="Test score")
    diff_ax.set(
        xlabel=f"network minus model, {score_label}",
        title="The network against each model (paired)",
    )
    fig.tight_layout()
    return fig
