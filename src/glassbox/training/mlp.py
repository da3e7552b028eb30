"""The multilayer perceptron (``training.model.name: mlp``; registered in
glassbox.training.architectures). Activations are ``nn.Module`` objects, one per use, as
Captum's DeepLift family requires.
"""

from __future__ import annotations

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
