"""The fitted preprocessing that turns raw rows into model input, and back for labels.

Fitted on the training split only (no leakage). It stores plain numbers and strings and is
saved as JSON rather than a pickled scikit-learn pipeline: a JSON file cannot run code when
loaded, a reader can open it, and serving or exporting the model needs nothing but this
module. ``tests/prepare/test_preprocessing.py`` checks that the transformation equals scikit-learn's
SimpleImputer + OneHotEncoder(handle_unknown="ignore") + StandardScaler.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from glassbox.atomic_io import atomic_write
from glassbox.errors import InputDataError
from glassbox.prepare.params import DataProcessingParams
from glassbox.tasks import DEFAULT_TASK, get_task

log = logging.getLogger(__name__)

# Rows transformed at a time: bounds the float64 temporaries of a large table (~80 MB at
# 100 features) without slowing small ones.
TRANSFORM_ROWS = 100_000

MISSING_CATEGORY = "__missing__"
FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    """numpy scalars to Python scalars, so labels survive a JSON round trip unchanged."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class Preprocessor:
    """Everything needed to apply the training-time transformation to new rows."""

    target: str
    classes: list  # original label values; a label's code is its position here
    numeric_columns: list[str]
    categorical_columns: list[str]
    dropped_columns: list[str]  # constant in the training split
    fill_values: dict[str, Any]  # per input column; empty when missing values are an error
    categories: dict[str, list[str]]  # per categorical column, in output order
    means: list[float]  # per numeric column, after imputation
    scales: list[float]
    feature_names: list[str]  # output columns, in model input order
    missing_values: str = "impute"
    # Feature columns of the raw table in its order, dropped ones included (image layouts).
    raw_feature_columns: list[str] = field(default_factory=list)
    # Regression: the target is standardised for training and restored on output.
    task: str = DEFAULT_TASK
    target_mean: float = 0.0
    target_scale: float = 1.0
    # The raw feature columns are an image's pixels, in row order (data_processing.image_shape).
    image_shape: list[int] | None = None
    # What glassbox.prepare.review found in the training rows, and missing values per column
    # there (each imputed): for the model card.
    data_warnings: list[str] = field(default_factory=list)
    missing_in_training: dict[str, int] = field(default_factory=dict)
    # Columns dropped before fitting as identifiers (column -> why).
    dropped_identifiers: dict[str, str] = field(default_factory=dict)
    # Columns the review takes for leaks (column -> why, with the figure): kept unless
    # drop_suspect_columns, and named on the evaluation report's first screen.
    probable_leaks: dict[str, str] = field(default_factory=dict)
    # Classification: each class's share of the training rows (glassbox.prepare.review), which
    # decides whether the evaluation ranks by balanced accuracy.
    class_shares: dict[str, float] = field(default_factory=dict)
    # The training rows' mean in model input (per feature): the `training_mean` reference
    # row of attributions, the same for batch inference and the HTTP service.
    input_means: list[float] = field(default_factory=list)
    format_version: int = field(default=FORMAT_VERSION)

    # ----- fitting ---------------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        train: pd.DataFrame,
        params: DataProcessingParams,
        numeric_columns: list[str],
        categorical_columns: list[str],
        task: str = DEFAULT_TASK,
    ) -> Preprocessor:
        """Learn imputation values, categories and scaling from the training rows."""
        raw_feature_columns = [
            c for c in train.columns if c in {*numeric_columns, *categorical_columns}
        ]
        if params.image_shape and int(np.prod(params.image_shape)) != len(raw_feature_columns):
            raise InputDataError(
                f"data_processing.image_shape is {list(params.image_shape)} "
                f"({int(np.prod(params.image_shape))} pixels) but raw_data has "
                f"{len(raw_feature_columns)} feature columns. Set image_shape to null unless "
                "your features are the pixels of an image, in row order."
            )
        if params.image_shape and categorical_columns:
            raise InputDataError(
                f"data_processing.image_shape is set, but columns {categorical_columns[:5]} are "
                "not numeric: an image's pixels are numbers. Set image_shape to null unless "
                "your features are the pixels of an image, in row order."
            )
        dropped = []
        if params.drop_constant_columns:
            dropped = [
                c
                for c in numeric_columns + categorical_columns
                if train[c].nunique(dropna=False) <= 1
            ]
        numeric = [c for c in numeric_columns if c not in dropped]
        categorical = [c for c in categorical_columns if c not in dropped]

        fill_values: dict[str, Any] = {}
        if params.missing_values == "impute":
            for c in numeric:
                values = train[c].astype("float64")
                fill = values.median() if params.numeric_imputation == "median" else values.mean()
                fill_values[c] = 0.0 if pd.isna(fill) else float(fill)
            for c in categorical:
                text = _as_text(train[c])
                if params.categorical_imputation == "missing_category" or text.dropna().empty:
                    fill_values[c] = MISSING_CATEGORY
                else:
                    # Ties broken by the smallest value, like scikit-learn's SimpleImputer.
                    fill_values[c] = sorted(text.mode(dropna=True))[0]

        categories, shares = {}, {}
        for c in categorical:
            text = _as_text(train[c])
            if c in fill_values:
                text = text.fillna(fill_values[c])
            categories[c] = sorted(text.dropna().unique().tolist())
            shares[c] = text.value_counts(dropna=True) / len(text)  # one-hot columns' means

        numbers = _impute_numeric(train, numeric, fill_values)
        if params.scaling == "standard":
            means = numbers.mean(axis=0) if len(numeric) else np.zeros(0)
            scales = numbers.std(axis=0) if len(numeric) else np.zeros(0)
            scales = np.where(scales > 0, scales, 1.0)  # as StandardScaler does for zero variance
        else:
            means, scales = np.zeros(len(numeric)), np.ones(len(numeric))

        feature_names = list(numeric) + [f"{c}={v}" for c in categorical for v in categories[c]]
        input_means = [float(m) for m in (numbers.mean(axis=0) - means) / scales] if numeric else []
        for c in categorical:
            input_means += [float(shares[c].get(v, 0.0)) for v in categories[c]]
        target_mean, target_scale, classes = 0.0, 1.0, []
        if get_task(task).predicts_classes:
            classes = sorted(_plain(v) for v in train[params.target].unique())
        elif params.scale_target:
            values = pd.to_numeric(train[params.target]).astype("float64")
            target_mean, target_scale = float(values.mean()), float(values.std(ddof=0)) or 1.0
        return cls(
            target=params.target,
            classes=classes,
            numeric_columns=numeric,
            categorical_columns=categorical,
            dropped_columns=dropped,
            fill_values=fill_values,
            categories=categories,
            means=[float(m) for m in means],
            scales=[float(s) for s in scales],
            feature_names=feature_names,
            missing_values=params.missing_values,
            raw_feature_columns=raw_feature_columns,
            task=task,
            target_mean=target_mean,
            target_scale=target_scale,
            image_shape=list(params.image_shape) if params.image_shape else None,
            input_means=input_means,
        )

    # ----- images ----------------------------------------------------------------------------
    def image_layout(self) -> dict | None:
        """Where the image's pixels (channels x height x width, in row order) are in model
        input: each pixel's feature position, or -1 for a pixel dropped as constant in
        training (0 in model input: its standardised value). None for a table."""
        if not self.image_shape:
            return None
        shape = list(self.image_shape)
        position = {name: i for i, name in enumerate(self.feature_names)}
        return {
            "image_shape": shape if len(shape) == 3 else [1, *shape],
            "pixel_index": [position.get(c, -1) for c in self.raw_feature_columns],
        }

    def as_image(self, vector: np.ndarray) -> np.ndarray:
        """Model-input values (one row) on the image's grid (image_shape); dropped pixels 0."""
        index = np.asarray(self.image_layout()["pixel_index"])
        grid = np.where(index >= 0, np.asarray(vector)[np.maximum(index, 0)], 0.0)
        return grid.reshape(self.image_shape)

    # ----- applying --------------------------------------------------------------------------
    @property
    def input_columns(self) -> list[str]:
        return self.numeric_columns + self.categorical_columns

    def transform_features(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Model input (float32, named columns) for ``rows``; extra columns are ignored.

        Unknown categories become all-zero one-hot rows, as with
        ``OneHotEncoder(handle_unknown="ignore")``; they are counted in the log.
        """
        missing = [c for c in self.input_columns if c not in rows.columns]
        if missing:
            raise InputDataError(
                f"rows lack feature columns the preprocessor was fitted on: {missing}; "
                f"expected all of {self.input_columns}"
            )
        if self.missing_values == "error":
            gaps = [c for c in self.input_columns if rows[c].isna().any()]
            if gaps:
                raise InputDataError(
                    f"columns {gaps} have missing values, and this preprocessor was fitted "
                    "with data_processing.missing_values = 'error'"
                )
        # In slices of rows: the float64 temporaries of a whole large table would be several
        # times its size. Every step is per value, so the result does not depend on slicing.
        out = np.empty((len(rows), len(self.feature_names)), dtype=np.float32)
        for start in range(0, len(rows), TRANSFORM_ROWS):
            part = rows.iloc[start : start + TRANSFORM_ROWS]
            numbers = part[self.numeric_columns].to_numpy(dtype="float64", na_value=np.nan)
            texts = {c: _as_text(part[c]).to_numpy() for c in self.categorical_columns}
            out[start : start + len(part)] = self.transform_values(numbers, texts)
        return pd.DataFrame(out, columns=self.feature_names, copy=False)

    def transform_values(
        self, numbers: np.ndarray, texts: dict[str, np.ndarray | list]
    ) -> np.ndarray:
        """The transformation itself, on plain arrays: ``numbers`` (rows x numeric columns,
        NaN for gaps) and, per categorical column, its values as text (None for gaps).
        `transform_features` and the HTTP service (which has no DataFrame) both use it."""
        blocks = []
        if self.numeric_columns:
            if self.fill_values:
                fill = np.array([self.fill_values[c] for c in self.numeric_columns], float)
                numbers = np.where(np.isnan(numbers), fill, numbers)
            blocks.append((numbers - np.asarray(self.means)) / np.asarray(self.scales))
        rows = len(numbers)
        for c in self.categorical_columns:
            text = pd.Series(texts[c], dtype=object)
            rows = len(text)
            if c in self.fill_values:
                text = text.fillna(self.fill_values[c])
            known = self.categories[c]
            codes = pd.Index(known).get_indexer(text)  # -1: unknown or missing
            unknown = int(((codes < 0) & text.notna().to_numpy()).sum())
            if unknown:
                log.warning("column %r: %d rows have categories unseen in training", c, unknown)
            one_hot = np.zeros((rows, len(known)))
            seen = codes >= 0
            one_hot[np.flatnonzero(seen), codes[seen]] = 1.0
            blocks.append(one_hot)
        values = np.hstack(blocks) if blocks else np.zeros((rows, 0))
        return values.astype(np.float32)

    def encode_labels(self, labels: pd.Series) -> np.ndarray:
        """Original label values to codes 0..n_classes-1 (regression: standardised values)."""
        if not get_task(self.task).predicts_classes:
            values = pd.to_numeric(labels).to_numpy(dtype=np.float64)
            return (values - self.target_mean) / self.target_scale
        lookup = {label: code for code, label in enumerate(self.classes)}
        codes = labels.map(lambda v: lookup.get(_plain(v), -1)).to_numpy(dtype=np.int64)
        if (codes < 0).any():
            unseen = sorted({_plain(v) for v in labels[codes < 0]}, key=str)[:5]
            raise InputDataError(
                f"target {self.target!r} has labels not seen in training: {unseen}; "
                f"known labels are {self.classes}"
            )
        return codes

    def decode_labels(self, codes: np.ndarray) -> list:
        return [self.classes[int(c)] for c in codes]

    def decode_values(self, outputs: np.ndarray) -> np.ndarray:
        """Regression outputs back in the target's own units."""
        return np.asarray(outputs, dtype=np.float64) * self.target_scale + self.target_mean

    # ----- persistence -----------------------------------------------------------------------
    def probability_columns(self) -> list[str]:
        return [f"probability_{c}" for c in self.classes]

    def predicted(self, outputs: np.ndarray) -> list:
        """Each row's prediction from its model outputs (what :func:`glassbox.deploy.prediction.
        model_outputs` gives): the label, in the original label values, of the most probable
        class; for regression, the value (``outputs``' one column, in target units). The
        batch table and the HTTP service both answer with it."""
        if not get_task(self.task).predicts_classes:
            return outputs[:, 0].tolist()
        return self.decode_labels(outputs.argmax(axis=1))

    def prediction_table(self, outputs: np.ndarray) -> pd.DataFrame:
        """Model outputs as the user reads them: the prediction (:meth:`predicted`) and, for
        classes, every class's probability."""
        if not get_task(self.task).predicts_classes:
            return pd.DataFrame({"prediction": self.predicted(outputs)}, dtype=np.float64)
        table = pd.DataFrame(outputs, columns=self.probability_columns())
        table.insert(0, "prediction", self.predicted(outputs))
        return table

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Preprocessor:
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise InputDataError(
                f"preprocessor format_version {version!r} is not supported; expected "
                f"{FORMAT_VERSION}. Re-run the data_processing pipeline."
            )
        try:
            return cls(**data)
        except TypeError as err:  # missing or unexpected keys
            raise InputDataError(f"preprocessor data does not match this version: {err}") from None

    def save(self, path: str | Path) -> None:
        with atomic_write(path, "w", encoding="utf-8") as handle:
            json.dump(self.to_dict(), handle, indent=2)

    @classmethod
    def load(cls, path: str | Path) -> Preprocessor:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise InputDataError(f"preprocessor file {path} is not valid JSON: {err}") from None
        return cls.from_dict(data)


def _impute_numeric(rows: pd.DataFrame, columns: list[str], fill_values: dict) -> np.ndarray:
    numbers = rows[columns].to_numpy(dtype="float64", na_value=np.nan, copy=True)
    if fill_values:  # in place: no second copy of a large table
        fill = np.array([fill_values[c] for c in columns], dtype="float64")
        np.copyto(numbers, np.broadcast_to(fill, numbers.shape), where=np.isnan(numbers))
    return numbers


def _as_text(column: pd.Series) -> pd.Series:
    """Categories as strings (missing stays missing), so integer codes and text compare alike."""
    return (
        column.astype("object")
        .where(column.notna(), None)
        .map(lambda v: v if v is None else str(v))
    )
