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
        self.factor = torch.linalg.cholesky(self.cov)
        self.precision = torch.cholesky_inverse(self.factor)

    def impute(
        self, X: torch.Tensor, removed: torch.Tensor, generator: torch.Generator
    ) -> torch.Tensor:
        """``X`` with the ``removed`` entries (a boolean mask, the same count in every row)
        replaced by a draw from their conditional distribution given the kept ones.

        Each row needs a factorisation of the smaller side only: with few features removed,
        of their block of the precision matrix (conditional covariance ``P_gg^-1``, mean
        ``mu_g - P_gg^-1 P_gk (x_k - mu_k)``); with few kept, of the kept ones' covariance,
        correcting a draw from the whole distribution towards the row (Matheron's rule:
        ``z_g + C_gk C_kk^-1 (x_k - z_k)``, z drawn from N(mu, C), has exactly the
        conditional distribution). On 2,000 rows of 53 inputs the deletion check's 22
        imputations took 0.3 s instead of 1.6 s (benchmarks/imputation_speed)."""
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
        x_kept = x.gather(1, kept)  # (n, d - k)
        if 2 * k <= d:
            p_gg = self.precision[gone[:, :, None], gone[:, None, :]]
            p_gk = self.precision[gone[:, :, None], kept[:, None, :]]
            chol = torch.linalg.cholesky(p_gg)  # R R^T = P_gg, so R^-T z has covariance P_gg^-1
            residual = (x_kept - self.mean[kept]).unsqueeze(-1)
            shift = torch.cholesky_solve(p_gk @ residual, chol)
            noise = torch.randn(n, k, 1, generator=generator, dtype=torch.float64)
            spread = torch.linalg.solve_triangular(chol.transpose(1, 2), noise, upper=True)
            draw = self.mean[gone] - shift.squeeze(-1) + spread.squeeze(-1)
        else:
            noise = torch.randn(n, d, generator=generator, dtype=torch.float64)
            joint = self.mean + noise @ self.factor.T  # rows drawn from N(mu, C)
            draw = joint.gather(1, gone)
            if k < d:
                c_kk = self.cov[kept[:, :, None], kept[:, None, :]]
                c_gk = self.cov[gone[:, :, None], kept[:, None, :]]
                gap = (x_kept - joint.gather(1, kept)).unsqueeze(-1)
                draw = draw + (
                    c_gk @ torch.cholesky_solve(gap, torch.linalg.cholesky(c_kk))
                ).squeeze(-1)
        out = x.clone()
        out.scatter_(1, gone, draw)
        return out.to(X.dtype)
