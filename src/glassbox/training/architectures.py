"""Where architectures are registered: ``training.model.name`` picks one, and only that
architecture's own keys are accepted (its settings model says which, with defaults).

A saved model stores its ``architecture`` dict (the name, the settings, the input and
output sizes) beside the weights, so loading rebuilds it by name without pickle. This
module imports no torch: the parameters are checked before any run without loading it;
each builder imports its network when called.

Adding an architecture is one registration: a settings model (pydantic) and a builder
``build(input_dim, output_dim, **settings) -> nn.Module`` whose module keeps its
``architecture`` dict. An architecture for images says ``needs_image=True``: its builder
also gets the data's ``image_shape`` (channels, height, width) and ``pixel_index``
(glassbox.prepare.preprocessing.Preprocessor.image_layout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glassbox.registries import check_name


@dataclass(frozen=True)
class Architecture:
    settings: type[BaseModel]  # the keys of `training.model` this architecture takes
    build: Callable  # (input_dim, output_dim, **settings) -> nn.Module
    describe: Callable[[dict], str]  # one line for the model card, from the architecture dict
    needs_image: bool = False  # the builder takes the input's image_shape and pixel_index

    def batch_norm(self, settings: BaseModel) -> bool:
        """Whether these settings normalise by batch statistics (a settings model says so
        with a ``batch_norm`` field or property): such a model cannot be trained data-parallel
        with equal results, nor with differential privacy."""
        return bool(getattr(settings, "batch_norm", False))


ARCHITECTURES: dict[str, Architecture] = {}


def register_architecture(
    name: str, settings: type[BaseModel], describe: Callable = str, needs_image: bool = False
):
    """Decorator: ``build(input_dim, output_dim, **settings)`` becomes architecture ``name``."""

    def register(build: Callable) -> Callable:
        ARCHITECTURES[name] = Architecture(settings, build, describe, needs_image)
        return build

    return register


def image_shape_problem(name: str, has_image_shape: bool) -> str | None:
    """What is wrong when an architecture of images meets data without an image shape."""
    if not architecture(name).needs_image or has_image_shape:
        return None
    return (
        f"training.model.name is {name!r}, which needs image-shaped inputs, but the data has "
        "no image shape. If the feature columns are an image's pixels in row order, set "
        "dataset.image_shape in conf/base/globals.yml ([height, width] or [channels, height, "
        f"width]); for a table, choose one of {table_architectures()}."
    )


def image_architectures() -> list[str]:
    return [name for name, entry in ARCHITECTURES.items() if entry.needs_image]


def table_architectures() -> list[str]:
    return [name for name, entry in ARCHITECTURES.items() if not entry.needs_image]


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


class CNNSettings(BaseModel):
    """`training.model` keys of the CNN: [Conv → ReLU → pool] per entry of ``channels``,
    then [Linear(hidden) → ReLU → (Dropout) → Linear]. For inputs with an image shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    channels: list[int] = Field(default_factory=lambda: [32, 64], min_length=1)
    kernel_size: int = Field(3, ge=1, description="odd: convolutions keep the grid's size")
    pooling: Literal["max", "avg", "none"] = "max"
    hidden: int = Field(128, ge=1, description="width of the head's hidden layer")
    dropout: float = Field(0.5, ge=0, lt=1, description="in the head")

    @model_validator(mode="after")
    def _sizes(self) -> CNNSettings:
        if any(c < 1 for c in self.channels):
            raise ValueError(f"channels must all be at least 1; got {self.channels}")
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (3, 5, ...); got {self.kernel_size}")
        return self


def _describe_cnn(a: dict) -> str:
    shape = "×".join(map(str, a["image_shape"]))
    convolutions = " → ".join(f"conv{a['kernel_size']}({c})" for c in a["channels"])
    return (
        f"CNN on {shape} images: {convolutions} ({a['pooling']} pooling) → "
        f"{a['hidden']} → {a['output_dim']}"
        + (f" (dropout {a['dropout']})" if a.get("dropout") else "")
    )


@register_architecture("cnn", CNNSettings, _describe_cnn, needs_image=True)
def _cnn(input_dim: int, output_dim: int, **settings):
    from glassbox.training.cnn import CNN

    return CNN(input_dim, output_dim, **settings)


class ResNetSettings(BaseModel):
    """`training.model` keys of the residual MLP for tables (Gorishniy et al., 2021):
    ``depth`` blocks x + Dropout(Linear(Dropout(ReLU(Linear(Norm(x)))))), ``width`` wide,
    ``width × hidden_factor`` inside each block."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    width: int = Field(128, ge=1)
    depth: int = Field(2, ge=1, description="residual blocks")
    hidden_factor: float = Field(2.0, gt=0, description="a block's inner width / width")
    hidden_dropout: float = Field(0.1, ge=0, lt=1)
    residual_dropout: float = Field(0.0, ge=0, lt=1)
    normalization: Literal["layer_norm", "batch_norm"] = "layer_norm"

    @property
    def batch_norm(self) -> bool:
        return self.normalization == "batch_norm"


def _describe_resnet(a: dict) -> str:
    return (
        f"residual MLP {a['input_dim']} → {a['depth']} blocks of width {a['width']} "
        f"(inner {max(1, round(a['width'] * a['hidden_factor']))}, "
        f"{a['normalization'].replace('_', ' ')}) → {a['output_dim']}"
    )


@register_architecture("resnet", ResNetSettings, _describe_resnet)
def _resnet(input_dim: int, output_dim: int, **settings):
    from glassbox.training.resnet import ResNet

    return ResNet(input_dim, output_dim, **settings)
