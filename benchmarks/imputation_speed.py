"""The deletion check's on-data imputation: glassbox's draw against the textbook one.

The deletion check (glassbox/explain/trust.py) removes a row's top features in eleven
steps, for each method's order and a random one, and draws the removed features from their
distribution given the kept ones (glassbox/explain/imputation.py). The textbook draw
factorises the kept features' covariance for every row whatever is removed; glassbox's
factorises only the smaller side (the removed ones' block of the precision matrix, or the
kept ones' covariance with Matheron's rule).

    .venv/bin/python -m benchmarks.imputation_speed [--rows 2000] [--features 53]

Prints the seconds of one sweep (both orders, eleven steps) for each, medians of five
alternating repeats, their ratio, and how far the two draws' means over the rows differ
(the same distribution, different noise: under a tenth of a standard deviation).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from glassbox import thread_policy
from glassbox.explain.imputation import GaussianImputer


def textbook(imputer: GaussianImputer, X, removed, generator) -> torch.Tensor:
    """The conditional Gaussian draw through the kept features' covariance, row by row in
    one batch (glassbox's implementation before the two-sided one)."""
    k = int(removed[0].sum())
    n, d = X.shape
    order = torch.argsort(removed.to(torch.int8), dim=1, descending=True, stable=True)
    gone, kept = order[:, :k], order[:, k:]
    x = X.double()
    cov, mu = imputer.cov, imputer.mean
    noise = torch.randn(n, k, 1, generator=generator, dtype=torch.float64)
    c_gg = cov[gone[:, :, None], gone[:, None, :]]
    if k == d:
        draw = mu[gone] + (torch.linalg.cholesky(c_gg) @ noise).squeeze(-1)
    else:
        c_kk = cov[kept[:, :, None], kept[:, None, :]]
        c_gk = cov[gone[:, :, None], kept[:, None, :]]
        weights = torch.linalg.solve(c_kk, c_gk.transpose(1, 2)).transpose(1, 2)
        residual = (x.gather(1, kept) - mu[kept]).unsqueeze(-1)
        mean = mu[gone] + (weights @ residual).squeeze(-1)
        cond = c_gg - weights @ c_gk.transpose(1, 2)
        cond = (cond + cond.transpose(1, 2)) / 2
        jitter = 1e-9 * torch.eye(k, dtype=cond.dtype)
        draw = mean + (torch.linalg.cholesky(cond + jitter) @ noise).squeeze(-1)
    out = x.clone()
    out.scatter_(1, gone, draw)
    return out.to(X.dtype)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--features", type=int, default=53)
    args = parser.parse_args()
    n, d = args.rows, args.features
    g = torch.Generator().manual_seed(0)
    X_train = torch.randn(10_000, d, generator=g) @ torch.randn(d, d, generator=g)
    imputer = GaussianImputer(X_train)
    X = X_train[:n]
    masks = []
    for order in (torch.argsort(X.abs(), dim=1), torch.argsort(torch.rand(n, d, generator=g))):
        for step in range(11):
            removed = torch.zeros(n, d, dtype=torch.bool)
            removed.scatter_(1, order[:, : round(step / 10 * d)], True)
            masks.append(removed)

    def sweep(draw) -> tuple[float, list]:
        started = time.perf_counter()
        drawn = [draw(X, m, torch.Generator().manual_seed(1)) for m in masks]
        return time.perf_counter() - started, drawn

    times: dict[str, list[float]] = {"textbook": [], "glassbox": []}
    for _ in range(5):
        seconds, theirs = sweep(lambda *a: textbook(imputer, *a))
        times["textbook"].append(seconds)
        seconds, ours = sweep(imputer.impute)
        times["glassbox"].append(seconds)
    sd = X_train.std(dim=0)
    gap = max(
        float(((a.mean(0) - b.mean(0)).abs() / sd).max()) for a, b in zip(theirs, ours, strict=True)
    )
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{n} rows x {d} inputs, {len(masks)} imputations, {thread_policy.describe()}")
    print(f"textbook: {median['textbook']:.3f} s   glassbox: {median['glassbox']:.3f} s")
    print(f"ratio: {median['textbook'] / median['glassbox']:.1f}x")
    print(f"largest difference of the mean draw over the rows: {gap:.3f} standard deviations")


if __name__ == "__main__":
    main()
