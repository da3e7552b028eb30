"""Nodes of the data_processing pipeline: thin adapters over glassbox's plain modules."""

from __future__ import annotations

import logging

import pandas as pd

from glassbox.prepare.params import DataProcessingParams
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.prepare.review import class_balance, review_columns
from glassbox.prepare.splitting import stratified_split
from glassbox.prepare.validation import column_roles, validate_raw_table
from glassbox.tasks import DEFAULT_TASK, get_task, log_task

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
    return log_task(table[params.target], params.task)


def split_data(
    table: pd.DataFrame, params: DataProcessingParams, task: str = DEFAULT_TASK
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stratified train / validation / test rows (by class, or by target quantile)."""
    return stratified_split(
        table, params.target, params.test_size, params.val_size, params.seed, task
    )


def fit_preprocessor(
    train_rows: pd.DataFrame, params: DataProcessingParams, task: str = DEFAULT_TASK
) -> Preprocessor:
    """Fit imputation, encoding and scaling (and, for regression, the target's scaling) on
    the training rows only."""
    roles = column_roles(train_rows, params)
    numeric, categorical = roles.numeric, roles.categorical
    features = {*numeric, *categorical}
    classes = get_task(task).predicts_classes
    review = review_columns(
        train_rows,
        [c for c in train_rows.columns if c in features],
        params.keep_columns,
        params.target,
        classes,
        params.seed,
    )
    for line in review.dropped_lines():
        log.info("%s", line)
    warnings = review.warnings()
    balance = class_balance(train_rows[params.target]) if classes else None
    if balance is not None:
        log.info("%s", balance.line())
        if balance.warning():
            warnings.append(balance.warning())
    for warning in warnings:
        log.warning("%s", warning)
    dropped = set(review.identifiers)
    if params.drop_suspect_columns and review.suspect_columns():
        suspect = set(review.suspect_columns()) - set(params.keep_columns)
        dropped |= suspect
        log.info("dropped suspect columns (drop_suspect_columns): %s", sorted(suspect))
    numeric = [c for c in numeric if c not in dropped]
    categorical = [c for c in categorical if c not in dropped]
    preprocessor = Preprocessor.fit(train_rows, params, numeric, categorical, task)
    preprocessor.dropped_identifiers = dict(review.identifiers)
    preprocessor.probable_leaks = dict(review.leaks)
    preprocessor.class_shares = balance.shares if balance is not None else {}
    if preprocessor.dropped_columns:
        log.info("dropped constant columns: %s", preprocessor.dropped_columns)
    imputed = {c: n for c, n in review.missing.items() if c in preprocessor.fill_values}
    for column, count in imputed.items():
        log.info(
            "imputed %r in %d of %d training rows (and likewise in other rows) with %s",
            column,
            count,
            len(train_rows),
            f"{value:.4g}"
            if isinstance(value := preprocessor.fill_values[column], float)
            else repr(value),
        )
    preprocessor.data_warnings = warnings
    preprocessor.missing_in_training = imputed
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
