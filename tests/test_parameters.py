import pytest
from pydantic import ValidationError

from glassbox.prepare.params import DataProcessingParams


def test_defaults_are_valid():
    params = DataProcessingParams(target="y")
    assert params.test_size == 0.2 and params.missing_values == "impute"


@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        ({"missing_values": "sometimes"}, "missing_values", "'impute' or 'error'"),
        ({"scaling": "minmax"}, "scaling", "'standard' or 'none'"),
        ({"test_size": 1.5}, "test_size", "less than 1"),
        ({"min_rows_per_class": 1}, "min_rows_per_class", "greater than or equal to 3"),
        ({"test_size": 0.5, "val_size": 0.45}, "", "below 0.9"),
        ({"tests_size": 0.3}, "tests_size", "Extra inputs are not permitted"),
        ({"target": ""}, "target", "at least 1 character"),
    ],
)
def test_bad_values_name_the_key_and_what_is_allowed(override, key, expected):
    with pytest.raises(ValidationError) as err:
        DataProcessingParams(**{"target": "y", **override})
    assert key in str(err.value)
    assert expected in str(err.value)


from glassbox.training.params import TrainingParams  # noqa: E402


def test_training_defaults_are_the_documented_ones():
    params = TrainingParams()
    assert params.model.hidden_sizes == [64, 32] and params.optimizer.name == "adam"


@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        ({"optimizer": {"name": "lion"}}, "optimizer.name", "'sgd', 'momentum', 'nesterov'"),
        ({"scheduler": {"name": "warmup"}}, "scheduler.name", "'none', 'step', 'cosine'"),
        ({"optimizer": {"lr": 0}}, "optimizer.lr", "greater than 0"),
        ({"optimizer": {"lr": -0.1}}, "optimizer.lr", "greater than 0"),
        ({"epochs": 0}, "epochs", "greater than or equal to 1"),
        ({"batch_size": 0}, "batch_size", "greater than or equal to 1"),
        ({"model": {"hidden_sizes": [64, 0]}}, "model", "hidden_sizes must all be at least 1"),
        ({"device": "tpu"}, "device", "'auto', 'cpu' or 'cuda'"),
    ],
)
def test_bad_training_values_name_the_key_and_what_is_allowed(override, key, expected):
    with pytest.raises(ValidationError) as err:
        TrainingParams(**override)
    assert key in str(err.value)
    assert expected in str(err.value)
