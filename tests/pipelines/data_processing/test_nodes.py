import numpy as np
import pandas as pd

from glassbox.pipelines.data_processing.nodes import (
    fit_preprocessor,
    split_data,
    transform_rows,
    validate_raw_data,
)


def test_validate_raw_data_keeps_features_and_target(mixed_table, make_params):
    table = validate_raw_data(mixed_table, make_params(target="kind"))
    assert table.columns[-1] == "kind" and len(table) == len(mixed_table)


def test_split_data_returns_three_disjoint_parts(mixed_table, make_params):
    train, val, test = split_data(mixed_table, make_params(target="kind"))
    assert len(train) + len(val) + len(test) == len(mixed_table)
    assert set(train.index).isdisjoint(test.index) and set(val.index).isdisjoint(test.index)


def test_fit_preprocessor_finds_roles_from_the_rows(mixed_table, make_params):
    prep = fit_preprocessor(mixed_table, make_params(target="kind"))
    assert prep.numeric_columns == ["Size (cm)", "weight_kg"]
    assert prep.categorical_columns == ["colour"]


def test_transform_rows_gives_named_float_features_and_label_codes(mixed_table, make_params):
    prep = fit_preprocessor(mixed_table, make_params(target="kind"))
    X, y = transform_rows(mixed_table, prep)
    assert list(X.columns) == prep.feature_names and not X.isna().any().any()
    assert list(y.columns) == ["kind"] and set(y["kind"]) == {0, 1, 2}
    assert pd.api.types.is_integer_dtype(y["kind"]) and X.dtypes.eq(np.float32).all()
