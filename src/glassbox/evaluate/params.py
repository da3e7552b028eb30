"""`evaluation`'s parameters (conf/base/parameters_evaluation.yml)."""

from __future__ import annotations

from pydantic import Field, model_validator

from glassbox.parameters import StrictParams


class EvaluationParams(StrictParams):
    """`evaluation` in conf/base/parameters_evaluation.yml."""

    calibration_bins: int = Field(15, ge=2, description="bins of the reliability diagram and ECE")
    roc_points: int = Field(101, ge=11, description="points on the shared ROC grid")
    baseline_rows: int | None = Field(
        None, ge=100, description="fit the baselines on a sample of this many training rows"
    )
    baseline_hidden_sizes: list[int] = Field(
        default_factory=lambda: [64, 32], description="scikit-learn's MLP baseline's layers"
    )
    bootstrap_resamples: int = Field(
        1000, ge=100, description="paired bootstrap resamples of the test rows, for intervals"
    )
    confidence_level: float = Field(0.95, gt=0.5, lt=1, description="of every interval")

    @model_validator(mode="after")
    def _positive_sizes(self) -> EvaluationParams:
        if any(size < 1 for size in self.baseline_hidden_sizes):
            raise ValueError(
                f"baseline_hidden_sizes must all be at least 1; got {self.baseline_hidden_sizes}"
            )
        return self
