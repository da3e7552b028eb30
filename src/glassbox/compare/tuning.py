"""Each optimizer's learning rate tuned with Optuna, on the same budget for every optimizer.

One Optuna study per optimizer. Its trials are the points of one log-spaced grid of
learning rates over the declared range (DeepOBS's protocol tunes the learning rate on a
log grid), enqueued in a seeded random order (the order Optuna's GridSampler would visit
them in) when the study is created. A trial is one training run at the comparison's first
seed; its value is the run's best validation loss (never a test score).

The trials are fixed in advance, so whoever runs them, in whatever order, the study ends
with the same results; that is what lets a study survive and scale:

- The study lives in a real Optuna storage: by default a journal file in the project
  (several processes may append to it at once), or any database Optuna takes by URL
  (``sqlite:///...``, ``postgresql://user@host/db``).
- A process claims waiting trials (Optuna's own atomic WAITING -> RUNNING change), whole
  studies, up to half of them at a time, so that a second process finds work too, and
  trains its claim together (glassbox.training.stacked; a run's result does not depend on
  the runs beside it). Several processes or machines pointed at one storage share the
  studies; each trial runs once.
- Hopeless learning rates stop early (``pruning: successive_halving``): a study's trials,
  trained together, report their best validation loss at the same rung epochs and all but
  the best third stop there (glassbox.compare.pruning), with the same rungs for every
  optimizer. A pruned trial is kept with its value at the rung where it stopped.
- A run killed mid-study (SIGKILL) leaves its claimed trials RUNNING. The next run finds
  them abandoned (on this machine: their process is gone; elsewhere: no heartbeat for
  ``STALE_AFTER_SECONDS``), marks them FAIL and enqueues the same learning rate again:
  finished (or pruned) trials are kept, none is repeated, and the study ends with exactly
  the configured number of trials per optimizer.

The study's name carries a digest of everything a trial's result depends on (the data,
the training settings, the grid): another configuration gets a study of its own in the
same storage.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from glassbox.errors import InputDataError
from glassbox.progress import Periodic
from glassbox.training.loop import TrainingData
from glassbox.training.params import TrainingParams

log = logging.getLogger(__name__)

STUDY_PREFIX = "glassbox-optimizer-comparison"
HEARTBEAT_SECONDS = 15  # a claimed trial's heartbeat, written while it trains
STALE_AFTER_SECONDS = 120  # a claim from another machine silent this long is abandoned
POLL_SECONDS = 2  # how often to look again while other processes train the last trials
CLAIM = "glassbox_claim"  # trial user attribute: who trains it, and their last heartbeat
RUN = "glassbox_run"  # trial user attribute: the finished run (glassbox.compare.comparison)


def learning_rate_grid(low: float, high: float, trials: int, seed: int) -> list[float]:
    """``trials`` learning rates evenly spaced on a log scale from ``low`` to ``high``, in a
    seeded random order (the order of a study's trials: what the budget chart follows)."""
    points = np.geomspace(low, high, trials) if trials > 1 else np.array([math.sqrt(low * high)])
    order = np.random.default_rng(seed).permutation(trials)
    return [float(points[i]) for i in order]


def open_storage(url: str | None, journal: Path):
    """The Optuna storage at ``url``, or (None) the journal file ``journal``."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # glassbox logs each round itself
    if url is None:
        from optuna.storages.journal import JournalFileBackend, JournalStorage

        journal.parent.mkdir(parents=True, exist_ok=True)
        return JournalStorage(JournalFileBackend(str(journal)))
    for attempt in range(SCHEMA_RACE_RETRIES + 1):
        try:
            return optuna.storages.RDBStorage(url)
        except Exception as err:  # no driver, a malformed URL, a database out of reach
            if _schema_race(err) and attempt < SCHEMA_RACE_RETRIES:
                # Machines started at once against an empty database all create Optuna's
                # tables; all but one fail on the duplicate. The tables exist once it is
                # done: open them again.
                time.sleep(0.5 * (attempt + 1))
                continue
            shown = without_password(url)
            raise InputDataError(
                f"optimizer_comparison.storage: cannot open the Optuna storage {shown!r}: "
                f"{type(err).__name__}: {err}. Expected a database URL Optuna takes "
                "(sqlite:///study.db, postgresql://user@host/db: the project installs the "
                "PostgreSQL driver), or null for the project's journal file."
            ) from None


SCHEMA_RACE_RETRIES = 5


def _schema_race(err: Exception) -> bool:
    """Whether opening failed because another process was creating the same tables."""
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    return isinstance(err, IntegrityError | ProgrammingError) and (
        "already exists" in str(err) or "duplicate key" in str(err)
    )


def without_password(url: str | None) -> str | None:
    """A storage URL as logs and reports may show it: user:password@ becomes user:***@
    (None, the project's journal file, stays None)."""
    if url is None:
        return None
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)


def data_digest(data: TrainingData) -> str:
    """A digest of the training and validation tensors: a study is for one data set."""
    digest = hashlib.sha256()
    for tensor in (data.X_train, data.y_train, data.X_val, data.y_val):
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def study_name(
    template: TrainingParams, grid: list[float], data: str, rungs: list[int] = ()
) -> str:
    """The study of one optimizer: its name holds a digest of what its trials depend on
    (with the pruning's rungs, where there are any)."""
    settings = template.model_dump(mode="json", exclude={"device"})
    settings["optimizer"].pop("lr")
    described = {"settings": settings, "grid": grid, "data": data}
    if rungs:  # (without pruning, the name studies had before pruning existed)
        described["rungs"] = list(rungs)
    blob = json.dumps(described, sort_keys=True)
    digest = hashlib.sha256(blob.encode()).hexdigest()[:16]
    return f"{STUDY_PREFIX}-{template.optimizer.name}-{digest}"


def _open_study(storage, name: str, grid: list[float], rungs: list[int] = ()):
    """Create the study and enqueue its trials, or load it if it exists: creating is atomic
    in every Optuna storage, so one process enqueues. (A study whose creator was stopped
    while enqueuing is topped up by the next run that finds it with no trial left to do.)"""
    import optuna

    pruner = optuna.pruners.NopPruner()
    if rungs:
        from glassbox.compare.pruning import SynchronousHalving

        pruner = SynchronousHalving(rungs)
    try:
        study = optuna.create_study(
            storage=storage, study_name=name, direction="minimize", pruner=pruner
        )
    except optuna.exceptions.DuplicatedStudyError:
        return optuna.load_study(storage=storage, study_name=name, pruner=pruner)
    _enqueue(study, grid, range(len(grid)))
    return study


def _enqueue(study, grid: list[float], indices) -> None:
    for index in indices:
        study.enqueue_trial({"lr": grid[index]}, user_attrs={"index": index})


def _missing(study, grid: list[float]) -> list[int]:
    """The grid's points that no trial of the study holds (done, running or waiting)."""
    from optuna.trial import TrialState

    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING)
    held = {t.user_attrs.get("index") for t in study.get_trials(deepcopy=False, states=states)}
    return [i for i in range(len(grid)) if i not in held]


def _alive(claim: dict | None, started: float | None) -> bool:
    """Whether the process that claimed a trial may still be training it."""
    if claim is None:  # claimed, then killed before it could say by whom
        return started is not None and time.time() - started < STALE_AFTER_SECONDS
    if claim["host"] == socket.gethostname():
        if claim["pid"] == os.getpid():  # not one of ours (ours are all told): a reused pid
            return False
        try:
            os.kill(claim["pid"], 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return time.time() - claim["heartbeat"] < STALE_AFTER_SECONDS


def _requeue_abandoned(storage, study) -> None:
    """Mark trials whose process is gone FAIL, and enqueue their learning rate again (only
    the process whose FAIL went through does, so each is enqueued once)."""
    from optuna.trial import TrialState

    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        started = trial.datetime_start.timestamp() if trial.datetime_start else None
        if _alive(trial.user_attrs.get(CLAIM), started):
            continue
        trial_id = _trial_id(storage, study, trial)
        if not _change_state(storage, trial_id, TrialState.FAIL):
            continue  # another process got there first
        lr = trial.system_attrs.get("fixed_params", trial.params)["lr"]
        study.enqueue_trial({"lr": lr}, user_attrs={"index": trial.user_attrs["index"]})
        log.info(
            "tuning %s: trial %d (learning rate %.3g) was abandoned by a stopped run; queued again",
            study.study_name,
            trial.number,
            lr,
        )


def _claim(storage, study, most: int) -> list:
    """Claim up to ``most`` of the study's waiting trials: Optuna's WAITING -> RUNNING change
    succeeds for one process only."""
    import optuna
    from optuna.trial import TrialState

    waiting = study.get_trials(deepcopy=False, states=(TrialState.WAITING,))
    wanted = min(most, len(waiting))
    claimed = []
    for trial in waiting:
        if len(claimed) == wanted:
            break
        trial_id = _trial_id(storage, study, trial)
        if not _change_state(storage, trial_id, TrialState.RUNNING):
            continue  # another process claimed it
        storage.set_trial_user_attr(trial_id, CLAIM, _claim_record())
        claimed.append((trial_id, optuna.Trial(study, trial_id)))
    return claimed


def _change_state(storage, trial_id: int, state) -> bool:
    """Whether this process changed the trial's state (the storage lets one process do it)."""
    import optuna

    try:
        return storage.set_trial_state_values(trial_id, state=state)
    except optuna.exceptions.UpdateFinishedTrialError:
        return False


def _trial_id(storage, study, trial) -> int:
    study_id = storage.get_study_id_from_name(study.study_name)
    return storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)


def _claim_record() -> dict:
    return {"host": socket.gethostname(), "pid": os.getpid(), "heartbeat": time.time()}


def _write_claims(storage, trial_ids: list[int]) -> None:
    """The claimed trials' heartbeat: written every HEARTBEAT_SECONDS while they train."""
    for trial_id in trial_ids:
        storage.set_trial_user_attr(trial_id, CLAIM, _claim_record())


@dataclass(frozen=True)
class Plan:
    """What every process of one tuning trains and scores, the same for all of them: the
    data, the test rows, each optimizer's run template, the learning rates (the range and
    its log grid) and the pruning rungs (none: every trial trains its full budget)."""

    data: TrainingData
    X_test: torch.Tensor
    y_test: torch.Tensor
    templates: dict[str, TrainingParams]
    lr_range: tuple[float, float]
    grid: list[float]
    rungs: list[int] = ()


def run_studies_in_processes(processes: int, plan: Plan, storage_spec: tuple) -> dict[str, dict]:
    """:func:`run_studies` in this process and ``processes - 1`` helpers on this machine,
    all sharing the study through its storage (``storage_spec``: open_storage's arguments;
    each process single-threaded: the thread policy is inherited). A helper that dies
    leaves its trials to be queued again here."""
    import multiprocessing

    helpers = [
        multiprocessing.get_context("spawn").Process(
            target=_helper, args=(plan, storage_spec), daemon=True
        )
        for _ in range(processes - 1)
    ]
    for helper in helpers:
        helper.start()
    try:
        return run_studies(plan, open_storage(*storage_spec))
    finally:
        for helper in helpers:
            helper.join()


def _helper(plan: Plan, storage_spec: tuple) -> None:
    run_studies(plan, open_storage(*storage_spec))


def run_studies(plan: Plan, storage) -> dict[str, dict]:
    """Run every optimizer's study to the end (this process's share of its trials, then
    waiting for the others'), pruned at ``plan.rungs`` (glassbox.compare.pruning); per
    optimizer, its finished trials in grid order, and how many trials a stopped run
    abandoned (FAIL, queued again)."""
    from optuna.trial import TrialState

    from glassbox.compare.comparison import describe_run
    from glassbox.training.stacked import train_stacked

    data, templates, grid, rungs = plan.data, plan.templates, plan.grid, plan.rungs
    most = math.ceil(len(templates) / 2)  # studies per round: a second process finds work
    digest = data_digest(data)
    studies = {
        name: _open_study(storage, study_name(template, grid, digest, rungs), grid, rungs)
        for name, template in templates.items()
    }
    while True:
        claimed = []
        for name, study in studies.items():
            _requeue_abandoned(storage, study)
            if len({n for n, *_ in claimed}) < most:
                claimed += [(name, *pair) for pair in _claim(storage, study, len(grid))]
        if claimed:
            settings = [
                _with_lr(templates[name], trial.suggest_float("lr", *plan.lr_range, log=True))
                for name, _, trial in claimed
            ]
            log.info(
                "tuning %s: training %d trials together (learning rates %s)",
                ", ".join(dict.fromkeys(name for name, *_ in claimed)),
                len(claimed),
                ", ".join(f"{lr:.3g}" for lr in sorted({s.optimizer.lr for s in settings})),
            )
            halving = _Halving([trial for *_, trial in claimed], rungs)
            claims = [trial_id for _, trial_id, _ in claimed]
            with Periodic(HEARTBEAT_SECONDS, functools.partial(_write_claims, storage, claims)):
                trained = train_stacked(data, settings, prune=halving if rungs else None)
            for position, ((name, _, trial), params, (model, history)) in enumerate(
                zip(claimed, settings, trained, strict=True)
            ):
                run = describe_run(model, history, params, data, plan.X_test, plan.y_test)
                if position in halving.pruned:
                    trial.set_user_attr(RUN, run | {"pruned_at": halving.pruned[position]})
                    studies[name].tell(trial, state=TrialState.PRUNED)
                else:
                    trial.set_user_attr(RUN, run)
                    studies[name].tell(trial, _finite(run["best_val_loss"]))
            if halving.pruned:
                log.info("tuning: %d of %d trials pruned", len(halving.pruned), len(claimed))
            continue
        busy = (TrialState.WAITING, TrialState.RUNNING)
        unfinished = [n for n, s in studies.items() if s.get_trials(deepcopy=False, states=busy)]
        if not unfinished:
            incomplete = {n: _missing(s, grid) for n, s in studies.items()}
            if not any(incomplete.values()):
                break
            for name, indices in incomplete.items():
                _enqueue(studies[name], grid, indices)
            continue
        log.info("tuning: waiting for other processes' trials of %s", ", ".join(unfinished))
        time.sleep(POLL_SECONDS)
    return {name: _study_record(study) for name, study in studies.items()}


def _finite(value: float) -> float:
    """A diverged run's value: infinitely bad, not a missing number."""
    return value if math.isfinite(value) else math.inf


class _Halving:
    """train_stacked's ``prune`` for trials trained together: at a rung epoch every trial
    still in play reports its best validation loss, then each asks the study's pruner
    (all report before any is judged: the synchronous rule of glassbox.compare.pruning).
    A trial not kept is out of play, and stops training unless its early stopping already
    stopped it (then it is not marked pruned: its run was complete)."""

    def __init__(self, trials: list, rungs: list[int]) -> None:
        self.trials, self.rungs = trials, set(rungs)
        self.out: set[int] = set()
        self.pruned: dict[int, int] = {}  # position → the epoch it was stopped at

    def __call__(self, epoch: int, best_losses: list[float], training: list[bool]) -> list[bool]:
        cut = [False] * len(self.trials)
        if epoch not in self.rungs:
            return cut
        playing = [i for i in range(len(self.trials)) if i not in self.out]
        for i in playing:
            self.trials[i].report(_finite(best_losses[i]), epoch)
        for i in playing:
            if self.trials[i].should_prune():
                self.out.add(i)
                cut[i] = True
                if training[i]:
                    self.pruned[i] = epoch
        return cut


def _with_lr(template: TrainingParams, lr: float) -> TrainingParams:
    return template.model_copy(
        update={"optimizer": template.optimizer.model_copy(update={"lr": lr})}
    )


def _study_record(study) -> dict:
    from optuna.trial import TrialState

    done = {}  # by grid index: the first to finish (a rare race may run one twice)
    finished = (TrialState.COMPLETE, TrialState.PRUNED)
    for trial in study.get_trials(deepcopy=False, states=finished):
        done.setdefault(trial.user_attrs["index"], trial)
    return {
        "study": study.study_name,
        "abandoned_and_rerun": len(study.get_trials(deepcopy=False, states=(TrialState.FAIL,))),
        "trials": [
            {"number": t.number, "index": t.user_attrs["index"], **t.user_attrs[RUN]}
            for _, t in sorted(done.items())
        ],
    }
