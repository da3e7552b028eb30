"""The synthetic table of the scale benchmark: seeded, in the documented shape, learnable."""

import pandas as pd
from sklearn.linear_model import LogisticRegression

from glassbox.prepare.synthetic import TARGET, write_synthetic_parquet


def test_a_seeded_table_of_the_asked_shape_that_a_linear_model_can_learn(tmp_path):
    args = {"rows": 2_500, "features": 10, "classes": 3, "seed": 1, "chunk_rows": 1_000}
    table = pd.read_parquet(write_synthetic_parquet(tmp_path / "a.parquet", **args))
    assert table.shape == (2_500, 11)
    assert list(table.columns[:2]) == ["x000", "x001"] and table.columns[-1] == TARGET
    shares = table[TARGET].value_counts(normalize=True)
    assert set(shares.index) == {"class_0", "class_1", "class_2"} and shares.min() > 0.1
    again = pd.read_parquet(write_synthetic_parquet(tmp_path / "b.parquet", **args))
    pd.testing.assert_frame_equal(table, again)
    other = pd.read_parquet(write_synthetic_parquet(tmp_path / "c.parquet", **args | {"seed": 2}))
    assert not table.equals(other)

    X, y = table.drop(columns=TARGET), table[TARGET]
    model = LogisticRegression(max_iter=500).fit(X[:2000], y[:2000])
    assert 0.7 < model.score(X[2000:], y[2000:]) < 1.0  # learnable, with noise
