import pytest
import torch
from torch import nn

from glassbox.training.architectures import MLP, build_model


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
    with pytest.raises(ValueError, match=r"unknown architecture 'cnn'; known: \['mlp'\]"):
        build_model({"name": "cnn"})
