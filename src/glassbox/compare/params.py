"""The comparisons' parameters (optimizer, architecture, privacy); optimizer and
architecture names come from the training room's registries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from glassbox.parameters import Seeds, StrictParams, registered
from glassbox.training.architectures import ARCHITECTURES
from glassbox.training.optimizers import OPTIMIZERS
from glassbox.training.params import OptimizerName

ArchitectureName = registered(ARCHITECTURES, "architecture")


# How many processes on this machine train a comparison's runs at once (each single-threaded;
# each claims whole studies, about half of the runs, so more than two add nothing): where it runs,
# not what it computes (glassbox.parameters.EXECUTION_KEYS).
def _processes():
    return Field(2, ge=1, description="processes on this machine that train the runs at once")


class OptimizerComparisonParams(StrictParams):
    """`optimizer_comparison` in conf/base/parameters_optimizer_comparison.yml.

    Each run is `training` with the optimizer (and its learning rate) swapped in, so the
    comparison uses the same data, model, epochs and early stopping as training.
    """

    optimizers: list[OptimizerName] = Field(
        default_factory=lambda: list(OPTIMIZERS), min_length=1, description="default: all"
    )
    seeds: Seeds = Field(
        default_factory=lambda: [0, 1, 2, 3, 4],
        min_length=1,
        description="every final run once per seed; the first is also the trials' seed",
    )
    learning_rates: dict[OptimizerName, float | None] = Field(
        default_factory=dict,
        description="the untuned (defaults) column, per optimizer; missing or null: its default",
    )
    epochs: int | None = Field(None, ge=1, description="null: training.epochs")
    trials_per_optimizer: int = Field(
        5, ge=0, description="learning rates tried per optimizer; 0: no tuning"
    )
    lr_range: tuple[float, float] = Field(
        (1e-4, 1.0), description="the learning rates tried: log-spaced over [low, high]"
    )
    target_margin: float = Field(
        0.25, gt=0, description="time to target: validation loss within this of the best mean"
    )
    processes: int = _processes()
    max_rows: int | None = Field(
        10_000,
        ge=100,
        description="training rows every trial and run trains on: a seeded sample where "
        "the training split has more (null: all)",
    )
    pruning: Literal["successive_halving", "none"] = Field(
        "successive_halving",
        description="successive_halving: at epochs/9 and epochs/3 each optimizer's trials "
        "but its best third stop (the same rungs for all); none: every trial its full budget",
    )

    @model_validator(mode="before")
    @classmethod
    def _storage_moved(cls, values):
        if isinstance(values, dict) and "storage" in values:
            raise ValueError(
                "storage: the study storage is set once for every comparison, in "
                "conf/local/credentials.yml as `study_storage: {url: postgresql://...}` "
                "(docs/scale.md); remove optimizer_comparison.storage"
            )
        return values

    @model_validator(mode="after")
    def _positive_rates(self) -> OptimizerComparisonParams:
        bad = {k: v for k, v in self.learning_rates.items() if v is not None and v <= 0}
        if bad:
            raise ValueError(f"learning_rates must be greater than 0; got {bad}")
        low, high = self.lr_range
        if not 0 < low < high:
            raise ValueError(f"lr_range must be [low, high] with 0 < low < high; got {[low, high]}")
        return self


class PrivacyComparisonParams(StrictParams):
    """`privacy_comparison` in conf/base/parameters_privacy_comparison.yml."""

    epsilons: list[float | None] = Field(
        default_factory=lambda: [None, 8.0, 3.0, 1.0],
        min_length=1,
        description="privacy budgets to train at; null: no privacy (ε = ∞)",
    )
    clip_only: bool = Field(True, description="also train with clipping and no noise")
    seeds: Seeds = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    batch_size: int | None = Field(256, ge=1, description="null: training.batch_size")
    epochs: int | None = Field(30, ge=1, description="null: training.epochs")
    lr: float | None = Field(0.01, gt=0, description="null: training.optimizer.lr")
    explained_rows: int = Field(100, ge=2, description="test rows explained per run")
    processes: int = _processes()

    @field_validator("epsilons")
    @classmethod
    def _positive(cls, values: list) -> list:
        bad = [v for v in values if v is not None and v <= 0]
        if bad:
            raise ValueError(f"each epsilon must be positive, or null for no privacy; got {bad}")
        return values


class ArchitectureComparisonParams(StrictParams):
    """`architecture_comparison` in conf/base/parameters_architecture_comparison.yml.

    Each run is `training` with the architecture swapped in (with the settings configured
    under its name in `training.model`), so the comparison uses the same data, optimizer,
    epochs and early stopping as training.
    """

    architectures: list[ArchitectureName] = Field(
        default_factory=lambda: list(ARCHITECTURES), min_length=1, description="default: all"
    )
    seeds: Seeds = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    epochs: int | None = Field(None, ge=1, description="null: training.epochs")
    processes: int = _processes()
