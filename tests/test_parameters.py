import pytest
from pydantic import ValidationError

from glassbox.parameters import DataProcessingParams


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
