"""Stratified train / validation / test split with a seed."""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split


def stratified_split(
    table: pd.DataFrame, target: str, test_size: float, val_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split ``table`` into train, validation and test parts, each with the class mix of the whole.

    ``test_size`` and ``val_size`` are shares of the whole table: test is cut first, then
    validation from the rest, so the test split is the same whatever ``val_size`` is.
    """
    rest, test = train_test_split(
        table, test_size=test_size, stratify=table[target], random_state=seed
    )
    train, val = train_test_split(
        rest, test_size=val_size / (1 - test_size), stratify=rest[target], random_state=seed
    )
    return train, val, test
