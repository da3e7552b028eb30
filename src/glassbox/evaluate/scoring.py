"""The evaluation itself: the model and the baselines scored on the same test rows, with
paired bootstrap intervals and the verdict; the tables DVC draws; the figures and the report.

The evaluation pipeline's nodes (glassbox.pipelines.evaluation) only hand the catalog's
data to these functions. SciPy, scikit-learn and matplotlib are imported where they are
used, so that the stage reaches its first node without them.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from glassbox.evaluate.metrics import (
    REGRESSION_POINT_COLUMNS,
    classification_metrics,
    confusion_table,
    regression_metrics,
    regression_table,
    reliability_table,
    roc_table,
)
from glassbox.evaluate.params import EvaluationParams
from glassbox.evaluate.report import render_evaluation_report
from glassbox.evaluate.verdict import verdict
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.prepare.review import ClassBalance
from glassbox.tasks import get_task
from glassbox.training.params import TrainingParams

log = logging.getLogger(__name__)


def _labels(y: pd.DataFrame) -> np.ndarray:
    return y.iloc[:, 0].to_numpy(dtype=np.int64)


def _class_names(preprocessor: Preprocessor) -> list[str]:
    return [str(c) for c in preprocessor.classes]


def _chart_names(preprocessor: Preprocessor) -> list[str]:
    """Class names for the tables DVC draws. `dvc plots show` (DVC 3.x) embeds them
    unescaped in a <script> block of its HTML page, where a label such as "</script>..."
    would become live markup; angle brackets become the look-alikes ‹ › there."""
    return [n.replace("<", "\u2039").replace(">", "\u203a") for n in _class_names(preprocessor)]


def _regression(preprocessor: Preprocessor) -> bool:
    return not get_task(preprocessor.task).predicts_classes


def _true_values(y: pd.DataFrame, preprocessor: Preprocessor) -> np.ndarray:
    return preprocessor.decode_values(y.iloc[:, 0].to_numpy())


def score(
    test_probabilities: np.ndarray,
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    training: TrainingParams,
    params: EvaluationParams,
    training_privacy: dict,
) -> dict:
    """Metrics of the model and of each baseline, side by side, on the same test rows; a
    95 % interval for each (paired bootstrap) and for each difference between the model
    and a baseline; the verdict: is the network warranted here?; and how private the model
    is (the training's privacy record)."""
    from glassbox.evaluate import bootstrap

    shares = preprocessor.class_shares  # the training rows', as data_processing found them
    balance = ClassBalance(shares) if shares else None
    X_train, y_train = baseline_rows(X_train, y_train, params.baseline_rows, training.seed)
    score = _value_scores if _regression(preprocessor) else _class_scores
    scores, resampled = score(
        test_probabilities, X_train, y_train, X_test, y_test, preprocessor, training, params
    )
    for name, values in resampled.items():
        scores[name]["intervals"] = bootstrap.intervals(
            values, scores[name], params.confidence_level
        )
    task = get_task(preprocessor.task)
    details = {
        "task": preprocessor.task,
        # What ranks the models and decides the verdict (glassbox.evaluate.verdict).
        "score": "balanced_accuracy" if balance and balance.imbalanced else task.score,
        "class_shares": balance.shares if balance else None,
        "probable_leaks": preprocessor.probable_leaks,
        # Classes weighted by 1 / frequency in the network's loss and the baselines' fits.
        "class_weights": training.loss.class_weights if balance else None,
        "test_rows": len(y_test),
        "bootstrap": {
            "resamples": params.bootstrap_resamples,
            "level": params.confidence_level,
            "seed": training.seed,
            "paired": True,
        },
        "model": scores["model"],
        "baselines": {name: s for name, s in scores.items() if name != "model"},
        "differences": {
            name: bootstrap.difference_intervals(
                resampled["model"],
                resampled[name],
                {m: scores["model"][m] - scores[name][m] for m in resampled[name]},
                params.confidence_level,
            )
            for name in scores
            if name != "model"
        },
    }
    details["verdict"] = verdict(details)
    details["privacy"] = training_privacy
    log.info("%s", details["verdict"]["text"])
    return details


def _class_scores(
    test_probabilities, X_train, y_train, X_test, y_test, preprocessor, training, params
) -> tuple[dict, dict]:
    from glassbox.evaluate import bootstrap
    from glassbox.evaluate.baselines import baseline_probabilities, fit_baselines

    names, y_true = _class_names(preprocessor), _labels(y_test)
    baselines = fit_baselines(
        X_train.to_numpy(),
        _labels(y_train),
        params.baseline_hidden_sizes,
        training.seed,
        balanced=training.loss.class_weights == "balanced",
    )
    probabilities = {
        "model": test_probabilities,
        **baseline_probabilities(baselines, X_test.to_numpy(), len(names)),
    }
    scores = {
        name: classification_metrics(y_true, proba, names, params.calibration_bins)
        for name, proba in probabilities.items()
    }
    for name in scores:  # per-class figures are for the model; baselines get one line each
        if name != "model":
            scores[name].pop("per_class")
    idx = bootstrap.resample_indices(len(y_true), params.bootstrap_resamples, training.seed)
    resampled = {
        name: bootstrap.classification_scores(y_true, proba, idx, params.calibration_bins)
        for name, proba in probabilities.items()
    }
    return scores, resampled


def _value_scores(
    test_probabilities, X_train, y_train, X_test, y_test, preprocessor, training, params
) -> tuple[dict, dict]:
    from glassbox.evaluate import bootstrap
    from glassbox.evaluate.baselines import fit_regression_baselines

    baselines = fit_regression_baselines(
        X_train.to_numpy(),
        y_train.iloc[:, 0].to_numpy(),
        params.baseline_hidden_sizes,
        training.seed,
    )
    y_true = _true_values(y_test, preprocessor)
    predictions = {
        "model": test_probabilities[:, 0],
        **{
            name: preprocessor.decode_values(model.predict(X_test.to_numpy()))
            for name, model in baselines.items()
        },
    }
    scores = {name: regression_metrics(y_true, p) for name, p in predictions.items()}
    idx = bootstrap.resample_indices(len(y_true), params.bootstrap_resamples, training.seed)
    resampled = {
        name: bootstrap.regression_scores(y_true, p, idx) for name, p in predictions.items()
    }
    return scores, resampled


def baseline_rows(
    X_train: pd.DataFrame, y_train: pd.DataFrame, limit: int | None, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training rows the baselines fit on: all, or a seeded sample of ``limit`` rows.
    scikit-learn's MLP makes hundreds of passes over its rows: on a large table it would
    take hours, while a sample of some thousand rows still says what a simple model gets."""
    if limit is None or len(X_train) <= limit:
        return X_train, y_train
    rows = np.sort(np.random.default_rng(seed).choice(len(X_train), limit, replace=False))
    log.info("baselines fit on a sample of %d of %d training rows", limit, len(X_train))
    return X_train.iloc[rows], y_train.iloc[rows]


def prediction_rows(
    test_probabilities: np.ndarray,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
) -> pd.DataFrame:
    """Each test row's raw_data row number, true label, prediction and probabilities."""
    table = preprocessor.prediction_table(test_probabilities)
    if _regression(preprocessor):
        table.insert(0, "actual", _true_values(y_test, preprocessor))
    else:
        table.insert(0, "actual", preprocessor.decode_labels(_labels(y_test)))
    table.insert(0, "row", X_test.index.to_numpy())
    return table


def plot_tables(
    test_probabilities: np.ndarray,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: EvaluationParams,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The tables DVC draws: confusion rows, ROC curves and reliability bins for a
    classifier; predicted against true values for a regression. DVC's plots are declared
    per file, so the tables of the other task are written with their headers only."""
    if _regression(preprocessor):
        points = regression_table(_true_values(y_test, preprocessor), test_probabilities[:, 0])
        empty = [
            pd.DataFrame(columns=["actual", "predicted"]),
            pd.DataFrame(columns=["fpr", "tpr_micro_average", "tpr_macro_average"]),
            pd.DataFrame(columns=["confidence", "accuracy", "count"]),
        ]
        return (*empty, points)
    names, y_true = _chart_names(preprocessor), _labels(y_test)
    return (
        confusion_table(y_true, test_probabilities.argmax(axis=1), names),
        roc_table(y_true, test_probabilities, names, params.roc_points),
        reliability_table(y_true, test_probabilities, params.calibration_bins),
        pd.DataFrame(columns=REGRESSION_POINT_COLUMNS),
    )


def figures_and_report(
    evaluation_details: dict,
    confusion: pd.DataFrame,
    roc: pd.DataFrame,
    reliability: pd.DataFrame,
    regression_points: pd.DataFrame,
    training_history: pd.DataFrame,
    model_and_baselines: pd.DataFrame,
    preprocessor: Preprocessor,
) -> tuple[dict, str]:
    """The evidence as images, one PNG each, and one offline page: the verdict first,
    every model's figures with intervals, the differences from the network, then the
    same images embedded."""
    from glassbox.evaluate import plots

    task = get_task(evaluation_details["task"])
    level = round(evaluation_details["bootstrap"]["level"] * 100)
    figures = {
        "model_and_baselines.png": plots.model_and_baselines_figure(
            model_and_baselines, task.score_label, level
        )
    }
    if _regression(preprocessor):
        figures |= {
            "predicted_vs_true.png": plots.predicted_vs_true_figure(regression_points),
            "residuals.png": plots.residuals_figure(regression_points),
        }
    else:
        names = _class_names(preprocessor)
        figures |= {
            "confusion_matrix.png": plots.confusion_figure(confusion, names),
            "roc_curves.png": plots.roc_figure(roc),
            "reliability_diagram.png": plots.reliability_figure(reliability),
        }
    figures["training_curves.png"] = plots.training_curves_figure(training_history)
    return figures, render_evaluation_report(evaluation_details, figures)
