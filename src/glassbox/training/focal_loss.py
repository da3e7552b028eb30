"""Focal loss (Lin et al., 2017), which PyTorch has not: a few lines over log-softmax.
Registered as ``training.loss.name: focal`` in glassbox.training.losses."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class FocalLoss(nn.Module):
    """Cross-entropy scaled by (1 - p_true)^gamma: confident, correct rows weigh less.
    gamma = 0 gives plain (weighted) cross-entropy."""

    def __init__(self, gamma: float, weight: torch.Tensor | None = None) -> None:
        super().__init__()
        self.gamma = gamma
        self.register_buffer("weight", weight)
        self.reduction = "mean"  # or "none": one value per row, as PyTorch's losses

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        log_p = F.log_softmax(logits, dim=1)
        log_p_true = log_p.gather(1, target[:, None]).squeeze(1)
        loss = -((1 - log_p_true.exp()) ** self.gamma) * log_p_true
        w = self.weight[target] if self.weight is not None else None
        if self.reduction == "none":
            return loss if w is None else w * loss
        if w is None:
            return loss.mean()
        return (w * loss).sum() / w.sum()  # as cross_entropy's weighted mean
