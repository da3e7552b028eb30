import numpy as np
import pandas as pd
import pytest

from glassbox.errors import InputDataError
from glassbox.prepare.params import DataProcessingParams
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.prepare.splitting import stratified_split
from glassbox.prepare.validation import validate_raw_table
from glassbox.tasks import resolve_task


def _table(target) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.normal(size=len(target)), "y": target})


@pytest.mark.parametrize(
    ("target", "task"),
    [
        (np.arange(200) * 1.5, "regression"),  # numeric, many values
        (np.arange(200) % 10, "classification"),  # numeric, few values (digits)
        (np.array(["a", "b"] * 100), "classification"),
        (np.arange(200) % 2 == 0, "classification"),  # booleans
    ],
)
def test_auto_picks_the_task_and_says_why(target, task):
    chosen, reason = resolve_task(_table(target)["y"])
    assert chosen == task
    assert "'y'" in reason and "distinct values" in reason


def test_an_explicit_task_wins():
    params = DataProcessingParams(target="y", task="classification")
    assert resolve_task(_table(np.arange(200) * 1.5)["y"], params.task)[0] == "classification"


def test_a_regression_target_with_text_is_named():
    target = pd.Series(np.arange(60) * 1.5, dtype=object)
    target[4] = "n/a"
    params = DataProcessingParams(target="y", task="regression")
    with pytest.raises(InputDataError, match=r"column 'y' must hold numbers .* row 4: 'n/a'"):
        validate_raw_table(_table(target), params)


def test_regression_split_keeps_the_spread_of_values():
    table = _table(np.random.default_rng(1).exponential(size=1000))
    train, val, test = stratified_split(table, "y", 0.2, 0.1, 0, task="regression")
    assert len(test) == 200 and len(val) == 100
    for part in (train, test):  # each part's quartiles close to the whole's
        assert np.allclose(
            part.y.quantile([0.25, 0.5, 0.75]), table.y.quantile([0.25, 0.5, 0.75]), rtol=0.15
        )


def test_the_target_is_standardised_and_restored():
    table = _table(np.linspace(100, 300, 200))
    params = DataProcessingParams(target="y", task="regression")
    prep = Preprocessor.fit(table, params, ["x"], [], task="regression")
    codes = prep.encode_labels(table["y"])
    assert abs(codes.mean()) < 1e-9 and abs(codes.std() - 1) < 1e-9
    np.testing.assert_allclose(prep.decode_values(codes), table["y"])
    assert prep.classes == []
    restored = Preprocessor.from_dict(prep.to_dict())
    assert restored.task == "regression" and restored.target_scale == prep.target_scale
