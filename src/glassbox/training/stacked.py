"""Many small trainings in lockstep: one forward and one backward pass for all of them.

The optimizer comparison trains one architecture many times (every optimizer, every seed)
on the same data. One such run is too small to keep a CPU core busy: on digits' 64-32 MLP
a step takes ~0.45 ms, nearly all of it PyTorch's per-operation overhead (forward, backward
and optimizer step each pay it), not arithmetic. Here the runs' weights are stacked along a
new first dimension and one vmapped forward pass (``torch.func``) computes every run's own
batch, so that overhead is paid once per step instead of once per run
(`python -m benchmarks.stacked_training` measures it).

The runs stay independent. Each has its own initial weights and shuffling, drawn from its
seed exactly as :func:`glassbox.training.loop.train` draws them; its own early stopping; its
own loss, whose gradient reaches only its own slice of the stacked weights. Runs that share
optimizer settings share one optimizer over their stacked weights: every optimizer glassbox
offers updates each element from that element's gradient and state alone, so this is the
same arithmetic as one optimizer per run. (Not the same bits: batched matrix products sum
in another order than single ones; the results agree to float32 rounding.) A run with a
schedule that steps on its own validation loss (``plateau``) gets an optimizer of its own.

Dropout masks come from PyTorch's global generator, seeded with the first run's seed, and
differ from a single run's. A run that stops early keeps being computed (its results are
fixed at its stop) until every run of its optimizer group has stopped; then the group
leaves the stack. Same runs, same seeds: same bytes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import torch
from torch import nn
from torch.func import functional_call, vmap

from glassbox.progress import Progress
from glassbox.tasks import get_task
from glassbox.training.epoch import Optimization, batch_slices, history_row, train_epoch
from glassbox.training.loop import (
    EarlyStopping,
    TrainingData,
    build_trained_model,
    choose_device,
    has_batch_norm,
    history_columns,
    score_column,
    train,
)
from glassbox.training.losses import build_loss
from glassbox.training.optimizers import schedule_steps
from glassbox.training.params import DistributedParams, TrainingParams

log = logging.getLogger(__name__)


def stacked_run(training: TrainingParams, **changes) -> TrainingParams:
    """``training`` with ``changes`` (a seed, an optimizer, a model), as one of many runs
    trained together in one process: no checkpoints, no DDP; progress as a log line every ten
    seconds (glassbox.progress) unless ``training.progress`` is ``never``."""
    quiet = {"checkpoint_every": 0, "distributed": DistributedParams()}
    return training.model_copy(update={**quiet, **changes})


# What may differ between runs trained together; everything else must be equal.
MAY_DIFFER = {"seed", "optimizer", "scheduler", "progress", "checkpoint_every", "distributed"}


@dataclass
class _Group:
    """Runs that share one optimizer (and schedule) over their stacked weights."""

    runs: list[int]
    weights: dict[str, torch.Tensor]  # name → (runs, *shape), leaves that require grad
    buffers: dict[str, torch.Tensor]  # batch norm's running statistics, stacked alike
    optimization: Optimization | None = None  # the optimizer and its schedule
    step_seconds: float = 0.0  # this epoch's time in optimizer.step
    # The validation loss its schedule follows: its one run's, when it steps on it
    # (_group_key gives such a run a group of its own).
    val_loss: float = 0.0
    live: list[int] = field(default_factory=list)  # positions of the runs still training
    live_index: torch.Tensor | None = None  # the same as a tensor; None while all train

    def set_live(self, positions: list[int]) -> None:
        self.live = positions
        every = len(positions) == len(self.runs)
        self.live_index = None if every else torch.tensor(positions, dtype=torch.long)


@dataclass
class _RunState:
    params: TrainingParams
    shuffle: torch.Generator
    stopper: EarlyStopping
    history: list[dict] = field(default_factory=list)
    stopped: bool = False
    pruned: bool = False  # stopped by the caller's `prune`, not by its own early stopping


class _Slice:
    """One run's weights inside a group, as EarlyStopping takes a model."""

    def __init__(self, group: _Group, position: int) -> None:
        self.group, self.position = group, position

    def state_dict(self) -> dict[str, torch.Tensor]:
        tensors = {**self.group.weights, **self.group.buffers}
        return {name: t[self.position] for name, t in tensors.items()}


def check_stackable(runs: list[TrainingParams]) -> None:
    """Runs train together only when they differ in seed, optimizer and schedule alone."""
    first = runs[0].model_dump(exclude=MAY_DIFFER)
    for other in runs[1:]:
        if other.model_dump(exclude=MAY_DIFFER) != first:
            raise ValueError(
                "runs trained together must share every training setting except seed, "
                f"optimizer and scheduler; got {first} and {other.model_dump(exclude=MAY_DIFFER)}"
            )


def stack_key(params: TrainingParams) -> str:
    """Runs with equal keys can train together (:func:`check_stackable`)."""
    return params.model_dump_json(exclude=MAY_DIFFER)


def _group_key(params: TrainingParams) -> str:
    key = params.optimizer.model_dump_json() + params.scheduler.model_dump_json()
    # a schedule that steps on the validation loss follows each run's own: one optimizer per run
    own = schedule_steps(params.scheduler.name) == "validation_loss"
    return key + (f"seed={params.seed}" if own else "")


def train_stacked(
    data: TrainingData,
    runs: list[TrainingParams],
    prune: Callable[[int, list[float], list[bool]], list[bool]] | None = None,
) -> list[tuple[nn.Module, pd.DataFrame]]:
    """Train every configuration in ``runs`` (same data; see :func:`check_stackable`) and
    return, per run and in order, its model (best validation weights) and history, as
    :func:`glassbox.training.loop.train` does for one.

    ``prune``, if given, is called after every epoch with the epoch's number, each run's
    best validation loss so far and whether it is still training, and answers which runs
    to stop now (a tuner's pruning: a stopped run keeps its best weights and its history so
    far; private runs, trained one by one, are never asked)."""
    if not runs:
        return []
    check_stackable(runs)
    shared = runs[0]
    if shared.privacy.enabled:
        # Each private run clips its own rows' gradients and adds its own noise, and the
        # stack's shared steps would mix them: private runs train one by one.
        return [train(data, params) for params in runs]
    device = choose_device(shared.device)
    data = data.to(device)
    n, batch_size = len(data.X_train), shared.batch_size
    steps_per_epoch = -(-n // batch_size)

    models = []
    for params in runs:  # initial weights as train() draws them
        torch.manual_seed(params.seed)
        models.append(build_trained_model(params, data).to(device))
    base = models[0]
    batch_norm = has_batch_norm(base)
    names = [name for name, _ in base.named_parameters()]
    # The buffers a run changes (batch norm's statistics); constant ones (a CNN's pixel
    # positions, not saved with the weights) are the same for every run and stay in `base`.
    buffer_names = [name for name, _ in base.named_buffers() if name in base.state_dict()]

    states = [
        _RunState(
            params,
            torch.Generator().manual_seed(params.seed),
            EarlyStopping(params.early_stopping.patience, params.early_stopping.min_delta),
        )
        for params in runs
    ]
    by_key: dict[str, list[int]] = {}
    for index, params in enumerate(runs):
        by_key.setdefault(_group_key(params), []).append(index)
    groups = []
    for members in by_key.values():
        group = _Group(
            members,
            {
                name: torch.stack([dict(models[i].named_parameters())[name] for i in members])
                .detach()
                .requires_grad_()
                for name in names
            },
            {
                name: torch.stack([dict(models[i].named_buffers())[name] for i in members])
                for name in buffer_names
            },
        )
        group.optimization = Optimization.build(
            runs[members[0]], list(group.weights.values()), steps_per_epoch
        )
        group.set_live(list(range(len(members))))
        groups.append(group)

    loss_fn = build_loss(shared.loss, data.task, data.y_train, data.n_classes)
    task = get_task(data.task)

    def forward_one(weights, buffers, X):
        out = functional_call(base, (weights, buffers), (X,))
        return task.outputs(out)

    forward = vmap(forward_one, randomness="different")
    forward_shared_X = vmap(forward_one, in_dims=(0, 0, None), randomness="different")
    losses = vmap(loss_fn)
    losses_shared_y = vmap(loss_fn, in_dims=(0, None))
    score_name = score_column(data.task)
    torch.manual_seed(shared.seed)  # dropout's masks

    label = "training" if len(runs) == 1 else f"training {len(runs)} runs together"
    progress = Progress(label, shared.epochs, "epochs") if shared.progress != "never" else None
    for epoch in range(shared.epochs):
        active = [g for g in groups if g.live]
        if not active:
            break
        started = time.perf_counter()
        members = [(g, slot) for g in active for slot in g.live]  # the stack's rows, in order
        stack = _Stack(active, names, buffer_names, forward, losses, shared.grad_clip_norm)
        orders = torch.stack(
            [torch.randperm(n, generator=states[g.runs[slot]].shuffle) for g, slot in members]
        ).to(device)
        base.train()
        zeros = torch.zeros(len(members), device=device)
        loss_sums, _ = train_epoch(
            batch_slices(orders, batch_size), stack.batch_trainer(data), batch_norm, zeros
        )
        weights, buffers = stack.weights, stack.buffers
        _unstack_buffers(active, buffers, buffer_names)

        base.eval()
        with torch.no_grad():
            val_out = forward_shared_X(weights, buffers, data.X_val)
            val_losses = losses_shared_y(val_out, data.y_val).tolist()
            val_scores = [
                task.in_target_units(score, data.target_scale)
                for score in task.score_of(val_out, data.y_val).tolist()
            ]
        train_losses = (loss_sums / n).tolist()
        elapsed = time.perf_counter() - started
        shared_seconds = (elapsed - sum(g.step_seconds for g in active)) / len(members)

        for row, (g, slot) in enumerate(members):
            state = states[g.runs[slot]]
            state.history.append(
                history_row(
                    epoch + 1,
                    train_losses[row],
                    val_losses[row],
                    (score_name, val_scores[row]),
                    g.optimization.lr,
                    shared_seconds + g.step_seconds / len(g.live),
                )
            )
            if state.stopper.update(val_losses[row], epoch + 1, _Slice(g, slot)):
                state.stopped = True
            g.val_loss = val_losses[row]
        if prune is not None:
            cut = prune(
                epoch + 1,
                [state.stopper.best_loss for state in states],
                [not state.stopped for state in states],
            )
            for state, stop in zip(states, cut, strict=True):
                if stop and not state.stopped:
                    state.stopped = state.pruned = True
        for g in active:
            g.optimization.after_epoch(g.val_loss)
            g.set_live([slot for slot in g.live if not states[g.runs[slot]].stopped])
        running = sum(not state.stopped for state in states)
        best = min(state.stopper.best_loss for state in states)
        if progress is not None:
            progress.step(epoch + 1, f"{running} still improving, best validation loss {best:.4g}")

    trained = [None] * len(runs)
    for g in groups:
        for slot, i in enumerate(g.runs):
            best = states[i].stopper.best_state
            models[i].load_state_dict(best if best is not None else _Slice(g, slot).state_dict())
            trained[i] = models[i].cpu().eval()
    _log_runs(states)
    return [
        (model, pd.DataFrame(state.history, columns=history_columns(data.task)))
        for model, state in zip(trained, states, strict=True)
    ]


class _Stack:
    """One epoch's stack of the live runs: their weights and buffers, stacked in the order
    of the groups, and one training step for all of them."""

    def __init__(self, active, names, buffer_names, forward, losses, clip_norm) -> None:
        self.active, self.names = active, names
        self.weights = _stack(active, "weights", names)
        self.buffers = _stack(active, "buffers", buffer_names)
        self.forward, self.losses, self.clip_norm = forward, losses, clip_norm
        for g in active:
            g.step_seconds = 0.0

    def batch_trainer(self, data: TrainingData) -> Callable[[torch.Tensor], torch.Tensor]:
        def train_batch(index: torch.Tensor) -> torch.Tensor:
            active = self.active
            for g in active:
                g.optimization.optimizer.zero_grad(set_to_none=True)
            outputs = self.forward(self.weights, self.buffers, data.X_train[index])
            batch_losses = self.losses(outputs, data.y_train[index])
            batch_losses.sum().backward()  # each run's gradient reaches its own slice only
            for g in active:
                stepped = time.perf_counter()
                g.optimization.step(_clipping(g, self.clip_norm))
                g.step_seconds += time.perf_counter() - stepped
            if len(active) > 1 or active[0].live_index is not None:
                # the steps changed the leaves
                self.weights = _stack(active, "weights", self.names)
            return batch_losses.detach() * index.shape[1]

        return train_batch


def _live(group: _Group, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    if group.live_index is None:
        return tensors
    return {name: t[group.live_index] for name, t in tensors.items()}


def _stack(groups: list[_Group], kind: str, names: list[str]) -> dict[str, torch.Tensor]:
    """The live runs' tensors, one stack per name, in the order of the groups. A stopped run
    leaves the stack (its results are fixed); its optimizer keeps stepping its slice with a
    zero gradient, which costs a few elementwise operations and changes nothing we keep."""
    parts = [_live(g, getattr(g, kind)) for g in groups]
    if len(parts) == 1:
        return dict(parts[0])
    return {name: torch.cat([part[name] for part in parts]) for name in names}


def _unstack_buffers(groups: list[_Group], buffers: dict, names: list[str]) -> None:
    """Batch norm updated stacked copies of its running statistics: hand them back."""
    if not names or (len(groups) == 1 and groups[0].live_index is None):
        return  # it updated the group's own tensors
    start = 0
    with torch.no_grad():
        for g in groups:
            rows = slice(start, start + len(g.live))
            for name in names:
                if g.live_index is None:
                    g.buffers[name].copy_(buffers[name][rows])
                else:
                    g.buffers[name][g.live_index] = buffers[name][rows]
            start += len(g.live)


def _clipping(group: _Group, max_norm: float | None):
    """What clips the group's gradients before its step: each run's on its own, or None."""
    return None if max_norm is None else (lambda: _clip_each_run(group, max_norm))


def _clip_each_run(group: _Group, max_norm: float) -> None:
    """clip_grad_norm_ for each run on its own slice: its gradient's norm over all its weights."""
    grads = [w.grad for w in group.weights.values() if w.grad is not None]
    norms = torch.stack([g.flatten(1).pow(2).sum(dim=1) for g in grads]).sum(dim=0).sqrt()
    scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(scale.view(-1, *([1] * (g.dim() - 1))))


# Up to this many runs trained together get a log line each; more get one line in all
# (every run's figures are in the comparisons' JSON), so that the log stays short.
RUNS_LOGGED_ONE_BY_ONE = 5


def _log_runs(states: list[_RunState]) -> None:
    capped = sum(len(s.history) >= s.params.epochs for s in states)
    pruned = sum(s.pruned for s in states)
    if len(states) > RUNS_LOGGED_ONE_BY_ONE:
        log.info(
            "%d runs trained together: %d stopped early%s, %d at the epoch limit",
            len(states),
            len(states) - capped,
            f" ({pruned} pruned)" if pruned else "",
            capped,
        )
    for state in states:
        params, stopper = state.params, state.stopper
        log.log(
            logging.INFO if len(states) <= RUNS_LOGGED_ONE_BY_ONE else logging.DEBUG,
            "%s, seed %d: %d epochs (%s); best validation loss %.4f at epoch %d",
            params.optimizer.name,
            params.seed,
            len(state.history),
            "pruned"
            if state.pruned
            else "stopped early"
            if len(state.history) < params.epochs
            else "the epoch limit",
            stopper.best_loss,
            stopper.best_epoch,
        )
