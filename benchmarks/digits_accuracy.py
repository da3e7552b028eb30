"""Test accuracy on digits for each architecture and optimizer with its defaults, over seeds.

Runs the data_processing steps in-process on the bundled digits (default split), then trains
each architecture (default: the MLP) with each optimizer once per seed, and prints the test
accuracy of each run, the mean, the epochs trained (early stopping) and the seconds.

    .venv/bin/python -m benchmarks.digits_accuracy [--seeds 0 1 2] [--optimizers adam sgd]
    .venv/bin/python -m benchmarks.digits_accuracy --architectures mlp cnn resnet --optimizers adam
    .venv/bin/python -m benchmarks.digits_accuracy --private   # DP-SGD at ε = 3, δ = 1e-5
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from glassbox.pipelines.data_processing.nodes import (
    fit_preprocessor,
    split_data,
    transform_rows,
    validate_raw_data,
)
from glassbox.prepare.example import DIGITS_TARGET, digits_table
from glassbox.prepare.params import DataProcessingParams
from glassbox.training.architectures import ARCHITECTURES
from glassbox.training.loop import TrainingData, train
from glassbox.training.optimizers import OPTIMIZER_NAMES
from glassbox.training.params import TrainingParams


def digits_tensors():
    params = DataProcessingParams(target=DIGITS_TARGET, image_shape=[8, 8])
    train_rows, val_rows, test_rows = split_data(validate_raw_data(digits_table(), params), params)
    prep = fit_preprocessor(train_rows, params)

    def tensors(rows):
        X, y = transform_rows(rows, prep)
        return torch.tensor(X.to_numpy()), torch.tensor(y.iloc[:, 0].to_numpy())

    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = map(tensors, (train_rows, val_rows, test_rows))
    data = TrainingData(
        X_tr, y_tr, X_va, y_va, n_classes=len(prep.classes), image_layout=prep.image_layout()
    )
    return data, X_te, y_te


# The private training docs/privacy.md recommends for digits (and the README quotes): DP-SGD
# wants larger batches, fewer epochs, a larger step and fewer weights than plain training.
PRIVATE_DIGITS = {
    "batch_size": 256,
    "epochs": 30,
    "optimizer": {"name": "adam", "lr": 0.01},
    "model": {"name": "mlp", "hidden_sizes": [32]},
    "privacy": {"enabled": True, "target_epsilon": 3.0, "target_delta": 1e-5},
}


def private_accuracy_of(seed: int, data, X_test, y_test) -> tuple[float, dict]:
    """Test accuracy and the privacy record of one private run (PRIVATE_DIGITS)."""
    params = TrainingParams.model_validate(
        {**PRIVATE_DIGITS, "seed": seed, "checkpoint_every": 0, "progress": "never"}
    )
    model, history = train(data, params)
    with torch.no_grad():
        accuracy = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
    return accuracy, history.attrs["privacy"]


def accuracy_of(
    optimizer: str, seed: int, data, X_test, y_test, architecture: str = "mlp"
) -> tuple[float, int, float]:
    params = TrainingParams(
        seed=seed,
        model={"name": architecture},
        optimizer={"name": optimizer},
        checkpoint_every=0,
        progress="never",
    )
    started = time.perf_counter()
    model, history = train(data, params)
    seconds = time.perf_counter() - started
    with torch.no_grad():
        accuracy = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
    return accuracy, len(history), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--optimizers", nargs="+", default=list(OPTIMIZER_NAMES))
    parser.add_argument("--architectures", nargs="+", default=["mlp"], choices=ARCHITECTURES)
    parser.add_argument("--private", action="store_true", help="PRIVATE_DIGITS at each seed")
    args = parser.parse_args()

    data, X_test, y_test = digits_tensors()
    print(f"digits: {len(data.X_train)} train / {len(data.X_val)} val / {len(X_test)} test rows")
    if args.private:
        runs = [private_accuracy_of(s, data, X_test, y_test) for s in args.seeds]
        print(
            f"private ({PRIVATE_DIGITS}): mean test accuracy "
            f"{statistics.mean(a for a, _ in runs):.4f}  runs {[round(a, 4) for a, _ in runs]}  "
            f"spent epsilon {[round(p['epsilon'], 3) for _, p in runs]}"
        )
        return
    for architecture in args.architectures:
        for optimizer in args.optimizers:
            runs = [
                accuracy_of(optimizer, s, data, X_test, y_test, architecture) for s in args.seeds
            ]
            accuracies = [a for a, _, _ in runs]
            print(
                f"{architecture:>6} {optimizer:>9}: mean test accuracy "
                f"{statistics.mean(accuracies):.4f}  runs {[round(a, 4) for a in accuracies]}  "
                f"epochs {[e for _, e, _ in runs]}  seconds {[round(t, 1) for _, _, t in runs]}"
            )


if __name__ == "__main__":
    main()
