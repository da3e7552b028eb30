"""Classification or regression: the task, from the parameters or from the target column."""

from __future__ import annotations

import logging

import pandas as pd

from glassbox.parameters import DataProcessingParams

log = logging.getLogger(__name__)

# A numeric target with more distinct values than this is taken for a quantity to predict.
REGRESSION_MIN_DISTINCT = 20


def resolve_task(table: pd.DataFrame, params: DataProcessingParams) -> tuple[str, str]:
    """The task and why it was chosen."""
    if params.task != "auto":
        return params.task, f"data_processing.task is {params.task!r}"
    target = table[params.target]
    distinct = int(target.nunique())
    numeric = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    if numeric and distinct > REGRESSION_MIN_DISTINCT:
        return "regression", (
            f"target {params.target!r} is numeric with {distinct} distinct values "
            f"(more than {REGRESSION_MIN_DISTINCT})"
        )
    kind = "numeric" if numeric else "not numeric"
    return "classification", (
        f"target {params.target!r} is {kind} with {distinct} distinct values"
        + (f" (at most {REGRESSION_MIN_DISTINCT})" if numeric else "")
    )


def log_task(table: pd.DataFrame, params: DataProcessingParams) -> str:
    task, reason = resolve_task(table, params)
    log.info("task: %s, because %s; set data_processing.task to choose", task, reason)
    return task
