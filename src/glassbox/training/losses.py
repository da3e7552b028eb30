"""Loss functions by name (`training.loss`), and which task each one fits.

PyTorch's own losses where it has them; focal loss (Lin et al., 2017), which it has not,
is a few lines over log-softmax.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from glassbox.errors import InputDataError
from glassbox.parameters import LOSSES_BY_TASK, LossParams

__all__ = ["LOSSES_BY_TASK", "build_loss", "check_loss_fits", "resolve_loss_name"]


class FocalLoss(nn.Module):
    """Cross-entropy scaled by (1 - p_true)^gamma: confident, correct rows weigh less.
    gamma = 0 gives plain (weighted) cross-entropy."""

    def __init__(self, gamma: float, weight: torch.Tensor | None = None) -> None:
        super().__init__()
        self.gamma = gamma
        self.register_buffer("weight", weight)

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_p = F.log_softmax(logits, dim=1)
        log_p_true = log_p.gather(1, target[:, None]).squeeze(1)
        loss = -((1 - log_p_true.exp()) ** self.gamma) * log_p_true
        if self.weight is None:
            return loss.mean()
        w = self.weight[target]
        return (w * loss).sum() / w.sum()  # as cross_entropy's weighted mean


def resolve_loss_name(name: str, task: str) -> str:
    """The loss a name stands for on this task: `auto` is the task's first (its usual) loss."""
    return LOSSES_BY_TASK[task][0] if name == "auto" else name


def check_loss_fits(name: str, task: str) -> None:
    if resolve_loss_name(name, task) not in LOSSES_BY_TASK[task]:
        other = "regression" if task == "classification" else "classification"
        raise InputDataError(
            f"training.loss.name is {name!r}, a {other} loss, but the task is {task} "
            f"(data_processing.task). For {task} use one of {list(LOSSES_BY_TASK[task])}."
        )


def balanced_weights(y_train: torch.Tensor, n_classes: int) -> torch.Tensor:
    """n_rows / (n_classes * rows of the class), as scikit-learn's class_weight='balanced'."""
    counts = torch.bincount(y_train, minlength=n_classes).clamp(min=1).float()
    return len(y_train) / (n_classes * counts)


def build_loss(params: LossParams, task: str, y_train: torch.Tensor, n_classes: int) -> nn.Module:
    check_loss_fits(params.name, task)
    name = resolve_loss_name(params.name, task)
    weight = None
    if task == "classification" and params.class_weights == "balanced":
        weight = balanced_weights(y_train.cpu(), n_classes).to(y_train.device)
    if name == "cross_entropy":
        return nn.CrossEntropyLoss(weight=weight)
    if name == "label_smoothing":
        return nn.CrossEntropyLoss(weight=weight, label_smoothing=params.label_smoothing)
    if name == "focal":
        return FocalLoss(params.focal_gamma, weight)
    if name == "mse":
        return nn.MSELoss()
    if name == "mae":
        return nn.L1Loss()
    return nn.HuberLoss(delta=params.huber_delta)
