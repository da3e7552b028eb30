"""`training`'s and `seed_runs`' parameters, their names drawn from this room's registries
(architectures, optimizers, schedules, losses)."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from glassbox.parameters import Seeds, StrictParams, registered
from glassbox.training.architectures import ARCHITECTURES, architecture
from glassbox.training.losses import LOSSES
from glassbox.training.optimizers import OPTIMIZERS, SCHEDULES

OptimizerName = registered(OPTIMIZERS, "optimizer")


SchedulerName = registered(SCHEDULES, "schedule")


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


class OptimizerParams(StrictParams):
    name: OptimizerName = "adam"
    lr: float | None = Field(None, gt=0, description="null: the optimizer's own default")
    weight_decay: float | None = Field(None, ge=0, description="null: the optimizer's default")
    momentum: float = Field(0.9, ge=0, lt=1, description="for momentum and nesterov")


class SchedulerParams(StrictParams):
    name: SchedulerName = "none"
    step_size: int = Field(30, ge=1, description="step: epochs between decays")
    gamma: float = Field(0.1, gt=0, le=1, description="step, plateau: decay factor")
    patience: int = Field(5, ge=0, description="plateau: epochs without improvement")


# Names from the registry in glassbox.training.losses (torch-free at import); `auto` picks
# the task's usual loss.
LossName = registered(LOSSES, "loss", also=("auto",))


class LossParams(StrictParams):
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


class EarlyStoppingParams(StrictParams):
    patience: int | None = Field(15, ge=1, description="null: never stop early")
    min_delta: float = Field(0.0, ge=0)


class DistributedParams(StrictParams):
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


class PrivacyParams(StrictParams):
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


class TrainingParams(StrictParams):
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


class SeedRunsParams(StrictParams):
    """`seed_runs` in conf/base/parameters_seed_runs.yml."""

    seeds: Seeds = Field(
        default_factory=lambda: [0, 1, 2],
        description="the configured model retrained with each; fewer than 2: none",
    )
