import json

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from glassbox.errors import InputDataError
from glassbox.prepare.params import DataProcessingParams
from glassbox.prepare.preprocessing import MISSING_CATEGORY, Preprocessor

NUMERIC, CATEGORICAL = ["Size (cm)", "weight_kg"], ["colour"]


def _fit(table, params):
    return Preprocessor.fit(table, params, NUMERIC + ["constant"], CATEGORICAL)


def test_transform_equals_scikit_learn(mixed_table, make_params):
    params = make_params(target="kind")
    train, new = mixed_table.iloc[:200], mixed_table.iloc[200:]
    ours = _fit(train, params)

    reference = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                CATEGORICAL,
            ),
        ]
    ).fit(train)
    expected = reference.transform(new)
    got = ours.transform_features(new)
    assert got.dtypes.eq(np.float32).all()
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-5, atol=1e-5)


def test_constant_columns_are_dropped_and_names_follow_encoding(mixed_table, make_params):
    prep = _fit(mixed_table, make_params(target="kind"))
    assert prep.dropped_columns == ["constant"]
    assert prep.feature_names == [
        "Size (cm)",
        "weight_kg",
        "colour=blue",
        "colour=green",
        "colour=red",
    ]
    assert prep.classes == ["big", "medium", "small"]


def test_unknown_categories_become_all_zero_rows(mixed_table, make_params):
    prep = _fit(mixed_table, make_params(target="kind"))
    rows = mixed_table.iloc[:2].assign(colour=["purple", "red"])
    encoded = prep.transform_features(rows)
    assert encoded.filter(like="colour=").sum(axis=1).tolist() == [0.0, 1.0]


def test_missing_category_policy_adds_a_level(mixed_table, make_params):
    prep = _fit(mixed_table, make_params(target="kind", categorical_imputation="missing_category"))
    assert f"colour={MISSING_CATEGORY}" in prep.feature_names


def test_scaling_uses_training_rows_only(mixed_table, make_params):
    train = mixed_table.iloc[:100]
    prep = _fit(train, make_params(target="kind", numeric_imputation="mean"))
    x = prep.transform_features(train)["Size (cm)"]
    assert abs(x.mean()) < 1e-5 and abs(x.std(ddof=0) - 1) < 1e-4
    assert prep.means[0] == pytest.approx(train["Size (cm)"].mean())


def test_labels_round_trip_and_unseen_labels_fail(mixed_table, make_params):
    prep = _fit(mixed_table, make_params(target="kind"))
    codes = prep.encode_labels(mixed_table["kind"])
    assert prep.decode_labels(codes) == mixed_table["kind"].tolist()
    with pytest.raises(InputDataError, match="labels not seen in training: \\['huge'\\]"):
        prep.encode_labels(pd.Series(["big", "huge"]))


def test_missing_feature_columns_are_named(mixed_table, make_params):
    prep = _fit(mixed_table, make_params(target="kind"))
    with pytest.raises(InputDataError, match="weight_kg"):
        prep.transform_features(mixed_table.drop(columns="weight_kg"))


def test_json_round_trip_gives_the_same_transformation(tmp_path, mixed_table, make_params):
    prep = _fit(mixed_table, make_params(target="kind"))
    path = tmp_path / "prep.json"
    prep.save(path)
    loaded = Preprocessor.load(path)
    assert loaded == prep
    pd.testing.assert_frame_equal(
        loaded.transform_features(mixed_table), prep.transform_features(mixed_table)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), (json.dumps({"format_version": 99}), "format_version 99")],
)
def test_corrupt_preprocessor_files_fail_clearly(tmp_path, content, message):
    path = tmp_path / "prep.json"
    path.write_text(content)
    with pytest.raises(InputDataError, match=message):
        Preprocessor.load(path)


@pytest.mark.parametrize("scaling", ["standard", "none"])
def test_the_recorded_training_mean_is_the_mean_of_the_transformed_training_rows(
    mixed_table, scaling
):
    params = DataProcessingParams(target="kind", scaling=scaling)
    numeric, categorical = ["Size (cm)", "weight_kg"], ["colour"]
    preprocessor = Preprocessor.fit(mixed_table, params, numeric, categorical)
    expected = preprocessor.transform_features(mixed_table).to_numpy(np.float64).mean(axis=0)
    np.testing.assert_allclose(preprocessor.input_means, expected, rtol=1e-5, atol=1e-6)
    assert preprocessor.input_means[-3:] != [0.0, 0.0, 0.0]  # one-hot shares of the colours
