"""Stratified train / validation / test split with a seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from glassbox.tasks import DEFAULT_TASK, get_task


def strata(target: pd.Series, task: str) -> pd.Series:
    """What the split keeps in proportion: the classes, or the target's quantile bins."""
    return get_task(task).strata(target)


def stratified_split(
    table: pd.DataFrame,
    target: str,
    test_size: float,
    val_size: float,
    seed: int,
    task: str = DEFAULT_TASK,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split ``table`` into train, validation and test parts, each with the class mix (or,
    for regression, the spread of target values) of the whole.

    ``test_size`` and ``val_size`` are shares of the whole table: test is cut first, then
    validation from the rest, so the test split is the same whatever ``val_size`` is.
    """
    # Row positions are split, not the table: splitting the table would copy it twice over
    # (the rest, then train and validation from it). The same positions, and so the same
    # rows in the same order, as splitting the table itself.
    from sklearn.model_selection import train_test_split  # (0.7 s to import: not at start)

    labels = table[target]
    rest, test = train_test_split(
        np.arange(len(table)),
        test_size=test_size,
        stratify=strata(labels, task),
        random_state=seed,
    )
    train, val = train_test_split(
        rest,
        test_size=val_size / (1 - test_size),
        stratify=strata(labels.iloc[rest], task),
        random_state=seed,
    )
    return table.iloc[train], table.iloc[val], table.iloc[test]
