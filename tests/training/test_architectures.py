import pytest
import torch
from pydantic import BaseModel, ConfigDict, ValidationError
from torch import nn

from glassbox.parameters import TrainingParams
from glassbox.training import architectures
from glassbox.training.architectures import build_model
from glassbox.training.loop import train
from glassbox.training.mlp import MLP
from glassbox.training.model_files import load_model, save_model
from tests.training.test_loop import blobs


def test_mlp_shapes_and_one_relu_module_per_use():
    model = MLP(input_dim=10, output_dim=3, hidden_sizes=[8, 4])
    assert model(torch.zeros(5, 10)).shape == (5, 3)
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    assert len(relus) == 2 and relus[0] is not relus[1]  # DeepLift needs one module per use


def test_dropout_and_batch_norm_are_optional_layers():
    model = MLP(10, 3, [8], dropout=0.2, batch_norm=True)
    kinds = [type(m) for m in model.layers]
    assert kinds == [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Dropout, nn.Linear]


def test_build_model_round_trips_the_architecture():
    model = MLP(10, 3, [8, 4], dropout=0.1)
    rebuilt = build_model(model.architecture)
    assert rebuilt.architecture == model.architecture


def test_unknown_architecture_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown architecture 'cnn'; choose one of \['mlp'\]"):
        build_model({"name": "cnn"})


class _LinearSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bias: bool = True


class _Linear(nn.Module):
    def __init__(self, input_dim, output_dim, bias=True):
        super().__init__()
        self.architecture = {
            "name": "toy_linear",
            "input_dim": input_dim,
            "output_dim": output_dim,
            "bias": bias,
        }
        self.linear = nn.Linear(input_dim, output_dim, bias=bias)

    def forward(self, x):
        return self.linear(x)


def test_a_registered_architecture_trains_saves_and_loads_through_the_parameters(
    monkeypatch, tmp_path
):
    """Adding an architecture is one registration; its own keys are the only ones taken."""
    monkeypatch.setitem(architectures.ARCHITECTURES, "toy_linear", None)  # removed afterwards
    architectures.register_architecture("toy_linear", _LinearSettings)(_Linear)

    with pytest.raises(ValidationError, match=r"hidden_sizes: Extra inputs.*takes \['bias'\]"):
        TrainingParams(model={"name": "toy_linear", "hidden_sizes": [8]})
    params = TrainingParams(
        model={"name": "toy_linear", "bias": False}, epochs=3, checkpoint_every=0, progress="never"
    )
    assert params.model.settings() == {"bias": False}
    model, history = train(blobs(), params)
    assert isinstance(model, _Linear) and model.linear.bias is None and len(history) == 3
    save_model(model, tmp_path / "model.safetensors")
    loaded = load_model(tmp_path / "model.safetensors")
    assert loaded.architecture == model.architecture
    assert torch.equal(loaded.linear.weight, model.linear.weight)
