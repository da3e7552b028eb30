"""The model card: what a deployed model is, what made it and how well it does, as JSON
(for tools) and Markdown (for people). Every figure is copied from a pipeline output; the
revisions name the git commit and the DVC hashes that reproduce it."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from glassbox.evaluate.verdict import headline_names, ranking_score
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.architectures import describe
from glassbox.training.privacy_record import privacy_sentence

TOP_FEATURES = 5
# The files whose DVC hashes name a model's inputs and itself.
RECORDED = ("data/01_raw/", "data/06_models/preprocessor.json", "data/06_models/model.safetensors")


def _git(*args: str, cwd: Path) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip()


def revisions(project_path: Path) -> dict[str, Any]:
    """The git commit of the code and configuration, whether the working tree differed from
    it, and the MD5 that DVC recorded in dvc.lock for the raw data, the preprocessor and
    the model weights (when the run went through `dvc repro`, which writes each stage's
    entry as the stage finishes)."""
    commit = _git("rev-parse", "HEAD", cwd=project_path)
    # dvc.lock is rewritten by the very run that makes this card: not a change of inputs.
    changes = _git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":(exclude)dvc.lock",
        cwd=project_path,
    )
    dvc_files = {}
    lock = project_path / "dvc.lock"
    if lock.is_file():
        stages = (yaml.safe_load(lock.read_text()) or {}).get("stages", {})
        for name, stage in stages.items():
            for entry in [*stage.get("deps", []), *stage.get("outs", [])]:
                # The raw table is data_processing's data input, wherever it lives.
                raw = name == "data_processing" and entry in stage.get("deps", [])
                raw = raw and not entry["path"].startswith("src/")
                if (raw or entry["path"].startswith(RECORDED)) and "md5" in entry:
                    dvc_files[entry["path"]] = entry["md5"]
    return {
        "git_commit": commit,
        "git_tree_clean": None if commit is None or changes is None else changes == "",
        "dvc_md5": dict(sorted(dvc_files.items())),
    }


def table_checksum(table: pd.DataFrame) -> str:
    """SHA-256 of the table's contents (values, column names and order)."""
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, table.columns)).encode())
    digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def build_card(
    *,
    architecture: dict,
    parameter_count: int,
    preprocessor: Preprocessor,
    raw_data: pd.DataFrame,
    training: dict,
    data_processing: dict,
    metrics: dict,
    explainability_summary: dict,
    export_check: dict,
    revisions: dict,
) -> dict[str, Any]:
    methods = explainability_summary.get("methods", {})
    headline = headline_names(metrics)
    raw_files = [
        p
        for p in revisions["dvc_md5"]
        if not p.startswith(RECORDED[1:])  # not a model file
    ]
    return {
        "model": {
            "architecture": architecture,
            "parameters": parameter_count,
            "files": {
                "weights": "model.safetensors",
                "torch_export": "model.pt2",
                "onnx": "model.onnx",
            },
        },
        "data": {
            "rows": int(len(raw_data)),
            "columns": int(raw_data.shape[1]),
            "content_sha256": table_checksum(raw_data),
            "dvc_tracked_raw_files": {p: revisions["dvc_md5"][p] for p in raw_files},
            "target": preprocessor.target,
        },
        "features": {
            "raw": preprocessor.input_columns,
            "model_input": preprocessor.feature_names,
            "dropped_constant": preprocessor.dropped_columns,
            "dropped_identifiers": preprocessor.dropped_identifiers,
            "probable_leaks": preprocessor.probable_leaks,
            "missing_imputed_in_training_rows": preprocessor.missing_in_training,
            "warnings": preprocessor.data_warnings,
        },
        "task": preprocessor.task,
        "classes": [str(c) for c in preprocessor.classes],
        "parameters": {"data_processing": data_processing, "training": training},
        "optimizer": training["optimizer"],
        # {"enabled": false}, or the privacy plan and the spent ε (the service's /model shows it)
        "privacy": metrics.get("privacy") or {"enabled": False},
        "metrics": {
            "test_rows": metrics.get("test_rows"),
            "ranked_by": ranking_score(metrics).key,
            "class_shares_in_training_rows": metrics.get("class_shares"),
            "verdict": (metrics.get("verdict") or {}).get("text"),
            "model": {k: metrics["model"][k] for k in headline},
            "baselines": {
                name: {k: scores[k] for k in headline}
                for name, scores in metrics["baselines"].items()
            },
        },
        "explainability": {
            method: {
                "top_features": sorted(
                    result["global_importance"],
                    key=lambda f: -result["global_importance"][f],
                )[:TOP_FEATURES],
                "trust_checks_pass": result.get("passes"),
            }
            for method, result in methods.items()
        },
        "export_check": export_check,
        "revisions": revisions,
    }


def _task_line(card: dict) -> str:
    target, columns = card["data"]["target"], len(card["features"]["raw"])
    if not get_task(card.get("task", DEFAULT_TASK)).predicts_classes:
        return f"**Task**: predict the value of `{target}` from {columns} feature columns."
    classes = ", ".join(f"`{c}`" for c in card["classes"])
    return f"**Task**: predict `{target}` (classes: {classes}) from {columns} feature columns."


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def render_markdown(card: dict) -> str:
    model, data, metrics = card["model"], card["data"], card["metrics"]
    headline = list(metrics["model"])  # the headline figures, the ranking score first
    opt = card["optimizer"]
    lines = [
        "# Model card",
        "",
        f"**Model**: {describe(model['architecture'])}, {model['parameters']:,} parameters; files "
        + ", ".join(f"`{f}`" for f in model["files"].values())
        + ".",
        "",
        _task_line(card),
        "",
        "## Data",
        "",
        f"- {data['rows']:,} rows × {data['columns']} columns; content SHA-256 "
        f"`{data['content_sha256']}`",
    ]
    for path, md5 in data["dvc_tracked_raw_files"].items():
        lines.append(f"- `{path}`: DVC MD5 `{md5}`")
    features = card["features"]
    if features["dropped_constant"]:
        lines.append(f"- constant columns dropped: {features['dropped_constant']}")
    for column, why in (features.get("dropped_identifiers") or {}).items():
        lines.append(f"- identifier dropped: `{column}` ({why})")
    imputed = features.get("missing_imputed_in_training_rows") or {}
    if imputed:
        lines.append(
            "- missing values imputed (training rows): "
            + ", ".join(f"`{c}` {n}" for c, n in imputed.items())
        )
    for warning in features.get("warnings") or []:
        lines.append(f"- **warning**: {warning}")
    lines += [
        "",
        "## Training",
        "",
        f"- optimizer `{opt['name']}`, learning rate {opt.get('lr') or 'its default'}; "
        f"epochs ≤ {card['parameters']['training']['epochs']}, batch size "
        f"{card['parameters']['training']['batch_size']}, seed "
        f"{card['parameters']['training']['seed']}",
        f"- privacy: {privacy_sentence(card.get('privacy'))}",
        "",
        f"## Test metrics ({metrics['test_rows']} rows)",
        "",
        *(
            [f"**Is a neural network warranted here?** {metrics['verdict']}", ""]
            if metrics.get("verdict")
            else []
        ),
        "| model | " + " | ".join(headline) + " |",
        "| --- |" + " --- |" * len(headline),
        "| **this model** | " + " | ".join(_fmt(metrics["model"][k]) for k in headline) + " |",
    ]
    for name, scores in metrics["baselines"].items():
        lines.append(f"| {name} | " + " | ".join(_fmt(scores[k]) for k in headline) + " |")
    lines += ["", "## Explanations (top features by mean |attribution|)", ""]
    for method, result in card["explainability"].items():
        verdict = "trust checks pass" if result["trust_checks_pass"] else "trust checks FAIL"
        features = ", ".join(f"`{f}`" for f in result["top_features"])
        lines.append(f"- {method}: {features} ({verdict})")
    check = card["export_check"]
    lines += [
        "",
        f"## Export check ({check['rows']} test rows; each output within "
        f"{check['atol']:g} + {check['rtol']:g}·|output| of the eager model's)",
        "",
    ]
    for name in ("torch_export", "onnx"):
        lines.append(
            f"- {name}: max abs output difference {check[name]['max_abs_difference']:.2e}, "
            f"same class for {check[name]['same_class_share']:.0%} of rows"
        )
    rev = card["revisions"]
    tree = {True: "clean", False: "with uncommitted changes", None: "unknown"}[
        rev["git_tree_clean"]
    ]
    lines += [
        "",
        "## Revisions",
        "",
        f"- git commit `{rev['git_commit']}` (working tree {tree})",
        f"- DVC-tracked data files in dvc.lock: {len(rev['dvc_md5'])}"
        + ("" if rev["dvc_md5"] else " (run through `dvc repro` to record them)"),
        "",
    ]
    return "\n".join(lines)
