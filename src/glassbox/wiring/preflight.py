"""Checks made before any node runs, so that a mistake costs seconds, not a training run.

Kedro has already checked each parameter group the run reads against its typed model
(each room's params.py). What is left are the checks across groups and against the data:

- every parameter group, also those of pipelines this run does not include (the optional
  parts' switches too: a misspelt part would otherwise be ignored);
- the loss against the task (classification or regression);
- the image shape against the number of feature columns;
- under `dvc repro`, dvc.yaml against the catalog: a stage that would read or write other
  files than DVC tracks.

All problems are gathered and reported at once (errors.ConfigurationError). The data facts
come from the cheapest source that has them: the fitted preprocessor when this run does
not refit it, else the raw table's header and target column (local CSV or Parquet files
only; elsewhere the nodes' own checks still apply).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from glassbox.compare.params import (
    ArchitectureComparisonParams,
    OptimizerComparisonParams,
    PrivacyComparisonParams,
)
from glassbox.deploy.params import InferenceParams
from glassbox.errors import ConfigurationError
from glassbox.evaluate.params import EvaluationParams
from glassbox.explain.params import ExplainabilityParams
from glassbox.optional import OptionalParts
from glassbox.prepare.params import DataProcessingParams
from glassbox.tasks import DEFAULT_TASK
from glassbox.training.architectures import image_shape_problem
from glassbox.training.losses import losses_for
from glassbox.training.params import SeedRunsParams, TrainingParams

PARAMETER_MODELS: dict[str, type[BaseModel]] = {
    "data_processing": DataProcessingParams,
    "training": TrainingParams,
    "evaluation": EvaluationParams,
    "explainability": ExplainabilityParams,
    "inference": InferenceParams,
    "seed_runs": SeedRunsParams,
    "optimizer_comparison": OptimizerComparisonParams,
    "architecture_comparison": ArchitectureComparisonParams,
    "privacy_comparison": PrivacyComparisonParams,
    "optional": OptionalParts,
}


def parameter_problems(params: dict[str, Any]) -> list[str]:
    """Every invalid value in every parameter group, as `group.key: what is wrong`."""
    problems = []
    for group, model in PARAMETER_MODELS.items():
        if group not in params:
            continue
        try:
            model.model_validate(params[group])
        except ValidationError as error:
            for e in error.errors():
                where = ".".join(str(part) for part in (group, *e["loc"]))
                problems.append(f"{where}: {e['msg']} (got {e.get('input')!r})")
    return problems


class DataFacts:
    """The task and the feature count, read lazily from the preprocessor or the raw file."""

    def __init__(self, project_path: Path, catalog_config: dict, refits_preprocessor: bool):
        self.project_path = project_path
        self.catalog_config = catalog_config
        self.refits = refits_preprocessor
        self._preprocessor: dict | None | bool = False  # False: not read yet

    def _path(self, dataset: str) -> Path | None:
        filepath = str(self.catalog_config.get(dataset, {}).get("filepath") or "")
        if not filepath or "://" in filepath:
            return None
        path = Path(filepath)
        return path if path.is_absolute() else self.project_path / path

    def preprocessor(self) -> dict | None:
        if self._preprocessor is False:
            path = self._path("preprocessor")
            readable = not self.refits and path is not None and path.is_file()
            try:
                self._preprocessor = json.loads(path.read_text()) if readable else None
            except (OSError, ValueError):
                self._preprocessor = None  # the loading node will say what is wrong
        return self._preprocessor

    def raw_columns(self, usecols: list[str] | None = None):
        """The raw table's columns (header only), or with ``usecols`` those columns' rows."""
        import pandas as pd

        path = self._path("raw_data")
        if path is None or not path.is_file():
            return None
        try:
            if path.suffix.lower() == ".parquet":
                if usecols is None:
                    import pyarrow.parquet as pq

                    return pd.DataFrame(columns=pq.read_schema(path).names)
                return pd.read_parquet(path, columns=usecols)
            load_args = self.catalog_config["raw_data"].get("load_args") or {}
            return pd.read_csv(
                path,
                nrows=0 if usecols is None else None,
                usecols=usecols,
                **{k: v for k, v in load_args.items() if k in ("sep", "encoding")},
            )
        except Exception:  # noqa: BLE001 - unreadable here: the loading node reports it
            return None

    def task(self, data_processing: DataProcessingParams) -> str | None:
        if data_processing.task != "auto":
            return data_processing.task
        fitted = self.preprocessor()
        if fitted is not None:
            return fitted.get("task", DEFAULT_TASK)
        from glassbox.tasks import resolve_task

        rows = self.raw_columns([data_processing.target])
        return (
            None
            if rows is None
            else resolve_task(rows[data_processing.target], data_processing.task)[0]
        )

    def image_shape(self, data_processing: DataProcessingParams) -> list[int] | None:
        """The image shape the model will be trained with: the fitted preprocessor's, or
        the parameters' when it is fitted in this run."""
        fitted = self.preprocessor()
        return fitted.get("image_shape") if fitted is not None else data_processing.image_shape

    def feature_columns(self, data_processing: DataProcessingParams) -> int | None:
        fitted = self.preprocessor()
        if fitted is not None:
            return len(fitted.get("raw_feature_columns", []))
        header = self.raw_columns()
        if header is None or data_processing.target not in header.columns:
            return None  # misread (a delimiter, say): the validation node says what is wrong
        ignored = {data_processing.target, *data_processing.drop_columns}
        return len([c for c in header.columns if c not in ignored])


def cross_checks(params: dict[str, Any], facts: DataFacts) -> list[str]:
    """The settings checked against each other and against the data."""
    problems = []
    try:
        data = DataProcessingParams.model_validate(params["data_processing"])
        training = TrainingParams.model_validate(params["training"])
    except (KeyError, ValidationError):
        return problems  # reported by parameter_problems, or a group this project lacks
    loss = training.loss.name
    if loss != "auto":
        task = facts.task(data)
        if task is not None and loss not in losses_for(task):
            fitting = losses_for(task)
            problems.append(
                f"training.loss.name is {loss!r}, but the task is {task}: use 'auto' (picks "
                f"{fitting[0]!r}) or one of {fitting}"
            )
    problem = image_shape_problem(training.model.name, facts.image_shape(data) is not None)
    if problem:
        problems.append(problem)
    shape = data.image_shape
    if shape is not None:
        columns = facts.feature_columns(data)
        pixels = math.prod(shape)
        if columns is not None and columns != pixels:
            problems.append(
                f"data_processing.image_shape is {list(shape)} ({pixels} pixels), but raw_data "
                f"has {columns} feature columns: set image_shape to null unless the features "
                "are the pixels of an image"
            )
    return problems


def check_before_run(
    project_path: Path, params: dict[str, Any], pipeline, catalog_config: dict
) -> None:
    """Raise ConfigurationError naming every problem found; return quietly if none."""
    refits = "preprocessor" in pipeline.all_outputs()
    problems = parameter_problems(params)
    problems += cross_checks(params, DataFacts(project_path, catalog_config, refits))
    stage = os.environ.get("DVC_STAGE")
    if stage and (project_path / "dvc.yaml").is_file():
        from glassbox.wiring.dvc_files import stage_drift

        problems += stage_drift(project_path, stage, pipeline, catalog_config)
    if problems:
        raise ConfigurationError(problems)
