"""Where architectures are registered: ``training.model.name`` picks one, and only that
architecture's own keys are accepted (its settings model says which, with defaults).

A saved model stores its ``architecture`` dict (the name, the settings, the input and
output sizes) beside the weights, so loading rebuilds it by name without pickle. This
module imports no torch: the parameters are checked before any run without loading it;
each builder imports its network when called.

Adding an architecture is one registration: a settings model (pydantic) and a builder
``build(input_dim, output_dim, **settings) -> nn.Module`` whose module keeps its
``architecture`` dict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glassbox.registries import check_name


@dataclass(frozen=True)
class Architecture:
    settings: type[BaseModel]  # the keys of `training.model` this architecture takes
    build: Callable  # (input_dim, output_dim, **settings) -> nn.Module
    describe: Callable[[dict], str]  # one line for the model card, from the architecture dict


ARCHITECTURES: dict[str, Architecture] = {}


def register_architecture(name: str, settings: type[BaseModel], describe: Callable = str):
    """Decorator: ``build(input_dim, output_dim, **settings)`` becomes architecture ``name``."""

    def register(build: Callable) -> Callable:
        ARCHITECTURES[name] = Architecture(settings, build, describe)
        return build

    return register


def architecture(name: str) -> Architecture:
    return ARCHITECTURES[check_name(name, ARCHITECTURES, "architecture")]


def build_model(config: dict[str, Any]):
    """Build an untrained model from an ``architecture`` dict (as stored with saved weights)."""
    settings = dict(config)
    entry = architecture(settings.pop("name", None))
    return entry.build(**settings)


def describe(config: dict[str, Any]) -> str:
    """One line for a reader: the architecture and its sizes."""
    return architecture(config.get("name")).describe(config)


class MLPSettings(BaseModel):
    """`training.model` keys of the MLP: [Linear → (BatchNorm) → ReLU → (Dropout)] × hidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hidden_sizes: list[int] = Field(default_factory=lambda: [64, 32])
    dropout: float = Field(0.0, ge=0, lt=1)
    batch_norm: bool = False

    @model_validator(mode="after")
    def _positive_sizes(self) -> MLPSettings:
        if any(size < 1 for size in self.hidden_sizes):
            raise ValueError(f"hidden_sizes must all be at least 1; got {self.hidden_sizes}")
        return self


def _describe_mlp(a: dict) -> str:
    extras = [f"dropout {a['dropout']}"] if a.get("dropout") else []
    extras += ["batch norm"] if a.get("batch_norm") else []
    return (
        f"MLP {a['input_dim']} → {' → '.join(map(str, a['hidden_sizes']))} → {a['output_dim']}"
        + (f" ({', '.join(extras)})" if extras else "")
    )


@register_architecture("mlp", MLPSettings, _describe_mlp)
def _mlp(input_dim: int, output_dim: int, **settings):
    from glassbox.training.mlp import MLP

    return MLP(input_dim, output_dim, **settings)
