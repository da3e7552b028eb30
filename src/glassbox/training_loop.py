"""The training loop: mini-batches by index slicing, early stopping, checkpoints, resume.

Kept short on purpose (in the spirit of nanoGPT's train.py): no framework sits between the
reader and ``optimizer.step()``. Reproducibility rests on one seed: it fixes the initial
weights, the shuffling (a generator of its own) and dropout; checkpoints store every RNG
state, so a resumed run ends with the same weights as one never interrupted.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from glassbox.checkpoints import CheckpointStore
from glassbox.model_input import frames_to_tensors
from glassbox.models import build_model
from glassbox.optimizers import build_optimizer, build_scheduler
from glassbox.parameters import TrainingParams

log = logging.getLogger(__name__)

HISTORY_COLUMNS = ["epoch", "train_loss", "val_loss", "val_accuracy", "lr", "epoch_seconds"]


@dataclass
class TrainingData:
    """Model input as tensors: features float32, labels int64 codes."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    n_classes: int

    @classmethod
    def from_frames(cls, X_train, y_train, X_val, y_val, n_classes: int) -> TrainingData:
        return cls(
            *frames_to_tensors(X_train, y_train),
            *frames_to_tensors(X_val, y_val),
            n_classes=n_classes,
        )

    def to(self, device: torch.device) -> TrainingData:
        moved = [t.to(device) for t in (self.X_train, self.y_train, self.X_val, self.y_val)]
        return TrainingData(*moved, n_classes=self.n_classes)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for tensor in (self.X_train, self.y_train, self.X_val, self.y_val):
            digest.update(tensor.cpu().contiguous().numpy().tobytes())
        return digest.hexdigest()


def choose_device(requested: str = "auto") -> torch.device:
    """CUDA when present (or asked for), else CPU."""
    if requested == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("training.device is 'cuda' but no CUDA device is available")
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(requested)


class EarlyStopping:
    """Tracks the best validation loss and its weights; says when patience has run out."""

    def __init__(self, patience: int | None, min_delta: float) -> None:
        self.patience, self.min_delta = patience, min_delta
        self.best_loss = float("inf")
        self.best_epoch = -1
        self.best_state: dict[str, torch.Tensor] | None = None
        self.bad_epochs = 0

    def update(self, val_loss: float, epoch: int, model: nn.Module) -> bool:
        """Record an epoch; True when training should stop."""
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.bad_epochs = val_loss, epoch, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.bad_epochs += 1
        return self.patience is not None and self.bad_epochs >= self.patience

    def state_dict(self) -> dict:
        return {
            k: getattr(self, k) for k in ("best_loss", "best_epoch", "best_state", "bad_epochs")
        }

    def load_state_dict(self, state: dict) -> None:
        for key, value in state.items():
            setattr(self, key, value)


def run_fingerprint(params: TrainingParams, data: TrainingData) -> str:
    """Identifies a run: a checkpoint is only resumed by a run with the same fingerprint."""
    config = json.dumps(params.model_dump(exclude={"progress", "device"}), sort_keys=True)
    return hashlib.sha256((config + data.fingerprint()).encode()).hexdigest()


@torch.no_grad()
def evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` on ``X``, ``y``."""
    model.eval()
    logits = model(X)
    loss = loss_fn(logits, y).item()
    accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


def _show_progress(setting: str) -> bool:
    return setting == "always" or (setting == "auto" and sys.stderr.isatty())


def train(
    data: TrainingData,
    params: TrainingParams,
    checkpoints: CheckpointStore | None = None,
) -> tuple[nn.Module, pd.DataFrame]:
    """Train a model as ``params`` say; return it (best validation weights) and its history."""
    device = choose_device(params.device)
    # Hashing the data costs time on large tables; only checkpoints need the fingerprint.
    fingerprint = run_fingerprint(params, data) if checkpoints else None
    data = data.to(device)
    n, batch_size = len(data.X_train), params.batch_size
    steps_per_epoch = -(-n // batch_size)

    torch.manual_seed(params.seed)
    model = build_model(
        {
            **params.model.model_dump(),
            "input_dim": data.X_train.shape[1],
            "output_dim": data.n_classes,
        }
    ).to(device)
    opt = params.optimizer
    optimizer = build_optimizer(
        opt.name, model.parameters(), opt.lr, opt.weight_decay, opt.momentum
    )
    sched = params.scheduler
    scheduler = build_scheduler(
        sched.name,
        optimizer,
        params.epochs,
        steps_per_epoch,
        sched.step_size,
        sched.gamma,
        sched.patience,
    )
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(params.seed)
    stopper = EarlyStopping(params.early_stopping.patience, params.early_stopping.min_delta)
    history: list[dict] = []
    first_epoch = 0

    saved = checkpoints.load(fingerprint) if checkpoints else None
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(saved["scheduler"])
        torch.set_rng_state(saved["torch_rng"])
        shuffle.set_state(saved["shuffle_rng"])
        stopper.load_state_dict(saved["early_stopping"])
        history, first_epoch = saved["history"], saved["epoch"]
        log.info("resuming training from the checkpoint after epoch %d", first_epoch)

    per_batch_schedule = sched.name == "onecycle"
    epochs = range(first_epoch, params.epochs)
    if _show_progress(params.progress):
        from tqdm.auto import tqdm

        epochs = tqdm(
            epochs, desc="training", unit="epoch", initial=first_epoch, total=params.epochs
        )

    for epoch in epochs:
        started = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=shuffle).to(device)
        loss_sum = torch.zeros((), device=device)
        for start in range(0, n, batch_size):
            index = order[start : start + batch_size]
            if params.model.batch_norm and len(index) == 1:
                continue  # batch norm cannot train on a single row
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(data.X_train[index]), data.y_train[index])
            loss.backward()
            if params.grad_clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), params.grad_clip_norm)
            optimizer.step()
            if per_batch_schedule:
                scheduler.step()
            loss_sum += loss.detach() * len(index)

        val_loss, val_accuracy = evaluate(model, data.X_val, data.y_val, loss_fn)
        lr = optimizer.param_groups[0]["lr"]
        if scheduler is not None and not per_batch_schedule:
            scheduler.step(val_loss) if sched.name == "plateau" else scheduler.step()
        history.append(
            {
                "epoch": epoch + 1,
                "train_loss": loss_sum.item() / n,
                "val_loss": val_loss,
                "val_accuracy": val_accuracy,
                "lr": lr,
                "epoch_seconds": time.perf_counter() - started,
            }
        )
        if hasattr(epochs, "set_postfix"):
            epochs.set_postfix(val_loss=f"{val_loss:.4f}", val_acc=f"{val_accuracy:.3f}")
        stop = stopper.update(val_loss, epoch + 1, model)
        if stop:
            log.info(
                "early stopping after epoch %d (best: epoch %d)", epoch + 1, stopper.best_epoch
            )
            break
        if checkpoints and params.checkpoint_every and (epoch + 1) % params.checkpoint_every == 0:
            checkpoints.save(
                {
                    "fingerprint": fingerprint,
                    "epoch": epoch + 1,
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict() if scheduler is not None else None,
                    "torch_rng": torch.get_rng_state(),
                    "shuffle_rng": shuffle.get_state(),
                    "early_stopping": stopper.state_dict(),
                    "history": history,
                }
            )

    if stopper.best_state is not None:
        model.load_state_dict(stopper.best_state)
    if checkpoints:
        checkpoints.clear()  # a finished run starts fresh next time
    log.info(
        "trained %d epochs; best validation loss %.4f at epoch %d",
        len(history),
        stopper.best_loss,
        stopper.best_epoch,
    )
    return model.cpu().eval(), pd.DataFrame(history, columns=HISTORY_COLUMNS)
