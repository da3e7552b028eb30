import pandas as pd
import pytest

from glassbox.errors import InputDataError
from glassbox.prepare.model_input import check_features, check_model_fits
from glassbox.prepare.preprocessing import Preprocessor
from glassbox.training.architectures import build_model


@pytest.fixture
def preprocessor(mixed_table, make_params) -> Preprocessor:
    features = mixed_table.drop(columns="kind")
    numeric = [c for c in features if c != "colour"]
    return Preprocessor.fit(mixed_table, make_params(target="kind"), numeric, ["colour"])


def test_features_in_the_preprocessors_order_pass(preprocessor):
    X = pd.DataFrame(columns=preprocessor.feature_names)
    check_features(preprocessor, X_test=X)


def test_another_order_names_the_first_misplaced_column(preprocessor):
    names = preprocessor.feature_names
    X = pd.DataFrame(columns=[names[1], names[0], *names[2:]])
    with pytest.raises(InputDataError, match=rf"X_val's .* column 0 is '{names[1]}' where"):
        check_features(preprocessor, X_val=X)


def test_missing_and_extra_columns_are_listed(preprocessor):
    X = pd.DataFrame(columns=[*preprocessor.feature_names[1:], "surprise"])
    with pytest.raises(
        InputDataError, match=r"missing \['Size \(cm\)'\], unexpected \['surprise'\]"
    ):
        check_features(preprocessor, X_test=X)


def test_a_model_of_other_shapes_does_not_fit(preprocessor):
    n_features, n_classes = len(preprocessor.feature_names), len(preprocessor.classes)
    fitting = {"name": "mlp", "input_dim": n_features, "hidden_sizes": [8], "output_dim": n_classes}
    check_model_fits(build_model(fitting), preprocessor)
    with pytest.raises(
        InputDataError, match=rf"takes {n_features + 1} features .* has {n_features}"
    ):
        check_model_fits(build_model({**fitting, "input_dim": n_features + 1}), preprocessor)
    with pytest.raises(
        InputDataError, match=rf"takes 7 classes but the preprocessor has {n_classes}"
    ):
        check_model_fits(build_model({**fitting, "output_dim": 7}), preprocessor)
