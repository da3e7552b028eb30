"""A small convolutional network for image-shaped inputs (``training.model.name: cnn``;
registered in glassbox.training.architectures).

Model input is a flat row of features, as for every glassbox model (the preprocessor,
the HTTP service and the explanations all work on rows), so the network first puts the
features back on the image's grid: ``pixel_index`` says where each pixel sits in the row
(a pixel dropped as constant in training reads 0, its standardised value). Then a few
blocks of [Conv → ReLU → (pool)] × 1, and a small head [Linear → ReLU → (Dropout) → Linear].
Convolutions keep the grid's size ("same" padding); a block pools by 2 while the grid is
at least 2 pixels high and wide. Activations are ``nn.Module`` objects, one per use, as
Captum's DeepLift family requires.
"""

from __future__ import annotations

import torch
from torch import nn

POOLS = {"max": nn.MaxPool2d, "avg": nn.AvgPool2d}


class CNN(nn.Module):
    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        image_shape: list[int],
        pixel_index: list[int],
        channels: list[int],
        kernel_size: int = 3,
        pooling: str = "max",
        hidden: int = 64,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        in_channels, height, width = image_shape
        self.architecture = {
            "name": "cnn",
            "input_dim": int(input_dim),
            "output_dim": int(output_dim),
            "image_shape": [int(s) for s in image_shape],
            "pixel_index": [int(i) for i in pixel_index],
            "channels": [int(c) for c in channels],
            "kernel_size": int(kernel_size),
            "pooling": pooling,
            "hidden": int(hidden),
            "dropout": float(dropout),
        }
        # Row positions of the pixels; a dropped pixel reads the zero appended to each row.
        # Not saved with the weights: the architecture dict rebuilds it.
        index = [i if i >= 0 else input_dim for i in pixel_index]
        self.register_buffer("pixels", torch.tensor(index, dtype=torch.long), persistent=False)
        self.image_shape = (in_channels, height, width)

        blocks: list[nn.Module] = []
        for out_channels in channels:
            blocks += [nn.Conv2d(in_channels, out_channels, kernel_size, padding="same")]
            blocks += [nn.ReLU()]
            if pooling != "none" and min(height, width) >= 2:
                blocks.append(POOLS[pooling](2))
                height, width = height // 2, width // 2
            in_channels = out_channels
        self.features = nn.Sequential(*blocks)
        head: list[nn.Module] = [
            nn.Flatten(),
            nn.Linear(in_channels * height * width, hidden),
            nn.ReLU(),
        ]
        if dropout > 0:
            head.append(nn.Dropout(dropout))
        head.append(nn.Linear(hidden, output_dim))
        self.head = nn.Sequential(*head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        padded = torch.cat([x, x.new_zeros(x.shape[0], 1)], dim=1)
        image = padded.index_select(1, self.pixels).reshape(-1, *self.image_shape)
        return self.head(self.features(image))
