"""Comparison runs shared through Optuna studies: whoever runs them, each is trained once.

Every comparison is a set of runs fixed in advance: the optimizer comparison's learning-rate
trials and its final runs, the architecture comparison's runs, the privacy comparison's
budgets. Each group of runs (one optimizer, one architecture, one budget) is one Optuna
study whose trials are its runs, enqueued when the study is created. A trial's value is its
run's best validation loss (never a test score) and its record (what
``Plan.describe`` says of the run) is stored with it. Because the trials are fixed, the
studies end with the same results whoever runs them, in whatever order; that is what lets
a comparison survive and scale:

- The studies live in a real Optuna storage (:class:`StudyStorage`): by default a journal
  file in the project (several processes may append to it at once), or any database Optuna
  takes by URL (``sqlite:///...``, ``postgresql://user@host/db``), set once for every
  comparison in ``conf/local/credentials.yml`` (docs/scale.md).
- A process claims waiting trials (Optuna's own atomic WAITING -> RUNNING change), whole
  studies, about half of the runs to train at a time, so that a second process finds as
  much work (:func:`studies_to_claim`), and trains its claim together
  (glassbox.training.stacked). Several processes or machines
  pointed at one storage share the studies; each trial runs once. A run that equals one
  already trained in this process (the seed runs) is taken from there instead.
- Hopeless learning rates stop early (the optimizer tuning's ``rungs``): a study's trials,
  trained together, report their best validation loss at the same rung epochs and all but
  the best third stop there (glassbox.compare.pruning). A pruned trial is kept with its
  value at the rung where it stopped.
- A run killed mid-study (SIGKILL) leaves its claimed trials RUNNING. The next run finds
  them abandoned (on this machine: their process is gone; elsewhere: no heartbeat for
  ``STALE_AFTER_SECONDS``), marks them FAIL and enqueues the same run again: finished (or
  pruned) trials are kept, none is repeated, and each study ends with exactly its runs.

A study's name carries a digest of everything its trials' results depend on (the data, the
runs' settings, the pruning, what the record measures): another configuration gets studies
of its own in the same storage.
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
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from glassbox.compare.comparison import describe_run
from glassbox.compare.storage import StudyStorage
from glassbox.progress import EVERY_SECONDS, Periodic
from glassbox.training.loop import TrainingData
from glassbox.training.params import TrainingParams
from glassbox.training.seed_runs import TrainedRun, match_runs, train_or_reuse

log = logging.getLogger(__name__)

STUDY_PREFIX = "glassbox"
HEARTBEAT_SECONDS = 15  # a claimed trial's heartbeat, written while it trains
STALE_AFTER_SECONDS = 120  # a claim from another machine silent this long is abandoned
# How often a process with nothing to claim looks again: a waiting helper ends up to this
# long after the last run (each comparison node waits for its helpers).
POLL_SECONDS = 0.5
CLAIM = "glassbox_claim"  # trial user attribute: who trains it, and their last heartbeat
RUN = "glassbox_run"  # trial user attribute: the finished run's record


@dataclass(frozen=True)
class Plan:
    """What every process of one comparison trains and records, the same for all of them.

    ``runs``: per study (an optimizer, an architecture, a budget), its runs in order.
    ``describe(model, history, settings, data, X_test, y_test)`` gives a run's record (a
    module-level function, or a partial of one: helpers receive the plan pickled);
    ``depends_on`` names whatever else the record depends on (it is in the studies' names).
    ``lr_range``: for a tuning, the range the trials' learning rates were drawn from,
    recorded as the trial's Optuna parameter ``lr`` (Optuna's plots read it). ``rungs``:
    the pruning epochs (none: every run trains its full budget). ``done``: runs trained
    already (the seed runs), reused where their settings are a run's."""

    label: str
    data: TrainingData
    X_test: torch.Tensor
    y_test: torch.Tensor
    runs: dict[str, list[TrainingParams]]
    describe: Callable = describe_run
    depends_on: dict = field(default_factory=dict)
    lr_range: tuple[float, float] | None = None
    rungs: list[int] = ()
    done: list[TrainedRun] = ()


def data_digest(data: TrainingData, X_test: torch.Tensor, y_test: torch.Tensor) -> str:
    """A digest of the training, validation and test tensors: a study is for one data set."""
    digest = hashlib.sha256()
    for tensor in (data.X_train, data.y_train, data.X_val, data.y_val, X_test, y_test):
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def study_name(plan: Plan, name: str, data: str) -> str:
    """One study's name: the comparison, the group, and a digest of what its trials'
    results depend on."""
    described = {
        "runs": [r.model_dump(mode="json", exclude={"device"}) for r in plan.runs[name]],
        "data": data,
        "rungs": list(plan.rungs),
        "record": plan.depends_on,
    }
    digest = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]
    return "-".join((STUDY_PREFIX, _slug(plan.label), _slug(name), digest))


def _slug(text: str) -> str:
    return re.sub(r"\W+", "-", text).strip("-")


def run_studies_in_processes(processes: int, plan: Plan, storage: StudyStorage) -> dict[str, dict]:
    """:func:`run_studies` in this process and ``processes - 1`` helpers on this machine,
    all sharing the studies through ``storage`` (each process single-threaded: the thread
    policy is inherited). A helper that dies leaves its trials to be queued again here."""
    import multiprocessing

    log.info(
        "%s: %d runs in %d studies, in %s, by %d processes here",
        plan.label,
        sum(len(r) for r in plan.runs.values()),
        len(plan.runs),
        storage.shown(),
        processes,
    )
    helpers = [
        multiprocessing.get_context("spawn").Process(
            target=run_studies, args=(plan, storage), daemon=True
        )
        for _ in range(processes - 1)
    ]
    for helper in helpers:
        helper.start()
    try:
        return run_studies(plan, storage)
    finally:
        for helper in helpers:
            helper.join()


def run_studies(plan: Plan, storage: StudyStorage) -> dict[str, dict]:
    """Run every study of ``plan`` to the end (this process's share of its trials, then
    waiting for the others'); per study, its finished trials' records in order, and how
    many trials a stopped run abandoned (FAIL, queued again)."""
    from optuna.trial import TrialState

    opened = storage.open()
    digest = data_digest(plan.data, plan.X_test, plan.y_test)
    studies = {
        name: _open_study(opened, study_name(plan, name, digest), plan, name) for name in plan.runs
    }
    to_train = {  # distinct runs not in plan.done: what each study costs to train
        name: len(set(match_runs(runs, plan.done)[1].values())) for name, runs in plan.runs.items()
    }
    said = -math.inf  # when the last "waiting" line was logged
    while True:
        for name, study in studies.items():
            _requeue_abandoned(opened, study, plan, name)
        waiting = [n for n, s in studies.items() if s.get_trials(False, (TrialState.WAITING,))]
        claimed = []  # (study, trial id, trial)
        for name in studies_to_claim(to_train, waiting):
            claimed += [(name, *pair) for pair in _claim(opened, studies[name])]
        if claimed:
            _train_and_tell(plan, studies, claimed, opened)
            continue
        busy = (TrialState.WAITING, TrialState.RUNNING)
        unfinished = [n for n, s in studies.items() if s.get_trials(deepcopy=False, states=busy)]
        if not unfinished:
            incomplete = {n: _missing(s, len(plan.runs[n])) for n, s in studies.items()}
            if not any(incomplete.values()):
                break
            for name, indices in incomplete.items():
                _enqueue(studies[name], plan, name, indices)
            continue
        if time.monotonic() - said >= EVERY_SECONDS:  # the other process logs its progress
            log.info(
                "%s: waiting for other processes' runs of %s", plan.label, ", ".join(unfinished)
            )
            said = time.monotonic()
        time.sleep(POLL_SECONDS)
    return {name: _study_record(study) for name, study in studies.items()}


def studies_to_claim(to_train: dict[str, int], waiting: list[str]) -> list[str]:
    """Which of the ``waiting`` studies (no trial claimed yet) a process claims, given each
    study's runs to train: each study that brings its share nearer half of all the runs,
    and all that is left when that is no more than half and one study's half. So the first
    process takes about half and the second the rest, in one stack each. Counting studies
    instead split the optimizer comparison's final runs 32 to 19 on a 60,000-row table (runs
    reused from the seed runs, or asked twice where the tuned rate is the default), and one
    process waited ten seconds for the other."""
    half = sum(to_train.values()) / 2
    left = sum(to_train[name] for name in waiting)
    share = left if left <= half + max(to_train.values(), default=0) / 2 else half
    chosen: list[str] = []
    holding = 0
    for name in waiting:
        if not chosen or holding + to_train[name] / 2 <= share:
            chosen.append(name)
            holding += to_train[name]
    return chosen


def _train_and_tell(plan: Plan, studies: dict, claimed: list, storage) -> None:
    """Train the claimed trials (those whose run is in ``plan.done`` are taken from there;
    runs that can stack train together) and tell each study its trials' results."""
    from optuna.trial import TrialState

    settings = [plan.runs[name][trial.user_attrs["index"]] for name, _, trial in claimed]
    names = ", ".join(dict.fromkeys(name for name, *_ in claimed))
    rates = ""
    if plan.lr_range is not None:
        for _, _, trial in claimed:  # the enqueued rate, recorded as the trial's parameter
            trial.suggest_float("lr", *plan.lr_range, log=True)
        shown = ", ".join(f"{lr:.3g}" for lr in sorted({s.optimizer.lr for s in settings}))
        rates = f" (learning rates {shown})"
    log.info("%s %s: training %d runs together%s", plan.label, names, len(claimed), rates)
    claims = [trial_id for _, trial_id, _ in claimed]

    def halving(positions: list[int]) -> _Halving | None:  # for the runs trained together
        return _Halving([claimed[p][2] for p in positions], plan.rungs) if plan.rungs else None

    with Periodic(HEARTBEAT_SECONDS, functools.partial(_write_claims, storage, claims)):
        results, reused, stopped = train_or_reuse(plan.data, settings, plan.done, halving)
    for position, (name, _, trial) in enumerate(claimed):
        model, history = results[position]
        run = plan.describe(
            model, history, settings[position], plan.data, plan.X_test, plan.y_test
        ) | {"reused": reused[position]}
        if position in stopped:
            trial.set_user_attr(RUN, run | {"pruned_at": stopped[position]})
            studies[name].tell(trial, state=TrialState.PRUNED)
        else:
            trial.set_user_attr(RUN, run)
            studies[name].tell(trial, _finite(run["best_val_loss"]))
    if stopped:
        log.info("%s: %d of %d runs pruned", plan.label, len(stopped), len(claimed))


def _open_study(storage, name: str, plan: Plan, key: str):
    """Create the study and enqueue its trials, or load it if it exists: creating is atomic
    in every Optuna storage, so one process enqueues. (A study whose creator was stopped
    while enqueuing is topped up by the next run that finds it with no trial left to do.)"""
    import optuna

    pruner = optuna.pruners.NopPruner()
    if plan.rungs:
        from glassbox.compare.pruning import SynchronousHalving

        pruner = SynchronousHalving(plan.rungs)
    try:
        study = optuna.create_study(
            storage=storage, study_name=name, direction="minimize", pruner=pruner
        )
    except optuna.exceptions.DuplicatedStudyError:
        return optuna.load_study(storage=storage, study_name=name, pruner=pruner)
    _enqueue(study, plan, key, range(len(plan.runs[key])))
    return study


def _enqueue(study, plan: Plan, key: str, indices) -> None:
    for index in indices:
        fixed = {"lr": plan.runs[key][index].optimizer.lr} if plan.lr_range else {}
        study.enqueue_trial(fixed, user_attrs={"index": index})


def _missing(study, count: int) -> list[int]:
    """The runs (by index) that no trial of the study holds (done, running or waiting)."""
    from optuna.trial import TrialState

    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING, TrialState.WAITING)
    held = {t.user_attrs.get("index") for t in study.get_trials(deepcopy=False, states=states)}
    return [i for i in range(count) if i not in held]


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


def _requeue_abandoned(storage, study, plan: Plan, key: str) -> None:
    """Mark trials whose process is gone FAIL, and enqueue their run again (only the
    process whose FAIL went through does, so each is enqueued once)."""
    from optuna.trial import TrialState

    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        started = trial.datetime_start.timestamp() if trial.datetime_start else None
        if _alive(trial.user_attrs.get(CLAIM), started):
            continue
        trial_id = _trial_id(storage, study, trial)
        if not _change_state(storage, trial_id, TrialState.FAIL):
            continue  # another process got there first
        _enqueue(study, plan, key, [trial.user_attrs["index"]])
        log.info(
            "%s: run %d of %s was abandoned by a stopped run; queued again",
            plan.label,
            trial.user_attrs["index"],
            study.study_name,
        )


def _claim(storage, study) -> list:
    """Claim the study's waiting trials: Optuna's WAITING -> RUNNING change succeeds for
    one process only."""
    import optuna
    from optuna.trial import TrialState

    claimed = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
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


def run_records(study: dict) -> list[dict]:
    """A finished study's runs as records, in order (a study of :func:`run_studies`)."""
    return [{k: v for k, v in t.items() if k not in {"number", "index"}} for t in study["trials"]]


def _study_record(study) -> dict:
    from optuna.trial import TrialState

    done = {}  # by index: the first to finish (a rare race may run one twice)
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
