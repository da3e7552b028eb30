"""Nodes of the explainability pipeline: thin adapters over glassbox.explain.methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch import nn

from glassbox.explain import methods as ex
from glassbox.explain import report as explainability_report
from glassbox.explain import trust, views
from glassbox.parameters import ExplainabilityParams
from glassbox.prepare.model_input import (
    check_features,
    check_model_fits,
    feature_tensor,
    frames_to_tensors,
)
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.tasks import get_task


def explain_test_set(
    model: nn.Module,
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """Attributions of every method for the test rows (or a seeded sample), and their checks."""
    check_features(preprocessor, X_train=X_train, X_test=X_test)
    check_model_fits(model, preprocessor)
    generator = torch.Generator().manual_seed(params.seed)
    task = preprocessor.task
    X, labels = frames_to_tensors(X_test, y_test, task)
    row_ids = np.arange(len(X))
    if params.max_rows is not None and params.max_rows < len(X):
        row_ids = np.sort(torch.randperm(len(X), generator=generator)[: params.max_rows].numpy())
        X, labels = X[row_ids], labels[row_ids]
    model.eval()
    with torch.no_grad():
        outputs = model(X)
    if get_task(task).predicts_classes:
        probabilities = torch.softmax(outputs, dim=1)
        target = probabilities.argmax(dim=1) if params.target == "predicted" else labels
    else:  # the one output: attributions of the predicted value
        probabilities, target = outputs, torch.zeros(len(X), dtype=torch.long)
    baselines = ex.reference_rows(feature_tensor(X_train.to_numpy(np.float32)), params, generator)

    attributions = ex.attribute_all(model, X, target, baselines, params)
    quality = {
        method: trust.assess(
            method,
            model,
            X,
            target,
            labels,
            result.values,
            baselines,
            params,
            task,
            preprocessor.target_scale,
        )
        for method, result in attributions.items()
    }
    return {
        "row_ids": row_ids,
        "X": X.numpy(),
        "labels": labels.numpy(),
        "target": target.numpy(),
        "probabilities": probabilities.numpy(),  # regression: the (scaled) predictions
        "task": task,
        "attributions": attributions,
        "quality": quality,
    }


def summarise_explanations(
    explanations: dict, preprocessor: Preprocessor, params: ExplainabilityParams
) -> dict:
    """The report's numbers: per method the global importance by feature name, the quality
    checks, the number of rows and the seconds taken; and the methods' agreement."""
    names = preprocessor.feature_names
    importances = {
        m: views.global_importance(a.values) for m, a in explanations["attributions"].items()
    }
    methods = {}
    for method, result in explanations["attributions"].items():
        per_class = {}
        for code, label in enumerate(preprocessor.classes):
            rows = explanations["target"] == code
            if rows.any():
                mean = np.abs(result.values[rows]).mean(axis=0)
                per_class[str(label)] = [names[i] for i in np.argsort(-mean)[: params.top_features]]
        methods[method] = {
            "global_importance": {
                n: float(v) for n, v in zip(names, importances[method], strict=True)
            },
            "per_class_top_features": per_class,
            "quality": explanations["quality"][method],
            "passes": explanations["quality"][method]["passes"],
            "seconds": result.seconds,
        }
    return {
        "n_samples": len(explanations["X"]),
        "target": params.target if get_task(preprocessor.task).predicts_classes else "value",
        "baseline": params.baseline,
        "methods": methods,
        "agreement": views.method_agreement(importances),
    }


def explainability_metrics(explainability_summary: dict) -> dict:
    """The methods that pass every trust check, out of those computed (for DVC)."""
    passing = [m for m, r in explainability_summary["methods"].items() if r["passes"]]
    return {"methods": len(explainability_summary["methods"]), "methods_passing": len(passing)}


def render_explainability_report(
    explanations: dict, summary: dict, preprocessor: Preprocessor, params: ExplainabilityParams
) -> str:
    """The self-contained HTML report."""
    return explainability_report.render(explanations, summary, preprocessor, params)
