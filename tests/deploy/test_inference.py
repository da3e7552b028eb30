import numpy as np
import pandas as pd
import pytest

from glassbox.deploy.inference import check_rows, model_input, top_attributions
from glassbox.errors import InputDataError
from glassbox.prepare.preprocessing import Preprocessor


@pytest.fixture
def preprocessor(mixed_table, make_params) -> Preprocessor:
    numeric = ["Size (cm)", "weight_kg", "constant"]
    return Preprocessor.fit(mixed_table, make_params(target="kind"), numeric, ["colour"])


def test_rows_without_the_label_and_with_extra_columns_are_accepted(preprocessor, mixed_table):
    rows = mixed_table.drop(columns="kind").assign(note="ignored")
    X = model_input(rows, preprocessor)
    assert list(X.columns) == preprocessor.feature_names
    expected = preprocessor.transform_features(mixed_table)
    np.testing.assert_array_equal(X.to_numpy(), expected.to_numpy())


def test_a_missing_feature_column_is_named(preprocessor, mixed_table):
    with pytest.raises(InputDataError, match=r"lacks feature columns .*\['weight_kg'\]"):
        check_rows(mixed_table.drop(columns=["kind", "weight_kg"]), preprocessor)


def test_text_in_a_numeric_column_is_named_with_its_rows(preprocessor, mixed_table):
    rows = mixed_table.astype({"weight_kg": object})
    rows.loc[3, "weight_kg"] = "heavy"
    with pytest.raises(InputDataError, match=r"'weight_kg' must hold numbers \(row 3: 'heavy'\)"):
        check_rows(rows, preprocessor)


def test_numbers_written_as_text_are_read_as_numbers(preprocessor, mixed_table):
    rows = mixed_table.astype({"weight_kg": str}).replace({"weight_kg": {"nan": None}})
    np.testing.assert_allclose(
        model_input(rows, preprocessor).to_numpy(),
        preprocessor.transform_features(mixed_table).to_numpy(),
        rtol=1e-6,
    )


def test_no_rows_is_an_error(preprocessor, mixed_table):
    with pytest.raises(InputDataError, match="has no rows"):
        check_rows(mixed_table.iloc[:0], preprocessor)


def test_an_unseen_category_encodes_as_no_category(preprocessor, mixed_table):
    rows = mixed_table.head(3).assign(colour="purple")
    X = model_input(rows, preprocessor)
    assert (X[[c for c in X.columns if c.startswith("colour=")]].to_numpy() == 0).all()


def test_prediction_table_uses_the_original_labels(preprocessor):
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    table = preprocessor.prediction_table(probabilities)
    classes = preprocessor.classes
    assert list(table["prediction"]) == [classes[0], classes[2]]
    assert list(table.columns) == ["prediction", *[f"probability_{c}" for c in classes]]


def test_top_attributions_are_the_largest_in_magnitude_with_their_sign():
    values = np.array([[0.1, -0.9, 0.5], [2.0, 0.0, -3.0]])
    table = top_attributions(values, ["a", "b", "c"], 2)
    assert list(table["feature_1"]) == ["b", "c"]
    assert list(table["attribution_1"]) == [-0.9, -3.0]
    assert list(table["feature_2"]) == ["c", "a"]
    pd.testing.assert_series_equal(
        table["attribution_2"], pd.Series([0.5, 2.0], name="attribution_2")
    )
