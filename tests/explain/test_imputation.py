"""The conditional Gaussian draw that removes features without leaving the data."""

import pytest
import torch

from glassbox.explain.imputation import GaussianImputer


def _correlated(rows: int = 5000, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(rows, generator=g)
    b = a + 0.1 * torch.randn(rows, generator=g)  # b is nearly a
    c = torch.randn(rows, generator=g)  # independent of both
    return torch.stack([a, b, c], dim=1)


def test_a_removed_feature_is_drawn_from_what_the_kept_ones_say_about_it():
    imputer = GaussianImputer(_correlated())
    X = torch.tensor([[2.0, 0.0, 0.5]]).repeat(4000, 1)
    removed = torch.tensor([[False, True, False]]).repeat(4000, 1)
    drawn = imputer.impute(X, removed, torch.Generator().manual_seed(1))
    assert torch.equal(drawn[:, [0, 2]], X[:, [0, 2]])  # the kept ones are untouched
    assert drawn[:, 1].mean() == pytest.approx(2.0, abs=0.02)  # E[b | a = 2] = 2
    assert drawn[:, 1].std() == pytest.approx(0.1, abs=0.01)  # the conditional spread
    # An independent feature is drawn from its own distribution (given a row like the data).
    X = torch.tensor([[2.0, 2.0, 0.5]]).repeat(4000, 1)
    removed_c = torch.tensor([[False, False, True]]).repeat(4000, 1)
    other = imputer.impute(X, removed_c, torch.Generator().manual_seed(1))[:, 2]
    assert other.mean() == pytest.approx(0.0, abs=0.05) and other.std() == pytest.approx(
        1.0, abs=0.05
    )


def test_nothing_removed_everything_removed_seeded_and_refused_uneven_masks():
    imputer = GaussianImputer(_correlated())
    X = torch.randn(6, 3, generator=torch.Generator().manual_seed(2))
    none = torch.zeros(6, 3, dtype=torch.bool)
    assert torch.equal(imputer.impute(X, none, torch.Generator()), X)
    every = torch.ones(6, 3, dtype=torch.bool)
    first = imputer.impute(X, every, torch.Generator().manual_seed(3))
    assert torch.equal(first, imputer.impute(X, every, torch.Generator().manual_seed(3)))
    assert not torch.equal(first, imputer.impute(X, every, torch.Generator().manual_seed(4)))
    uneven = torch.tensor([[True, False, False], [True, True, False]] * 3)
    with pytest.raises(ValueError, match="same number of removed features"):
        imputer.impute(X, uneven, torch.Generator())


def test_constant_and_duplicated_columns_do_not_break_it():
    X_train = _correlated()
    X_train = torch.cat([X_train, torch.zeros(len(X_train), 1), X_train[:, :1]], dim=1)
    imputer = GaussianImputer(X_train)
    removed = torch.tensor([[True, False, True, False, True]]).repeat(10, 1)
    drawn = imputer.impute(X_train[:10], removed, torch.Generator().manual_seed(0))
    assert torch.isfinite(drawn).all()


@pytest.mark.parametrize("removed_count", [1, 2, 4, 5, 6])
def test_every_draw_has_the_textbook_conditional_mean_and_covariance(removed_count):
    """Few removed (through the precision matrix), few kept (Matheron's rule), none kept:
    the draws' mean and covariance are the conditional Gaussian's,
    mu_g + C_gk C_kk^-1 (x_k - mu_k) and C_gg - C_gk C_kk^-1 C_kg."""
    g = torch.Generator().manual_seed(5)
    X_train = torch.randn(4000, 6, generator=g) @ torch.randn(6, 6, generator=g)
    imputer = GaussianImputer(X_train)
    rows = 40_000
    gone = torch.tensor([5, 0, 3, 1, 4, 2][:removed_count])
    kept = torch.tensor([i for i in range(6) if i not in gone.tolist()], dtype=torch.long)
    removed = torch.zeros(rows, 6, dtype=torch.bool)
    removed[:, gone] = True
    x = X_train[7].double()
    drawn = imputer.impute(x.repeat(rows, 1), removed, torch.Generator().manual_seed(6))
    c, mu = imputer.cov, imputer.mean
    c_gk = c[gone][:, kept]
    weights = c_gk @ torch.linalg.inv(c[kept][:, kept]) if len(kept) else c_gk
    mean = mu[gone] + (weights @ (x[kept] - mu[kept]) if len(kept) else 0)
    cov = c[gone][:, gone] - (weights @ c_gk.T if len(kept) else 0)
    sample = drawn[:, gone]
    assert torch.equal(drawn[:, kept], x.repeat(rows, 1)[:, kept])
    sd = cov.diagonal().sqrt()
    assert ((sample.mean(dim=0) - mean).abs() / sd).max() < 0.03  # 6 standard errors
    found = torch.cov(sample.T).reshape(len(gone), len(gone))
    assert ((found - cov).abs() / torch.outer(sd, sd)).max() < 0.04
