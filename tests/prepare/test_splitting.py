import numpy as np
import pandas as pd

from glassbox.prepare.example import digits_table
from glassbox.prepare.splitting import stratified_split


def test_digits_test_split_is_a_fifth_of_each_class():
    table = digits_table()
    train, val, test = stratified_split(table, "digit", 0.2, 0.1, seed=42)
    assert len(train) + len(val) + len(test) == len(table)
    assert not set(train.index) & set(test.index) and not set(val.index) & set(test.index)
    per_class = table["digit"].value_counts()
    in_test = test["digit"].value_counts()
    assert ((in_test - 0.2 * per_class).abs() <= 1).all()


def test_split_is_deterministic_for_a_seed_and_changes_with_it():
    table = pd.DataFrame({"x": np.arange(200), "y": np.arange(200) % 4})
    first = stratified_split(table, "y", 0.2, 0.1, seed=3)
    again = stratified_split(table, "y", 0.2, 0.1, seed=3)
    other = stratified_split(table, "y", 0.2, 0.1, seed=4)
    assert all(a.index.equals(b.index) for a, b in zip(first, again, strict=True))
    assert not first[2].index.equals(other[2].index)
