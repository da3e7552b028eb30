"""What private training costs per epoch: a plain epoch, glassbox's private epoch, and
Opacus's ways of computing per-row gradients, side by side on one table.

The default MLP (hidden sizes [64, 32]) with Adam, expected batch 256, on a synthetic table
(200,000 training rows x 100 features, 10 classes). Measured, alternating, ``--repeats`` times:

- ``plain``: glassbox's loop without privacy (shuffled batches);
- ``glassbox private``: glassbox's loop with ``training.privacy.enabled`` (what `auto`
  picks for this model: per-row clipping in one backward pass, Poisson batches by index);
- ``glassbox loop, opacus ghost`` / ``glassbox loop, opacus hooks``: the same loop with
  ``per_sample_gradients`` set to Opacus's modes;
- ``opacus default``: what Opacus's documentation shows: ``PrivacyEngine.make_private`` on a
  ``DataLoader`` (Poisson sampling, hooks mode).

Each figure is one epoch's seconds (the loop's ``epoch_seconds``; the noise multiplier's
search happens before and is not counted). Prints the median per variant and its ratio to
the plain epoch.

    .venv/bin/python -m benchmarks.dp_training [--rows 200000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import torch
from sklearn.datasets import make_classification
from torch import nn

from glassbox.training.loop import TrainingData, train
from glassbox.training.mlp import MLP
from glassbox.training.params import TrainingParams

BATCH = 256
LR = 1e-3


def loop_epoch(data: TrainingData, privacy: dict | None, seed: int) -> float:
    settings = {
        "seed": seed,
        "epochs": 1,
        "batch_size": BATCH,
        "checkpoint_every": 0,
        "progress": "never",
        "device": "cpu",
        "optimizer": {"name": "adam", "lr": LR},
    }
    if privacy is not None:
        settings["privacy"] = {"enabled": True, "target_epsilon": 3.0, **privacy}
    _, history = train(data, TrainingParams.model_validate(settings))
    return float(history["epoch_seconds"].iloc[0])


def opacus_default_epoch(data: TrainingData, noise_multiplier: float, seed: int) -> float:
    """Opacus's tutorial loop: PrivacyEngine.make_private over a DataLoader."""
    from opacus import PrivacyEngine
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(seed)
    model = MLP(data.X_train.shape[1], data.n_classes, [64, 32])
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    loader = DataLoader(TensorDataset(data.X_train, data.y_train), batch_size=BATCH)
    engine = PrivacyEngine(accountant="prv")
    model, optimizer, loader = engine.make_private(
        module=model,
        optimizer=optimizer,
        data_loader=loader,
        noise_multiplier=noise_multiplier,
        max_grad_norm=1.0,
    )
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    started = time.perf_counter()
    for X, y in loader:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(X), y).backward()
        optimizer.step()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    # --rows training rows, and a tenth more for validation
    rows = options.rows + options.rows // 10
    X, y = make_classification(rows, 100, n_informative=20, n_classes=10, random_state=0)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    cut = options.rows
    data = TrainingData(X[:cut], y[:cut], X[cut:], y[cut:], n_classes=10)
    variants = {
        "plain": lambda seed: loop_epoch(data, None, seed),
        "glassbox private": lambda seed: loop_epoch(data, {}, seed),
        "glassbox loop, opacus ghost": lambda seed: loop_epoch(
            data, {"per_sample_gradients": "ghost"}, seed
        ),
        "glassbox loop, opacus hooks": lambda seed: loop_epoch(
            data, {"per_sample_gradients": "hooks"}, seed
        ),
        "opacus default (make_private, DataLoader)": lambda seed: opacus_default_epoch(
            data, 1.0, seed
        ),
    }
    seconds: dict[str, list[float]] = {name: [] for name in variants}
    for repeat in range(options.repeats):
        for name, epoch in variants.items():
            seconds[name].append(epoch(repeat))
        done = ", ".join(f"{n} {s[-1]:.2f} s" for n, s in seconds.items())
        print(f"repeat {repeat + 1}: {done}", flush=True)
    plain = statistics.median(seconds["plain"])
    print(
        f"\n{cut:,} training rows x {X.shape[1]} features, batch {BATCH}, median of "
        f"{options.repeats}, one thread per process (glassbox's policy):"
    )
    print("| epoch | seconds | / plain |\n| --- | --- | --- |")
    for name, values in seconds.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} | {median / plain:.2f}x |")


if __name__ == "__main__":
    main()
