"""`explainability`'s parameters; the methods' names come from glassbox.explain.methods."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from glassbox.explain.methods import METHODS, default_methods
from glassbox.parameters import StrictParams, registered

# Names from the registry in glassbox.explain.methods (torch- and Captum-free at import).
ExplanationMethod = registered(METHODS, "explanation method")


class QualityParams(StrictParams):
    sample_size: int = Field(100, ge=5, description="rows used for the costlier checks")
    infidelity_perturbations: int = Field(10, ge=1)
    sensitivity_perturbations: int = Field(5, ge=1)
    sensitivity_radius: float = Field(0.02, gt=0)
    deletion_steps: int = Field(10, ge=2)
    randomisation_threshold: float = Field(
        0.5,
        gt=-1,
        le=1,
        description="signed rank correlation with a random model's attributions below this: passes",
    )
    randomisation_models: int = Field(
        5, ge=1, description="randomly initialised models the randomisation test averages over"
    )
    completeness_tolerance: float = Field(0.01, gt=0, description="IG delta / output difference")
    stability_threshold: float = Field(
        0.8,
        gt=-1,
        le=1,
        description="correlation of global importances between seeds at least this: stable",
    )


class ExplainabilityParams(StrictParams):
    """`explainability` in conf/base/parameters_explainability.yml."""

    methods: list[ExplanationMethod] = Field(default_factory=default_methods, min_length=1)
    baseline: Literal["zeros", "training_mean", "training_samples"] = "training_mean"
    baseline_samples: int = Field(20, ge=1, description="training rows for training_samples")
    target: Literal["predicted", "true"] = "predicted"
    max_rows: int | None = Field(
        2000, ge=1, description="test rows explained: a seeded sample of larger splits; null: all"
    )
    ig_steps: int = Field(50, ge=2)
    smoothgrad_samples: int = Field(20, ge=1)
    smoothgrad_stdev: float = Field(0.1, gt=0)
    top_features: int = Field(10, ge=1)
    local_examples: int = Field(4, ge=1, description="per group: confident correct, misclassified")
    seed: int = Field(0, ge=0)
    quality: QualityParams = Field(default_factory=QualityParams)
