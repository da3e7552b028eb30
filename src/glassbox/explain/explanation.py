"""The explanation of a model on its test rows: every method's attributions and their trust
checks, the same explanation for the models of other seeds, the tree ensembles' permutation
importance, and the numbers the report is drawn from.

The explainability pipeline's nodes (glassbox.pipelines.explainability) only hand the
catalog's data to these functions. PyTorch and SciPy are imported where they are used, so
that the stage reaches its first node without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from glassbox.explain import methods as ex
from glassbox.explain.params import ExplainabilityParams
from glassbox.prepare.model_input import (
    check_features,
    check_model_fits,
    feature_tensor,
    frames_to_tensors,
)
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.progress import Heartbeat
from glassbox.tasks import get_task
from glassbox.training import Network

if TYPE_CHECKING:
    from torch import nn


def explain_test_set(
    model: Network,
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """Attributions of every method for the test rows (or a seeded sample), and their checks."""
    from glassbox.explain import trust
    from glassbox.explain.imputation import GaussianImputer

    check_features(preprocessor, X_train=X_train, X_test=X_test)
    check_model_fits(model, preprocessor)
    task = preprocessor.task
    row_ids, X, labels, baselines = _explained_rows(X_train, X_test, y_test, task, params)
    probabilities, target = _targets(model, X, labels, task, params)

    with Heartbeat(f"explaining {len(X)} test rows") as beat:
        attributions = ex.attribute_all(model, X, target, baselines, params, beat)
        imputer = GaussianImputer(feature_tensor(X_train.to_numpy(np.float32)))
        quality = {}
        for method, result in attributions.items():
            beat.doing(f"trust checks of {method}")
            quality[method] = trust.assess(
                method,
                model,
                X,
                target,
                result.values,
                baselines,
                params,
                task,
                preprocessor.target_scale,
                imputer,
            )
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


def _explained_rows(X_train, X_test, y_test, task: str, params: ExplainabilityParams):
    """The test rows explained (all, or a seeded sample of max_rows) and the reference rows:
    the same for every model explained."""
    import torch

    generator = torch.Generator().manual_seed(params.seed)
    X, labels = frames_to_tensors(X_test, y_test, task)
    row_ids = np.arange(len(X))
    if params.max_rows is not None and params.max_rows < len(X):
        row_ids = np.sort(torch.randperm(len(X), generator=generator)[: params.max_rows].numpy())
        X, labels = X[row_ids], labels[row_ids]
    baselines = ex.reference_rows(feature_tensor(X_train.to_numpy(np.float32)), params, generator)
    return row_ids, X, labels, baselines


def _sample(X, labels, params: ExplainabilityParams):
    """The seeded sample of the explained rows that the costlier checks use (as the trust
    checks do: quality.sample_size rows): retraining with other seeds and the tree's
    permutation importance compare global importances, which a sample estimates well."""
    import torch

    generator = torch.Generator().manual_seed(params.seed)
    rows = torch.randperm(len(X), generator=generator)[: params.quality.sample_size]
    return X[rows], labels[rows]


def _targets(model: nn.Module, X, labels, task: str, params: ExplainabilityParams):
    """The model's outputs as the report shows them, and the output each row is explained
    for: the predicted (or true) class, or the one predicted value."""
    import torch

    model.eval()
    with torch.no_grad():
        outputs = model(X)
    if get_task(task).predicts_classes:
        probabilities = torch.softmax(outputs, dim=1)
        return probabilities, probabilities.argmax(
            dim=1
        ) if params.target == "predicted" else labels
    return outputs, torch.zeros(len(X), dtype=torch.long)  # attributions of the value


def explain_across_seeds(
    seed_runs: list,
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """Would the explanation be the same after retraining? The configured model's runs at
    other seeds (the seed_runs pipeline), each explained by every method on the same rows
    (the trust checks' sample) against the same reference rows; per method, how its global
    importances agree between seeds (glassbox.explain.views)."""
    if len(seed_runs) < 2:
        return {}
    from glassbox.explain import views

    check_features(preprocessor, X_train=X_train, X_test=X_test)
    _, X, labels, baselines = _explained_rows(X_train, X_test, y_test, preprocessor.task, params)
    X, labels = _sample(X, labels, params)
    importances: dict[str, list[np.ndarray]] = {}
    with Heartbeat(f"explaining the model of {len(seed_runs)} seeds") as beat:
        for run in seed_runs:
            _, target = _targets(run.model, X, labels, preprocessor.task, params)
            attributions = ex.attribute_all(run.model, X, target, baselines, params, beat)
            for method, result in attributions.items():
                importances.setdefault(method, []).append(views.global_importance(result.values))
    names = preprocessor.feature_names
    found = {}
    for method, per_seed in importances.items():
        stability = views.stability_across_seeds(per_seed, min(params.top_features, len(names)))
        low, high = stability.pop("low"), stability.pop("high")
        stability["importance_range"] = {
            n: [float(a), float(b)] for n, a, b in zip(names, low, high, strict=True)
        }
        found[method] = stability
    return {"seeds": [run.settings.seed for run in seed_runs], "methods": found}


def explain_with_trees(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    X_val: pd.DataFrame,
    y_val: pd.DataFrame,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """The better tree ensemble's permutation importance on the explained rows
    (glassbox.explain.tree_agreement), by feature name."""
    from glassbox.explain import tree_agreement

    check_features(preprocessor, X_train=X_train, X_val=X_val, X_test=X_test)
    task = preprocessor.task
    _, X, labels, _ = _explained_rows(X_train, X_test, y_test, task, params)
    X, labels = _sample(X, labels, params)
    with Heartbeat("fitting the tree ensembles the explanations are compared with"):
        found = tree_agreement.tree_importance(
            X_train.to_numpy(np.float32),
            y_train.iloc[:, 0].to_numpy(),
            X_val.to_numpy(np.float32),
            y_val.iloc[:, 0].to_numpy(),
            X.numpy(),
            labels.numpy(),
            task,
            params.seed,
        )
    names = preprocessor.feature_names
    found["importances"] = {n: float(v) for n, v in zip(names, found["importances"], strict=True)}
    return found


def summarise_explanations(
    explanations: dict,
    stability: dict,
    trees: dict,
    preprocessor: Preprocessor,
    params: ExplainabilityParams,
) -> dict:
    """The report's numbers: per method the global importance by feature name, the quality
    checks, the number of rows and the seconds taken; and the methods' agreement."""
    from glassbox.explain import tree_agreement, trust, views

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
        if method in stability.get("methods", {}):
            methods[method]["stability_across_seeds"] = stability["methods"][method]
            trust.stability_check(methods[method]["quality"], stability["methods"][method], params)
            methods[method]["passes"] = methods[method]["quality"]["passes"]
        tree = np.array([trees["importances"][n] for n in names])
        methods[method]["agreement_with_tree"] = {
            "tree": trees["tree"],
            **tree_agreement.agreement(tree, importances[method], min(5, len(names))),
        }
    return {
        "read_first": trust.read_first(methods, preprocessor.task),
        "tree_permutation_importance": trees,
        "n_samples": len(explanations["X"]),
        "target": params.target if get_task(preprocessor.task).predicts_classes else "value",
        "baseline": params.baseline,
        "methods": methods,
        "agreement": views.method_agreement(importances),
    }
