"""Nodes of the data_processing pipeline: thin adapters over glassbox's plain modules."""

from __future__ import annotations

import logging

import pandas as pd

from glassbox.parameters import DataProcessingParams
from glassbox.preprocessing import Preprocessor
from glassbox.splitting import stratified_split
from glassbox.table_validation import column_roles, validate_raw_table
from glassbox.tasks import log_task

log = logging.getLogger(__name__)


def validate_raw_data(raw_data: pd.DataFrame, params: DataProcessingParams) -> pd.DataFrame:
    """Reject a raw table that cannot be used, naming each bad column; keep the usable columns."""
    table = validate_raw_table(raw_data, params)
    log.info(
        "raw_data: %d rows, %d feature columns, %d distinct values in %r",
        len(table),
        table.shape[1] - 1,
        table[params.target].nunique(),
        params.target,
    )
    return table


def decide_task(table: pd.DataFrame, params: DataProcessingParams) -> str:
    """Classification or regression, decided once on the whole table (and logged, with why)."""
    return log_task(table, params)


def split_data(
    table: pd.DataFrame, params: DataProcessingParams, task: str = "classification"
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stratified train / validation / test rows (by class, or by target quantile)."""
    return stratified_split(
        table, params.target, params.test_size, params.val_size, params.seed, task
    )


def fit_preprocessor(
    train_rows: pd.DataFrame, params: DataProcessingParams, task: str = "classification"
) -> Preprocessor:
    """Fit imputation, encoding and scaling (and, for regression, the target's scaling) on
    the training rows only."""
    roles = column_roles(train_rows, params)
    preprocessor = Preprocessor.fit(train_rows, params, roles.numeric, roles.categorical, task)
    if preprocessor.dropped_columns:
        log.info("dropped constant columns: %s", preprocessor.dropped_columns)
    return preprocessor


def transform_rows(
    rows: pd.DataFrame, preprocessor: Preprocessor
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model input ``X`` (named float32 columns) and ``y`` (label codes) for one split,
    indexed by the rows' numbers in raw_data (so predictions can be traced to their rows)."""
    features = preprocessor.transform_features(rows).set_axis(rows.index)
    labels = pd.DataFrame(
        {preprocessor.target: preprocessor.encode_labels(rows[preprocessor.target])},
        index=rows.index,
    )
    return features, labels
