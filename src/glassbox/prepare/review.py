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
  imputation than about the data;
- probable leaks: a column that alone nearly determines the target (a one-feature tree
  fitted on half the training rows scores balanced accuracy, or R², of at least
  ``LEAK_SCORE`` on the other half), or, for two classes, that the target determines for
  one of them (every row of class c holds one value that at most a third of the other
  rows hold, as a spending column that is 0 for everyone without a card). Such a column
  is usually recorded after the outcome, and the model will not have it, or not so clean,
  when it is used (Kaufman et al., 2012, "Leakage in data mining"). Deepchecks' Feature
  Label Correlation and EvalML's TargetLeakageDataCheck apply the same idea;
- class balance (classification): each class's share of the training rows. The rarest
  class is rare when it has under ``IMBALANCED_SHARE`` (10 %) of its rows and the most
  common class's together (EvalML's ClassImbalanceDataCheck rule: 3.3 % of two classes,
  or 100 rows beside 900 of the largest class); then accuracy is a poor guide, since
  always answering the majority class already scores high.

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
LEAK_SCORE = 0.95  # a column alone scoring this on held-out rows is a probable leak
LEAK_ROWS = 20_000  # rows sampled for the leak check on big tables
# The target determines a column for class c: c's rows hold one value in at least this
# share, and the other rows hold it in at most DETERMINED_ELSEWHERE.
DETERMINED_SHARE, DETERMINED_ELSEWHERE, DETERMINED_MIN_ROWS = 0.99, 1 / 3, 20
IMBALANCED_SHARE = 0.1  # rarest / (rarest + most common)


@dataclass
class Review:
    identifiers: dict[str, str] = field(default_factory=dict)  # column -> why (dropped)
    possible_identifiers: dict[str, str] = field(default_factory=dict)  # column -> why (warned)
    duplicates: dict[str, str] = field(default_factory=dict)  # column -> how it repeats another
    missing: dict[str, int] = field(default_factory=dict)  # column -> missing values
    rows: int = 0
    leaks: dict[str, str] = field(default_factory=dict)  # column -> why, with its figure

    @property
    def heavy_missing(self) -> dict[str, int]:
        return {c: n for c, n in self.missing.items() if n >= HEAVY_MISSING_SHARE * self.rows}

    def suspect_columns(self) -> list[str]:
        """Columns that `drop_suspect_columns: true` drops: possible identifiers, repeats
        and probable leaks (identifiers are dropped in any case)."""
        return list(dict.fromkeys([*self.possible_identifiers, *self.duplicates, *self.leaks]))

    def dropped_lines(self) -> list[str]:
        return [
            f"dropped column {c!r}: an identifier ({why}), which says nothing about new rows; "
            "keep it with data_processing.keep_columns"
            for c, why in self.identifiers.items()
        ]

    def warnings(self) -> list[str]:
        lines = [
            f"column {c!r} is a probable leak: {why}. A column this close to the answer is "
            "usually recorded after the outcome, and the model will not have it when it is "
            "used. Drop it (data_processing.drop_columns, or drop_suspect_columns: true) "
            "unless it is truly known before the prediction"
            for c, why in self.leaks.items()
        ]
        lines += [
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
        # Columns with few values are compared as partitions (a recode gives the same one);
        # mostly distinct columns by their values: any two of them (an amount and its share
        # of income, both 0 in the same rows) induce nearly the same partition.
        if distinct <= len(column) // 2:
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


def _predictive_power(column: pd.Series, target: pd.Series, classes: bool, seed: int) -> float:
    """How well ``column`` alone predicts ``target`` on rows it was not fitted on: a small
    tree fitted on one half of the rows (numbers), or each category's majority class / mean
    (categories), scored on the other half by balanced accuracy (chance is 1 / classes,
    whatever the balance) or R²."""
    from sklearn.metrics import balanced_accuracy_score, r2_score
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    order = np.random.default_rng(seed).permutation(len(column))
    fit, held = order[: len(order) // 2], order[len(order) // 2 :]
    y_fit, y_held = target.iloc[fit], target.iloc[held]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype="float64").reshape(-1, 1)
        kind = DecisionTreeClassifier if classes else DecisionTreeRegressor
        tree = kind(
            max_leaf_nodes=32,
            min_samples_leaf=5,
            random_state=seed,
            **({"class_weight": "balanced"} if classes else {}),
        )
        predicted = tree.fit(values[fit], y_fit).predict(values[held])
    else:
        keys = column.astype("string").fillna("<missing>")
        if classes:
            # The class most over-represented in each category (its share over the class's
            # share overall), as balanced weights would pick it.
            overall = y_fit.value_counts(normalize=True)
            table = pd.crosstab(keys.iloc[fit].to_numpy(), y_fit.to_numpy(), normalize="index")
            lookup = (table / overall.reindex(table.columns)).idxmax(axis=1)
            fallback = overall.idxmax()
        else:
            lookup, fallback = y_fit.groupby(keys.iloc[fit].to_numpy()).mean(), y_fit.mean()
        predicted = keys.iloc[held].map(lookup).fillna(fallback).to_numpy()
    if classes:
        return float(balanced_accuracy_score(y_held, predicted))
    return float(r2_score(y_held, predicted))


def _determined_by_target(column: pd.Series, target: pd.Series) -> str | None:
    """Whether the target fixes this column's value for one class (every row of the class
    holds one value that the other rows rarely hold), in words; None if not."""
    codes, values = pd.factorize(column, use_na_sentinel=False)
    labels, classes = pd.factorize(target, use_na_sentinel=False)
    counts = np.zeros((len(values), len(classes)), dtype=np.int64)  # value x class
    np.add.at(counts, (codes, labels), 1)
    per_class, per_value = counts.sum(axis=0), counts.sum(axis=1)
    for c in np.flatnonzero(per_class >= DETERMINED_MIN_ROWS):
        v = int(counts[:, c].argmax())
        share = counts[v, c] / per_class[c]
        others = len(codes) - per_class[c]
        elsewhere = (per_value[v] - counts[v, c]) / others if others else 1.0
        if share >= DETERMINED_SHARE and elsewhere <= DETERMINED_ELSEWHERE:
            return (
                f"{share:.0%} of the rows with {target.name} = {str(classes[c])!r} have "
                f"{column.name} = {values[v]}, against {elsewhere:.0%} of the other rows: "
                "the target nearly fixes it"
            )
    return None


def probable_leaks(
    rows: pd.DataFrame, columns: list[str], target: str, classes: bool, seed: int = 0
) -> dict[str, str]:
    """Columns that alone nearly determine ``target``, or that the target determines, with
    the figure that says so."""
    if len(rows) > LEAK_ROWS:
        rows = rows.sample(LEAK_ROWS, random_state=seed)
    y = rows[target]
    # With more classes, a value that marks one class is what a model should learn (the
    # empty centre of a handwritten 0 in 99 % of them, against 6 % of other digits).
    two_classes = classes and y.nunique(dropna=False) == 2
    leaks = {}
    for c in columns:
        if rows[c].nunique(dropna=False) < 2:
            continue
        score = _predictive_power(rows[c], y, classes, seed)
        if score >= LEAK_SCORE:
            what = "balanced accuracy" if classes else "R²"
            leaks[c] = (
                f"alone it predicts {target!r} with {what} {score:.3f} on held-out training "
                f"rows (a one-column model; {LEAK_SCORE} or more is flagged)"
            )
        elif two_classes and (why := _determined_by_target(rows[c], y)) is not None:
            leaks[c] = why
    return leaks


@dataclass
class ClassBalance:
    """Each class's share of the training rows, and whether the rarest is rare enough that
    accuracy misleads (under ``IMBALANCED_SHARE`` of its rows and the largest class's)."""

    shares: dict[str, float]

    @property
    def minority(self) -> str:
        return min(self.shares, key=self.shares.get)

    @property
    def imbalanced(self) -> bool:
        rare, common = self.shares[self.minority], max(self.shares.values())
        return rare / (rare + common) < IMBALANCED_SHARE

    def line(self) -> str:
        return "class shares in the training rows: " + ", ".join(
            f"{c} {s:.1%}" for c, s in sorted(self.shares.items(), key=lambda i: -i[1])
        )

    def warning(self) -> str | None:
        if not self.imbalanced:
            return None
        return (
            f"class {self.minority!r} holds {self.shares[self.minority]:.1%} of the training "
            f"rows, against {max(self.shares.values()):.1%} for the most common: always "
            "answering the majority class already scores high accuracy, so the evaluation's "
            "headline and verdict "
            "use balanced accuracy (accuracy beside it). To make the network weigh the rare "
            "class, set training.loss.class_weights: balanced (conf/base/parameters_training.yml)"
        )


def class_balance(labels: pd.Series) -> ClassBalance:
    shares = labels.astype("string").value_counts(normalize=True, dropna=False)
    return ClassBalance({str(c): float(s) for c, s in shares.items()})


def review_columns(
    rows: pd.DataFrame,
    features: list[str],
    keep: list[str] = (),
    target: str | None = None,
    classes: bool = True,
    seed: int = 0,
) -> Review:
    """The findings on ``features`` of the (training) ``rows``; ``keep`` names columns kept
    on purpose (data_processing.keep_columns), never taken for identifiers or leaks. With
    ``target`` (a column of ``rows``), the leak check too (``classes``: the target is a
    class)."""
    found = {
        c: f
        for c in features
        if c not in keep and (f := _looks_like_identifier(c, rows[c])) is not None
    }
    identifiers = {c: why for c, (why, certain) in found.items() if certain}
    possible = {c: why for c, (why, certain) in found.items() if not certain}
    kept = [c for c in features if c not in identifiers]
    missing = {c: int(n) for c, n in rows[kept].isna().sum().items() if n > 0}
    leaks = (
        {}
        if target is None
        else probable_leaks(rows, [c for c in kept if c not in keep], target, classes, seed)
    )
    return Review(identifiers, possible, _repeats(rows, kept), missing, len(rows), leaks)
