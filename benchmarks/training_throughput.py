"""Training throughput: glassbox's training loop against a minimal hand-written PyTorch loop.

Both train the default MLP (hidden sizes [64, 32]) with Adam, batch 256, on the same
synthetic table (200,000 rows x 100 features, 10 classes), one epoch per repeat. The two
alternate, so machine noise hits both alike; the script prints the median samples per
second of each and their ratio (glassbox / hand-written).

    .venv/bin/python -m benchmarks.training_throughput [--rows 200000] [--repeats 5]

When CUDA is present it measures on the GPU as well (the table moved to the device first,
as `training.device: cuda` does); elsewhere it says the GPU variant was not run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from sklearn.datasets import make_classification
from torch import nn

from glassbox.training.loop import TrainingData, train
from glassbox.training.mlp import MLP
from glassbox.training.params import TrainingParams

BATCH = 256


def hand_written_epoch(X: torch.Tensor, y: torch.Tensor, n_classes: int, seed: int) -> None:
    """The loop a PyTorch user writes first: shuffle, slice, forward, backward, step."""
    torch.manual_seed(seed)
    model = MLP(X.shape[1], n_classes, [64, 32]).to(X.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(len(X)).to(X.device)
    for start in range(0, len(X), BATCH):
        index = order[start : start + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(X[index]), y[index])
        loss.backward()
        optimizer.step()


def glassbox_epoch(data: TrainingData, seed: int) -> None:
    device = data.X_train.device.type
    params = TrainingParams(
        seed=seed, epochs=1, batch_size=BATCH, checkpoint_every=0, progress="never", device=device
    )
    train(data, params)


def finished(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()  # CUDA kernels run asynchronously: wait before timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    X, y = make_classification(
        n_samples=args.rows + 2_000, n_features=100, n_informative=20, n_classes=10, random_state=0
    )
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    else:
        print("CUDA not available: the GPU variant is not run on this machine")
    for device in devices:
        measure(X.to(device), y.to(device), args.rows, args.repeats)


def measure(X: torch.Tensor, y: torch.Tensor, rows: int, repeats: int) -> None:
    X_train, y_train = X[:rows], y[:rows]
    # glassbox also scores a validation set each epoch; a small one, as in real use.
    data = TrainingData(X_train, y_train, X[rows:], y[rows:], n_classes=10)

    timings = {"glassbox": [], "hand-written": []}
    glassbox_epoch(data, seed=0)  # warm-up: first-call allocations and thread pools
    hand_written_epoch(X_train, y_train, 10, seed=0)
    for repeat in range(repeats):
        for name in (
            ("glassbox", "hand-written") if repeat % 2 == 0 else ("hand-written", "glassbox")
        ):
            started = time.perf_counter()
            if name == "glassbox":
                glassbox_epoch(data, seed=repeat)
            else:
                hand_written_epoch(X_train, y_train, 10, seed=repeat)
            finished(X.device)
            timings[name].append(rows / (time.perf_counter() - started))

    print(
        f"device={X.device.type} rows={rows} features=100 classes=10 batch={BATCH} "
        f"repeats={repeats} threads={torch.get_num_threads()}"
    )
    for name, values in timings.items():
        print(
            f"{name:>13}: median {statistics.median(values):,.0f} samples/s "
            f"(runs: {', '.join(f'{v:,.0f}' for v in values)})"
        )
    ratio = statistics.median(timings["glassbox"]) / statistics.median(timings["hand-written"])
    print(f"ratio glassbox / hand-written: {ratio:.3f}")


if __name__ == "__main__":
    main()
