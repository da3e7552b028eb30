"""Evaluation metrics, from scikit-learn where it has them.

Expected calibration error is the one metric scikit-learn lacks; it is written here in a
few lines and tested against hand-computed cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from glassbox.evaluate.verdict import headline_names, ranking_score
from glassbox.training.privacy_record import privacy_metrics


def expected_calibration_error(y_true: np.ndarray, proba: np.ndarray, n_bins: int = 15) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins, weighted by
    the share of samples in each bin (Guo et al., 2017). 0 is perfectly calibrated."""
    table = reliability_table(y_true, proba, n_bins)
    weights = table["count"] / table["count"].sum()
    return float((weights * (table["accuracy"] - table["confidence"]).abs()).sum())


def classification_metrics(
    y_true: np.ndarray, proba: np.ndarray, class_names: list[str], n_bins: int = 15
) -> dict:
    """The evaluation's numbers for one classifier: overall, then per class."""
    from sklearn import metrics as skm  # here, so that the model card need not import it

    n_classes = proba.shape[1]
    labels = np.arange(n_classes)
    y_pred = proba.argmax(axis=1)
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    if n_classes == 2:
        roc_auc = skm.roc_auc_score(y_true, proba[:, 1])
    else:
        roc_auc = skm.roc_auc_score(y_true, proba, multi_class="ovr", labels=labels)
    return {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "balanced_accuracy": float(skm.balanced_accuracy_score(y_true, y_pred)),
        "precision_macro": float(precision.mean()),
        "recall_macro": float(recall.mean()),
        "f1_macro": float(f1.mean()),
        # Renormalised: float32 softmax sums miss 1 by rounding, which scikit-learn warns about.
        "log_loss": float(
            skm.log_loss(y_true, proba / proba.sum(axis=1, keepdims=True), labels=labels)
        ),
        "roc_auc_ovr": float(roc_auc),
        "expected_calibration_error": expected_calibration_error(y_true, proba, n_bins),
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(class_names)
        },
    }


def confusion_table(y_true: np.ndarray, y_pred: np.ndarray, class_names: list[str]) -> pd.DataFrame:
    """One row per test sample, as DVC's confusion template reads it."""
    names = np.asarray(class_names, dtype=object)
    return pd.DataFrame({"actual": names[y_true], "predicted": names[y_pred]})


def roc_table(y_true: np.ndarray, proba: np.ndarray, class_names: list[str], points: int = 101):
    """ROC curves on a shared false-positive-rate grid: the micro and macro averages (fixed
    column names, for DVC's plots), then one-vs-rest per class (``tpr_<class>``)."""
    from sklearn import metrics as skm

    grid = np.linspace(0, 1, points)
    one_hot = np.eye(proba.shape[1], dtype=bool)[y_true]
    fpr, tpr, _ = skm.roc_curve(one_hot.ravel(), proba.ravel())
    per_class = {}
    for i, name in enumerate(class_names):
        if one_hot[:, i].all() or not one_hot[:, i].any():
            continue  # a curve needs both outcomes
        class_fpr, class_tpr, _ = skm.roc_curve(one_hot[:, i], proba[:, i])
        per_class[f"tpr_{name}"] = np.interp(grid, class_fpr, class_tpr)
    table = {
        "fpr": grid,
        "tpr_micro_average": np.interp(grid, fpr, tpr),
        "tpr_macro_average": np.mean(list(per_class.values()), axis=0),
        **per_class,
    }
    return pd.DataFrame(table)


def reliability_table(y_true: np.ndarray, proba: np.ndarray, n_bins: int = 15) -> pd.DataFrame:
    """Per non-empty confidence bin: mean confidence, accuracy and count (the reliability
    diagram). Bin i holds confidences in (i/n, (i+1)/n]; confidence 0 joins the first bin."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == y_true
    bins = np.clip(np.ceil(confidence * n_bins).astype(int) - 1, 0, n_bins - 1)
    frame = pd.DataFrame({"bin": bins, "confidence": confidence, "accuracy": correct})
    table = frame.groupby("bin").agg(
        confidence=("confidence", "mean"), accuracy=("accuracy", "mean"), count=("bin", "size")
    )
    return table.reset_index(drop=True)


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Errors in the target's own units (scikit-learn's metrics), and R²."""
    from sklearn import metrics as m

    return {
        "rmse": float(np.sqrt(m.mean_squared_error(y_true, y_pred))),
        "mae": float(m.mean_absolute_error(y_true, y_pred)),
        "r2": float(m.r2_score(y_true, y_pred)),
        "median_absolute_error": float(m.median_absolute_error(y_true, y_pred)),
    }


REGRESSION_POINT_COLUMNS = ["actual", "predicted", "residual"]


def regression_table(y_true: np.ndarray, y_pred: np.ndarray) -> pd.DataFrame:
    """One row per test row: true value, prediction, residual (DVC's scatter plots)."""
    return pd.DataFrame({"actual": y_true, "predicted": y_pred, "residual": y_true - y_pred})


MODEL_AND_BASELINES_COLUMNS = [
    "model",
    "metric",
    "score",
    "score_low",
    "score_high",
    "difference",
    "difference_low",
    "difference_high",
]


def model_and_baselines_table(details: dict) -> pd.DataFrame:
    """One row per model, the network first: the ranking score (glassbox.evaluate.verdict)
    with its interval, and the network's difference from that model with its paired
    interval (the network's own row: 0). The table DVC draws as bars and the evaluation
    figure reads."""
    key = ranking_score(details).key
    rows = [("this network", details["model"], (0.0, 0.0))]
    rows += [
        (name, scores, details["differences"][name][key])
        for name, scores in details["baselines"].items()
    ]
    return pd.DataFrame(
        [
            {
                "model": name,
                "metric": key,
                "score": scores[key],
                "score_low": scores["intervals"][key][0],
                "score_high": scores["intervals"][key][1],
                "difference": details["model"][key] - scores[key],
                "difference_low": low,
                "difference_high": high,
            }
            for name, scores, (low, high) in rows
        ],
        columns=MODEL_AND_BASELINES_COLUMNS,
    )


def headline_metrics(details: dict) -> dict:
    """What `dvc metrics show` and `dvc exp show` list, one screen wide: the model's headline
    figures (``headline_names``), the best baseline's ranking score, and the verdict
    (better, indistinguishable, worse). Beside them, as lists, which DVC's tables leave
    out: each headline figure's interval (``accuracy_ci95``: [low, high]), the difference
    from the best baseline and its interval, and every baseline's score with its interval
    ([value, low, high]). Everything else is in evaluation_details.json."""
    score = ranking_score(details)
    key, sign = score.key, (-1 if score.higher_is_better else 1)
    baselines = details["baselines"]
    best = sorted(baselines, key=lambda n: baselines[n][key] * sign)[0]
    ci = f"ci{round(details['bootstrap']['level'] * 100)}" if "bootstrap" in details else None
    headline = {}
    for name in headline_names(details):
        headline[name] = details["model"][name]
        if ci:
            headline[f"{name}_{ci}"] = details["model"]["intervals"][name]
    headline |= {"best_baseline": best, f"best_baseline_{key}": baselines[best][key]}
    if ci:
        found = details["verdict"]
        headline |= {
            "verdict": found["outcome"],
            f"{key}_difference_{ci}": [found["difference"], *found["interval"]],
            **{
                f"{name}_{key}_{ci}": [scores[key], *scores["intervals"][key]]
                for name, scores in baselines.items()
            },
        }
    return headline | privacy_metrics(details.get("privacy"))
