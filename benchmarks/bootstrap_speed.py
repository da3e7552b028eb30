"""Bootstrap speed: glassbox's vectorised metrics against scikit-learn's, one resample at
a time, on the same resamples of a digits-sized test split (360 rows, 10 classes).

    .venv/bin/python -m benchmarks.bootstrap_speed [--resamples 200]

Prints both times for one model, their ratio, and the largest difference between the two.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from glassbox.evaluate import bootstrap
from glassbox.evaluate.metrics import classification_metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 360)
    logits = rng.normal(size=(360, 10)) + 3.0 * np.eye(10)[y]
    proba = (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype(np.float32)
    idx = bootstrap.resample_indices(len(y), args.resamples, seed=0)
    names = [str(c) for c in range(10)]

    started = time.perf_counter()
    ours = bootstrap.classification_scores(y, proba, idx)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [classification_metrics(y[i], proba[i], names) for i in idx]
    theirs_s = time.perf_counter() - started
    difference = max(abs(ours[m][b] - theirs[b][m]) for m in ours for b in range(len(idx)))
    print(f"{args.resamples} resamples of 360 rows x 10 classes, one model:")
    print(f"  scikit-learn, one resample at a time: {theirs_s:7.2f} s")
    print(f"  glassbox, all resamples as arrays:    {ours_s:7.2f} s")
    print(f"  speed-up {theirs_s / ours_s:.0f}x; largest difference {difference:.1e}")


if __name__ == "__main__":
    main()
