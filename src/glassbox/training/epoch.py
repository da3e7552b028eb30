"""The rules of a training epoch, written once for both loops: one run
(glassbox.training.loop.train) and many runs stacked into one pass
(glassbox.training.stacked.train_stacked).

- which batches an epoch trains on (a one-row batch is skipped under batch norm, whose
  statistics need two rows);
- how the optimizer and its schedule are built from the settings, and when the schedule
  steps (after every batch, every epoch, or on the epoch's validation loss);
- that a clipped gradient is clipped before the optimizer's step;
- what one epoch's history row holds.

The loops differ only in how a batch's loss is computed (one model, or a vmapped stack;
data-parallel shards; private per-row clipping and noise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from glassbox.training.optimizers import build_optimizer, build_scheduler, schedule_steps

if TYPE_CHECKING:
    from glassbox.training.params import TrainingParams


def batch_slices(order: torch.Tensor, batch_size: int) -> Iterable[torch.Tensor]:
    """Consecutive batches of the shuffled row indices ``order`` (its last dimension: one
    order per run when runs are stacked)."""
    n = order.shape[-1]
    return (order[..., start : start + batch_size] for start in range(0, n, batch_size))


def train_epoch(
    batches: Iterable[torch.Tensor],
    train_batch: Callable[[torch.Tensor], torch.Tensor],
    batch_norm: bool,
    loss_sum: torch.Tensor,
) -> tuple[torch.Tensor, int]:
    """One pass: ``train_batch(index)`` takes one optimizer step on the rows ``index`` and
    returns the batch's summed loss (one per run when stacked), added to ``loss_sum`` (zeros
    of that shape). Returns the epoch's summed loss and the rows it trained on."""
    rows = 0
    for index in batches:
        if batch_norm and index.shape[-1] == 1:
            continue  # batch norm cannot train on a single row
        loss_sum = loss_sum + train_batch(index)
        rows += index.shape[-1]
    return loss_sum, rows


@dataclass
class Optimization:
    """An optimizer and its schedule, stepped by the rules above."""

    optimizer: torch.optim.Optimizer
    scheduler: object | None
    steps: str | None  # when the schedule steps: "batch", "epoch", "validation_loss"

    @classmethod
    def build(cls, training: TrainingParams, weights, steps_per_epoch: int) -> Optimization:
        """The configured optimizer over ``weights`` and its schedule over the epochs."""
        optimizer = build_optimizer(training.optimizer, weights)
        scheduler = build_scheduler(training.scheduler, optimizer, training.epochs, steps_per_epoch)
        return cls(optimizer, scheduler, schedule_steps(training.scheduler.name))

    def step(self, clip: Callable[[], object] | None = None) -> None:
        """After a batch's backward pass: clip (where asked), step, and step a per-batch
        schedule."""
        if clip is not None:
            clip()
        self.optimizer.step()
        self.after_batch()

    def after_batch(self) -> None:
        if self.steps == "batch":
            self.scheduler.step()

    def after_epoch(self, val_loss: float) -> None:
        """At the end of an epoch, after its history row took the learning rate."""
        if self.steps == "epoch":
            self.scheduler.step()
        elif self.steps == "validation_loss":
            self.scheduler.step(val_loss)

    @property
    def lr(self) -> float:
        return self.optimizer.param_groups[0]["lr"]


def history_row(
    epoch: int,
    train_loss: float,
    val_loss: float,
    score: tuple[str, float],
    lr: float,
    seconds: float,
) -> dict:
    """One epoch of a run's history (its columns: glassbox.training.loop.history_columns)."""
    name, value = score
    return {
        "epoch": epoch,
        "train_loss": train_loss,
        "val_loss": val_loss,
        name: value,
        "lr": lr,
        "epoch_seconds": seconds,
    }
