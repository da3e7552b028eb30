"""Removing features without leaving the data: a draw from their conditional distribution.

The deletion check removes a row's top-ranked features and watches the score fall. Putting
the reference value (the training mean) in their place builds rows the model never saw, so
part of the fall may come from the odd row rather than from the lost information (the
concern behind ROAD, Rong et al., 2022, which imputes removed pixels from their
neighbours, with noise). Here the removed features are drawn from their distribution given
the kept ones, under a Gaussian fitted to the training rows in model input: mean
``mu_S + C_SK C_KK^-1 (x_K - mu_K)`` and covariance ``C_SS - C_SK C_KK^-1 C_KS``. This uses
every kept feature (not only a pixel's neighbours, so it serves tables too), keeps the
imputed values as correlated with the rest as the data are, and the noise hides which
features were removed. At each step of the curve every row has the same number of removed
features, so all rows are imputed by one batched solve.
"""

from __future__ import annotations

import torch

# Added to the covariance's diagonal (relative to its mean variance): constant and
# duplicated columns make it singular.
RIDGE = 1e-3


class GaussianImputer:
    def __init__(self, X_train: torch.Tensor) -> None:
        X = X_train.double()
        self.mean = X.mean(dim=0)
        centred = X - self.mean
        cov = centred.T @ centred / max(len(X) - 1, 1)
        scale = cov.diagonal().mean().clamp(min=1e-12)
        self.cov = cov + RIDGE * scale * torch.eye(len(cov), dtype=cov.dtype)

    def impute(
        self, X: torch.Tensor, removed: torch.Tensor, generator: torch.Generator
    ) -> torch.Tensor:
        """``X`` with the ``removed`` entries (a boolean mask, the same count in every row)
        replaced by a draw from their conditional distribution given the kept ones."""
        counts = removed.sum(dim=1)
        k = int(counts[0]) if len(counts) else 0
        if k == 0:
            return X
        if not (counts == k).all():
            raise ValueError("every row must have the same number of removed features")
        n, d = X.shape
        order = torch.argsort(removed.to(torch.int8), dim=1, descending=True, stable=True)
        gone, kept = order[:, :k], order[:, k:]  # (n, k), (n, d - k)
        x = X.double()
        mu_gone, mu_kept = self.mean[gone], self.mean[kept]
        noise = torch.randn(n, k, 1, generator=generator, dtype=torch.float64)
        if k == d:  # nothing kept: a draw from the whole distribution
            c_gg = self.cov[gone[:, :, None], gone[:, None, :]]
            draw = mu_gone + (torch.linalg.cholesky(c_gg) @ noise).squeeze(-1)
        else:
            c_kk = self.cov[kept[:, :, None], kept[:, None, :]]
            c_gk = self.cov[gone[:, :, None], kept[:, None, :]]
            c_gg = self.cov[gone[:, :, None], gone[:, None, :]]
            # C_gk C_kk^-1, through a solve with C_kk (symmetric): (C_kk^-1 C_kg)^T.
            weights = torch.linalg.solve(c_kk, c_gk.transpose(1, 2)).transpose(1, 2)
            residual = (x.gather(1, kept) - mu_kept).unsqueeze(-1)
            mean = mu_gone + (weights @ residual).squeeze(-1)
            cond = c_gg - weights @ c_gk.transpose(1, 2)
            cond = (cond + cond.transpose(1, 2)) / 2  # symmetric against rounding
            jitter = 1e-9 * torch.eye(k, dtype=cond.dtype)
            draw = mean + (torch.linalg.cholesky(cond + jitter) @ noise).squeeze(-1)
        out = x.clone()
        out.scatter_(1, gone, draw)
        return out.to(X.dtype)
