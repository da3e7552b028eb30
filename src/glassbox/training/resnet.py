"""The residual MLP for tables (``training.model.name: resnet``; registered in
glassbox.training.architectures), after Gorishniy et al. (2021), "Revisiting Deep Learning
Models for Tabular Data":

    x = Linear(input)                                         (width)
    x = x + Dropout(Linear(Dropout(ReLU(Linear(Norm(x))))))   × depth   (inner: width × factor)
    out = Linear(ReLU(Norm(x)))

The paper normalises with batch norm; layer norm is the default here: it treats each row on
its own, so the model is the same in training and evaluation, data-parallel runs equal
single ones, and it suits differential privacy (Opacus refuses batch norm).
"""

from __future__ import annotations

import torch
from torch import nn

NORMALISATIONS = {"layer_norm": nn.LayerNorm, "batch_norm": nn.BatchNorm1d}


class ResidualBlock(nn.Module):
    def __init__(
        self, width: int, inner: int, norm: str, hidden_dropout: float, residual_dropout: float
    ):
        super().__init__()
        self.branch = nn.Sequential(
            NORMALISATIONS[norm](width),
            nn.Linear(width, inner),
            nn.ReLU(),
            nn.Dropout(hidden_dropout),
            nn.Linear(inner, width),
            nn.Dropout(residual_dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.branch(x)


class ResNet(nn.Module):
    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        width: int = 128,
        depth: int = 2,
        hidden_factor: float = 2.0,
        hidden_dropout: float = 0.1,
        residual_dropout: float = 0.0,
        normalization: str = "layer_norm",
    ) -> None:
        super().__init__()
        self.architecture = {
            "name": "resnet",
            "input_dim": int(input_dim),
            "output_dim": int(output_dim),
            "width": int(width),
            "depth": int(depth),
            "hidden_factor": float(hidden_factor),
            "hidden_dropout": float(hidden_dropout),
            "residual_dropout": float(residual_dropout),
            "normalization": normalization,
        }
        inner = max(1, round(width * hidden_factor))
        self.first = nn.Linear(input_dim, width)
        self.blocks = nn.Sequential(
            *(
                ResidualBlock(width, inner, normalization, hidden_dropout, residual_dropout)
                for _ in range(depth)
            )
        )
        self.head = nn.Sequential(
            NORMALISATIONS[normalization](width), nn.ReLU(), nn.Linear(width, output_dim)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.first(x)))
