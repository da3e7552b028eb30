import numpy as np
import pandas as pd
import pytest

from glassbox.errors import InputDataError
from glassbox.prepare.validation import column_roles, validate_raw_table


def _table(n=40):
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {"a": rng.normal(size=n), "b": rng.choice(["x", "y"], n), "label": np.arange(n) % 2}
    )


def test_a_good_table_passes_and_keeps_features_then_target(make_params):
    table = validate_raw_table(_table(), make_params())
    assert list(table.columns) == ["a", "b", "label"]


def test_column_roles_follow_dtypes_and_the_explicit_list(make_params):
    table = _table().assign(code=lambda t: np.arange(len(t)) % 3)
    roles = column_roles(table, make_params(categorical_columns=["code"]))
    assert roles.numeric == ["a"] and roles.categorical == ["b", "code"]


@pytest.mark.parametrize(
    ("mutate", "override", "message"),
    [
        (lambda t: t.iloc[0:0], {}, "raw_data is empty"),
        (lambda t: t.drop(columns="label"), {}, "target column 'label'"),
        (lambda t: t.assign(label=1), {}, "has one class only"),
        (lambda t: t.assign(label=[0] * 38 + [1, 1]), {}, "fewer than 5 rows"),
        (lambda t: t.assign(a=t["a"].where(t.index != 3, np.inf)), {}, "'a' contains infinite"),
        (
            lambda t: t.assign(a=t["a"].astype(object).where(t.index != 2, "n/a")),
            {},
            "'a' is a numeric column with non-numeric text",
        ),
        (
            lambda t: t.assign(a=t["a"].where(t.index != 5)),
            {"missing_values": "error"},
            "'a' has missing values but data_processing.missing_values is 'error'",
        ),
        (
            lambda t: t.assign(label=t["label"].astype(float).where(t.index != 1)),
            {},
            "'label' has missing labels",
        ),
        (lambda t: t, {"drop_columns": ["nope"]}, "drop_columns names columns"),
        (
            lambda t: t.assign(b=[f"id{i}" for i in range(len(t))]),
            {"max_categories": 10},
            "'b' has more than 10",
        ),
        (lambda t: t[["label"]], {}, "no feature columns"),
    ],
)
def test_bad_tables_fail_with_a_message_naming_the_problem(make_params, mutate, override, message):
    with pytest.raises(InputDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_raw_table(mutate(_table()), make_params(**override))


def test_all_problems_are_reported_at_once(make_params):
    table = _table().assign(a=lambda t: t["a"].where(t.index != 3, np.inf), label=1)
    with pytest.raises(InputDataError) as err:
        validate_raw_table(table, make_params())
    assert "infinite" in str(err.value) and "one class only" in str(err.value)


def test_numbers_stored_as_text_become_numbers(make_params):
    table = _table().assign(a=lambda t: t["a"].round(3).astype(str))
    valid = validate_raw_table(table, make_params())
    assert pd.api.types.is_float_dtype(valid["a"])


def test_a_file_read_with_the_wrong_delimiter_is_named(make_params):
    table = pd.DataFrame({"a;b;label": ["1;2;x", "3;4;y"]})
    with pytest.raises(InputDataError, match=r"delimited by ';'.*load_args: \{sep: ';'\}"):
        validate_raw_table(table, make_params())


def test_duplicate_column_names_are_named_but_a_lone_dotted_name_is_fine(make_params):
    table = pd.DataFrame({"x": [1.0, 2.0] * 10, "x.1": [3.0, 4.0] * 10, "label": ["a", "b"] * 10})
    with pytest.raises(InputDataError, match=r"duplicate column names: \['x'\]"):
        validate_raw_table(table, make_params())
    validate_raw_table(table.drop(columns="x"), make_params())


def test_a_file_cut_short_mid_row_is_named(make_params):
    table = pd.DataFrame(
        {"a": [1.0] * 20, "b": [2.0] * 19 + [np.nan], "label": ["x", "y"] * 9 + ["x", np.nan]}
    )
    with pytest.raises(InputDataError, match=r"last row .* first 1 of 3 columns only"):
        validate_raw_table(table, make_params())
