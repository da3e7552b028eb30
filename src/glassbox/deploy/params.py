"""`inference`'s parameters (conf/base/parameters_inference.yml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from glassbox.parameters import StrictParams


class InferenceParams(StrictParams):
    """`inference` in conf/base/parameters_inference.yml."""

    top_features: int = Field(
        0, ge=0, description="per row, the features of largest attribution to list (0: none)"
    )
    baseline: Literal["zeros", "training_mean"] = Field(
        "training_mean", description="the reference row attributions are measured against"
    )
    ig_steps: int = Field(50, ge=2, description="Integrated Gradients' integration steps")
