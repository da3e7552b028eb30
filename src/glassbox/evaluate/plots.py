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
