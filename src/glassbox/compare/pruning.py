"""Successive halving for the optimizer studies: hopeless learning rates stop early.

Successive halving (Jamieson & Talwalkar, 2016) trains every trial for a small budget, keeps
the best 1/η of them, trains those η times longer, and so on up to the full budget. Here
the rungs are the epochs ``epochs / η²`` and ``epochs / η`` (η = 3: of five trials, two go
past the first rung and one trains to the end), and a trial's value at a rung is its best
validation loss so far. Every optimizer's study gets the same rungs and the same η, so the
comparison's budgets stay equal.

Why not Optuna's ``SuccessiveHalvingPruner``: it is the asynchronous variant (ASHA), which
decides each trial when it arrives at a rung, against the trials that arrived before it:
the first trial at a rung always goes on, and the result depends on the order the trials
reach it. glassbox trains a study's trials together, in lockstep, so every trial of the
rung is there before any is judged: the synchronous rule below is exact, fair and the same
in any process, which keeps a study's result independent of who trained it.
"""

from __future__ import annotations

import math

import optuna
from optuna.trial import TrialState

REDUCTION_FACTOR = 3


def halving_rungs(epochs: int, reduction_factor: int = REDUCTION_FACTOR) -> list[int]:
    """The epochs at which trials are judged: ``epochs / η²`` and ``epochs / η``, rounded,
    at least 1 and before the last epoch."""
    rungs = {round(epochs / reduction_factor**k) for k in (2, 1)}
    return sorted(r for r in rungs if 1 <= r < epochs)


class SynchronousHalving(optuna.pruners.BasePruner):
    """At a rung, a trial goes on only if it is among the best ⌈n / η⌉ of the ``n`` trials
    of its study that reported a value at that epoch (ties: the smaller learning rate first,
    as the comparison's choice of the best trial). Trials that failed (a stopped run's
    abandoned claims) are not counted; their learning rate is trained again."""

    def __init__(self, rungs: list[int], reduction_factor: int = REDUCTION_FACTOR) -> None:
        self.rungs = set(rungs)
        self.reduction_factor = reduction_factor

    def prune(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> bool:
        step = trial.last_step
        if step not in self.rungs:
            return False
        counted = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
        competing = sorted(
            (t.intermediate_values[step], t.params.get("lr", math.inf))
            for t in study.get_trials(deepcopy=False, states=counted)
            if step in t.intermediate_values
        )
        kept = competing[: math.ceil(len(competing) / self.reduction_factor)]
        return (trial.intermediate_values[step], trial.params.get("lr", math.inf)) not in kept
