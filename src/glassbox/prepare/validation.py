"""Checks on the raw table, before any work: one Pandera schema, built from the parameters.

The schema depends on the parameters (which column is the target, whether missing
values are allowed), so it is built per run rather than declared once in the catalog.
All problems are collected (``lazy=True``) and reported together, one line each,
naming the column and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from glassbox.errors import InputDataError
from glassbox.prepare.params import DataProcessingParams
from glassbox.tasks import get_task, resolve_task

# An object column whose values are at least this share numbers is taken for a numeric
# column with typos in it, not for a categorical one.
_NUMERIC_LOOKING_SHARE = 0.9


@dataclass(frozen=True)
class ColumnRoles:
    numeric: list[str]
    categorical: list[str]
    numeric_looking_text: list[str]  # text columns that are nearly all numbers: errors


def _number_share(column: pd.Series) -> float:
    present = column.dropna()
    if present.empty:
        return 0.0
    return float(pd.to_numeric(present, errors="coerce").notna().mean())


def column_roles(table: pd.DataFrame, params: DataProcessingParams) -> ColumnRoles:
    """Split the feature columns into numeric and categorical ones."""
    features = [c for c in table.columns if c != params.target and c not in params.drop_columns]
    explicit = set(params.categorical_columns or [])
    numeric, categorical, suspicious = [], [], []
    for name in features:
        column = table[name]
        if name in explicit:
            categorical.append(name)
        elif pd.api.types.is_numeric_dtype(column):
            numeric.append(name)
        elif _number_share(column) >= _NUMERIC_LOOKING_SHARE:
            suspicious.append(name)
        else:
            categorical.append(name)
    return ColumnRoles(numeric, categorical, suspicious)


def _list_columns(table: pd.DataFrame, limit: int = 12) -> str:
    names = [str(c) for c in table.columns]
    more = f" … and {len(names) - limit} more" if len(names) > limit else ""
    return f"{names[:limit]}{more}"


def _check_file_shape(table: pd.DataFrame) -> None:
    """Signs that the file was read wrongly (delimiter) or is not what it should be
    (duplicate column names, cut short), which the column checks would misreport."""
    if table.shape[1] == 0 or table.shape[0] == 0:
        raise InputDataError(
            f"raw_data is empty ({table.shape[0]} rows, {table.shape[1]} columns); "
            "expected a header line and at least one row per class"
        )
    if table.shape[1] == 1:
        header = str(table.columns[0])
        for sep in (";", "\t", "|"):
            if sep in header:
                raise InputDataError(
                    f"raw_data was read as one column, and its name contains {sep!r}: the file "
                    f"seems to be delimited by {sep!r}, not ','. Add `load_args: {{sep: {sep!r}}}` "
                    "to raw_data in conf/base/catalog.yml."
                )
    # pandas renames a repeated CSV header 'x' to 'x.1', 'x.2', ...; it cannot be turned off.
    names = {str(c) for c in table.columns}
    repeated = sorted(
        {
            base
            for name in names
            for base, _, suffix in [str(name).rpartition(".")]
            if suffix.isdigit() and base in names
        }
    )
    if repeated:
        raise InputDataError(
            f"raw_data has duplicate column names: {repeated} appear more than once (pandas "
            f"renamed the copies to '{repeated[0]}.1', ...). Give every column its own name."
        )
    last = table.iloc[-1]
    if last.isna().iloc[-1] and last.notna().any():
        filled = int(np.flatnonzero(last.notna().to_numpy())[-1]) + 1
        if last.iloc[filled:].isna().all() and filled < table.shape[1] - 1:
            raise InputDataError(
                f"the last row of raw_data (row {len(table) - 1}) has values in its first "
                f"{filled} of {table.shape[1]} columns only: the file looks cut short "
                "(an interrupted copy or download). Restore the complete file."
            )


def _check_configuration(table: pd.DataFrame, params: DataProcessingParams) -> None:
    """Problems with the parameters' column names, which make the schema meaningless."""
    columns = _list_columns(table)
    _check_file_shape(table)
    if params.target not in table.columns:
        raise InputDataError(
            f"target column {params.target!r} (data_processing.target) is not in raw_data; "
            f"its columns are {columns}. Set data_processing.target to the label column."
        )
    for key in ("drop_columns", "categorical_columns"):
        unknown = [c for c in (getattr(params, key) or []) if c not in table.columns]
        if unknown:
            raise InputDataError(
                f"data_processing.{key} names columns that raw_data does not have: {unknown}; "
                f"its columns are {columns}"
            )
    if params.target in (params.categorical_columns or []) or params.target in params.drop_columns:
        raise InputDataError(
            f"the target {params.target!r} cannot also be in data_processing.categorical_columns "
            "or data_processing.drop_columns"
        )


def _classification_target_checks(min_rows: int) -> list[pa.Check]:
    return [
        pa.Check(
            lambda s: s.nunique() >= 2,
            element_wise=False,
            name="at_least_two_classes",
            error="has one class only; a classifier needs at least two",
        ),
        pa.Check(
            # Returns one boolean per class, so the failure cases name the small classes.
            lambda s: s.value_counts() >= min_rows,
            element_wise=False,
            name="rows_per_class",
            error=f"has classes with fewer than {min_rows} rows "
            "(data_processing.min_rows_per_class), too few for a stratified split",
        ),
    ]


def _regression_target_checks() -> list[pa.Check]:
    def as_numbers(s: pd.Series) -> pd.Series:
        return pd.to_numeric(s, errors="coerce")

    return [
        pa.Check(
            lambda s: as_numbers(s).notna(),
            name="numeric_target",
            error="must hold numbers for a regression task (data_processing.task)",
        ),
        pa.Check(
            lambda s: ~np.isinf(as_numbers(s).astype("float64")),
            name="finite_target",
            error="contains infinite values; expected finite numbers",
        ),
        pa.Check(
            lambda s: as_numbers(s).nunique() >= 2,
            element_wise=False,
            name="varies",
            error="is constant; there is nothing to predict",
        ),
    ]


def _build_schema(
    table: pd.DataFrame, params: DataProcessingParams, roles: ColumnRoles
) -> pa.DataFrameSchema:
    allow_missing = params.missing_values == "impute"
    if not get_task(resolve_task(table[params.target], params.task)[0]).predicts_classes:
        target_checks = _regression_target_checks()
    else:
        target_checks = _classification_target_checks(params.min_rows_per_class)
    columns = {params.target: pa.Column(nullable=False, checks=target_checks)}
    for name in roles.numeric:
        columns[name] = pa.Column(
            nullable=allow_missing,
            checks=pa.Check(
                lambda s: ~np.isinf(s.astype("float64")),
                name="finite",
                error="contains infinite values; expected finite numbers",
            ),
        )
    for name in roles.numeric_looking_text:
        columns[name] = pa.Column(
            nullable=allow_missing,
            checks=pa.Check(
                lambda s: pd.to_numeric(s, errors="coerce").notna(),
                name="numeric_text",
                error="is a numeric column with non-numeric text in it; fix those values, or "
                "list the column in data_processing.categorical_columns",
            ),
        )
    for name in roles.categorical:
        columns[name] = pa.Column(
            nullable=allow_missing,
            checks=pa.Check(
                lambda s: s.nunique() <= params.max_categories,
                element_wise=False,
                name="max_categories",
                error=f"has more than {params.max_categories} distinct values "
                "(data_processing.max_categories); if it is an identifier, add it to "
                "data_processing.drop_columns",
            ),
        )
    return pa.DataFrameSchema(columns, strict=False)


def _describe_failures(failures: pd.DataFrame, params: DataProcessingParams) -> list[str]:
    lines = []
    for (column, check), group in failures.groupby(["column", "check"], sort=False, dropna=False):
        if check == "not_nullable":
            if column == params.target:
                problem = "has missing labels; every row needs a value in the target column"
            else:
                problem = (
                    "has missing values but data_processing.missing_values is 'error'; "
                    "set it to 'impute' to fill them"
                )
        else:
            problem = str(check)
        examples = []
        for _, row in group.head(3).iterrows():
            where = "" if row["index"] is None or pd.isna(row["index"]) else f"row {row['index']}: "
            examples.append(f"{where}{row['failure_case']!r}")
        lines.append(
            f"column {column!r} {problem} ({len(group)} cases, e.g. {', '.join(examples)})"
        )
    return lines


def validate_raw_table(table: pd.DataFrame, params: DataProcessingParams) -> pd.DataFrame:
    """Check ``table`` against the parameters; return it ready for splitting.

    Raises:
        InputDataError: naming every column that fails, and why.
    """
    _check_configuration(table, params)
    roles = column_roles(table, params)
    if not (roles.numeric or roles.categorical or roles.numeric_looking_text):
        raise InputDataError(
            f"raw_data has no feature columns besides the target {params.target!r} "
            "and data_processing.drop_columns"
        )
    schema = _build_schema(table, params, roles)
    try:
        schema.validate(table, lazy=True, inplace=True)  # inplace: no copy (nothing is coerced)
    except pa.errors.SchemaErrors as err:
        lines = _describe_failures(err.failure_cases, params)
        raise InputDataError("raw_data failed validation:\n  - " + "\n  - ".join(lines)) from None

    kept = roles.numeric + roles.numeric_looking_text + roles.categorical + [params.target]
    # No copy when every column is kept in place: on a large table a copy doubles the memory.
    valid = (table if list(table.columns) == kept else table.loc[:, kept]).reset_index(drop=True)
    # Every value of these passed the numeric_text check: they are numbers stored as text.
    for name in roles.numeric_looking_text:
        valid[name] = pd.to_numeric(valid[name])
    return valid
