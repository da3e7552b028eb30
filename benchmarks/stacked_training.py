"""Runs trained together (glassbox.training.stacked) against the same runs trained one
after another (glassbox.training.loop.train).

Both train the same runs (the default MLP, batch 64) for a fixed number of epochs with
early stopping off, so both do the same work; they alternate, and the script prints the
median seconds of each and the ratio. It also prints how far apart the two ways' final
weights are (float32 rounding: batched matrix products add in another order).

    .venv/bin/python -m benchmarks.stacked_training [--epochs 20] [--repeats 3]
        [--runs comparison|seeds] [--rows N]

``--runs comparison`` (default): every optimizer x seeds 0, 1, 2, as the optimizer
comparison trains them; ``seeds``: Adam at seeds 0, 1, 2, as the seed runs. ``--rows N``:
instead of digits, N training rows of a generated table with 53 inputs (the model input of
benchmarks.make_run_stages' 60,000-row table) and 1,000 validation rows.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from sklearn.datasets import load_digits

from glassbox.training.loop import TrainingData, train
from glassbox.training.optimizers import OPTIMIZER_NAMES
from glassbox.training.params import TrainingParams
from glassbox.training.stacked import train_stacked


def digits() -> TrainingData:
    X, y = load_digits(return_X_y=True)
    X = torch.tensor((X - X.mean(0)) / (X.std(0) + 1e-6), dtype=torch.float32)
    y = torch.tensor(y)
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
    train_rows, val_rows = order[:1078], order[1078:1438]  # the default split's sizes
    return TrainingData(X[train_rows], y[train_rows], X[val_rows], y[val_rows], n_classes=10)


def generated(rows: int) -> TrainingData:
    g = torch.Generator().manual_seed(0)
    X = torch.randn(rows + 1000, 53, generator=g)
    y = (X[:, :6].sum(dim=1) + 0.3 * torch.randn(rows + 1000, generator=g) > 0).long()
    return TrainingData(X[:rows], y[:rows], X[rows:], y[rows:], n_classes=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", choices=("comparison", "seeds"), default="comparison")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    data = generated(args.rows) if args.rows else digits()
    optimizers = OPTIMIZER_NAMES if args.runs == "comparison" else ["adam"]
    runs = [
        TrainingParams(
            seed=seed,
            epochs=args.epochs,
            optimizer={"name": name},
            early_stopping={"patience": None},
            checkpoint_every=0,
            progress="never",
            device="cpu",
        )
        for name in optimizers
        for seed in (0, 1, 2)
    ]
    seconds: dict[str, list[float]] = {"one after another": [], "stacked": []}
    for _ in range(args.repeats):
        started = time.perf_counter()
        separate = [train(data, params) for params in runs]
        seconds["one after another"].append(time.perf_counter() - started)
        started = time.perf_counter()
        stacked = train_stacked(data, runs)
        seconds["stacked"].append(time.perf_counter() - started)
    worst = max(
        (a - b).abs().max().item()
        for (m1, _), (m2, _) in zip(separate, stacked, strict=True)
        for a, b in zip(m1.state_dict().values(), m2.state_dict().values(), strict=True)
    )
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    print(  # noqa: T201
        f"{len(runs)} runs x {args.epochs} epochs on "
        f"{f'{args.rows:,} generated rows' if args.rows else 'digits'}, "
        f"{torch.get_num_threads()} thread(s), median of {args.repeats}:"
    )
    for name, value in medians.items():
        print(f"  {name:18s} {value:6.2f} s")  # noqa: T201
    ratio = medians["one after another"] / medians["stacked"]
    print(f"  stacked is {ratio:.2f}x faster; largest weight difference {worst:.1e}")  # noqa: T201


if __name__ == "__main__":
    main()
