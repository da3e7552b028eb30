"""The configured model retrained with other seeds, trained once and read by several stages.

The explanation stability check needs the configured model at a few seeds; the optimizer
and architecture comparisons train, among their runs, the configured optimizer and
architecture at their seeds: by default the same runs. They are trained once, in the
`seed_runs` stage, and each reader reuses a run whose settings equal its own (every
setting but the device, which does not change what is computed) instead of training it
again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from torch import nn

from glassbox.training.loop import TrainingData
from glassbox.training.optimizers import OPTIMIZERS
from glassbox.training.params import TrainingParams
from glassbox.training.stacked import stacked_run, train_stacked

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


def train_or_reuse(
    data: TrainingData, settings: list[TrainingParams], done: list[TrainedRun]
) -> tuple[list[tuple[nn.Module, pd.DataFrame]], list[bool]]:
    """Per run of ``settings``, in order, its model and history: taken from ``done`` where
    a run there has the same settings, trained (together) otherwise, and once where the
    same run is asked for twice; and which were taken from ``done``."""
    found = [next((run for run in done if same_run(run.settings, s)), None) for s in settings]
    missing: list[TrainingParams] = []
    for s, run in zip(settings, found, strict=True):
        if run is None and not any(same_run(s, m) for m in missing):
            missing.append(s)
    trained = train_stacked(data, missing)
    results = [
        (run.model, run.history)
        if run is not None
        else trained[next(i for i, m in enumerate(missing) if same_run(s, m))]
        for s, run in zip(settings, found, strict=True)
    ]
    return results, [run is not None for run in found]
