"""`data_processing`'s parameters (conf/base/parameters_data_processing.yml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from glassbox.parameters import StrictParams


class DataProcessingParams(StrictParams):
    """`data_processing` in conf/base/parameters_data_processing.yml."""

    target: str = Field(min_length=1, description="the label column of raw_data")
    task: Literal["auto", "classification", "regression"] = Field(
        "auto", description="auto: regression for a numeric target with many distinct values"
    )
    scale_target: bool = Field(True, description="regression: standardise the target in training")
    test_size: float = Field(0.2, gt=0, lt=1, description="share of rows for the test split")
    val_size: float = Field(0.1, gt=0, lt=1, description="share of rows for the validation split")
    seed: int = Field(42, ge=0, description="seed of the stratified split")
    missing_values: Literal["impute", "error"] = "impute"
    numeric_imputation: Literal["median", "mean"] = "median"
    categorical_imputation: Literal["most_frequent", "missing_category"] = "most_frequent"
    categorical_columns: list[str] | None = Field(
        None, description="columns to one-hot encode; null means every non-numeric column"
    )
    drop_columns: list[str] = Field(default_factory=list, description="e.g. identifiers")
    drop_constant_columns: bool = True
    drop_suspect_columns: bool = Field(
        False, description="drop possible identifiers and columns that repeat another"
    )
    keep_columns: list[str] = Field(
        default_factory=list,
        description="identifier-like columns to keep as features on purpose (identifiers "
        "are dropped otherwise)",
    )
    scaling: Literal["standard", "none"] = "standard"
    min_rows_per_class: int = Field(5, ge=3, description="rows each class needs to be split")
    max_categories: int = Field(100, ge=2, description="more levels than this is an error")
    image_shape: list[int] | None = Field(
        None,
        min_length=2,
        max_length=3,
        description="height, width (or channels, height, width): the feature columns are an "
        "image's pixels in row order",
    )

    @model_validator(mode="after")
    def _splits_leave_training_rows(self) -> DataProcessingParams:
        if self.test_size + self.val_size >= 0.9:
            raise ValueError(
                f"test_size + val_size must be below 0.9 so training keeps rows; "
                f"got {self.test_size} + {self.val_size}"
            )
        return self
