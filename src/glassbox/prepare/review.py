"""What a reviewer would say about the feature columns before a model is fitted on them.

- identifiers: a row number or key carries no information about new rows, yet a model
  can lean on it (on Titanic, `rownames` came out as the second most important feature;
  on a table sorted by its target, a row counter predicts the target). Found by name
  (`id`, `*_id`, `rownames`, `Unnamed: 0`, `index`, ...), by whole numbers that count the
  rows, or by a distinct text in every row: these are dropped before fitting
  (`data_processing.keep_columns` keeps one on purpose). Distinct whole numbers that are
  not consecutive may be a key or an ordinary count (prices in whole dollars on a small
  table): only suspicious, so warned about;
- duplicates: a column that is another one recoded (`SexCode` beside `Sex`) or a perfect
  linear function of it; the model's reliance is then split between the two at random;
- heavy missingness: a column mostly filled in by imputation says more about the
  imputation than about the data.

Each finding names the columns and its figures, and what to do. The review reads the
training rows (those the preprocessing is fitted on); constant columns are left to
`drop_constant_columns`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

IDENTIFIER_NAME = re.compile(r"^(id|index|rownames?|row_?(id|number|num)|unnamed: ?0)$|_id$|^id_")
HEAVY_MISSING_SHARE = 0.3
CORRELATION_ROWS = 10_000  # rows sampled for the linear-duplicate check on big tables


@dataclass
class Review:
    identifiers: dict[str, str] = field(default_factory=dict)  # column -> why (dropped)
    possible_identifiers: dict[str, str] = field(default_factory=dict)  # column -> why (warned)
    duplicates: dict[str, str] = field(default_factory=dict)  # column -> how it repeats another
    missing: dict[str, int] = field(default_factory=dict)  # column -> missing values
    rows: int = 0

    @property
    def heavy_missing(self) -> dict[str, int]:
        return {c: n for c, n in self.missing.items() if n >= HEAVY_MISSING_SHARE * self.rows}

    def suspect_columns(self) -> list[str]:
        """Columns that `drop_suspect_columns: true` drops: possible identifiers and repeats
        (identifiers are dropped in any case)."""
        return [
            *self.possible_identifiers,
            *(c for c in self.duplicates if c not in self.possible_identifiers),
        ]

    def dropped_lines(self) -> list[str]:
        return [
            f"dropped column {c!r}: an identifier ({why}), which says nothing about new rows; "
            "keep it with data_processing.keep_columns"
            for c, why in self.identifiers.items()
        ]

    def warnings(self) -> list[str]:
        lines = [
            f"column {c!r} may be an identifier ({why}): if it is, it says nothing about new "
            "rows, yet a model can lean on it. Drop it (data_processing.drop_columns, or "
            "drop_suspect_columns: true), or keep it knowingly (keep_columns)"
            for c, why in self.possible_identifiers.items()
        ]
        lines += [
            f"column {c!r} is {how}: the two carry one piece of information, and the "
            "explanations split it between them. Drop one (data_processing.drop_columns, "
            "or drop_suspect_columns: true)"
            for c, how in self.duplicates.items()
        ]
        lines += [
            f"column {c!r} is missing in {n} of {self.rows} training rows ({n / self.rows:.0%}), "
            "all imputed: consider dropping it, or adding a column of your own that says "
            "whether it was known"
            for c, n in self.heavy_missing.items()
        ]
        return lines


def _looks_like_identifier(name: str, column: pd.Series) -> tuple[str, bool] | None:
    """Why the column looks like an identifier, and whether that is certain enough to
    drop it; None if it does not."""
    if IDENTIFIER_NAME.search(str(name).strip().lower()):
        return "its name", True
    present = column.dropna()
    if len(present) < 20 or present.nunique() < len(present):
        return None
    if pd.api.types.is_integer_dtype(present):
        values = present.to_numpy()
        # The training rows are a sample of the table's, so a row counter is neither whole
        # nor in order here: it is the row's number plus a constant, or (rows reordered
        # since it was written) distinct numbers filling most of their range.
        if pd.api.types.is_integer_dtype(present.index) and len(set(values - present.index)) == 1:
            return "the row's number in the table plus a constant: a row counter", True
        if values.max() - values.min() + 1 <= 2 * len(values):
            return "distinct whole numbers filling most of their range: a row counter", True
        return "a distinct whole number in every row", False
    if pd.api.types.is_object_dtype(present) or pd.api.types.is_string_dtype(present):
        return "a distinct text in every row", True
    return None  # distinct floats are an ordinary continuous feature


def _repeats(table: pd.DataFrame, columns: list[str]) -> dict[str, str]:
    """Columns that repeat an earlier one: the same partition of the rows (identical, or
    recoded one to one), or, for numbers, a perfect linear function of it."""
    repeats: dict[str, str] = {}
    seen: dict[bytes, str] = {}
    varied = [c for c in columns if _off_mode(table[c]) >= max(10, 0.01 * len(table))]
    for c in varied:
        column = table[c]
        distinct = column.nunique(dropna=False)
        if distinct < len(column):  # all-distinct columns all induce the same partition
            content = pd.factorize(column, use_na_sentinel=False)[0].tobytes()
        else:
            content = (
                b"values" + pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes()
            )
        # A digest, not the bytes: on a million rows each column's key would hold 8 MB.
        key = hashlib.blake2b(content, digest_size=16).digest()
        if key in seen:
            repeats[c] = f"column {seen[key]!r} again, value for value or recoded one to one"
        else:
            seen[key] = c
    numeric = [
        c
        for c in varied
        if c not in repeats
        and pd.api.types.is_numeric_dtype(table[c])
        and table[c].nunique() > 2  # two-valued columns were compared as partitions above
    ]
    if len(numeric) > 1:
        sample = table[numeric].head(CORRELATION_ROWS).astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = sample.corr().to_numpy()
        for j, c in enumerate(numeric):
            for i in range(j):
                if abs(corr[i, j]) > 1 - 1e-9:
                    repeats[c] = f"a linear function of column {numeric[i]!r} (correlation ±1)"
                    break
    return repeats


def _off_mode(column: pd.Series) -> int:
    """Rows whose value is not the column's most common one. Two nearly constant columns
    (pixels at an image's edge, non-zero in two or three rows) can coincide by chance;
    only columns that vary in enough rows are compared."""
    return len(column) - int(column.value_counts(dropna=False).iloc[0])


def review_columns(rows: pd.DataFrame, features: list[str], keep: list[str] = ()) -> Review:
    """The findings on ``features`` of the (training) ``rows``; ``keep`` names columns kept
    on purpose (data_processing.keep_columns), never taken for identifiers."""
    found = {
        c: f
        for c in features
        if c not in keep and (f := _looks_like_identifier(c, rows[c])) is not None
    }
    identifiers = {c: why for c, (why, certain) in found.items() if certain}
    possible = {c: why for c, (why, certain) in found.items() if not certain}
    kept = [c for c in features if c not in identifiers]
    missing = {c: int(n) for c, n in rows[kept].isna().sum().items() if n > 0}
    return Review(identifiers, possible, _repeats(rows, kept), missing, len(rows))
