"""What the review finds before fitting (glassbox.prepare.review): identifiers dropped,
what is only suspicious warned about."""

import numpy as np
import pandas as pd

from glassbox.pipelines.data_processing.nodes import fit_preprocessor
from glassbox.prepare.review import review_columns


def _sorted_export(rows: int = 400) -> pd.DataFrame:
    """A table sorted by its target, exported with its row number (as R writes it), and an
    unnamed counter of its own; then a sample of the rows, as a training split is."""
    rng = np.random.default_rng(0)
    price = np.sort(rng.gamma(2.0, 2000.0, rows))
    table = pd.DataFrame(
        {
            "Unnamed: 0": np.arange(rows),
            "n": np.arange(1, rows + 1),  # no telling name: a counter by its values
            "carat": price / 4000 + rng.normal(0, 0.1, rows),
            "sku": [f"item-{i:05d}" for i in rng.permutation(rows)],
            "lot": rng.choice(100_000, rows, replace=False),  # distinct, far from a counter
            "weight": rng.normal(0, 1, rows),
            "price": price,
        }
    )
    return table.sample(frac=0.7, random_state=1)


def test_identifiers_by_name_by_counting_the_rows_or_by_distinct_text_are_found():
    train = _sorted_export()
    review = review_columns(train, [c for c in train.columns if c != "price"])
    assert review.identifiers == {
        "Unnamed: 0": "its name",
        "n": "the row's number in the table plus a constant: a row counter",
        "sku": "a distinct text in every row",
    }
    assert review.possible_identifiers == {"lot": "a distinct whole number in every row"}
    assert "weight" not in review.identifiers and "carat" not in review.identifiers
    # A counter whose rows were shuffled after numbering still counts them.
    shuffled = train.assign(n=np.random.default_rng(2).permutation(train["n"].to_numpy()))
    shuffled = shuffled.reset_index(drop=True).sample(frac=1.0, random_state=3)
    assert "row counter" in review_columns(shuffled, ["n"]).identifiers["n"]


def test_identifiers_are_dropped_before_fitting_unless_kept_and_the_card_can_say_so(make_params):
    train = _sorted_export()
    params = make_params(target="price", task="regression")
    fitted = fit_preprocessor(train, params, "regression")
    assert set(fitted.dropped_identifiers) == {"Unnamed: 0", "n", "sku"}
    assert not {"Unnamed: 0", "n", "sku"} & set(fitted.feature_names)
    assert "lot" in fitted.feature_names  # only suspicious: warned, kept
    assert any("'lot' may be an identifier" in w for w in fitted.data_warnings)

    kept = fit_preprocessor(train, make_params(target="price", keep_columns=["n"]), "regression")
    assert "n" in kept.feature_names and "n" not in kept.dropped_identifiers
    suspect = make_params(target="price", drop_suspect_columns=True, keep_columns=["lot"])
    assert "lot" in fit_preprocessor(train, suspect, "regression").feature_names
