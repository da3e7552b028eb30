"""The training loop: mini-batches by index slicing, early stopping, checkpoints, resume.

Kept short on purpose (in the spirit of nanoGPT's train.py): no framework sits between the
reader and ``optimizer.step()``. Reproducibility rests on one seed: it fixes the initial
weights, the shuffling (a generator of its own) and dropout; checkpoints store every RNG
state, so a resumed run ends with the same weights as one never interrupted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass

import pandas as pd
import torch
from torch import nn

from glassbox.errors import InputDataError
from glassbox.prepare.model_input import frames_to_tensors
from glassbox.progress import Progress
from glassbox.tasks import DEFAULT_TASK, get_task
from glassbox.training.architectures import architecture, build_model, image_shape_problem
from glassbox.training.checkpoints import CheckpointStore
from glassbox.training.epoch import Optimization, batch_slices, history_row, train_epoch
from glassbox.training.losses import build_loss, per_row
from glassbox.training.params import TrainingParams

log = logging.getLogger(__name__)


def score_column(task: str) -> str:
    """The history's validation-score column: accuracy, or RMSE in the target's units."""
    return f"val_{get_task(task).score}"


def history_columns(task: str = DEFAULT_TASK) -> list[str]:
    return ["epoch", "train_loss", "val_loss", score_column(task), "lr", "epoch_seconds"]


HISTORY_COLUMNS = history_columns()


@dataclass
class TrainingData:
    """Model input as tensors: features float32; targets int64 class codes, or float32
    (scaled) values for regression, with ``target_scale`` to report errors in the
    target's own units. ``image_layout``: where an image's pixels are in a row, for
    architectures that need it (Preprocessor.image_layout); None for a table."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    n_classes: int
    task: str = DEFAULT_TASK
    target_scale: float = 1.0
    image_layout: dict | None = None

    @classmethod
    def from_frames(
        cls,
        X_train,
        y_train,
        X_val,
        y_val,
        n_classes: int,
        task: str = DEFAULT_TASK,
        target_scale: float = 1.0,
        image_layout: dict | None = None,
    ) -> TrainingData:
        return cls(
            *frames_to_tensors(X_train, y_train, task),
            *frames_to_tensors(X_val, y_val, task),
            n_classes=n_classes,
            task=task,
            target_scale=target_scale,
            image_layout=image_layout,
        )

    @classmethod
    def for_preprocessor(cls, preprocessor, X_train, y_train, X_val, y_val) -> TrainingData:
        """The splits as tensors for the preprocessor's task (its classes, or its target
        scale for a regression)."""
        return cls.from_frames(
            X_train,
            y_train,
            X_val,
            y_val,
            n_classes=len(preprocessor.classes),
            task=preprocessor.task,
            target_scale=preprocessor.target_scale,
            image_layout=preprocessor.image_layout(),
        )

    @property
    def output_dim(self) -> int:
        return get_task(self.task).output_dim(self.n_classes)

    def to(self, device: torch.device) -> TrainingData:
        moved = [t.to(device) for t in (self.X_train, self.y_train, self.X_val, self.y_val)]
        return TrainingData(*moved, self.n_classes, self.task, self.target_scale, self.image_layout)

    def cpu_fields(self) -> dict:
        """The fields as plain values and CPU tensors (for torch.save)."""
        return {**self.to(torch.device("cpu")).__dict__}

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for tensor in (self.X_train, self.y_train, self.X_val, self.y_val):
            digest.update(tensor.cpu().contiguous().numpy().tobytes())
        if self.image_layout is not None:  # the same pixels on another grid: another run
            digest.update(json.dumps(self.image_layout, sort_keys=True).encode())
        return digest.hexdigest()


def build_trained_model(params: TrainingParams, data: TrainingData) -> nn.Module:
    """The configured architecture, sized for the data's features and outputs (and, for an
    architecture of images, laid out on the data's image grid)."""
    problem = image_shape_problem(params.model.name, data.image_layout is not None)
    if problem:
        raise InputDataError(problem)
    return build_model(
        {
            **params.model.model_dump(),
            "input_dim": data.X_train.shape[1],
            "output_dim": data.output_dim,
            **(data.image_layout if architecture(params.model.name).needs_image else {}),
        }
    )


def has_batch_norm(model: nn.Module) -> bool:
    """Whether the model normalises by batch statistics (it cannot train on a single row)."""
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())


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
            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
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


def forward_fn(model: nn.Module, task: str):
    """The model's output as the loss takes it: logits, or one value per row."""
    outputs = get_task(task).outputs
    return lambda X: outputs(model(X))


@torch.no_grad()
def evaluate(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    loss_fn,
    task: str = DEFAULT_TASK,
    target_scale: float = 1.0,
) -> tuple[float, float]:
    """Mean loss and the validation score (accuracy, or RMSE in target units)."""
    model.eval()
    outputs = forward_fn(model, task)(X)
    loss = loss_fn(outputs, y).item()
    t = get_task(task)
    return loss, t.in_target_units(t.score_of(outputs, y).item(), target_scale)


def _show_progress(setting: str) -> bool:
    return setting == "always" or (setting == "auto" and sys.stderr.isatty())


def shard_share(loss_fn: nn.Module, y_shard: torch.Tensor, y_batch: torch.Tensor) -> float:
    """This process's share of the global batch's loss: rows (or class weights) in its shard
    over those in the whole batch. Scaling each shard's mean loss by share x world size makes
    DDP's gradient average the global batch's mean, even when shards differ in size."""
    weight = getattr(loss_fn, "weight", None)
    if weight is None:
        return len(y_shard) / len(y_batch)
    return (weight[y_shard].sum() / weight[y_batch].sum()).item()


def _batch_loss(forward, loss_fn, data: TrainingData, index, rank: int, world_size: int):
    """The loss of one batch (``index`` into the training rows) as this process adds it: in
    a data-parallel run, its shard's loss weighted by the shard's share of the batch, so
    that DDP's average of the processes' gradients is the whole batch's gradient."""
    if world_size == 1:
        return loss_fn(forward(data.X_train[index]), data.y_train[index])
    mine = index[rank::world_size]
    out = forward(data.X_train[mine])
    if len(mine) == 0:  # a batch smaller than the world: take part, add nothing
        return out.sum() * 0.0
    share = shard_share(loss_fn, data.y_train[mine], data.y_train[index])
    return loss_fn(out, data.y_train[mine]) * (share * world_size)


def _snapshot(state: dict, fingerprint: str, epoch: int, history: list[dict]) -> dict:
    """A checkpoint after ``epoch``: every state that carries over, and the random streams."""
    scheduler, private = state["scheduler"], state["privacy"]
    return {
        "fingerprint": fingerprint,
        "epoch": epoch,
        "model": state["model"].state_dict(),
        "optimizer": state["optimizer"].state_dict(),
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "torch_rng": torch.get_rng_state(),
        "shuffle_rng": state["shuffle_rng"].get_state(),
        "early_stopping": state["early_stopping"].state_dict(),
        "privacy": private.state_dict() if private is not None else None,
        "history": history,
    }


def _restore(saved: dict, state: dict) -> tuple[list[dict], int]:
    """Put a checkpoint's states back; return its history and the epoch it was saved after."""
    state["model"].load_state_dict(saved["model"])
    state["optimizer"].load_state_dict(saved["optimizer"])
    if state["scheduler"] is not None:
        state["scheduler"].load_state_dict(saved["scheduler"])
    torch.set_rng_state(saved["torch_rng"])
    state["shuffle_rng"].set_state(saved["shuffle_rng"])
    state["early_stopping"].load_state_dict(saved["early_stopping"])
    if state["privacy"] is not None:
        state["privacy"].load_state_dict(saved["privacy"])
    return saved["history"], saved["epoch"]


def _epochs(first_epoch: int, params: TrainingParams, shown: bool):
    """The epochs left to run, as a progress bar where one is shown."""
    epochs = range(first_epoch, params.epochs)
    if not shown:
        return epochs
    from tqdm.auto import tqdm

    return tqdm(epochs, desc="training", unit="epoch", initial=first_epoch, total=params.epochs)


def train(
    data: TrainingData,
    params: TrainingParams,
    checkpoints: CheckpointStore | None = None,
    *,
    rank: int = 0,
    world_size: int = 1,
    writer: bool = True,
) -> tuple[nn.Module, pd.DataFrame]:
    """Train a model as ``params`` say; return it (best validation weights) and its history.

    With ``world_size`` > 1 this is one process of a data-parallel run (the process group
    is initialised by the caller, glassbox.training.distributed): every process draws the same
    shuffled order, trains on its shard of each global batch, and DDP averages the
    gradients, so all processes hold the same weights. Only a ``writer`` saves checkpoints.

    With ``training.privacy.enabled`` the steps are differentially private
    (glassbox.training.privacy) and the history's ``attrs["privacy"]`` holds the plan and the
    spent ε.
    """
    device = choose_device(params.device)
    # Hashing the data costs time on large tables; only checkpoints need the fingerprint.
    fingerprint = run_fingerprint(params, data) if checkpoints else None
    data = data.to(device)
    n, batch_size = len(data.X_train), params.batch_size
    steps_per_epoch = -(-n // batch_size)

    torch.manual_seed(params.seed)
    model = build_trained_model(params, data).to(device)
    trained = model
    if world_size > 1:
        from torch.nn.parallel import DistributedDataParallel

        ids = [device.index or torch.cuda.current_device()] if device.type == "cuda" else None
        trained = DistributedDataParallel(model, device_ids=ids)
    optimization = Optimization.build(params, model.parameters(), steps_per_epoch)
    optimizer = optimization.optimizer
    loss_fn = build_loss(params.loss, data.task, data.y_train, data.n_classes)
    private = None
    if params.privacy.enabled:
        from glassbox.training import privacy

        plan = privacy.plan(params.privacy, n, batch_size, params.epochs)
        private = privacy.PrivateTraining(plan, model, optimizer, params.seed)
        trained, row_loss = private.model, per_row(loss_fn)
    forward = forward_fn(trained, data.task)
    score_name = score_column(data.task)
    shuffle = torch.Generator().manual_seed(params.seed)
    stopper = EarlyStopping(params.early_stopping.patience, params.early_stopping.min_delta)
    history: list[dict] = []
    first_epoch = 0

    # Everything that carries over between epochs: what a checkpoint saves and restores.
    state = {
        "model": model,
        "optimizer": optimizer,
        "scheduler": optimization.scheduler,
        "shuffle_rng": shuffle,
        "early_stopping": stopper,
        "privacy": private,
    }
    saved = checkpoints.load(fingerprint) if checkpoints else None
    if saved is not None:
        history, first_epoch = _restore(saved, state)
        log.info("resuming training from the checkpoint after epoch %d", first_epoch)

    batch_norm = has_batch_norm(model)
    shown = rank == 0 and _show_progress(params.progress)
    epochs = _epochs(first_epoch, params, shown=shown)
    # Where no bar is drawn (a log, not a terminal), a line every ten seconds instead.
    progress = (
        Progress("training", params.epochs, "epochs", done=first_epoch)
        if rank == 0 and not shown and params.progress != "never"
        else None
    )

    def clip() -> None:
        nn.utils.clip_grad_norm_(model.parameters(), params.grad_clip_norm)

    def plain_batch(index: torch.Tensor) -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        loss = _batch_loss(forward, loss_fn, data, index, rank, world_size)
        loss.backward()
        optimization.step(clip if params.grad_clip_norm is not None else None)
        return loss.detach() * (len(index) / world_size)

    def private_batch(index: torch.Tensor) -> torch.Tensor:
        index = index.to(device)
        private.zero_grad()
        losses = row_loss(forward(data.X_train[index]), data.y_train[index])
        private.step(losses)  # clipped per row, noised, stepped
        optimization.after_batch()
        return losses.detach().sum()

    for epoch in epochs:
        started = time.perf_counter()
        model.train()
        if private is not None:  # Poisson-sampled batches (their sizes vary)
            batches, train_batch = private.batches(n, shuffle), private_batch
        else:
            order = torch.randperm(n, generator=shuffle).to(device)
            batches, train_batch = batch_slices(order, batch_size), plain_batch
        zero = torch.zeros((), device=device)
        loss_sum, rows_seen = train_epoch(batches, train_batch, batch_norm, zero)
        if world_size > 1:
            torch.distributed.all_reduce(loss_sum)  # the global batches' losses, summed
        val_loss, val_score = evaluate(
            model, data.X_val, data.y_val, loss_fn, data.task, data.target_scale
        )
        history.append(
            history_row(
                epoch + 1,
                loss_sum.item() / max(rows_seen, 1),
                val_loss,
                (score_name, val_score),
                optimization.lr,
                time.perf_counter() - started,
            )
        )
        optimization.after_epoch(val_loss)
        if hasattr(epochs, "set_postfix"):
            epochs.set_postfix(val_loss=f"{val_loss:.4f}", **{score_name: f"{val_score:.3f}"})
        stopped_early = stopper.update(val_loss, epoch + 1, model)
        if progress is not None:
            progress.step(epoch + 1, f"best validation loss {stopper.best_loss:.4g}")
        if stopped_early:
            break
        if (
            checkpoints
            and writer
            and params.checkpoint_every
            and (epoch + 1) % params.checkpoint_every == 0
        ):
            checkpoints.save(_snapshot(state, fingerprint, epoch + 1, history))

    if stopper.best_state is not None:
        model.load_state_dict(stopper.best_state)
    if checkpoints and writer:
        checkpoints.clear()  # a finished run starts fresh next time
    log.info(
        "%s, seed %d: %d epochs (%s); best validation loss %.4f at epoch %d",
        params.optimizer.name,
        params.seed,
        len(history),
        "stopped early" if len(history) < params.epochs else "the epoch limit",
        stopper.best_loss,
        stopper.best_epoch,
    )
    history = pd.DataFrame(history, columns=history_columns(data.task))
    if private is not None:
        private.finish()
        history.attrs["privacy"] = {
            **private.plan.describe(),
            "per_sample_gradients": private.mode,
            "steps": private.steps(),
            "epsilon": private.spent_epsilon(),
        }
        spent = history.attrs["privacy"]["epsilon"]
        log.info(
            "privacy spent: epsilon %s of %s (delta %.3g) in %d steps",
            "inf" if spent is None else f"{spent:.3f}",
            private.plan.target_epsilon or "inf",
            private.plan.delta,
            history.attrs["privacy"]["steps"],
        )
    return model.cpu().eval(), history
