"""Training: architectures, optimizers and schedules, losses, the training loop (one run, or
many stacked), checkpoints, data-parallel training and the model file format."""

from typing import Any, TypeAlias

# The trained network: a torch.nn.Module. Functions that Kedro runs as nodes annotate their
# model with this name: Kedro resolves every node's annotations when a run starts (it
# validates `params:` inputs from them), and naming torch.nn.Module there would import
# PyTorch in every stage's process, also those that never touch a model.
Network: TypeAlias = Any
