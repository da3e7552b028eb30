"""Model architectures, built by name from a plain configuration dict.

The configuration (an ``architecture`` dict) is saved beside the weights, so a saved model
can be rebuilt without pickle. Activations are ``nn.Module`` objects, one per use, as
Captum's DeepLift family requires.
"""

from __future__ import annotations

from typing import Any

from torch import nn


class MLP(nn.Module):
    """Multilayer perceptron: [Linear → (BatchNorm) → ReLU → (Dropout)] × hidden, then Linear."""

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        hidden_sizes: list[int],
        dropout: float = 0.0,
        batch_norm: bool = False,
    ) -> None:
        super().__init__()
        self.architecture = {
            "name": "mlp",
            "input_dim": int(input_dim),
            "output_dim": int(output_dim),
            "hidden_sizes": [int(h) for h in hidden_sizes],
            "dropout": float(dropout),
            "batch_norm": bool(batch_norm),
        }
        layers: list[nn.Module] = []
        width = input_dim
        for size in hidden_sizes:
            layers.append(nn.Linear(width, size))
            if batch_norm:
                layers.append(nn.BatchNorm1d(size))
            layers.append(nn.ReLU())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, output_dim))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


ARCHITECTURES = {"mlp": MLP}


def build_model(architecture: dict[str, Any]) -> nn.Module:
    """Build an untrained model from an ``architecture`` dict (as stored with saved weights)."""
    config = dict(architecture)
    name = config.pop("name", None)
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; known: {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[name](**config)
