"""The configured model retrained with other seeds, trained once and read by several stages.

The explanation stability check needs the configured model at a few seeds; the optimizer
and architecture comparisons train, among their runs, the configured optimizer and
architecture at their seeds: by default the same runs. They are trained once, in the
`seed_runs` stage, and each reader reuses a run whose settings equal its own (every
setting but the device, which does not change what is computed) instead of training it
again: every comparison's runs are trained through :func:`train_or_reuse`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from torch import nn

from glassbox.training.loop import TrainingData
from glassbox.training.optimizers import OPTIMIZERS
from glassbox.training.params import TrainingParams
from glassbox.training.stacked import stack_key, stacked_run, train_stacked

# Settings that say where a run executes, not what it computes.
NOT_COMPARED = {"device"}


@dataclass
class TrainedRun:
    """One finished run: what it was trained with, its best weights and its history."""

    settings: TrainingParams
    model: nn.Module
    history: pd.DataFrame


def same_run(a: TrainingParams, b: TrainingParams) -> bool:
    """Whether two runs compute the same thing (same settings, same seed), a learning rate
    or weight decay left to the optimizer's default counting as that default."""
    return _effective(a) == _effective(b)


def _effective(params: TrainingParams) -> dict:
    settings = params.model_dump(exclude=NOT_COMPARED)
    optimizer = settings["optimizer"]
    chosen = OPTIMIZERS[optimizer["name"]]
    if optimizer["lr"] is None:
        optimizer["lr"] = chosen.default_lr
    if optimizer["weight_decay"] is None:
        optimizer["weight_decay"] = chosen.default_weight_decay
    return settings


def train_seed_runs(data: TrainingData, training: TrainingParams, seeds: list[int]) -> list:
    """The configured model trained once per seed, together (glassbox.training.stacked)."""
    settings = [stacked_run(training, seed=seed) for seed in seeds]
    return [
        TrainedRun(params, model, history)
        for params, (model, history) in zip(settings, train_stacked(data, settings), strict=True)
    ]


def match_runs(
    settings: list[TrainingParams], done: Sequence[TrainedRun] = ()
) -> tuple[list[TrainedRun | None], dict[int, int]]:
    """Per run of ``settings``, the run of ``done`` with the same settings, or None; and
    every position that must be trained → the first position asking for the same run (so
    that a run asked for twice trains once: the distinct values are what training costs)."""
    found = [next((run for run in done if same_run(run.settings, s)), None) for s in settings]
    first: list[int] = []  # the first position of each distinct run to train
    same_as: dict[int, int] = {}
    for position, (s, run) in enumerate(zip(settings, found, strict=True)):
        if run is None:
            twin = next((f for f in first if same_run(settings[f], s)), None)
            if twin is None:
                first.append(position)
            same_as[position] = position if twin is None else twin
    return found, same_as


def train_or_reuse(
    data: TrainingData,
    settings: list[TrainingParams],
    done: Sequence[TrainedRun] = (),
    prune_for: Callable[[list[int]], object | None] | None = None,
) -> tuple[list[tuple[nn.Module, pd.DataFrame]], list[bool], dict[int, int]]:
    """Per run of ``settings``, in order, its model and history: taken from ``done`` where
    a run there has the same settings; trained otherwise, runs that can stack (the same
    model and data settings: stacked.stack_key) together, and once where the same run is
    asked for twice. Also which were taken from ``done``, and which stopped at a pruning
    rung (position → epoch): ``prune_for(positions)`` gives the rule for the runs at those
    positions, trained together (train_stacked's ``prune``, which records the runs it
    stopped in ``pruned``, member → epoch), or None."""
    found, same_as = match_runs(settings, done)
    groups: dict[str, list[int]] = {}
    for position in sorted(set(same_as.values())):  # the first position of each run to train
        groups.setdefault(stack_key(settings[position]), []).append(position)
    trained, stopped = {}, {}
    for members in groups.values():
        rule = prune_for(members) if prune_for is not None else None
        results = train_stacked(data, [settings[m] for m in members], prune=rule)
        trained |= dict(zip(members, results, strict=True))
        if rule is not None:
            stopped |= {members[i]: epoch for i, epoch in rule.pruned.items()}
    runs = [
        (run.model, run.history) if run is not None else trained[same_as[position]]
        for position, run in enumerate(found)
    ]
    pruned = {p: stopped[f] for p, f in same_as.items() if f in stopped}
    return runs, [run is not None for run in found], pruned
