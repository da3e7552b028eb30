"""Classification or regression: what each task means for the model (its outputs, its
validation score), and which one a table asks for (from the parameters or the target).

The rest of glassbox asks the task object (``get_task(name)``) instead of branching on the
task's name."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from glassbox.registries import check_name

log = logging.getLogger(__name__)


# Regression targets are stratified on this many quantile bins (fewer for small tables).
QUANTILE_BINS = 10


@dataclass(frozen=True)
class Task:
    """What a task means for the model: how many outputs, which validation score."""

    name: str
    score: str  # the score's key in histories and reports: "accuracy" or "rmse"
    score_label: str  # how a reader sees it
    score_phrase: str  # the same in a sentence
    higher_is_better: bool
    target_dtype: str  # the target as the model trains on it: class codes, or values
    predicts_classes: bool  # outputs are class scores (labels, probabilities, per class)
    # The figures `dvc metrics show` and `dvc exp show` list: one screen wide. The first is
    # the score that ranks baselines (as ``score``).
    headline_metrics: tuple[str, ...]
    # What the trust checks' deletion curves follow as features are removed: how far the
    # model's own output moves (glassbox.explain.trust), its key and how a reader sees it.
    deletion_score: str
    deletion_label: str

    def output_change(self, raw, intact, explained, target_scale: float) -> float:
        """Mean over rows of how far the model's explained output on (partly removed) rows
        (raw output ``raw``) lies from its output on the intact rows (``intact``)."""
        raise NotImplementedError

    def output_dim(self, n_classes: int) -> int:
        raise NotImplementedError

    def outputs(self, raw):
        """The model's raw output as the loss and the score take it."""
        raise NotImplementedError

    def score_of(self, outputs, y):
        """The score over the last dimension of ``outputs`` (several models' stacked
        outputs give one score each), in the model's units (see ``in_target_units``)."""
        raise NotImplementedError

    def in_target_units(self, score: float, target_scale: float) -> float:
        return score

    def strata(self, target: pd.Series) -> pd.Series:
        """What a split keeps in proportion."""
        raise NotImplementedError


class Classification(Task):
    def strata(self, target: pd.Series) -> pd.Series:
        return target  # the classes

    def output_dim(self, n_classes: int) -> int:
        return n_classes

    def outputs(self, raw):
        return raw  # logits, one per class

    def score_of(self, outputs, y):
        return (outputs.argmax(dim=-1) == y).float().mean(dim=-1)  # accuracy

    def output_change(self, raw, intact, explained, target_scale: float) -> float:
        # The probability the model gives the explained class, not accuracy: on a table
        # with a rare class, a model whose inputs are removed falls back to the majority
        # class, which keeps accuracy high (or raises it) whatever was removed, while the
        # probability moves with what the model relied on.
        rows = range(len(explained))
        now = raw.softmax(dim=-1)[rows, explained]
        return float((now - intact.softmax(dim=-1)[rows, explained]).abs().mean())


class Regression(Task):
    def strata(self, target: pd.Series) -> pd.Series:
        """The target's quantile bins (fewer for small tables)."""
        bins = max(2, min(QUANTILE_BINS, len(target) // 20))
        return pd.qcut(pd.to_numeric(target), q=bins, labels=False, duplicates="drop")

    def output_dim(self, n_classes: int) -> int:
        return 1

    def outputs(self, raw):
        return raw.squeeze(-1)  # one value per row

    def score_of(self, outputs, y):
        return (outputs - y).pow(2).mean(dim=-1).sqrt()  # RMSE of the scaled target

    def in_target_units(self, score: float, target_scale: float) -> float:
        return score * target_scale

    def output_change(self, raw, intact, explained, target_scale: float) -> float:
        change = (self.outputs(raw) - self.outputs(intact)).abs().mean()
        return self.in_target_units(float(change), target_scale)


CLASSIFICATION, REGRESSION = "classification", "regression"

TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Classification(
            CLASSIFICATION,
            score="accuracy",
            score_label="accuracy",
            score_phrase="accuracy",
            higher_is_better=True,
            target_dtype="int64",
            predicts_classes=True,
            headline_metrics=("accuracy", "f1_macro", "log_loss", "roc_auc_ovr"),
            deletion_score="probability_change",
            deletion_label="the probability of the explained class",
        ),
        Regression(
            REGRESSION,
            score="rmse",
            score_label="RMSE",
            score_phrase="the RMSE",
            higher_is_better=False,
            target_dtype="float32",
            predicts_classes=False,
            headline_metrics=("rmse", "mae", "r2"),
            deletion_score="prediction_change",
            deletion_label="the prediction",
        ),
    )
}


DEFAULT_TASK = CLASSIFICATION


def get_task(name: str) -> Task:
    return TASKS[check_name(name, TASKS, "task")]


# A numeric target with more distinct values than this is taken for a quantity to predict.
REGRESSION_MIN_DISTINCT = 20


def resolve_task(target: pd.Series, configured: str = "auto") -> tuple[str, str]:
    """The task and why it was chosen: ``configured`` (data_processing.task) unless it is
    auto, else what the ``target`` column's values say."""
    if configured != "auto":
        return configured, f"data_processing.task is {configured!r}"
    distinct = int(target.nunique())
    numeric = pd.api.types.is_numeric_dtype(target) and not pd.api.types.is_bool_dtype(target)
    if numeric and distinct > REGRESSION_MIN_DISTINCT:
        return REGRESSION, (
            f"target {target.name!r} is numeric with {distinct} distinct values "
            f"(more than {REGRESSION_MIN_DISTINCT})"
        )
    kind = "numeric" if numeric else "not numeric"
    return CLASSIFICATION, (
        f"target {target.name!r} is {kind} with {distinct} distinct values"
        + (f" (at most {REGRESSION_MIN_DISTINCT})" if numeric else "")
    )


def log_task(target: pd.Series, configured: str = "auto") -> str:
    task, reason = resolve_task(target, configured)
    log.info("task: %s, because %s; set data_processing.task to choose", task, reason)
    return task
