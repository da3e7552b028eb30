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


def _credit_cards(rows: int = 1319, holders_without_spending: float = 0.03) -> pd.DataFrame:
    """A CreditCard-like table: spending that only card holders can have (a leak), its share
    of income (a leak too), and honest columns."""
    rng = np.random.default_rng(0)
    card = rng.random(rows) < 0.78
    spends = card & (rng.random(rows) > holders_without_spending)
    expenditure = np.where(spends, rng.gamma(2.0, 100.0, rows), 0.0)
    income = rng.normal(3.0, 1.0, rows) + 0.3 * card
    return pd.DataFrame(
        {
            "income": income,
            "age": rng.integers(18, 80, rows),
            "owner": rng.choice(["yes", "no"], rows),
            "expenditure": expenditure,
            "share": expenditure / (income.clip(0.5) * 1000),
            "card": np.where(card, "yes", "no"),
        }
    )


def test_a_column_that_alone_predicts_the_target_or_that_the_target_fixes_is_a_probable_leak():
    table = _credit_cards()
    features = ["income", "age", "owner", "expenditure", "share"]
    review = review_columns(table, features, target="card", classes=True)
    assert set(review.leaks) == {"expenditure", "share"}
    assert "alone it predicts 'card' with balanced accuracy 0.9" in review.leaks["expenditure"]
    assert review.suspect_columns() == ["expenditure", "share"]
    # Spending that a third of holders do not have: no longer near-perfect alone, yet every
    # row without a card has none of it: the target fixes it.
    weaker = _credit_cards(holders_without_spending=0.3)
    found = review_columns(weaker, ["income", "expenditure"], target="card").leaks
    assert list(found) == ["expenditure"]
    assert "100% of the rows with card = 'no' have expenditure = 0.0" in found["expenditure"]
    # A kept column is not judged.
    assert "share" not in review_columns(table, features, ["share"], "card").leaks


def test_a_regression_leak_is_named_by_its_r2_and_honest_tables_have_none():
    from sklearn.datasets import load_digits

    rng = np.random.default_rng(1)
    price = rng.gamma(2.0, 2000.0, 2000)
    table = pd.DataFrame(
        {
            "carat": price / 4000 + rng.normal(0, 0.25, 2000),  # strong, not a copy
            "price_per_carat_times_carat": price * (1 + rng.normal(0, 0.01, 2000)),
            "depth": rng.normal(60, 2, 2000),
            "price": price,
        }
    )
    leaks = review_columns(
        table, ["carat", "price_per_carat_times_carat", "depth"], target="price", classes=False
    ).leaks
    assert list(leaks) == ["price_per_carat_times_carat"]
    assert "with R² 0.9" in leaks["price_per_carat_times_carat"]
    digits = load_digits(as_frame=True).frame
    pixels = [c for c in digits.columns if c != "target"]
    for rows in (digits, digits.sample(frac=0.7, random_state=0)):  # as a training split
        assert review_columns(rows, pixels, target="target").leaks == {}


def test_drop_suspect_columns_drops_a_probable_leak_and_the_class_shares_are_kept(make_params):
    from glassbox.prepare.review import class_balance

    table = _credit_cards()
    fitted = fit_preprocessor(table, make_params(target="card"), "classification")
    assert set(fitted.probable_leaks) == {"expenditure", "share"}
    assert {"expenditure", "share"} <= set(fitted.input_columns)
    assert any("'expenditure' is a probable leak" in w for w in fitted.data_warnings)
    dropped = fit_preprocessor(
        table, make_params(target="card", drop_suspect_columns=True), "classification"
    )
    assert not {"expenditure", "share"} & set(dropped.feature_names)

    balance = class_balance(table["card"])
    assert not balance.imbalanced and balance.warning() is None  # 22 % of two classes
    rare = class_balance(pd.Series(["No"] * 967 + ["Yes"] * 33))
    assert rare.imbalanced and rare.minority == "Yes"
    assert rare.line() == "class shares in the training rows: No 96.7%, Yes 3.3%"
    assert "class 'Yes' holds 3.3% of the training rows" in rare.warning()
    # Ten classes: 100 rows of the rarest beside 1,000 of the largest is rare; 120 is not.
    ten = pd.Series([str(d) for d in range(9) for _ in range(1000)] + ["9"] * 100)
    assert class_balance(ten).imbalanced and class_balance(ten).minority == "9"
    assert not class_balance(pd.concat([ten, pd.Series(["9"] * 20)])).imbalanced
