"""Typed parameter models, one per pipeline (the `parameters_<pipeline>.yml` files).

Kedro validates `params:<pipeline>` node inputs against these models before any node
runs, so a typo or an out-of-range value stops the run with a message naming the key
and what is allowed. `extra="forbid"` turns a misspelt key into an error instead of a
silently ignored setting.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from glassbox.explain.methods import METHODS, default_methods
from glassbox.registries import check_name
from glassbox.training.architectures import ARCHITECTURES, architecture
from glassbox.training.losses import LOSSES
from glassbox.training.optimizers import OPTIMIZERS, SCHEDULES


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataProcessingParams(_Strict):
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


# Names from the registries in glassbox.training.optimizers (torch-free at import), checked
# when the parameters are validated: a bad name fails before any data is loaded, and a
# newly registered optimizer or schedule is accepted without a change here.
def _registered(registry: dict, kind: str, also: tuple[str, ...] = ()):
    """A name field that accepts what ``registry`` holds when validated (and ``also``)."""
    return Annotated[
        str, AfterValidator(lambda n: n if n in also else check_name(n, registry, kind))
    ]


OptimizerName = _registered(OPTIMIZERS, "optimizer")
SchedulerName = _registered(SCHEDULES, "schedule")


class ModelParams(BaseModel):
    """`training.model`: ``name`` picks an architecture of glassbox.training.architectures.
    Each architecture's own keys go in a section under its name, so that switching is one
    edit of ``name`` (``training.model.cnn.channels``); keys given directly beside ``name``
    (``training.model.hidden_sizes``, as ``--params`` overrides write them) are the chosen
    architecture's and take precedence over its section. Every section is checked by its
    architecture's settings model, and the chosen one's settings, defaults filled in, are
    what a run uses: after validation the model is ``name`` plus those settings."""

    model_config = ConfigDict(extra="allow", frozen=True)
    name: str = "mlp"
    _sections: dict[str, dict] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _settings_of_the_architecture(self) -> ModelParams:
        architecture(self.name)  # an unknown name: the known ones, before anything else
        given = dict(self.__pydantic_extra__ or {})
        sections = {key: given.pop(key) for key in list(given) if key in ARCHITECTURES}
        for other, section in sections.items():
            if not isinstance(section, dict):
                raise ValueError(
                    f"{other}: expected the {other} architecture's settings as a mapping "
                    f"(keys {list(ARCHITECTURES[other].settings.model_fields)}); got {section!r}"
                )
        # Every section is checked now (a typo in one not in use would bite after a
        # switch) and kept for the architecture comparison, defaults filled in.
        self._sections = {
            other: _validated_settings(other, section, f"{other}.").model_dump()
            for other, section in sections.items()
            if other != self.name
        }
        chosen = {**sections.get(self.name, {}), **given}
        settings = _validated_settings(self.name, chosen, "")
        self._sections[self.name] = settings.model_dump()
        self.__pydantic_extra__.clear()
        self.__pydantic_extra__.update(settings.model_dump())
        return self

    def settings_of(self, name: str) -> dict:
        """The settings of architecture ``name`` as configured (its section), or its
        defaults: a comparison trains each architecture this way."""
        if name in self._sections:
            return dict(self._sections[name])
        return architecture(name).settings().model_dump()

    def with_architecture(self, name: str) -> ModelParams:
        """The model configuration with ``name`` chosen, with its configured settings."""
        return ModelParams(name=name, **self.settings_of(name))

    def settings(self) -> dict:
        """The architecture's own settings (every key but the name)."""
        return self.model_dump(exclude={"name"})

    def uses_batch_statistics(self) -> bool:
        """Whether the model normalises by batch statistics (batch norm)."""
        entry = architecture(self.name)
        return entry.batch_norm(entry.settings.model_validate(self.settings()))


def _validated_settings(name: str, given: dict, prefix: str) -> BaseModel:
    entry = architecture(name)
    try:
        return entry.settings.model_validate(given)
    except ValidationError as e:
        problems = "; ".join(
            prefix
            + ".".join(map(str, err["loc"] or ("model",)))
            + ": "
            + err["msg"].removeprefix("Value error, ")
            for err in e.errors()
        )
        raise ValueError(
            f"{problems} (the {name} architecture takes {list(entry.settings.model_fields)})"
        ) from None


class OptimizerParams(_Strict):
    name: OptimizerName = "adam"
    lr: float | None = Field(None, gt=0, description="null: the optimizer's own default")
    weight_decay: float | None = Field(None, ge=0, description="null: the optimizer's default")
    momentum: float = Field(0.9, ge=0, lt=1, description="for momentum and nesterov")


class SchedulerParams(_Strict):
    name: SchedulerName = "none"
    step_size: int = Field(30, ge=1, description="step: epochs between decays")
    gamma: float = Field(0.1, gt=0, le=1, description="step, plateau: decay factor")
    patience: int = Field(5, ge=0, description="plateau: epochs without improvement")


# Names from the registry in glassbox.training.losses (torch-free at import); `auto` picks
# the task's usual loss.
LossName = _registered(LOSSES, "loss", also=("auto",))


class LossParams(_Strict):
    """`training.loss`: auto picks cross_entropy for classification and mse for regression;
    cross_entropy, label_smoothing and focal are for classification, mse, mae and huber for
    regression (glassbox.training.losses says which fits which task)."""

    name: LossName = "auto"
    label_smoothing: float = Field(0.1, gt=0, lt=1, description="label_smoothing: its factor")
    focal_gamma: float = Field(2.0, ge=0, description="focal: the focusing exponent")
    huber_delta: float = Field(1.0, gt=0, description="huber: where it turns linear")
    class_weights: Literal["none", "balanced"] = Field(
        "none", description="classification: balanced weighs classes by 1 / frequency"
    )


class EarlyStoppingParams(_Strict):
    patience: int | None = Field(15, ge=1, description="null: never stop early")
    min_delta: float = Field(0.0, ge=0)


class DistributedParams(_Strict):
    """`training.distributed`: data-parallel training on torch.distributed (DDP)."""

    nproc_per_node: int = Field(1, ge=1, description="training processes per machine; 1: none")
    nnodes: int = Field(1, ge=1, description="machines taking part")
    backend: Literal["auto", "gloo", "nccl"] = Field(
        "auto", description="auto: nccl when training on CUDA, else gloo"
    )
    rdzv_endpoint: str | None = Field(
        None, description="host:port of the rendezvous (any one machine); null: this machine"
    )
    rdzv_id: str = Field("glassbox", min_length=1, description="the same on every machine")

    @model_validator(mode="after")
    def _endpoint_for_several_machines(self) -> DistributedParams:
        if self.nnodes > 1 and not self.rdzv_endpoint:
            raise ValueError(
                "training.distributed.rdzv_endpoint (host:port of one machine that all "
                f"can reach) is needed when nnodes is {self.nnodes}; null works on one machine"
            )
        return self

    @property
    def world_size(self) -> int:
        return self.nproc_per_node * self.nnodes


class PrivacyParams(_Strict):
    """`training.privacy`: differentially private training (DP-SGD; glassbox.training.privacy,
    docs/privacy.md)."""

    enabled: bool = False
    target_epsilon: float = Field(3.0, gt=0, description="the privacy budget ε of the run")
    target_delta: float | None = Field(
        None, gt=0, lt=1, description="δ; null: 1 / (10 x training rows)"
    )
    max_grad_norm: float = Field(1.0, gt=0, description="each row's gradient is clipped to it")
    accountant: Literal["prv", "rdp"] = Field(
        "prv", description="Opacus's accountant: prv (tighter) or rdp"
    )
    per_sample_gradients: Literal["auto", "glassbox", "ghost", "hooks", "functorch"] = Field(
        "auto", description="auto: glassbox's for linear layers only, else Opacus's ghost"
    )
    noise: bool = Field(
        True,
        description="false: clip each row's gradient but add no noise (a control that shows "
        "what clipping alone costs; no privacy guarantee, ε = ∞)",
    )


# Keys that say how a run executes, not what it computes: DVC does not re-run a stage when
# only these change (glassbox.tools.dvc_stages tracks the other keys one by one). The device
# is one of them: a GPU computes the same model up to float rounding, and moving a run to
# another machine should not re-train it (`dvc repro -f training` does, on purpose). The
# training stage still tracks `distributed`, which changes what it computes (the batch is
# split over processes and the shards' gradients summed).
EXECUTION_KEYS = {
    "training": ("checkpoint_every", "device", "distributed", "progress"),
    # where the study is kept and by how many processes it is run, not what it finds
    "optimizer_comparison": ("processes", "storage"),
}
TRAINING_ARITHMETIC_KEYS = ("distributed",)
# Stages that train `training` with seeds of their own: its `seed` does not reach them.
OWN_SEEDS = ("seed_runs", "optimizer_comparison", "architecture_comparison", "privacy_comparison")


class TrainingParams(_Strict):
    """`training` in conf/base/parameters_training.yml."""

    seed: int = Field(42, ge=0)
    epochs: int = Field(200, ge=1)
    batch_size: int = Field(64, ge=1)
    model: ModelParams = Field(default_factory=ModelParams)
    optimizer: OptimizerParams = Field(default_factory=OptimizerParams)
    scheduler: SchedulerParams = Field(default_factory=SchedulerParams)
    loss: LossParams = Field(default_factory=LossParams)
    early_stopping: EarlyStoppingParams = Field(default_factory=EarlyStoppingParams)
    grad_clip_norm: float | None = Field(None, gt=0)
    checkpoint_every: int = Field(5, ge=0, description="epochs between checkpoints; 0: none")
    device: Literal["auto", "cpu", "cuda"] = "auto"
    progress: Literal["auto", "always", "never"] = "auto"
    distributed: DistributedParams = Field(default_factory=DistributedParams)
    privacy: PrivacyParams = Field(default_factory=PrivacyParams)

    @model_validator(mode="after")
    def _what_privacy_cannot_combine_with(self) -> TrainingParams:
        if not self.privacy.enabled:
            return self
        if self.model.uses_batch_statistics():
            raise ValueError(
                f"training.privacy.enabled: the {self.model.name} model normalises by batch "
                "statistics, which mixes rows, so no row's gradient is its own and none can "
                "be clipped. Set training.model.mlp.batch_norm: false (mlp) or "
                "training.model.resnet.normalization: layer_norm (resnet)"
            )
        if self.distributed.world_size > 1:
            raise ValueError(
                "training.privacy.enabled cannot be combined with distributed training "
                f"({self.distributed.world_size} processes) yet: set nproc_per_node and "
                "nnodes to 1"
            )
        if self.grad_clip_norm is not None:
            raise ValueError(
                "training.grad_clip_norm clips the whole batch's gradient; with "
                "training.privacy.enabled each row's gradient is clipped to "
                "training.privacy.max_grad_norm instead: set grad_clip_norm: null"
            )
        return self

    @model_validator(mode="after")
    def _no_batch_norm_across_processes(self) -> TrainingParams:
        if self.model.uses_batch_statistics() and self.distributed.world_size > 1:
            raise ValueError(
                f"training.model ({self.model.name}) normalises by batch statistics, which "
                f"cannot be combined with distributed training ({self.distributed.world_size} "
                "processes): each process would normalise by its own shard's statistics. "
                "Set batch_norm: false (mlp) or normalization: layer_norm (resnet), or "
                "nproc_per_node and nnodes to 1"
            )
        return self


class EvaluationParams(_Strict):
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


class InferenceParams(_Strict):
    """`inference` in conf/base/parameters_inference.yml."""

    top_features: int = Field(
        0, ge=0, description="per row, the features of largest attribution to list (0: none)"
    )
    baseline: Literal["zeros", "training_mean"] = Field(
        "training_mean", description="the reference row attributions are measured against"
    )
    ig_steps: int = Field(50, ge=2, description="Integrated Gradients' integration steps")


class OptionalParts(_Strict):
    """`optional` in conf/base/parameters_optional.yml: which optional parts a run makes
    (glassbox.optional). Each comparison's nodes read their own switch only, so that DVC
    reruns a stage for its own switch alone."""

    optimizer_comparison: bool = Field(True, description="which optimizer suits the data")
    architecture_comparison: bool = Field(False, description="which model suits the data")
    privacy_comparison: bool = Field(False, description="what differential privacy costs")
    pipeline_picture: bool = Field(True, description="Kedro-Viz's picture of the pipelines")


class SeedRunsParams(_Strict):
    """`seed_runs` in conf/base/parameters_seed_runs.yml."""

    seeds: list[int] = Field(
        default_factory=lambda: [0, 1, 2],
        description="the configured model retrained with each; fewer than 2: none",
    )

    @field_validator("seeds")
    @classmethod
    def _distinct(cls, seeds: list[int]) -> list[int]:
        if len(set(seeds)) != len(seeds) or any(s < 0 for s in seeds):
            raise ValueError(f"seeds must be distinct and at least 0; got {seeds}")
        return seeds


class OptimizerComparisonParams(_Strict):
    """`optimizer_comparison` in conf/base/parameters_optimizer_comparison.yml.

    Each run is `training` with the optimizer (and its learning rate) swapped in, so the
    comparison uses the same data, model, epochs and early stopping as training.
    """

    optimizers: list[OptimizerName] = Field(
        default_factory=lambda: list(OPTIMIZERS), min_length=1, description="default: all"
    )
    seeds: list[int] = Field(
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
    storage: str | None = Field(
        None,
        description="the Optuna storage URL (sqlite:///..., postgresql://...); null: the "
        "project's journal file (optimizer_study in the catalog)",
    )
    target_margin: float = Field(
        0.25, gt=0, description="time to target: validation loss within this of the best mean"
    )
    processes: int = Field(
        2, ge=1, description="processes on this machine that train the trials at once"
    )
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

    @field_validator("seeds")
    @classmethod
    def _distinct_seeds(cls, seeds: list[int]) -> list[int]:
        if len(set(seeds)) != len(seeds) or any(s < 0 for s in seeds):
            raise ValueError(f"seeds must be distinct and at least 0; got {seeds}")
        return seeds

    @model_validator(mode="after")
    def _positive_rates(self) -> OptimizerComparisonParams:
        bad = {k: v for k, v in self.learning_rates.items() if v is not None and v <= 0}
        if bad:
            raise ValueError(f"learning_rates must be greater than 0; got {bad}")
        low, high = self.lr_range
        if not 0 < low < high:
            raise ValueError(f"lr_range must be [low, high] with 0 < low < high; got {[low, high]}")
        return self


ArchitectureName = _registered(ARCHITECTURES, "architecture")


class PrivacyComparisonParams(_Strict):
    """`privacy_comparison` in conf/base/parameters_privacy_comparison.yml."""

    epsilons: list[float | None] = Field(
        default_factory=lambda: [None, 8.0, 3.0, 1.0],
        min_length=1,
        description="privacy budgets to train at; null: no privacy (ε = ∞)",
    )
    clip_only: bool = Field(True, description="also train with clipping and no noise")
    seeds: list[int] = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    batch_size: int | None = Field(256, ge=1, description="null: training.batch_size")
    epochs: int | None = Field(30, ge=1, description="null: training.epochs")
    lr: float | None = Field(0.01, gt=0, description="null: training.optimizer.lr")
    explained_rows: int = Field(100, ge=2, description="test rows explained per run")

    @field_validator("epsilons")
    @classmethod
    def _positive(cls, values: list) -> list:
        bad = [v for v in values if v is not None and v <= 0]
        if bad:
            raise ValueError(f"each epsilon must be positive, or null for no privacy; got {bad}")
        return values

    @field_validator("seeds")
    @classmethod
    def _distinct_seeds(cls, seeds: list[int]) -> list[int]:
        if len(set(seeds)) != len(seeds):
            raise ValueError(f"seeds must be distinct; got {seeds}")
        return seeds


class ArchitectureComparisonParams(_Strict):
    """`architecture_comparison` in conf/base/parameters_architecture_comparison.yml.

    Each run is `training` with the architecture swapped in (with the settings configured
    under its name in `training.model`), so the comparison uses the same data, optimizer,
    epochs and early stopping as training.
    """

    architectures: list[ArchitectureName] = Field(
        default_factory=lambda: list(ARCHITECTURES), min_length=1, description="default: all"
    )
    seeds: list[int] = Field(default_factory=lambda: [0, 1, 2], min_length=1)
    epochs: int | None = Field(None, ge=1, description="null: training.epochs")


# Names from the registry in glassbox.explain.methods (torch- and Captum-free at import).
ExplanationMethod = _registered(METHODS, "explanation method")


class QualityParams(_Strict):
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


class ExplainabilityParams(_Strict):
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
